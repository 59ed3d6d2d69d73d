"""Theme pages: editors write them, publishers make them live, moderators tag stories with them."""

import re

import pytest
from django.urls import reverse

from insights.models import Theme, ThemeSection
from stories.models import Story
from tests.conftest import _logged_in
from tests.moderation import change_form, change_url

BLOOD_TESTS_INTRO = "## Why so many?\n\nBlood tests catch problems early, often before you notice anything.\n"


@pytest.fixture
def make_theme(db):
    def make(**fields):
        fields = {
            "title": "Blood tests",
            "slug": "blood-tests",
            "summary": "Why you need them and what they check.",
            "intro": BLOOD_TESTS_INTRO,
            "keywords": "blood test, blood count",
            "status": Theme.Status.PUBLISHED,
            **fields,
        }
        return Theme.objects.create(**fields)

    return make


@pytest.fixture
def editor_client(editor):
    return _logged_in(editor)


def theme_form(theme=None, **changes):
    data = {
        "title": "Skin and sun",
        "slug": "skin-and-sun",
        "summary": "Protecting your skin while you take Imuran.",
        "intro": "Azathioprine can make skin burn more easily.",
        "keywords": "sun, skin",
        "position": "1",
        "status": "draft",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
    }
    if theme is not None:
        data.update({k: getattr(theme, k) for k in ["title", "slug", "summary", "intro", "keywords", "status"]})
        data["position"] = theme.position
    return {**data, **changes}


# --- Public pages ----------------------------------------------------------------------


def test_published_theme_shows_its_sanitised_introduction(client, make_theme):
    make_theme(intro=BLOOD_TESTS_INTRO + '\n<script>alert("x")</script>\n[bad](javascript:alert(1))\n')

    html = client.get(reverse("insights:theme", args=["blood-tests"])).content.decode()

    assert '<h2 id="why-so-many">Why so many?</h2>' in html
    assert "<script>alert" not in html and "javascript:" not in html


def test_draft_theme_is_not_found_by_the_public(client, make_theme):
    make_theme(status=Theme.Status.DRAFT)

    assert client.get(reverse("insights:theme", args=["blood-tests"])).status_code == 404
    assert "Blood tests" not in client.get(reverse("insights:themes")).content.decode()


def test_theme_page_lists_only_the_approved_stories_tagged_with_it(client, make_theme, make_story):
    theme = make_theme()
    theme.stories.add(
        make_story(title="My monthly blood tests"),
        make_story(title="Still waiting", status=Story.Status.PENDING),
        make_story(title="Not published", status=Story.Status.REJECTED),
    )
    make_story(title="Untagged story")

    html = client.get(theme.get_absolute_url()).content.decode()

    assert "My monthly blood tests" in html
    assert "Still waiting" not in html and "Not published" not in html and "Untagged story" not in html


def test_a_theme_pages_story_cards_name_the_side_effects_each_story_reported(client, make_theme, make_story):
    theme = make_theme()
    theme.stories.add(make_story(title="Tired and sick", side_effects=["tiredness", "nausea"]))

    html = client.get(theme.get_absolute_url()).content.decode()

    card = re.search(r'<article class="story-card".*?</article>', html, re.S).group()
    assert re.findall(r'<span class="tag">(.*?)</span>', card) == ["Feeling sick (nausea)", "Tiredness"]


def test_theme_links_to_the_article_section_by_its_current_heading(client, make_theme, make_article):
    article = make_article(slug="monitoring", body="## Why do I need regular blood tests?\n\nTo catch changes early.\n")
    theme = make_theme()
    ThemeSection.objects.create(theme=theme, article=article, anchor="why-do-i-need-regular-blood-tests")
    ThemeSection.objects.create(theme=theme, article=article, anchor="a-heading-since-removed")

    html = client.get(theme.get_absolute_url()).content.decode()

    link = '<a href="/articles/monitoring/#why-do-i-need-regular-blood-tests">Why do I need regular blood tests?</a>'
    assert link in html
    assert "a-heading-since-removed" not in html


