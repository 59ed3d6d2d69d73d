"""The one e-mail the site sends: telling an author what a moderator decided.

Called once the decision is committed (Story._tell_author_on_commit), and again
when a moderator retries a send that failed.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from imuran_info import metrics
from imuran_info.context_processors import site_url

logger = logging.getLogger(__name__)

SUBJECTS = {
    "approved": "Your story on Imuran Info is published",
    "rejected": "About the story you sent to Imuran Info",
}


def decision_message(story):
    context = {
        "story": story,
        "story_url": site_url() + story.get_absolute_url(),
        "status_url": site_url() + story.get_status_url(),
        "guidelines_url": site_url() + reverse("stories:guidelines"),
        "retention_days": settings.STORY_RETENTION_DAYS,
    }
    return SUBJECTS[story.status], render_to_string("stories/email/decision.txt", context)


def tell_author(story_id):
    """Send the decision in plain text; True if it went. Never raises: the decision stands either way."""
    from stories.models import Story  # the model schedules this function, so import it late

    # The row stays locked while the message goes (at most EMAIL_TIMEOUT seconds): an
    # author withdrawing at that moment waits, rather than having the address they
    # just deleted written to. Locked first, the withdrawal means no e-mail at all.
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(pk=story_id, status__in=SUBJECTS).exclude(email="").first()
        if story is None:  # withdrawn meanwhile, or already told
            return False
        subject, body = decision_message(story)
        try:
            send_mail(subject, body, None, [story.email])
        # Anything at all: a refused login, a dropped connection, a malformed address.
        # The moderator's decision is already committed and must not turn into an error page.
        except Exception as error:  # noqa: BLE001
            logger.warning("Decision e-mail for story %s not sent: %s", story.pk, type(error).__name__)
            metrics.mail_failed()
            story.email_failed(error)
            return False
        story.email_sent()
        return True
