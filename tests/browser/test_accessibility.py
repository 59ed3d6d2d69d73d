import re
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from articles.management.commands.load_initial_content import CONTENT_DIR, parse_content_file
from stories.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules axe tags for them.
WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-playwright-python injects its bundled axe.min.js with page.evaluate(), a
# DevTools call the page's Content Security Policy does not apply to, so the
# pages are checked under the very policy patients get; no bypass_csp needed.
AXE = Axe()

ARTICLE_SLUGS = sorted(parse_content_file(path)[0]["slug"] for path in CONTENT_DIR.glob("*.md"))


def address(path, status=200):
    def visit(page, site):
        # A wrong address would check the (accessible) 404 page instead of the one meant.
        assert page.goto(path(site)).status == status

    return visit


def submit_empty(path, button):
    def visit(page, site):
        address(path)(page, site)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")

    return visit


def next_page(path):
    def visit(page, site):
        address(path)(page, site)
        # rel="next" is the one thing every kind of pagination link shares.
        page.locator('main a[rel="next"]').click()
        page.wait_for_load_state()

    return visit


def send_a_problem_report(page):
    page.goto(reverse("articles:report_problem", args=["overview"]))
    page.get_by_role("radio", name="Something else").check()
    page.get_by_role("textbox", name="Tell us more").fill("The contents list could be shorter.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("An editor will look at the problem you reported")


# Every kind of page a patient can reach, each in the state that matters.
PAGES = {
    "home": address(lambda site: reverse("home")),
    **{
        f"article {slug}": address(lambda site, slug=slug: reverse("articles:detail", args=[slug]))
        for slug in ARTICLE_SLUGS
    },
    "report a problem with an article": address(lambda site: reverse("articles:report_problem", args=["overview"])),
    "report a problem, errors shown": submit_empty(
        lambda site: reverse("articles:report_problem", args=["overview"]), "Send report"
    ),
    "about": address(lambda site: reverse("about")),
    "stories": address(lambda site: reverse("stories:list")),
    "stories filtered, next page": next_page(
        lambda site: reverse("stories:list") + "?condition=crohns-disease&side_effect=tiredness"
    ),
    "story": address(lambda site: site.story.get_absolute_url()),
    "share form": address(lambda site: reverse("stories:share")),
    "share form, errors shown": submit_empty(lambda site: reverse("stories:share"), "Send my story"),
    "thank-you": address(lambda site: reverse("stories:thanks", args=[site.pending.token])),
    "status, waiting": address(lambda site: site.pending.get_status_url()),
    "status, published": address(lambda site: site.story.get_status_url()),
    "withdraw": address(lambda site: reverse("stories:withdraw", args=[site.story.token])),
    "report a story": address(lambda site: reverse("stories:report", args=[site.story.pk])),
    "report a story, errors shown": submit_empty(
        lambda site: reverse("stories:report", args=[site.story.pk]), "Send report"
    ),
    "story guidelines": address(lambda site: reverse("stories:guidelines")),
    "privacy notice": address(lambda site: reverse("stories:privacy")),
    "page not found": address(lambda site: "/no-such-page/", status=404),
    "urgent help": address(lambda site: reverse("urgent_help")),
    "contact": address(lambda site: reverse("contact")),
    "contact, errors shown": submit_empty(lambda site: reverse("contact"), "Send my message"),
    "report a problem, confirmation shown": lambda page, site: send_a_problem_report(page),
    "search results": address(lambda site: reverse("search:results") + "?q=flu+jab"),
    "search results with urgent help": address(lambda site: reverse("search:results") + "?q=bruising"),
    "search results, did you mean": address(lambda site: reverse("search:results") + "?q=nausia"),
    "search results, stories filtered": address(
        lambda site: reverse("search:results") + "?q=crohn&condition=crohns-disease&side_effect=tiredness"
    ),
    "search, nothing found": address(lambda site: reverse("search:results") + "?q=xylophone"),
    "search, error shown": address(lambda site: reverse("search:results") + "?q=" + "tired+" * 30, status=400),
}
# Pages this issue added or changed: each is also walked through with the keyboard alone.
NEW_AND_CHANGED = [
    "home",
    *(f"article {slug}" for slug in ARTICLE_SLUGS),
    "report a problem, errors shown",
    "report a problem, confirmation shown",
    "about",
    "privacy notice",
    "page not found",
    "urgent help",
    "contact",
    "contact, errors shown",
    "search results",
    "search results, stories filtered",
]


@pytest.fixture
def site(articles, make_story, settings):
    # The contact form shows only once the operator has given the editors' address.
    settings.SITE_CONTACT_EMAIL = "editors@imuran-info.example"
    details = {"side_effects": ["tiredness", "nausea"], "age_band": "25-34", "helped_rating": 4, "overall_rating": 3}
    # 21 matching stories: the filtered list has a second page, with pagination links.
    stories = [make_story(title=f"Living with Crohn's, part {n}", **details) for n in range(1, 22)]
    return SimpleNamespace(story=stories[0], pending=make_story(status="pending", title="Waiting for a decision"))


def assert_no_wcag_violations(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.mark.parametrize("visit", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_violations_on_a_desktop_screen(page, site, visit):
    page.set_viewport_size({"width": 1280, "height": 800})
    visit(page, site)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_no_wcag_violations(page)


@pytest.mark.parametrize("visit", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_violations_and_no_sideways_scrolling_at_320px(page, site, visit):
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, site)

    # WCAG 1.4.10 Reflow, which axe does not measure: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_wcag_violations(page)


# --- Every new and changed page with the keyboard alone ---------------------------------

FOCUS_STATE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        onPage: element !== document.body && element !== null,
        label: element.labels?.[0]?.textContent.trim() || element.textContent.trim().slice(0, 40),
        visible: element.matches(":focus-visible")
            && (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== "none"),
        inView: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
    };
}"""


@pytest.mark.parametrize("name", NEW_AND_CHANGED)
def test_every_stop_on_the_page_shows_focus_when_tabbed_to(page, site, name):
    page.set_viewport_size({"width": 1280, "height": 800})
    PAGES[name](page, site)

    stops = 0
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STATE)
        if not focused["onPage"]:
            break  # past the last link: the whole page has been walked
        stops += 1
        assert focused["visible"] and focused["inView"], f"Focus is not visible on {focused['label']!r}"
        assert focused["label"] != "Leave this empty", "The honeypot field must never take keyboard focus"
    else:
        raise AssertionError("Tab never left the page: is focus trapped?")
    assert stops >= 5


def test_patient_sends_a_message_with_the_keyboard_alone(page, site, mailoutbox):
    page.goto(reverse("contact"))

    tab_to(page, page.get_by_label("Your message"))
    page.keyboard.type("Please add a page about travelling abroad with azathioprine.")
    tab_to(page, page.get_by_role("button", name="Send my message"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Thank you. Your message has gone to our editors.")
    assert [mail.to for mail in mailoutbox] == [["editors@imuran-info.example"]]


# --- The share form with the keyboard alone -------------------------------------

STORY = (
    "I have taken azathioprine for lupus for three years. I use the keyboard because of my hands, "
    "and I wanted to tell others that the regular blood tests are easier than they sound."
)


def is_focused(locator):
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, target, presses=80):
    """Press Tab until the target has focus; every stop on the way must show where focus is."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                const style = getComputedStyle(element);
                return {
                    label: element.labels?.[0]?.textContent.trim() || element.textContent.trim().slice(0, 40),
                    visible: element.matches(":focus-visible")
                        && (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                            || style.boxShadow !== "none"),
                };
            }"""
        )
        assert focused["visible"], f"Focus is not visible on {focused['label']!r}"
        assert focused["label"] != "Leave this empty", "The honeypot field must never take keyboard focus"
        if is_focused(target):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_patient_shares_a_story_with_the_keyboard_alone(page, transactional_db):
    page.goto(reverse("stories:share"))

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Your story"))
    page.keyboard.type(STORY)
    tab_to(page, page.get_by_role("radio", name="I take Imuran"))
    page.keyboard.press("Space")
    # A closed dropdown takes type-ahead: the first letters pick the option.
    condition = page.get_by_label("What is Imuran treating?")
    tab_to(page, condition)
    page.keyboard.type("Ulcer")
    expect(condition.locator("option:checked")).to_have_text("Ulcerative colitis")
    tab_to(page, page.get_by_role("checkbox", name="Tiredness"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Send my story"))
    page.keyboard.press("Enter")

    # Nothing ticked yet: the summary of problems takes focus and links to each field.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Your story")).to_have_value(STORY)
    consent = page.get_by_role("checkbox", name="I am 16 or over")
    expect(consent).to_have_accessible_description(re.compile("Confirm that you are 16 or over"))
    tab_to(page, summary.get_by_role("link", name=re.compile("^Confirm that you are 16 or over")))
    page.keyboard.press("Enter")
    expect(consent).to_be_focused()
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("checkbox", name="This is my own experience"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("checkbox", name="I agree to my story being published"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Send my story"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for sharing your story")
    story = Story.objects.get()
    assert (story.role, story.condition) == (Story.Role.PATIENT, Story.Condition.ULCERATIVE_COLITIS)
    assert list(story.side_effects.values_list("slug", flat=True)) == ["tiredness"]


def test_problems_with_a_report_about_an_article_take_focus_so_they_are_read_first(page, articles):
    page.goto(reverse("articles:report_problem", args=["overview"]))

    page.get_by_role("button", name="Send report").click()

    expect(page.get_by_role("alert")).to_be_focused()
    message = page.get_by_role("textbox", name="Tell us more (required)")
    expect(message).to_have_accessible_description(re.compile("^Error: Tell us more about the problem"))
