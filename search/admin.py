from django.contrib import admin
from django.db import transaction
from django.db.models import Sum

from page_cache.generations import Scope, changed
from search import report
from search.index import rebuild_vocabulary
from search.models import Synonym, WeeklySearch

# At most this many results counts as "few": the searches the guide answers badly.
FEW_RESULTS = 2


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["words", "means"]
    search_fields = ["words", "means"]

    # Searches read the synonyms once per articles generation: move it with the change.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            rebuild_vocabulary()
            changed(Scope.ARTICLES)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            rebuild_vocabulary()
            changed(Scope.ARTICLES)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            rebuild_vocabulary()
            changed(Scope.ARTICLES)


class ResultsFilter(admin.SimpleListFilter):
    title = "results"
    parameter_name = "results"

    def lookups(self, request, model_admin):
        return [("none", "No results"), ("few", f"{FEW_RESULTS} results or fewer")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(results=0)
        if self.value() == "few":
            return queryset.filter(results__lte=FEW_RESULTS)
        return queryset


@admin.register(WeeklySearch)
class WeeklySearchAdmin(admin.ModelAdmin):
    """The content-gap report: what patients searched for, week by week, most frequent first."""

    list_display = ["query", "week", "searches", "results"]
    list_filter = [ResultsFilter, "week"]
    search_fields = ["query"]
    ordering = ["-week", "-searches", "query"]
    date_hierarchy = "week"

    def changelist_view(self, request, extra_context=None):
        report.flush()  # this process's latest counts, so an editor sees them at once
        week = report.this_week()
        this_week = WeeklySearch.objects.filter(week=week)
        searches = this_week.aggregate(n=Sum("searches"))["n"] or 0
        few = this_week.filter(results__lte=FEW_RESULTS).count()
        extra_context = {
            **(extra_context or {}),
            "subtitle": f"This week: {searches} searches; {few} queries found {FEW_RESULTS} results or fewer.",
        }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
