from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from reversion.models import Version

from articles.models import Article


class ArticleAdminForm(forms.ModelForm):
    change_note = forms.CharField(
        label="What changed?",
        max_length=300,
        help_text="A short note for the history, e.g. “Updated the vaccine advice”. "
        "Readers see it in the page's change log when the change is published.",
    )
    # The version this form was opened at: the lock that stops lost edits.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "show_urgent_help",
            "published_at", "position", "author", "reviewer", "last_reviewed", "next_review_due",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version
        self.fields["published_at"].label = "Publish at"
        self.fields[
            "published_at"
        ].help_text = "Site time (UK). Leave empty to publish at once; a later time schedules the first publication."

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Lock the row until this save ends, so two saves cannot both pass the check.
            current = Article.objects.select_for_update().filter(pk=self.instance.pk).values("version").first()
            if current and cleaned.get("expected_version") != current["version"]:
                self._refuse_conflicting_save(current["version"])
        return cleaned

    def _refuse_conflicting_save(self, current_version):
        last = Version.objects.get_for_object(self.instance).select_related("revision__user").first()
        who = last.revision.user if last and last.revision.user else "another editor"
        when = timezone.localtime(last.revision.date_created) if last else timezone.localtime(self.instance.updated_at)
        # Saving again after reading this message is a deliberate choice to
        # replace their version, so the form now carries the current number.
        data = self.data.copy()
        data["expected_version"] = current_version
        self.data = data
        raise ValidationError(
            "Not saved: %(who)s saved this article at %(when)s, after you opened it. "
            "Your text is still in the form below. Open the article's history in a new tab to see their "
            "change, merge what you need into your text, then save again.",
            code="edit_conflict",
            params={"who": who, "when": when.strftime("%H:%M on %d %B %Y")},
        )
