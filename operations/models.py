from django.db import models


class ScheduledJob(models.Model):
    """A job the site runs for itself, without cron: when it is next due and how its last run went."""

    PURGE_STORIES = "purge-stories"
    NAMES = [(PURGE_STORIES, "Delete expired stories (retention)")]

    name = models.CharField(max_length=50, choices=NAMES, unique=True, editable=False)
    next_run_at = models.DateTimeField("next run due", editable=False)
    started_at = models.DateTimeField("last started", null=True, blank=True, editable=False)
    finished_at = models.DateTimeField("last finished", null=True, blank=True, editable=False)
    succeeded = models.BooleanField(null=True, editable=False)
    rows_deleted = models.PositiveIntegerField("rows deleted last time", default=0, editable=False)
    outcome = models.CharField("last outcome", max_length=300, blank=True, editable=False)

    def __str__(self):
        return self.get_name_display()
