import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_patient_searches_from_the_header_without_javascript_and_lands_on_the_section(new_context, articles):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/articles/overview/")
    search = page.get_by_role("search", name="Site")
    search.get_by_role("searchbox", name="Search Imuran Info").fill("flu jab")
    search.get_by_role("searchbox", name="Search Imuran Info").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “flu jab”")
    expect(page.locator("#results-count")).to_contain_text("sections of the guide")
    answer = re.compile(r"^Common questions about Imuran\s*:\s*Can I have vaccines\?$")
    page.get_by_role("region", name="In the guide").get_by_role("link", name=answer).click()

    expect(page).to_have_url("/articles/common-questions/#can-i-have-vaccines")
    expect(page.locator("#can-i-have-vaccines")).to_be_in_viewport()


def test_search_with_urgent_words_shows_the_urgent_help_box_first(page, articles):
    page.goto("/search/?q=yellow+eyes")
    urgent = page.get_by_role("complementary", name="Get help urgently")
    expect(urgent).to_be_visible()
    guide = page.get_by_role("heading", name="In the guide")
    assert urgent.bounding_box()["y"] < guide.bounding_box()["y"]
