from django import forms


class AccessibleErrorsMixin:
    """Link each invalid field to its error message, so screen readers announce it.

    Django links help text on its own (aria-describedby="<id>_helptext"); once a
    field has an error we set the attribute ourselves, naming both.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_error"]
            if bound.help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(described_by)})


class HoneypotMixin:
    """A field people never see and simple robots fill in (hidden by CSS, skipped by the keyboard)."""

    honeypot_field = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = forms.CharField(
            label="Leave this empty",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def is_spam(self):
        return bool(self.data.get(self.honeypot_field))
