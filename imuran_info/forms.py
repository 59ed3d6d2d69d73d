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
