import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ProblemReport
from insights import admin_figures
from operations.models import ScheduledJob
from stories.models import Story
from stories.records import QueueCount

REVIEW_WARNING_DAYS = 30
# The purge runs daily; two days without a finished run means something is wrong.
PURGE_OVERDUE = datetime.timedelta(days=2)


class ImuranAdminSite(admin.AdminSite):
    site_header = "Imuran Info administration"
    site_title = "Imuran Info admin"
    index_title = "Articles and stories"

    def index(self, request, extra_context=None):
        figures = admin_figures.for_user(request.user)  # charts of the work, for those who do it
        return super().index(request, {**self.reminders(request.user), **figures, **(extra_context or {})})

    def reminders(self, user):
        """What needs doing soon, shown only to those allowed to do it."""
        reminders = {}
        if user.has_perm("articles.change_article"):
            soon = timezone.localdate() + datetime.timedelta(days=REVIEW_WARNING_DAYS)
            reminders["reviews_due"] = Article.objects.filter(next_review_due__lte=soon).order_by("next_review_due")
            reminders["in_review"] = Article.objects.in_review().select_related("submitted_by").order_by("submitted_at")
            reminders["articles_url"] = reverse("admin:articles_article_changelist")
        if user.has_perm("articles.view_problemreport"):
            reminders["open_problem_reports"] = ProblemReport.objects.filter(resolved=False).count()
            reminders["problem_reports_url"] = reverse("admin:articles_problemreport_changelist") + "?resolved__exact=0"
        if user.has_perm("stories.moderate_story"):
            reminders["pending_stories"] = QueueCount.as_dict().get(Story.Status.PENDING, 0)
            reminders["reported_stories"] = Story.objects.reported_count()
            reminders["moderation_queue_url"] = reverse("admin:stories_story_changelist")
            reminders.update(self.retention(timezone.now()))
        return reminders

    def retention(self, now):
        """When the retention purge last ran and what it deleted: the privacy notice's promise, kept."""
        job = ScheduledJob.objects.filter(name=ScheduledJob.PURGE_STORIES).first()
        finished = job.finished_at if job else None
        return {"purge_job": job, "purge_overdue": finished is None or now - finished > PURGE_OVERDUE}
