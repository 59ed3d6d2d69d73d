"""A story's page names the published themes it is tagged with, and a cached page follows every change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.models import Theme
from page_cache.pages import pages
from tests.moderation import change_form, change_url
from tests.test_themes import theme_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(db):
    def make(title, status=Theme.Status.PUBLISHED):
        slug = title.lower().replace(" ", "-")
        return Theme.objects.create(title=title, slug=slug, summary="A summary.", intro="An intro.", status=status)

    return make


@pytest.fixture(autouse=True)
def _recheck_every_request(settings):
    # As in a process whose recheck is due: a change committed elsewhere is seen at once.
    settings.PAGE_CACHE_RECHECK_SECONDS = 0


def link(theme):
    return f'<li><a href="{theme.get_absolute_url()}">{theme.title}</a></li>'


def test_story_page_links_to_each_published_theme_it_is_tagged_with(client, theme, make_story):
    blood, skin, draft = theme("Blood tests"), theme("Skin and sun"), theme("Pregnancy", Theme.Status.DRAFT)
    story = make_story()
    story.themes.add(blood, draft)
    make_story().themes.add(skin)

    html = client.get(story.get_absolute_url()).text

    assert "Themes in this story" in html
    assert link(blood) in html
    assert "Skin and sun" not in html  # another story's theme
    assert "Pregnancy" not in html and "/themes/pregnancy/" not in html  # a draft


def test_story_without_a_published_theme_shows_no_themes_heading(client, theme, make_story):
    story = make_story()
    story.themes.add(theme("Pregnancy", Theme.Status.DRAFT))

    assert "Themes in this story" not in client.get(story.get_absolute_url()).text


def test_tagging_a_live_story_reaches_its_cached_page(
    client, moderator_client, theme, make_story, django_capture_on_commit_callbacks
):
    blood = theme("Blood tests")
    story = make_story()
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(change_url(story), change_form(story, themes=[blood.pk]))

    assert link(blood) in client.get(story.get_absolute_url()).text


def test_untagging_a_live_story_reaches_its_cached_page(
    client, moderator_client, theme, make_story, django_capture_on_commit_callbacks
):
    blood = theme("Blood tests")
    story = make_story()
    story.themes.add(blood)
    assert link(blood) in client.get(story.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(change_url(story), change_form(story, themes=[]))

    assert "Blood tests" not in client.get(story.get_absolute_url()).text


def test_publishing_a_theme_reaches_the_cached_pages_of_its_stories(
    client, publisher_client, theme, make_story, django_capture_on_commit_callbacks
):
    draft = theme("Blood tests", Theme.Status.DRAFT)
    story = make_story()
    story.themes.add(draft)
    assert "Blood tests" not in client.get(story.get_absolute_url()).text
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_client.post(
            reverse("admin:insights_theme_change", args=[draft.pk]), theme_form(draft, status="published")
        )

    assert response.status_code == 302
    assert link(draft) in client.get(story.get_absolute_url()).text


def test_unpublishing_a_theme_takes_it_off_the_cached_pages_of_its_stories(
    client, publisher_client, theme, make_story, django_capture_on_commit_callbacks
):
    blood = theme("Blood tests")
    story = make_story()
    story.themes.add(blood)
    assert link(blood) in client.get(story.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_client.post(
            reverse("admin:insights_theme_change", args=[blood.pk]), theme_form(blood, status="draft")
        )

    assert response.status_code == 302
    assert "Blood tests" not in client.get(story.get_absolute_url()).text


def test_a_warm_process_names_a_story_s_themes_without_a_query_of_its_own(client, theme, make_story, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60  # the generations too were read a moment ago
    blood, skin = theme("Blood tests"), theme("Skin and sun")
    story = make_story()
    story.themes.add(blood, skin)
    client.get(make_story().get_absolute_url())  # another page: the process remembers the themes
    pages.clear()  # the story's page itself is not cached

    with CaptureQueriesContext(connection) as queries:
        html = client.get(story.get_absolute_url()).text

    assert link(blood) in html and link(skin) in html
    # One query: the story, with the ids of its side effects and of its themes.
    assert len(queries) == 1
    assert not any('FROM "insights_theme"' in query["sql"] for query in queries.captured_queries)


def test_publishing_a_theme_leaves_the_story_pages_query_as_it_was(client, theme, make_story):
    from page_cache.generations import known
    from stories.views import story_rows

    story = make_story()
    story.themes.add(theme("Blood tests"))
    client.get(story.get_absolute_url())
    shapes = story_rows.shapes_kept()
    skin = theme("Skin and sun")
    story.themes.add(skin)
    known.forget()  # as after the theme's publish: the published themes are read again
    pages.clear()

    html = client.get(story.get_absolute_url()).text

    assert link(skin) in html
    # The same compiled query (and prepared statement) as before: it names no theme.
    assert story_rows.shapes_kept() == shapes
