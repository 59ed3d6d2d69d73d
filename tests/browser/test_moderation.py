"""Flags gate publication, in a real browser: a dose or a phone number never goes live in one click."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stories.models import Story
from tests.browser.conftest import log_in_to_admin
from tests.moderation import DOSE_STORY, PHONE_STORY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def is_public(page, story):
    return page.request.get(story.get_absolute_url()).status == 200


def open_queue(page, moderator):
    log_in_to_admin(page, moderator)
    page.goto(reverse("admin:stories_story_changelist"))


def row_of(page, title):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def test_save_and_approve_shows_each_flag_and_cancel_publishes_nothing(page, make_story, moderator):
    story = make_story(title="Dose story", status=Story.Status.PENDING, text=DOSE_STORY)
    open_queue(page, moderator)
    page.get_by_role("link", name="Dose story", exact=True).click()

    page.get_by_role("button", name="Save and approve (publish)").click()

    expect(page.get_by_role("heading", name="Publish a story with screening flags?")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Dose or dosing instruction: 150 mg")).to_be_visible()
    expect(page.locator(".story-text mark", has_text="150 mg")).to_be_visible()
    page.get_by_role("link", name="Cancel: publish nothing").click()
    expect(page.get_by_role("button", name="Save and approve (publish)")).to_be_visible()
    assert not is_public(page, story)


def test_a_moderator_who_confirms_the_flags_on_the_story_publishes_it(page, make_story, moderator):
    story = make_story(title="Dose story", status=Story.Status.PENDING, text=DOSE_STORY)
    open_queue(page, moderator)
    page.get_by_role("link", name="Dose story", exact=True).click()
    page.get_by_role("button", name="Save and approve (publish)").click()

    page.get_by_role("button", name="Publish with these flags").click()

    expect(page.get_by_text("Approved and published \u201cDose story\u201d.")).to_be_visible()
    assert is_public(page, story)


def test_bulk_approve_publishes_the_clean_story_and_only_the_ticked_flagged_one(page, make_story, moderator):
    clean = make_story(title="Clean story", status=Story.Status.PENDING)
    phoned = make_story(title="Phone story", status=Story.Status.PENDING, text=PHONE_STORY)
    dosed = make_story(title="Dose story", status=Story.Status.PENDING, text=DOSE_STORY)
    open_queue(page, moderator)
    for title in ("Clean story", "Phone story", "Dose story"):
        row_of(page, title).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Approve and publish the selected stories")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="Publish stories with screening flags?")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Phone number: 07700 900123")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Dose or dosing instruction: 150 mg")).to_be_visible()
    assert is_public(page, clean) and not is_public(page, phoned) and not is_public(page, dosed)
    page.get_by_label(re.compile(f"publish story {phoned.pk} as it is")).check()
    page.get_by_role("button", name="Publish the ticked stories").click()

    expect(page.get_by_text("Approved and published 1 story.")).to_be_visible()
    assert is_public(page, phoned) and not is_public(page, dosed)


def test_the_quick_approve_button_on_a_row_also_asks_about_flags(page, make_story, moderator):
    dosed = make_story(title="Dose story", status=Story.Status.PENDING, text=DOSE_STORY)
    open_queue(page, moderator)

    page.get_by_role("button", name=f"Approve story {dosed.pk}").click()

    expect(page.get_by_role("heading", name="Publish a story with screening flags?")).to_be_visible()
    assert not is_public(page, dosed)
