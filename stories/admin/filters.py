"""The story list's filters: the moderators' queue by default, flags, open reports and unsent e-mail."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from stories.models import Story, StoryReport


def open_reports_of(story_ref):
    return StoryReport.objects.filter(story=story_ref, resolved=False)


class QueueFilter(admin.SimpleListFilter):
    # Opens on the moderators' queue (pending, or public but reported) instead of "all".
    title = "status"
    parameter_name = "status"
    TO_REVIEW, ALL = "review", "all"

    def lookups(self, request, model_admin):
        return [(self.TO_REVIEW, "To review: pending or reported"), *Story.Status.choices, (self.ALL, "All")]

    def value(self):
        return super().value() or self.TO_REVIEW

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        if self.value() in Story.Status.values:
            return queryset.filter(status=self.value())
        return queryset.needs_review()  # "review", or a value nobody offered


class HasFlagsFilter(admin.SimpleListFilter):
    title = "screening flags"
    parameter_name = "flags"

    def lookups(self, request, model_admin):
        return [("yes", "Has flags"), ("no", "No flags")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(flags=[])
        if self.value() == "no":
            return queryset.filter(flags=[])
        return queryset


class OpenReportsFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [("open", "Has open reports")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(Exists(open_reports_of(OuterRef("pk"))))
        return queryset


class EmailFailedFilter(admin.SimpleListFilter):
    title = "e-mail to the author"
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("failed", "Not sent: failed")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(email_failed_at__isnull=False).exclude(email="")
        return queryset
