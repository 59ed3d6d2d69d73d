from django import forms

from articles.models import ProblemReport
from imuran_info.forms import AccessibleErrorsMixin


class ProblemReportForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["kind", "message"]
        widgets = {"kind": forms.RadioSelect, "message": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "message": "Please do not include your name, contact details or personal medical details. "
            "We cannot reply or give medical advice.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" placeholder choice.
        self.fields["kind"].choices = ProblemReport.Kind.choices
