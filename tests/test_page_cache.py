"""Home and article pages come from the cache, and change the moment something is published.

Other processes see a change within PAGE_CACHE_RECHECK_SECONDS (see imuran_info/page_cache.py)."""

import datetime
import time

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from imuran_info.page_cache import LOCAL_PAGES, VERSION_KEY, ProcessCopy, process_copy
from stories.models import Story

# Cache invalidation runs when the transaction commits; tests run inside one, so
# they run the commit callbacks explicitly with django_capture_on_commit_callbacks.
pytestmark = pytest.mark.django_db


def test_second_visit_to_an_article_needs_no_database_query(client, make_article, django_assert_num_queries):
    article = make_article()
    client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert article.title in response.text


def test_publishing_a_change_replaces_the_cached_page(client, make_article, django_capture_on_commit_callbacks):
    article = make_article(body="## What is it?\n\nOld words.")
    assert "Old words." in client.get(article.get_absolute_url()).text
    assert article.title in client.get(reverse("home")).text

    article.body = "## What is it?\n\nNew words."
    article.title = "A new title"
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        article.publish(note="Reworded.")

    assert "New words." in client.get(article.get_absolute_url()).text
    assert "A new title" in client.get(reverse("home")).text


def test_saving_a_draft_keeps_serving_the_published_page(client, make_article):
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())

    article.body = "## What is it?\n\nDraft words."
    article.save()

    assert "Old words." in client.get(article.get_absolute_url()).text


def test_unpublishing_removes_the_page_at_once(client, make_article, django_capture_on_commit_callbacks):
    article = make_article()
    client.get(article.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()

    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_appears_on_the_cached_home_page_when_its_time_comes(client, make_article, settings):
    # The page's lifetime is what is tested; Redis keeps its own clock, which
    # time_machine cannot move, so this test uses the in-process cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    make_article(title="Already live")
    go_live = timezone.now() + datetime.timedelta(minutes=30)
    make_article(title="Scheduled section", published_at=go_live)
    assert "Scheduled section" not in client.get(reverse("home")).text

    with time_machine.travel(go_live + datetime.timedelta(seconds=5)):
        assert "Scheduled section" in client.get(reverse("home")).text


def test_returning_reader_gets_304_not_modified(client, make_article):
    article = make_article()
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert first.has_header("Last-Modified")
    assert again.status_code == 304
    assert again.content == b""


def test_a_thank_you_message_is_never_served_to_another_reader(client, make_article):
    article = make_article()
    url = reverse("articles:report_problem", args=[article.slug])

    mine = client.post(url, {"kind": "unclear", "message": "Hard to follow."}, follow=True)
    someone_else = Client().get(article.get_absolute_url())

    assert "An editor will look at the problem you reported" in mine.text
    assert "An editor will look at the problem you reported" not in someone_else.text


def test_logged_in_staff_always_get_a_fresh_page(editor_client, client, make_article):
    article = make_article()
    client.get(article.get_absolute_url())

    article.body = "## What is it?\n\nDraft words."
    article.save()

    assert "Draft preview" in editor_client.get(reverse("articles:preview", args=[article.slug])).text


def _another_process_publishes():
    # What a publish through another worker leaves in the shared cache: a new version.
    cache.incr(VERSION_KEY)


def test_between_rechecks_a_reader_gets_this_process_copy_without_asking_the_shared_cache(
    client, make_article, settings
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(live={**article.live, "body_html": "<p>New words.</p>"})

    _another_process_publishes()

    # The bounded staleness the setting allows: the old page, until the next recheck.
    assert "Old words." in client.get(article.get_absolute_url()).text


def test_a_change_published_through_another_process_is_served_once_the_version_is_rechecked(
    client, make_article, settings
):
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(live={**article.live, "body_html": "<p>New words.</p>"})
    settings.PAGE_CACHE_RECHECK_SECONDS = 0  # the recheck is due

    _another_process_publishes()

    page = client.get(article.get_absolute_url()).text
    assert "New words." in page
    assert "Old words." not in page


def test_each_process_keeps_only_its_most_recently_served_pages():
    copy = ProcessCopy()
    copy.saw(1, asked_at=time.monotonic())
    far_future = time.time() + 3600
    for number in range(LOCAL_PAGES + 1):
        copy.keep(1, f"/stories/{number}/", (b"page", "text/html", '"etag"', 0.0, far_future))
    copy.page(1, "/stories/1/")  # served again: now among the most recent

    copy.keep(1, "/stories/new/", (b"page", "text/html", '"etag"', 0.0, far_future))

    assert copy.page(1, "/stories/0/") is None
    assert copy.page(1, "/stories/2/") is None
    assert copy.page(1, "/stories/1/") is not None
    assert copy.page(1, "/stories/new/") is not None


def test_a_publish_that_commits_while_a_reader_asks_for_the_version_is_not_undone_by_the_older_answer(
    client, make_article, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    process_copy.forget()  # as if another process had rendered the page
    article.body = "## What is it?\n\nNew words."
    article.save()
    shared_cache = caches["default"]
    ask = shared_cache.get
    published = []

    def publish_while_the_answer_is_on_its_way(key, *args, **kwargs):
        answer = ask(key, *args, **kwargs)
        if key == VERSION_KEY and not published:
            # Another thread of this process publishes and moves the version on.
            with django_capture_on_commit_callbacks(execute=True):
                published.append(article.publish(note="Reworded."))
        return answer

    monkeypatch.setattr(shared_cache, "get", publish_while_the_answer_is_on_its_way)

    assert "New words." in client.get(article.get_absolute_url()).text
    assert "New words." in client.get(article.get_absolute_url()).text


def test_deleting_a_published_article_removes_its_page_at_once(
    client, make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    assert client.get(article.get_absolute_url()).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=article.pk).delete()

    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get(reverse("home")).text


def test_deleting_an_approved_story_removes_its_page_at_once(client, make_story, django_capture_on_commit_callbacks):
    story = make_story(title="A story about to be deleted")
    assert client.get(story.get_absolute_url()).status_code == 200
    assert "A story about to be deleted" in client.get(reverse("stories:list")).text

    with django_capture_on_commit_callbacks(execute=True):
        Story.objects.filter(pk=story.pk).delete()

    assert client.get(story.get_absolute_url()).status_code == 404
    assert "A story about to be deleted" not in client.get(reverse("stories:list")).text
