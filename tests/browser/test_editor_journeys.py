"""Editors and publishers at work in a real browser (issue 13, item 10)."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import log_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Axe()


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def open_change_form(page, article):
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    expect(page.get_by_role("heading", name="Change article")).to_be_visible()


def type_at_the_end(page, text):
    body = page.get_by_role("textbox", name="Body:")
    body.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_editor_submits_for_review_and_a_publisher_publishes_from_the_admin_home(
    page, new_context, articles, editor, publisher
):
    article = Article.objects.get(slug="overview")
    log_in_to_admin(page, editor)
    open_change_form(page, article)
    type_at_the_end(page, "\n\n## What is new?\n\nA sentence waiting for review.")
    page.get_by_label("What changed?").fill("Added what is new.")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("waits for a publisher's review")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(article.title))).to_contain_text("In review")

    desk = new_context().new_page()
    log_in_to_admin(desk, publisher)
    waiting = desk.locator("#reminders")
    expect(waiting).to_contain_text("Articles waiting for review")
    waiting.get_by_role("link", name=article.title).click()
    expect(desk.get_by_text("Submitted for review by editor")).to_be_visible()
    desk.get_by_label("What changed?").fill("Added what is new.")
    desk.get_by_role("button", name="Save and publish").click()
    expect(desk.get_by_text("is live: patients see this version")).to_be_visible()

    patient = new_context().new_page()
    patient.goto(article.get_absolute_url())
    expect(patient.get_by_text("A sentence waiting for review.")).to_be_visible()


def test_publisher_schedules_a_draft_and_the_message_names_the_date(page, make_article, publisher, client):
    draft = make_article(title="Coming next year", status=Article.Status.DRAFT)
    log_in_to_admin(page, publisher)
    open_change_form(page, draft)

    page.get_by_role("textbox", name="Publish at: date").fill("2030-01-15")
    page.get_by_role("textbox", name="Publish at: time").fill("09:30")
    page.get_by_label("What changed?").fill("Ready for January.")
    page.get_by_role("button", name="Save and publish").click()

    expect(page.get_by_text("“Coming next year” is scheduled for 15 January 2030, 09:30")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Coming next year"))).to_contain_text(
        "Scheduled for 15 January 2030, 09:30"
    )
    assert page.goto(draft.get_absolute_url()).status == 200  # staff see the draft preview
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_conflict_shows_both_texts_and_the_editor_merges_them(page, new_context, make_article, editor, publisher):
    article = make_article(title="Shared work", body="## Food?\n\nTake it with food.")
    log_in_to_admin(page, editor)
    open_change_form(page, article)

    other = new_context().new_page()
    log_in_to_admin(other, publisher)
    open_change_form(other, article)
    type_at_the_end(other, " Their extra sentence.")
    other.get_by_label("What changed?").fill("Their change.")
    other.get_by_role("button", name="Save draft", exact=True).click()
    expect(other.get_by_text("Saved as a draft")).to_be_visible()

    type_at_the_end(page, " My extra sentence.")
    page.get_by_label("What changed?").fill("My change.")
    page.get_by_role("button", name="Save draft", exact=True).click()

    conflict = page.get_by_role("region", name=re.compile("Not saved: publisher changed this article"))
    expect(conflict.locator("pre del")).to_have_text(["Their"])
    expect(conflict.locator("pre ins")).to_have_text(["My"])
    expect(page.get_by_role("alert")).to_be_focused()
    type_at_the_end(page, " Their extra sentence too.")
    page.get_by_role("checkbox", name="I have merged their changes into my text").check()
    page.get_by_role("button", name="Save draft", exact=True).click()

    expect(page.get_by_text("Saved as a draft")).to_be_visible()
    article.refresh_from_db()
    assert article.body.endswith("My extra sentence. Their extra sentence too.")


def test_editor_inserts_an_uploaded_image_only_with_alt_text_and_a_refused_file_never_enters_the_text(
    page, make_article, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    article = make_article(body="## Pictures?\n\nText before the image.")
    log_in_to_admin(page, editor)
    open_change_form(page, article)
    body = page.get_by_role("textbox", name="Body:")
    dialog = page.get_by_role("dialog", name="Insert an image")

    type_at_the_end(page, "\n\n")
    page.get_by_role("button", name="Insert image…").click()
    dialog.get_by_label("Upload a new image").set_input_files(
        {"name": "x.svg", "mimeType": "image/svg+xml", "buffer": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}
    )
    dialog.get_by_label("Alt text (required)").fill("A drawing.")
    dialog.get_by_role("button", name="Insert image").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "This file is not a PNG or JPEG image. Only PNG and JPEG images can be used."
    )
    expect(body).not_to_contain_text("Invalid response")

    dialog.get_by_label("Upload a new image").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    dialog.get_by_label("Alt text (required)").fill("")
    dialog.get_by_role("button", name="Insert image").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Write the alt text")
    dialog.get_by_label("Alt text (required)").fill("A teal rectangle.")
    dialog.get_by_role("button", name="Insert image").click()

    expect(dialog).to_be_hidden()
    expect(body).to_have_value(re.compile(r"!\[A teal rectangle\.\]\(/media/article-images/\S+\.png\)$"))
    expect(page.locator(".markdownx-preview").get_by_role("img", name="A teal rectangle.")).to_be_visible()

    # The library offers it again, with its alt text.
    page.get_by_role("button", name="Insert image…").click()
    dialog.get_by_role("radio", name="A teal rectangle.").check()
    expect(dialog.get_by_label("Alt text (required)")).to_have_value("A teal rectangle.")


def test_on_a_wide_screen_the_preview_stays_beside_the_text_while_scrolling(page, articles, editor):
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in_to_admin(page, editor)
    open_change_form(page, Article.objects.get(slug="side-effects"))
    preview = page.locator(".editor-side")

    page.get_by_role("textbox", name="Body:").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" The end.")

    expect(preview).to_be_in_viewport()
    box, editor_box = preview.bounding_box(), page.get_by_role("textbox", name="Body:").bounding_box()
    assert box["x"] > editor_box["x"] + editor_box["width"] - 1
    delete_box = page.locator("#references-group").get_by_role("checkbox").first.bounding_box()
    assert delete_box["x"] + delete_box["width"] <= 1400


def test_on_a_narrow_screen_a_button_shows_the_preview(page, articles, editor):
    page.set_viewport_size({"width": 800, "height": 900})
    log_in_to_admin(page, editor)
    open_change_form(page, Article.objects.get(slug="overview"))
    preview = page.locator(".markdownx-preview")
    expect(preview).to_be_hidden()

    page.get_by_role("button", name="Show preview and checks").click()

    expect(preview).to_be_visible()
    expect(page.get_by_role("region", name="Checks as you type")).to_contain_text("Reading grade")


def test_readability_and_dose_numbers_update_as_the_editor_types(page, articles, editor):
    log_in_to_admin(page, editor)
    open_change_form(page, Article.objects.get(slug="overview"))
    checks = page.get_by_role("region", name="Checks as you type")
    expect(checks).to_contain_text("Reading grade")

    type_at_the_end(page, "\n\nMost adults take 150 mg daily.")

    expect(checks.locator("mark")).to_have_text("150 mg")


# --- Accessibility of the editor's pages -----------------------------------------

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_no_serious_violations(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, f"{page.url}\n{results.generate_report()}"


@pytest.mark.parametrize(
    "path",
    [
        lambda article: reverse("admin:articles_article_change", args=[article.pk]),
        lambda article: reverse("admin:articles_article_history", args=[article.pk]),
        lambda article: reverse("admin:articles_article_compare", args=[article.pk]) + "?from=live&to=draft",
    ],
    ids=["change form", "history", "compare"],
)
def test_editor_pages_have_no_serious_accessibility_violations(page, articles, publisher, path):
    log_in_to_admin(page, publisher)
    article = Article.objects.get(slug="overview")

    assert page.goto(path(article)).status == 200
    page.wait_for_load_state("networkidle")

    assert_no_serious_violations(page)
