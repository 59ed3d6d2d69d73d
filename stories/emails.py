from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from stories.models import Story

SUBJECTS = {
    Story.Status.APPROVED: "Your story on Imuran Info is published",
    Story.Status.REJECTED: "About the story you sent to Imuran Info",
}


def email_decision(request, story):
    """Tell the author, in plain text, what a moderator decided."""
    context = {
        "story": story,
        "story_url": request.build_absolute_uri(story.get_absolute_url()),
        "status_url": request.build_absolute_uri(story.get_status_url()),
        "guidelines_url": request.build_absolute_uri(reverse("stories:guidelines")),
        "retention_days": settings.STORY_RETENTION_DAYS,
    }
    body = render_to_string("stories/email/decision.txt", context)
    send_mail(SUBJECTS[story.status], body, None, [story.email])
