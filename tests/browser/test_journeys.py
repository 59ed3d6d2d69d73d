import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import log_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def pager_link(page, direction):
    return page.get_by_role("navigation", name="Sections").get_by_role("link", name=re.compile(f"^{direction} section"))


def heading(page):
    return page.get_by_role("heading", level=1)


def test_patient_reads_every_section_in_order_with_next_and_previous(page, articles):
    sections = list(Article.objects.published().in_reading_order())
    page.goto("/")
    expect(heading(page)).to_contain_text("Imuran")

    page.get_by_role("region", name="Read the guide").get_by_role("link", name=sections[0].title, exact=True).click()
    for section in sections[1:]:
        pager_link(page, "Next").click()
        expect(heading(page)).to_have_text(section.title)
    expect(pager_link(page, "Next")).to_have_count(0)

    for section in reversed(sections[:-1]):
        pager_link(page, "Previous").click()
        expect(heading(page)).to_have_text(section.title)
    expect(pager_link(page, "Previous")).to_have_count(0)


def test_patient_jumps_to_a_section_of_the_page_from_the_contents_list(page, articles):
    page.goto(Article.objects.published().in_reading_order().first().get_absolute_url())
    last_entry = page.get_by_role("navigation", name="On this page").get_by_role("link").last
    section_title = last_entry.inner_text()

    last_entry.click()

    expect(page).to_have_url(re.compile("#[a-z0-9-]+$"))
    expect(page.get_by_role("heading", name=section_title, exact=True)).to_be_in_viewport()


def test_patient_goes_from_the_guide_to_the_stories(page, articles):
    page.goto("/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories", exact=True).click()

    expect(page).to_have_url(re.compile(reverse("stories:list") + "$"))
    expect(heading(page)).to_be_visible()


def open_article_in_admin(page, user, article):
    log_in_to_admin(page, user)
    page.get_by_role("rowheader", name="Articles", exact=True).get_by_role("link").click()
    page.get_by_role("link", name=article.title, exact=True).click()
    expect(page.get_by_role("heading", name="Change article")).to_be_visible()


def type_a_new_section(page, text):
    body = page.get_by_role("textbox", name="Body:")
    body.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(f"\n\n## What changed this week?\n\n{text}")


def test_publisher_edits_with_the_live_preview_publishes_and_patients_see_the_change(
    page, new_context, articles, publisher
):
    article = Article.objects.get(slug="overview")
    open_article_in_admin(page, publisher, article)

    type_a_new_section(page, "A sentence the publisher just wrote.")

    # The preview is rendered by markdownx's script through our endpoint: it
    # working at all shows the admin keeps working under the site's CSP.
    preview = page.locator(".markdownx-preview")
    expect(preview.get_by_role("heading", name="What changed this week?", level=2)).to_be_visible()
    expect(preview).to_contain_text("A sentence the publisher just wrote.")
    page.get_by_label("What changed?").fill("Added this week's news.")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("is live: patients see this version")).to_be_visible()

    patient = new_context().new_page()
    patient.goto(article.get_absolute_url())
    expect(patient.get_by_text("A sentence the publisher just wrote.")).to_be_visible()
    expect(patient.get_by_role("region", name="Changes to this page")).to_contain_text("Added this week's news.")


def test_editor_saves_a_draft_that_patients_do_not_see_until_it_is_published(page, new_context, articles, editor):
    article = Article.objects.get(slug="overview")
    open_article_in_admin(page, editor, article)
    expect(page.get_by_role("button", name="Save and publish")).to_have_count(0)

    type_a_new_section(page, "A sentence still in draft.")
    expect(page.locator(".markdownx-preview")).to_contain_text("A sentence still in draft.")
    page.get_by_label("What changed?").fill("Drafted this week's news.")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.get_by_text("Saved as a draft")).to_be_visible()

    patient = new_context().new_page()
    patient.goto(article.get_absolute_url())
    expect(heading(patient)).to_have_text(article.title)
    expect(patient.get_by_text("A sentence still in draft.")).to_have_count(0)


