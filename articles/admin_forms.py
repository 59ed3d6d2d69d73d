from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from articles.diff import word_diff
from articles.dose_check import dose_numbers
from articles.markup import foreign_image_message, render
from articles.models import Article, FormerSlug

# The fields an editor's save may change at once; what patients see changes only through publish().
EDITABLE_FIELDS = [
    "title", "slug", "draft_slug", "summary", "body", "show_urgent_help",
    "go_live_at", "position", "author", "reviewer", "last_reviewed", "next_review_due",
]  # fmt: skip
CONFLICT_FIELDS = [("Title", "title"), ("Summary", "summary"), ("Body", "body")]


class ArticleAdminForm(forms.ModelForm):
    # Set by ArticleAdmin.get_form for each request.
    publishing = False
    can_publish = False

    change_note = forms.CharField(
        label="What changed?",
        max_length=300,
        help_text="A short note for the history, e.g. “Updated the vaccine advice”. "
        "Readers see it in the page's change log when the change is published.",
    )
    dose_override_reason = forms.CharField(
        label="Publish with dose numbers because…",
        required=False,
        max_length=500,
        help_text="Publishers only. Leave empty unless a clinician agreed that these numbers must stay; "
        "the reason is kept with the publication.",
    )
    # The edit count this form was opened at: the lock that stops lost edits.
    edit_count_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # After a refused save: the edit count whose text the editor has merged into theirs.
    conflict_edit_count = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_merge = forms.BooleanField(
        label="I have merged their changes into my text",
        required=False,
        widget=forms.HiddenInput,
        help_text="Tick this once the form holds everything of theirs that should stay; saving then replaces "
        "their version with yours.",
    )

    class Meta:
        model = Article
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.dose_text, self.dose_matches = "", []
        self.fields["edit_count_seen"].initial = self.instance.edit_count
        if "dose_override_reason" in self.fields and not self.can_publish:
            del self.fields["dose_override_reason"]
        if "go_live_at" in self.fields and hasattr(self.fields["go_live_at"].widget, "widgets"):
            # Django's split date-time widget writes "Date:" and "Time:" as plain text, not labels.
            date, time = self.fields["go_live_at"].widget.widgets
            date.attrs["aria-label"], time.attrs["aria-label"] = "Publish at: date", "Publish at: time"

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and not self.fields["slug"].disabled:
            self._check_address_is_free(slug)
        return slug

    def clean_draft_slug(self):
        draft_slug = self.cleaned_data.get("draft_slug", "")
        if draft_slug == self.instance.slug:
            return ""
        if draft_slug:
            self._check_address_is_free(draft_slug)
        return draft_slug

    def _check_address_is_free(self, slug):
        # Addresses differ by more than case: /articles/Overview/ and /articles/overview/ are one page to people.
        others = Article.objects.exclude(pk=self.instance.pk)
        if others.filter(Q(slug__iexact=slug) | Q(draft_slug__iexact=slug)).exists():
            raise ValidationError("Another article uses this address. Choose another.")
        if FormerSlug.objects.filter(slug__iexact=slug).exclude(article=self.instance.pk).exists():
            raise ValidationError("This was another article's address and still leads there. Choose another.")

    def clean_body(self):
        body = self.cleaned_data["body"]
        foreign = render(body).foreign_images
        if foreign:
            raise ValidationError(foreign_image_message(foreign))
        return body

    def clean(self):
        cleaned = super().clean()
        last, due = cleaned.get("last_reviewed"), cleaned.get("next_review_due")
        if last and due and due <= last:
            self.add_error("next_review_due", "The next review must come after the last review.")
        self.dose_text = "\n\n".join(cleaned.get(name) or "" for name in ["title", "summary", "body"])
        self.dose_matches = dose_numbers(self.dose_text)
        if self.publishing and self.dose_matches and not cleaned.get("dose_override_reason", "").strip():
            self.add_error(
                "body",
                "Not published: the text has dose numbers (highlighted above the form). Remove them"
                + (", or give a reason to publish them anyway." if self.can_publish else "."),
            )
        if self.instance.pk:
            self._check_edit_lock(cleaned)
        return cleaned

    def _check_edit_lock(self, cleaned):
        # Lock the row until this save ends, so two saves cannot both pass the check.
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or cleaned.get("edit_count_seen") == current.edit_count:
            return
        if cleaned.get("confirm_merge") and cleaned.get("conflict_edit_count") == current.edit_count:
            return  # they saw this very text and merged it into theirs
        self._refuse_conflicting_save(current, cleaned)

    def _refuse_conflicting_save(self, current, cleaned):
        last = Version.objects.get_for_object(current).select_related("revision__user").first()
        who = last.revision.user if last and last.revision.user else "another editor"
        when = timezone.localtime(last.revision.date_created if last else current.updated_at)
        self.conflict = {
            "who": who,
            "when": when,
            "fields": [
                (label, word_diff(getattr(current, name), cleaned.get(name)))
                for label, name in CONFLICT_FIELDS
                if getattr(current, name) != cleaned.get(name)
            ],
        }
        # The merge box appears, unticked, and applies only to the text shown now.
        data = self.data.copy()
        data["conflict_edit_count"] = current.edit_count
        data.pop("confirm_merge", None)
        self.data = data
        self.fields["confirm_merge"].widget = forms.CheckboxInput()
        raise ValidationError(
            "Not saved: %(who)s saved this article at %(when)s, after you opened it. Their text and yours are "
            "compared above the form; merge, tick “I have merged their changes into my text”, then save.",
            code="edit_conflict",
            params={"who": who, "when": date_format(when, "DATETIME_FORMAT")},
        )
