"""E-mails of the review workflow, sent through the site's mail settings (EMAIL_* in settings).

Each returns whether the mail went. A mail server that is down must not undo
the editor's save or show them an error page: the admin says to tell people instead.
"""

import logging
import smtplib

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

logger = logging.getLogger(__name__)


def publishers():
    permission = Q(groups__permissions__codename="publish_article") | Q(user_permissions__codename="publish_article")
    users = get_user_model().objects.filter(permission | Q(is_superuser=True), is_active=True, is_staff=True)
    return users.exclude(email="").distinct()


def tell_publishers(article, review_url):
    recipients = list(publishers().values_list("email", flat=True))
    if not recipients:
        return False
    who = article.submitted_by.get_username() if article.submitted_by else "An editor"
    return _send(
        f"Waiting for review: {article.title}",
        f"{who} submitted “{article.title}” for review.\n\n"
        f"Their note: {article.submission_note}\n\n"
        f"Review it, then publish, schedule or request changes:\n{review_url}\n",
        None,
        recipients,
    )


def tell_editor(article, change_url):
    editor = article.submitted_by
    if editor is None or not editor.email:
        return False
    who = article.reviewed_by.get_username() if article.reviewed_by else "A publisher"
    return _send(
        f"Changes requested: {article.title}",
        f"{who} asked for changes to “{article.title}” before it is published.\n\n"
        f"{article.review_comment}\n\nOpen the article:\n{change_url}\n",
        None,
        [editor.email],
    )


def _send(subject, body, from_email, recipients):
    try:
        send_mail(subject, body, from_email, recipients)
    except (smtplib.SMTPException, OSError):
        logger.exception("Review e-mail not sent: %s", subject)
        return False
    return True