# --- Patient stories -----------------------------------------------------------

STORY = (
    "When I started azathioprine for my colitis I was scared of the blood tests. They became routine within "
    "a month, and the nurse explained every result to me."
)


def share_a_story(page, title):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Share your experience").click()
    page.get_by_label("Your story").fill(STORY)
    page.get_by_label("A short title").fill(title)
    page.get_by_label("The name to show").fill("Alex")
    page.get_by_role("radio", name="I take Imuran").check()
    page.get_by_label("What is Imuran treating?").select_option(label="Ulcerative colitis")
    page.get_by_role("checkbox", name="Tiredness").check()
    page.get_by_role("group", name="Did Imuran help?").get_by_role("radio", name="4").check()
    page.get_by_role("checkbox", name="I am 16 or over").check()
    page.get_by_role("checkbox", name="This is my own experience").check()
    page.get_by_role("checkbox", name="I agree to my story being published").check()
    page.get_by_role("button", name="Send my story").click()


def test_patient_shares_a_story_and_its_private_link_says_it_awaits_moderation(page, transactional_db):
    share_a_story(page, "Blood tests became routine")

    expect(heading(page)).to_have_text("Thank you for sharing your story")
    page.get_by_role("link", name=re.compile(r"\/stories\/status\/")).click()
    expect(heading(page)).to_have_text("Your story")
    expect(page.get_by_text("Waiting for a moderator.")).to_be_visible()
    expect(page.get_by_text("Blood tests became routine")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories", exact=True).click()
    expect(heading(page)).to_have_text("Patients' stories")
    expect(page.get_by_role("link", name="Blood tests became routine")).to_have_count(0)


def test_moderator_approves_the_oldest_story_in_the_queue_and_it_goes_public(page, new_context, make_story, moderator):
    waiting = make_story(title="Waiting longest", status="pending", submitted_at=timezone.now() - timedelta(days=2))
    make_story(title="Sent later", status="pending", submitted_at=timezone.now() - timedelta(hours=1))
    patient = new_context().new_page()
    patient.goto(waiting.get_status_url())
    expect(patient.get_by_text("Waiting for a moderator.")).to_be_visible()

    log_in_to_admin(page, moderator)
    page.get_by_role("rowheader", name="Stories", exact=True).get_by_role("link").click()
    story_rows = page.get_by_role("row").filter(
        has=page.get_by_role("checkbox", name=re.compile("^Select this object"))
    )
    first_row = story_rows.first
    expect(first_row).to_contain_text("Waiting longest")
    first_row.get_by_role("link", name="Waiting longest").click()
    page.get_by_role("button", name="Save and approve (publish)").click()
    expect(page.get_by_text("Approved and published \u201cWaiting longest\u201d.")).to_be_visible()

    patient.reload()
    expect(patient.get_by_text("Published.")).to_be_visible()
    patient.get_by_role("link", name="your published story").click()
    expect(heading(patient)).to_have_text("Waiting longest")
    patient.goto(reverse("stories:list"))
    expect(patient.get_by_role("link", name="Waiting longest")).to_be_visible()
    expect(patient.get_by_role("link", name="Sent later")).to_have_count(0)


def test_patient_withdraws_a_published_story_from_the_private_link_and_it_is_gone(page, make_story):
    story = make_story(title="Time to take it down")
    page.goto(story.get_status_url())

    page.get_by_role("link", name="Withdraw my story").click()
    page.get_by_role("button", name="Yes, withdraw and delete my story").click()

    expect(page.get_by_text("Your story has been withdrawn.")).to_be_visible()
    expect(page.get_by_text("Time to take it down")).to_have_count(0)
    assert page.goto(story.get_absolute_url()).status == 404
    page.goto(reverse("stories:list"))
    expect(page.get_by_role("link", name="Time to take it down")).to_have_count(0)