def test_themes_are_in_the_navigation_and_the_sitemap(client, make_theme, sitemap_addresses):
    make_theme()
    make_theme(title="Hidden draft", slug="hidden-draft", status=Theme.Status.DRAFT)

    assert f'href="{reverse("insights:themes")}"' in client.get(reverse("home")).content.decode()
    addresses = sitemap_addresses()
    assert "http://testserver/themes/blood-tests/" in addresses
    assert "http://testserver/stories/insights/" in addresses
    assert not any("hidden-draft" in address for address in addresses)


# --- Editors and publishers ---------------------------------------------------------------


def test_editor_saves_a_draft_but_cannot_publish(editor_client):
    response = editor_client.post(reverse("admin:insights_theme_add"), theme_form(status="published"))

    assert response.status_code == 302
    assert Theme.objects.get(slug="skin-and-sun").status == Theme.Status.DRAFT


def test_publisher_publishes_a_theme_and_its_page_appears(publisher_client, client, django_capture_on_commit_callbacks):
    assert "Skin and sun" not in client.get(reverse("insights:themes")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publisher_client.post(reverse("admin:insights_theme_add"), theme_form(status="published"))

    assert "Skin and sun" in client.get(reverse("insights:themes")).content.decode()


def test_editor_cannot_change_a_live_theme(editor_client, make_theme):
    theme = make_theme()

    response = editor_client.post(reverse("admin:insights_theme_change", args=[theme.pk]), theme_form(theme, title="X"))

    assert response.status_code == 403
    assert Theme.objects.get(pk=theme.pk).title == "Blood tests"


def test_article_section_is_picked_from_the_headings_never_typed(publisher_client, make_article):
    article = make_article(slug="monitoring", body="## Why do I need regular blood tests?\n\nTo catch changes early.\n")
    add = reverse("admin:insights_theme_add")
    typed = {"sections-TOTAL_FORMS": "1", "sections-0-section": f"{article.pk}#made-up", "sections-0-position": "1"}

    page = publisher_client.get(add).content.decode()
    refused = publisher_client.post(add, theme_form(**typed))
    picked = publisher_client.post(
        add, theme_form(**{**typed, "sections-0-section": f"{article.pk}#why-do-i-need-regular-blood-tests"})
    )

    assert f'value="{article.pk}#why-do-i-need-regular-blood-tests"' in page
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert picked.status_code == 302
    section = ThemeSection.objects.get()
    assert (section.article, section.anchor) == (article, "why-do-i-need-regular-blood-tests")


# --- Moderators tag stories --------------------------------------------------------------


def test_story_form_suggests_themes_from_the_story_words(moderator_client, make_theme, make_story):
    make_theme()
    make_theme(title="Skin and sun", slug="skin-and-sun", keywords="sunscreen, sunburn")
    story = make_story(text="My blood test results were fine this month, and the nurse explained each one.")

    html = moderator_client.get(change_url(story)).content.decode()

    assert "Blood tests <strong>(suggested: the story mentions \u201cblood test\u201d)</strong>" in html
    assert "Skin and sun <strong>" not in html


def test_moderator_tags_a_published_story_and_the_theme_page_shows_it(
    moderator_client, client, make_theme, make_story, django_capture_on_commit_callbacks
):
    theme = make_theme()
    story = make_story(title="Tests every month")
    assert "Tests every month" not in client.get(theme.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(change_url(story), change_form(story, themes=[theme.pk]))

    assert response.status_code == 302
    assert list(story.themes.all()) == [theme]
    assert "Tests every month" in client.get(theme.get_absolute_url()).content.decode()


def test_moderator_tags_a_story_while_approving_it(moderator_client, make_theme, make_story):
    theme = make_theme()
    story = make_story(status=Story.Status.PENDING)

    moderator_client.post(change_url(story), change_form(story, themes=[theme.pk], _approve="1"))

    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED and list(story.themes.all()) == [theme]


def test_theme_with_a_dose_number_is_refused_next_to_the_field_with_the_text_kept(publisher_client):
    intro = "Most people start on 50 mg a day."

    response = publisher_client.post(reverse("admin:insights_theme_add"), theme_form(intro=intro))

    html = response.content.decode()
    assert response.status_code == 200 and not Theme.objects.exists()
    assert "Remove the dose numbers (\u201c50 mg\u201d)" in html
    assert intro in html
