from django.contrib import admin

from operations.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """Read only: the site runs these jobs itself; the admin shows when and how they last ran."""

    list_display = ["__str__", "started_at", "finished_at", "succeeded", "rows_deleted", "outcome", "next_run_at"]
    fields = list_display[1:]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
