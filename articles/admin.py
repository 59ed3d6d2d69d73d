import reversion
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.models import Version

from articles.admin_forms import ArticleAdminForm
from articles.diff import word_diff
from articles.models import Article, ProblemReport, Reference
from articles.readability import measure
from page_cache.generations import Scope, changed


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    fields = ["position", "title", "publisher", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "unpublished_changes", "position", "last_reviewed", "review_due"]
    list_filter = ["status", "show_urgent_help"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ReferenceInline]
    actions = ["unpublish"]
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "show_urgent_help"]}),
        ("Publishing", {"fields": ["published_at", "position"]}),
        ("Governance", {"fields": ["author", "reviewer", "last_reviewed", "next_review_due"]}),
        ("Readability (of the saved text)", {"fields": ["readability"]}),
        ("This save", {"fields": ["change_note", "expected_version"]}),
    ]
    readonly_fields = ["readability"]
    object_history_template = "admin/articles/article/object_history.html"

    class Media:
        css = {"all": ["css/admin-extra.css"]}

    def get_queryset(self, request):
        # Overdue and soon-due reviews first: they need an editor's attention.
        return super().get_queryset(request).prefetch_related("references").order_by("next_review_due", "position")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    # --- Columns -----------------------------------------------------------

    @admin.display(description="State", ordering="status")
    def state(self, article):
        if article.status == Article.Status.DRAFT:
            return "Draft"
        return (
            "Live" if article.is_public else f"Scheduled for {timezone.localtime(article.published_at):%d %b %Y %H:%M}"
        )

    @admin.display(description="Unpublished changes", boolean=True)
    def unpublished_changes(self, article):
        return article.has_unpublished_changes

    @admin.display(description="Next review due", ordering="next_review_due")
    def review_due(self, article):
        if article.review_overdue:
            return format_html('<strong class="review-overdue">Overdue since {}</strong>', article.next_review_due)
        return article.next_review_due

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
        # Review dates, names and the reading order show on public pages at once.
        changed(Scope.ARTICLES)
        # Published after the references are saved, so the live copy includes them.
        if "_publish" in request.POST:
            form.instance.publish(by=request.user, note=form.cleaned_data["change_note"])
            messages.success(request, f"“{form.instance.title}” is published: patients see this version.")
        elif change and form.instance.status == Article.Status.PUBLISHED:
            messages.info(request, "Saved as a draft. Patients still see the published version until you publish.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = self.has_publish_permission(request)
        if obj is not None:
            context["preview_url"] = reverse("articles:preview", args=[obj.slug])
            context["has_unpublished_changes"] = obj.has_unpublished_changes
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Unpublish the selected articles", permissions=["publish"])
    def unpublish(self, request, queryset):
        for article in queryset:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Unpublished.")
                article.unpublish()
        self.message_user(request, f"{len(queryset)} article(s) unpublished: patients no longer see them.")

    # --- History: compare any two revisions, restore one as a new revision ---

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path("<int:object_id>/history/compare/", compare, name="articles_article_compare"),
            path("<int:object_id>/history/<int:version_id>/restore/", restore, name="articles_article_restore"),
            *super().get_urls(),
        ]

    def _versions(self, article):
        return Version.objects.get_for_object(article).select_related("revision__user")

    def history_view(self, request, object_id, extra_context=None):
        article = get_object_or_404(Article, pk=object_id)
        return super().history_view(request, object_id, {"versions": self._versions(article), **(extra_context or {})})

    def compare_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = self._versions(article)
        older = get_object_or_404(versions, pk=request.GET.get("from", 0))
        newer = get_object_or_404(versions, pk=request.GET.get("to", 0))
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        fields = [
            (label, word_diff(older.field_dict[name], newer.field_dict[name]))
            for label, name in [("Title", "title"), ("Summary", "summary"), ("Body", "body")]
        ]
        fields.append(("References", word_diff(_references_text(older), _references_text(newer))))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Compare versions of “{article.title}”",
            "older": older,
            "newer": newer,
            "fields": fields,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = get_object_or_404(Article, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(self._versions(article), pk=version_id)
        saved_on = timezone.localtime(version.revision.date_created)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Restored the version saved on {saved_on:%d %B %Y at %H:%M}.")
            article.restore(version)
        messages.success(
            request, "The old version is restored as the draft. Check it, then publish it if patients should see it."
        )
        return redirect("admin:articles_article_change", article.pk)


def _references_text(version):
    lines = [
        f"{ref.field_dict['title']} | {ref.field_dict['publisher']} | {ref.field_dict['url']}"
        for ref in version.revision.version_set.all()
        if ref._model is Reference
    ]
    return "\n".join(sorted(lines))


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
