from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from articles.models import Article, Reference


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
    ]

    def get_queryset(self, request):
        # Overdue and soon-due reviews first: they need an editor's attention.
        return super().get_queryset(request).order_by("next_review_due", "position")

    @admin.display(description="Next review due", ordering="next_review_due")
    def review_due(self, article):
        today = timezone.localdate()
        if article.next_review_due < today:
            return format_html('<strong class="review-overdue">Overdue since {}</strong>', article.next_review_due)
        return article.next_review_due

    def view_on_site(self, article):
        return article.get_absolute_url()
