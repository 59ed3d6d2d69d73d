from django.contrib import admin

from page_cache.generations import Scope, changed
from stories.admin.story import StoryAdmin
from stories.models import SideEffect, StoryReport

__all__ = ["StoryAdmin", "StoryReportAdmin", "SideEffectAdmin"]


@admin.register(StoryReport)
class StoryReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "created_at", "resolved"]
    list_filter = ["resolved", "reason"]
    fields = ["story", "reason", "note", "created_at", "resolved"]
    readonly_fields = ["story", "reason", "note", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SideEffect)
class SideEffectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    # Published stories show their tags: a renamed, moved or deleted tag must reach those pages.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed(Scope.STORIES)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        changed(Scope.STORIES)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        changed(Scope.STORIES)
