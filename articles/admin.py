import reversion
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from articles.admin_forms import ArticleAdminForm
from articles.admin_history import HistoryAdminMixin
from articles.admin_images import ArticleImageAdmin  # noqa: F401 (registers the image library)
from articles.admin_workflow import StateFilter, WorkflowAdminMixin
from articles.dose_check import dose_numbers, in_context
from articles.models import Article, ProblemReport, Reference
from articles.readability import measure
from page_cache.generations import Scope, changed


class ReferenceFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table's column headings are no labels: name each box for screen readers.
        row = "new reference" if index is None else f"reference {index + 1}"
        for field in form.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} of {row}"


class ReferenceInline(admin.TabularInline):
    model = Reference
    formset = ReferenceFormSet
    extra = 1
    fields = ["position", "title", "publisher", "url"]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.PositiveSmallIntegerField: {"widget": admin.widgets.AdminIntegerFieldWidget(attrs={"size": 3})},
    }


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "position", "last_reviewed", "review_due"]
    list_filter = [StateFilter, "show_urgent_help"]
    search_fields = ["title", "summary", "body"]
    inlines = [ReferenceInline]
    actions = ["unpublish_selected"]
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    object_history_template = "admin/articles/article/object_history.html"

    class Media:
        css = {"all": ["css/admin-extra.css"]}
        js = ["js/article-editor.js"]

    def get_queryset(self, request):
        # Overdue and soon-due reviews first: they need an editor's attention.
        return super().get_queryset(request).prefetch_related("references").order_by("next_review_due", "position")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def get_fieldsets(self, request, obj=None):
        published = obj is not None and obj.status == Article.Status.PUBLISHED
        address = ["slug", "draft_slug"] if published else ["slug"]
        timing = ["published_at"] if obj is not None and obj.is_public else ["go_live_at"]
        this_save = ["change_note", "edit_count_seen", "conflict_edit_count", "confirm_merge"]
        if self.has_publish_permission(request):
            this_save.insert(1, "dose_override_reason")
        return [
            (None, {"fields": ["title", *address, "summary", "body", "show_urgent_help"]}),
            ("Publishing", {"fields": [*timing, "position"]}),
            ("Governance", {"fields": ["author", "reviewer", "last_reviewed", "next_review_due"]}),
            ("Readability (of the saved text)", {"fields": ["readability"]}),
            ("This save", {"fields": this_save}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # A published article's address and publish time belong to publishers: they change through publish().
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            return ["readability", "slug", "published_at"]
        return ["readability"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else {"slug": ["title"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        flags = {"publishing": "_publish" in request.POST, "can_publish": self.has_publish_permission(request)}
        return type(form.__name__, (form,), flags)

    # --- Columns -----------------------------------------------------------

    @admin.display(description="State")
    def state(self, article):
        return article.state_in_words()

    @admin.display(description="Next review due", ordering="next_review_due")
    def review_due(self, article):
        due = date_format(article.next_review_due)
        if article.review_overdue:
            return format_html('<strong class="review-overdue">Overdue since {}</strong>', due)
        return due

    @admin.display(description="Scores")
    def readability(self, article):
        if not article.pk:
            return "Save the article to see its scores."
        figures = measure(article.body_html)
        return format_html(
            "Flesch-Kincaid grade <strong>{}</strong> (aim for 8 or lower) · reading ease {} · {} words · "
            "about {} min to read",
            f"{figures.grade:.1f}",
            f"{figures.reading_ease:.0f}",
            figures.words,
            figures.minutes,
        )

    # --- Saving: every save is a revision with its note; publishing is explicit ---

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_publish" in request.POST and not self.has_publish_permission(request):
            raise PermissionDenied
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        # The editor's own words go into the admin log entry, as into the revision.
        return form.cleaned_data["change_note"]

    def save_model(self, request, obj, form, change):
        reversion.set_comment(form.cleaned_data["change_note"])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article, note = form.instance, form.cleaned_data["change_note"]
        # Review dates, names and the reading order show on public pages at once.
        changed(Scope.ARTICLES)
        # Published after the references are saved, so the live copy includes them.
        if "_publish" in request.POST:
            moved_from = article.slug if article.moves_on_publish else None
            reason = form.cleaned_data.get("dose_override_reason", "") if form.dose_matches else ""
            if reason:
                reversion.set_comment(f"{note} (Published with dose numbers: {reason})")
            article.publish(by=request.user, note=note, dose_override_reason=reason)
            self._tell_published(request, article, moved_from)
        elif "_submit" in request.POST:
            review_url = request.build_absolute_uri(reverse("admin:articles_article_change", args=[article.pk]))
            told = article.submit_for_review(by=request.user, note=note, review_url=review_url)
            messages.success(request, f"“{article.title}” is saved and waits for a publisher's review.")
            if not told:
                messages.warning(request, "The e-mail to publishers could not be sent: tell them it is waiting.")
        elif change and article.status == Article.Status.PUBLISHED:
            messages.info(request, "Saved as a draft. Patients still see the published version until it is published.")
        if form.dose_matches and "_publish" not in request.POST:
            found = ", ".join(f"“{match['match']}”" for match in form.dose_matches)
            messages.warning(
                request, f"The text has dose numbers ({found}): a publisher will be stopped until they go."
            )

    def _tell_published(self, request, article, moved_from):
        if article.is_public:
            text = f"“{article.title}” is live: patients see this version."
        else:
            when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            text = f"“{article.title}” is scheduled for {when}: patients see it from then."
        if moved_from:
            text += f" Its address is now {article.get_absolute_url()}; /articles/{moved_from}/ redirects there."
        messages.success(request, text)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = self.has_publish_permission(request)
        context["checks_url"] = reverse("article_checks")
        context["image_library_url"] = reverse("image_library")
        form = context["adminform"].form
        if form.is_bound:
            # The text just sent, even when it was refused: that is what the editor must fix.
            text, matches = form.dose_text, form.dose_matches
        else:
            text = "\n\n".join([obj.title, obj.summary, obj.body]) if obj is not None else ""
            matches = dose_numbers(text)
        context["dose_matches"] = [in_context(text, match) for match in matches]
        if obj is not None:
            context["article"] = obj
            context["preview_url"] = reverse("articles:preview", args=[obj.slug])
            context["state"] = obj.state_in_words()
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "created_at", "resolved"]
    list_filter = ["resolved", "kind", "article"]
    list_editable = ["resolved"]
    readonly_fields = ["article", "kind", "message", "created_at"]
    search_fields = ["message"]

    def has_add_permission(self, request):
        # Reports come from readers only.
        return False
