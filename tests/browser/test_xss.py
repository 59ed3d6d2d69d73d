"""The XSS corpus against an article's Markdown and every text field of a story, in a real browser.

Every payload is its own article or story, so one payload's broken markup cannot hide
another. A page passes when no dialog opened, no script of the payload ran and
nothing the payload tried to add is in the page.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stories.screening import find_flags
from tests.browser.conftest import log_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAYLOADS = [
    line.replace("\\n", "\n")
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

# What a payload that got through would leave behind: anywhere in the page, or
# (elements content never needs) inside the given content area.
INJECTION_PROBE = """(content) => {
    const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"];
    const all = [...document.querySelectorAll("*")];
    const describe = (element) => element.outerHTML.slice(0, 160);
    return {
        ran: window.__xss === undefined ? [] : ["window.__xss was set"],
        markers: [...document.querySelectorAll("[data-xss], #xss-marker")].map(describe),
        handlers: all.filter(
            (el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith("on"))
        ).map(describe),
        scriptUrls: all.filter((el) => urlAttributes.some((name) => {
            const value = el.getAttribute(name);
            const scheme = /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data):/i;
            return value !== null && (name === "srcdoc" || scheme.test(value));
        })).map(describe),
        foreign: [...document.querySelectorAll(content)].flatMap((area) => [...area.querySelectorAll(
            "script, iframe, frame, object, embed, svg, math, form, input, textarea, select, button, " +
            "base, meta, link, style, template, video, audio, details, marquee, [style]"
        )]).map(describe),
        scripts: [...document.scripts].map(describe),
    };
}"""
# Queued events (focus, toggle, image errors) get their turn before we look.
SETTLE = "() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))"


@pytest.fixture
def clean_article(make_article):
    return make_article(slug="clean", body="Canary paragraph of a clean article.")


@pytest.fixture
def payload_articles(make_article):
    return [
        make_article(
            slug=f"xss-{number}",
            title=f"Payload {number}: {payload.replace(chr(10), ' ')}"[:200],
            summary=payload,
            body=f"Canary paragraph {number}.\n\n{payload}\n",
        )
        for number, payload in enumerate(PAYLOADS, start=1)
    ]


@pytest.fixture
def dialogs(page):
    opened = []

    def record(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def probe(page, content):
    page.evaluate(SETTLE)
    return page.evaluate(INJECTION_PROBE, content)


def injections(page, content, dialogs, clean=None):
    """What this page has beyond the same kind of page without a payload (when given), and any dialog."""
    found = probe(page, content)
    if clean is None:
        # Without a clean page to compare with, the page's own scripts say nothing.
        del found["scripts"]
        clean = dict.fromkeys(found, [])
    found = {check: items for check, items in found.items() if len(items) > len(clean[check])}
    if dialogs:
        found["dialogs"] = list(dialogs)
        dialogs.clear()
    return found


def assert_corpus_held(failures):
    report = "\n".join(f"- {payload!r}: {found}" for payload, found in failures)
    assert not failures, f"{len(failures)} of {len(PAYLOADS)} payloads got through:\n{report}"


def check_public_pages(page, clean_article, articles, dialogs):
    page.goto(clean_article.get_absolute_url())
    clean = probe(page, "main")
    failures = []
    for number, (article, payload) in enumerate(zip(articles, PAYLOADS, strict=True), start=1):
        page.goto(article.get_absolute_url())
        page.get_by_text(f"Canary paragraph {number}.").wait_for()
        if found := injections(page, "main", dialogs, clean):
            failures.append((payload, found))
    assert_corpus_held(failures)


def test_no_payload_runs_or_leaves_markup_on_its_public_article_page(page, clean_article, payload_articles, dialogs):
    check_public_pages(page, clean_article, payload_articles, dialogs)


# Switching the policy off shows the sanitiser holds on its own: with the CSP on,
# a payload that slipped through might still be stopped by the browser alone.
@pytest.mark.browser_context_args(bypass_csp=True)
def test_sanitiser_alone_stops_every_payload_when_the_browser_ignores_the_csp(
    page, clean_article, payload_articles, dialogs
):
    check_public_pages(page, clean_article, payload_articles, dialogs)


def test_home_page_lists_every_payload_title_and_summary_as_plain_text(page, payload_articles, dialogs):
    page.goto(reverse("home"))

    for article in payload_articles:
        assert page.get_by_role("link", name=article.title, exact=True).count() == 1, article.title
    assert injections(page, "main", dialogs) == {}


def test_no_payload_runs_in_the_admin_change_page_or_its_live_preview(
    page, clean_article, payload_articles, editor, dialogs
):
    log_in_to_admin(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[clean_article.pk]))
    page.locator(".markdownx-preview").get_by_text("Canary paragraph of a clean article.").wait_for()
    clean = probe(page, ".markdownx-preview")
    failures = []
    for number, (article, payload) in enumerate(zip(payload_articles, PAYLOADS, strict=True), start=1):
        page.goto(reverse("admin:articles_article_change", args=[article.pk]), wait_until="domcontentloaded")
        # markdownx's script fills its preview box from our sanitising endpoint; the
        # box has no role or label to find it by, so its class has to do.
        page.locator(".markdownx-preview").get_by_text(f"Canary paragraph {number}.").wait_for()
        if found := injections(page, ".markdownx-preview", dialogs, clean):
            failures.append((payload, found))
    assert_corpus_held(failures)


def test_admin_article_list_shows_payload_titles_as_plain_text(page, payload_articles, editor, dialogs):
    log_in_to_admin(page, editor)

    page.goto(reverse("admin:articles_article_changelist") + "?all=")

    for article in payload_articles:
        assert page.get_by_role("link", name=article.title, exact=True).count() == 1, article.title
    assert injections(page, "#result_list tbody th", dialogs) == {}


# --- Story fields: title, name and text, and a reader's report ----------------------


@pytest.fixture
def make_screened_story(make_story):
    def make(number, payload):
        # A phone number beside each payload: the moderators' page highlights it, so
        # the highlighting code also has to keep the payload inert.
        text = f"Canary story {number}. Call me on 07700 900123.\n\n{payload}"
        story = make_story(
            title=payload.replace("\n", " ")[:120], display_name=payload[:50], text=text, flags=find_flags(text)
        )
        story.report(reason="other", note=payload)
        return story

    return make


@pytest.fixture
def clean_story(make_screened_story):
    return make_screened_story(0, "A story without anything unusual in it.")


@pytest.fixture
def payload_stories(make_screened_story):
    return [make_screened_story(number, payload) for number, payload in enumerate(PAYLOADS, start=1)]


def test_no_payload_runs_or_leaves_markup_on_a_story_or_its_private_status_page(
    page, clean_story, payload_stories, dialogs
):
    clean = {}
    for kind, url in [("story", clean_story.get_absolute_url()), ("status", clean_story.get_status_url())]:
        page.goto(url)
        clean[kind] = probe(page, "main")
    failures = []
    for number, (story, payload) in enumerate(zip(payload_stories, PAYLOADS, strict=True), start=1):
        for kind, url in [("story", story.get_absolute_url()), ("status", story.get_status_url())]:
            page.goto(url)
            page.get_by_text(f"Canary story {number}.").wait_for()
            if found := injections(page, "main", dialogs, clean[kind]):
                failures.append((f"{kind} page: {payload}", found))
    assert_corpus_held(failures)


def test_story_list_shows_every_payload_story_title_as_plain_text(page, payload_stories, dialogs):
    failures, titles = [], []
    page.goto(reverse("stories:list"))
    while True:
        titles += page.get_by_role("main").get_by_role("heading", level=3).all_inner_texts()
        if found := injections(page, "main section", dialogs):
            failures.append((page.url, found))
        # rel="next" is the one thing every kind of pagination link shares.
        next_page = page.locator('main a[rel="next"]')
        if not next_page.count():
            break
        next_page.click()
        page.wait_for_load_state()
    assert_corpus_held(failures)
    shown = sorted(" ".join(title.split()) for title in titles)
    assert shown == sorted(" ".join(story.title.split()) for story in payload_stories)


def test_home_page_shows_the_latest_payload_stories_as_plain_text(page, payload_stories, dialogs):
    page.goto(reverse("home"))

    expect(page.get_by_role("region", name="Patients' stories").get_by_role("heading", level=3)).not_to_have_count(0)
    assert injections(page, "main", dialogs) == {}


def test_no_payload_runs_on_the_moderators_change_page_or_the_queue(
    page, clean_story, payload_stories, moderator, dialogs
):
    log_in_to_admin(page, moderator)
    page.goto(reverse("admin:stories_story_change", args=[clean_story.pk]))
    clean = probe(page, "#content")
    failures = []
    for number, (story, payload) in enumerate(zip(payload_stories, PAYLOADS, strict=True), start=1):
        page.goto(reverse("admin:stories_story_change", args=[story.pk]))
        page.get_by_text(f"Canary story {number}.").first.wait_for()
        if found := injections(page, "#content", dialogs, clean):
            failures.append((payload, found))
    page.goto(reverse("admin:stories_story_changelist") + "?status=all")
    if found := injections(page, "#result_list tbody th", dialogs):
        failures.append(("the queue", found))
    assert_corpus_held(failures)
