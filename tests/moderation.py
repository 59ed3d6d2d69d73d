"""Helpers for the moderation tests: admin addresses and forms as a browser posts them."""

import datetime
import html
import re

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

CHANGELIST = reverse("admin:stories_story_changelist")
PHONE_STORY = "I take it with my breakfast and it suits me. Ring me on 07700 900123 if you want to talk about it."
DOSE_STORY = "I take 150 mg every day and everyone should start on that, it has been fine for me for years now."


def change_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def change_form(story, **changes):
    """The admin change form's data for a story, as a browser would post it."""
    story.refresh_from_db()
    data = {
        "moderator_note": story.moderator_note,
        "title": story.title,
        "text": story.text,
        "display_name": story.display_name,
        "role": story.role,
        "age_band": story.age_band,
        "condition": story.condition,
        "time_on_imuran": story.time_on_imuran,
        "time_to_help": story.time_to_help,
        "side_effects": list(story.side_effects.values_list("pk", flat=True)),
        "helped_rating": story.helped_rating or "",
        "ease_rating": story.ease_rating or "",
        "overall_rating": story.overall_rating or "",
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


def action(name, *stories, **extra):
    return {"action": name, ACTION_CHECKBOX_NAME: [story.pk for story in stories], **extra}


def listed(response):
    return [story.title for story in response.context["cl"].result_list]


def hidden_fields(response):
    """The hidden fields of a confirmation page's form, as the browser would post them back."""
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(html.unescape(value))
    return fields
