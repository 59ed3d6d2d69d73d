from django import forms

from imuran_info.forms import AccessibleErrorsMixin

MESSAGE_MAX_LENGTH = 3000


class ContactForm(AccessibleErrorsMixin, forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Up to 3,000 characters. Please do not include medical details: we cannot give medical advice.",
        error_messages={
            "required": "Write your message.",
            "max_length": "Your message must be 3,000 characters or fewer. Please make it shorter.",
        },
    )
    name = forms.CharField(
        label="Your name",
        max_length=100,
        required=False,
        help_text="So we know what to call you. Any name will do.",
        error_messages={"max_length": "Your name must be 100 characters or fewer."},
    )
    email = forms.EmailField(
        label="Your e-mail address",
        required=False,
        help_text="Only if you would like a reply. We use it for nothing else.",
        error_messages={"invalid": "Enter an e-mail address in the right format, like name@example.com."},
    )
    # The honeypot: hidden from people, filled in by robots that fill in everything.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength: a browser would silently cut a pasted message; the server explains instead.
        self.fields["message"].widget.attrs.pop("maxlength", None)

    @property
    def is_spam(self):
        return bool(self.data.get("website", "").strip())
