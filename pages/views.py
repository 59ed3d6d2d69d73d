import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from pages.forms import ContactForm
from stories import throttle

logger = logging.getLogger(__name__)

THROTTLE_SCOPE = "contact"
SUBJECT = "Message from the Imuran Info contact form"


class NotSent(Exception):
    pass


def send_to_editors(form):
    """E-mail the message to the editors' inbox. The site itself keeps no copy."""
    if not settings.SITE_CONTACT_EMAIL:
        raise NotSent("SITE_CONTACT_EMAIL is not set.")
    data = form.cleaned_data
    message = EmailMessage(
        subject=SUBJECT,
        body=render_to_string("pages/email/contact.txt", data),
        to=[settings.SITE_CONTACT_EMAIL],
        # Replying goes straight to the sender; no address, no reply.
        reply_to=[data["email"]] if data["email"] else None,
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise NotSent(str(error)) from error


def _contact_page(request, form, *, status=200, problem=""):
    context = {"form": form, "problem": problem, "can_send": bool(settings.SITE_CONTACT_EMAIL)}
    response = render(request, "pages/contact.html", context, status=status)
    if status in (429, 503):
        response["Retry-After"] = str(throttle.WINDOW_SECONDS if status == 429 else 600)
    return response


@require_http_methods(["GET", "POST"])
def contact(request):
    if request.method != "POST":
        return _contact_page(request, ContactForm())

    form = ContactForm(request.POST)
    client = throttle.client_hash(request)
    if form.is_spam:
        # Look like a success so the robot learns nothing; send nothing.
        throttle.take_place(THROTTLE_SCOPE, client)
        messages.success(request, "Thank you. Your message has gone to our editors.")
        return redirect("contact")
    if not form.is_valid():
        return _contact_page(request, form)
    # Counted and answered in one statement (stories/throttle.py): never more than the limit.
    if not throttle.take_place(THROTTLE_SCOPE, client):
        # Everything typed stays in the form, so nothing is lost while they wait.
        return _contact_page(
            request,
            form,
            status=429,
            problem="We have had several messages from your connection in the last hour. "
            "Please send this one again in an hour. Your message is still below, so you can copy it.",
        )
    try:
        send_to_editors(form)
    except NotSent as error:
        # Never the message itself in the log: it may hold personal details.
        logger.error("Contact form message not sent: %s", error)
        return _contact_page(
            request,
            form,
            status=503,
            problem="Sorry, we could not send your message just now. Please try again later. "
            "Your message is still below, so you can copy it.",
        )
    messages.success(request, "Thank you. Your message has gone to our editors.")
    return redirect("contact")


def urgent_help(request):
    return render(request, "pages/urgent_help.html")
