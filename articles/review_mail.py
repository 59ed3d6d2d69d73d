"""E-mails of the review workflow, sent through the site's mail settings (EMAIL_* in settings)."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q


def publishers():
    permission = Q(groups__permissions__codename="publish_article") | Q(user_permissions__codename="publish_article")
    users = get_user_model().objects.filter(permission | Q(is_superuser=True), is_active=True, is_staff=True)
    return users.exclude(email="").distinct()


def tell_publishers(article, review_url):
    recipients = list(publishers().values_list("email", flat=True))
    if not recipients:
        return
    who = article.submitted_by.get_username() if article.submitted_by else "An editor"
    send_mail(
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
        return
    who = article.reviewed_by.get_username() if article.reviewed_by else "A publisher"
    send_mail(
        f"Changes requested: {article.title}",
        f"{who} asked for changes to “{article.title}” before it is published.\n\n"
        f"{article.review_comment}\n\nOpen the article:\n{change_url}\n",
        None,
        [editor.email],
    )
