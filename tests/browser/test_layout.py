"""Layout a patient notices, measured from element boxes in a real browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE, SMALL_PHONE, DESKTOP = 375, 320, 1280


def box(locator):
    return locator.bounding_box()


def test_page_not_found_keeps_its_text_off_the_edge_of_a_phone_screen(page):
    page.set_viewport_size({"width": PHONE, "height": 700})
    page.goto("/no-such-page/")

    for element in [page.get_by_role("heading", level=1), page.locator("main p").first]:
        assert box(element)["x"] >= 12


def test_page_not_found_text_lines_up_with_the_header_on_a_desktop_screen(page):
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    page.goto("/no-such-page/")

    header_left = box(page.locator(".site-name"))["x"]
    assert box(page.get_by_role("heading", level=1))["x"] == pytest.approx(header_left, abs=1)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_confirmation_message_sits_clear_of_the_header_and_no_wider_than_the_text(page, articles, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("articles:report_problem", args=["overview"]))
    page.get_by_role("radio", name="Something is hard to understand").check()
    page.get_by_role("textbox", name="Tell us more").fill("The part about gene tests is hard to follow.")

    page.get_by_role("button", name="Send report").click()

    message = page.get_by_text("Thank you. An editor will look at the problem you reported.")
    expect(message).to_be_visible()
    header, note, text = box(page.locator(".site-header")), box(message), box(page.locator("article.article"))
    assert note["y"] - (header["y"] + header["height"]) >= 12
    assert note["x"] == pytest.approx(text["x"], abs=1)
    assert note["x"] + note["width"] <= text["x"] + text["width"] + 1


def radio_sizes(page):
    return page.locator('input[type="radio"]').evaluate_all(
        "radios => radios.map(r => { const b = r.getBoundingClientRect(); return [b.width, b.height]; })"
    )


def some_label_wraps(page):
    # The defect shows only when a label runs onto a second line: prove that happens here.
    return page.locator(".field label:has(input[type=radio])").evaluate_all(
        "labels => labels.some(label => "
        "label.getBoundingClientRect().height > 1.8 * parseFloat(getComputedStyle(label).lineHeight))"
    )


@pytest.mark.parametrize("width", [PHONE, SMALL_PHONE])
def test_radio_buttons_on_the_report_form_stay_20px_when_their_labels_wrap(page, articles, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("articles:report_problem", args=["overview"]))

    assert some_label_wraps(page)
    assert radio_sizes(page) == [[20, 20]] * 4


@pytest.mark.parametrize("width", [PHONE, SMALL_PHONE])
def test_radio_buttons_on_the_share_form_stay_20px_when_their_labels_wrap(page, transactional_db, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("stories:share"))

    sizes = radio_sizes(page)
    assert some_label_wraps(page)
    assert sizes and all(size == [20, 20] for size in sizes)
