from django import forms

from articles.models import ProblemReport
from imuran_info.forms import AccessibleErrorsMixin, HoneypotMixin


class ProblemReportForm(AccessibleErrorsMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["kind", "message"]
        widgets = {"kind": forms.RadioSelect, "message": forms.Textarea(attrs={"rows": 5})}
        # The public form's own words; the admin may label these fields for staff.
        labels = {"kind": "What is the problem?", "message": "Tell us more"}
        help_texts = {
            "message": "What is wrong, and where on the page? Please do not include your name, contact details "
            "or personal medical details. We cannot reply or give medical advice.",
        }
        # Each message names what to do, so the error summary can show it alone.
        error_messages = {
            "kind": {
                "required": "Choose what kind of problem you found.",
                "invalid_choice": "Choose one of the kinds of problem listed.",
            },
            "message": {
                "required": "Tell us more about the problem, so an editor can find it.",
                "max_length": "Your note must be 2,000 characters or fewer. Please make it shorter.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" placeholder choice.
        self.fields["kind"].choices = ProblemReport.Kind.choices
        # No maxlength: a browser would silently cut a pasted note; the server explains instead.
        self.fields["message"].widget.attrs.pop("maxlength", None)
