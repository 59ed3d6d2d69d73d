from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from articles.models import Article, ProblemReport, Reference
from articles.readability import measure


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    fields = ["position", "title", "publisher", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "position", "published_at", "last_reviewed", "review_due"]
    list_filter = ["status", "show_urgent_help"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ReferenceInline]
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "show_urgent_help"]}),
        ("Publishing", {"fields": ["status", "published_at", "position"]}),
        ("Governance", {"fields": ["author", "reviewer", "last_reviewed", "next_review_due"]}),
        ("Readability (of the saved text)", {"fields": ["readability"]}),
    ]
    readonly_fields = ["readability"]

    def get_queryset(self, request):
        # Overdue and soon-due reviews first: they need an editor's attention.
        return super().get_queryset(request).order_by("next_review_due", "position")

    @admin.display(description="Next review due", ordering="next_review_due")
    def review_due(self, article):
        today = timezone.localdate()
        if article.next_review_due < today:
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

    def view_on_site(self, article):
        return article.get_absolute_url()


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
