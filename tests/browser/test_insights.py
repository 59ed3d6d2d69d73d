"""The insights and theme pages in a real browser: accessible, and the charts really drawn."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from insights.models import Theme
from stories.models import Story
from tests.browser.conftest import log_in_to_admin
from tests.browser.test_accessibility import assert_no_wcag_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP, SMALL_PHONE = 1280, 320
# The bars' fill (--brand in static/css/site.css).
BRAND = (0x00, 0x5A, 0x70)


@pytest.fixture
def stories(articles, make_story):
    # 45 approved Crohn's stories: enough for every chart, with one small cell (4 hair thinning).
    made = []
    for n in range(45):
        made.append(
            make_story(
                title=f"Crohn's story {n}",
                side_effects=["nausea", "hair-thinning"] if n < 4 else ["tiredness"] if n < 30 else ["nausea"],
                time_on_imuran=["under-3-months", "3-12-months", "1-5-years"][n % 3],
                time_to_help=["1-3-months", "3-6-months", "not-yet"][n % 3],
                helped_rating=4 if n < 20 else 5 if n < 35 else 3,
                ease_rating=2 if n < 25 else 4,
                overall_rating=3 + n % 3,
            )
        )
    return made


@pytest.fixture
def theme(stories):
    theme = Theme.objects.create(
        title="Blood tests",
        slug="blood-tests",
        summary="Why you need them and what they check.",
        intro="## Why so many?\n\nBlood tests catch problems early.\n",
        status=Theme.Status.PUBLISHED,
    )
    theme.stories.add(*stories[:3])
    return theme


PAGES = {
    "insights": lambda: reverse("insights:insights"),
    "insights for a condition": lambda: reverse("insights:insights") + "?condition=crohns-disease",
    "themes": lambda: reverse("insights:themes"),
    "theme": lambda: reverse("insights:theme", args=["blood-tests"]),
    "story with its themes": lambda: Story.objects.get(title="Crohn's story 0").get_absolute_url(),
}


@pytest.mark.parametrize("width", [DESKTOP, SMALL_PHONE])
@pytest.mark.parametrize("name", PAGES)
def test_insights_and_theme_pages_have_no_wcag_violations(page, theme, name, width):
    page.set_viewport_size({"width": width, "height": 800})
    assert page.goto(PAGES[name]()).status == 200

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_wcag_violations(page)


def brand_pixels(png):
    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(1 for pixel in pixels if all(abs(a - b) <= 8 for a, b in zip(pixel, BRAND, strict=True)))


@pytest.mark.parametrize("width", [DESKTOP, SMALL_PHONE])
def test_charts_are_drawn_visible_and_not_empty_at_both_widths(page, stories, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("insights:insights"))

    charts = page.locator("svg.chart")
    expect(charts).to_have_count(6)
    for index in range(6):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] >= 0.8 * min(width - 40, 512) and box["height"] > 60
        # Bars in the site's colour really appear in the picture, and the labels fit inside it.
        assert brand_pixels(chart.screenshot()) > 200
        assert chart.locator("rect.chart-bar").count() >= 1
    side_effects = charts.first
    expect(side_effects.get_by_text("fewer than 10").first).to_be_visible()
    labels = side_effects.locator("text").evaluate_all("texts => texts.map(t => t.getBBox().x + t.getBBox().width)")
    assert max(labels) <= 402, "A label runs past the chart's right edge"


def test_condition_chosen_on_the_insights_page_shows_its_figures(page, stories):
    page.goto(reverse("insights:insights"))

    page.get_by_label("Condition", exact=True).select_option(label="Crohn's disease")
    page.get_by_role("button", name="Show figures").click()

    expect(page.get_by_role("heading", name="Figures for Crohn's disease")).to_be_visible()
    expect(page.get_by_text("Based on 45 stories").first).to_be_visible()
    assert Story.objects.approved().count() == 45


@pytest.mark.parametrize("width", [DESKTOP, SMALL_PHONE])
def test_editor_previews_a_draft_theme_from_its_change_form(page, theme, staff_user, width):
    Theme.objects.filter(pk=theme.pk).update(status=Theme.Status.DRAFT)
    log_in_to_admin(page, staff_user("editor", "Editors"))
    page.goto(reverse("admin:insights_theme_change", args=[theme.pk]))

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview draft (opens in a new tab)").click()
    preview = opened.value
    preview.set_viewport_size({"width": width, "height": 800})
    preview.wait_for_load_state()

    expect(preview.get_by_role("status")).to_contain_text("This theme is a draft.")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Blood tests")
    assert preview.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_wcag_violations(preview)
