"""Public pages come from each process's own copy, and change the moment something is published.

Other processes see a change within PAGE_CACHE_RECHECK_SECONDS (see page_cache/generations.py).
"""

import datetime
import gzip
import threading

import django.middleware.http
import pytest
import time_machine
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from page_cache import pages as page_store
from page_cache.generations import Scope, known
from page_cache.models import Generation
from page_cache.pages import (
    LOCAL_PAGES,
    Copy,
    Page,
    PageStoreAwareConditionalGetMiddleware,
    ProcessPages,
    page_store_middleware,
    public_page,
)
from stories.models import SideEffect, Story

# Invalidation takes effect in this process when the transaction commits; tests run
# inside one, so they run the commit callbacks with django_capture_on_commit_callbacks.
pytestmark = pytest.mark.django_db


def test_second_visit_to_an_article_needs_no_database_query(
    client, make_article, generations_kept, django_assert_num_queries
):
    article = make_article()
    client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
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


def test_scheduled_article_appears_on_the_cached_home_page_when_its_time_comes(client, make_article):
    make_article(title="Already live")
    go_live = timezone.now() + datetime.timedelta(minutes=30)
    make_article(title="Scheduled section", published_at=go_live)
    assert "Scheduled section" not in client.get(reverse("home")).text

    with time_machine.travel(go_live + datetime.timedelta(seconds=5)):
        assert "Scheduled section" in client.get(reverse("home")).text


def test_the_front_server_may_keep_a_page_only_until_the_second_its_request_began_has_passed(client, make_article):
    article = make_article()
    began = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=700_000)

    with time_machine.travel(began, tick=False):
        response = client.get(article.get_absolute_url())

    # nginx keeps "@T" through all of second T: here 0.3 s more, never a second and more.
    assert response["X-Accel-Expires"] == f"@{int(began.replace(microsecond=0).timestamp())}"


def test_returning_reader_gets_304_not_modified(client, make_article):
    article = make_article()
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert first.has_header("Last-Modified")
    assert again.status_code == 304
    assert again.content == b""


def test_a_returning_reader_asking_a_process_that_no_longer_keeps_the_page_gets_304_and_the_page_is_kept(
    client, make_article
):
    article = make_article()
    first = client.get(article.get_absolute_url())
    page_store.pages.clear()  # as a second worker, or this one after the page was dropped

    again = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    then = client.get(article.get_absolute_url())

    assert (again.status_code, again["ETag"]) == (304, first["ETag"])
    assert (then.status_code, then["X-Page-Cache"]) == (200, "hit")


def test_an_answer_that_is_no_public_page_still_gets_an_etag_and_a_304(client):
    # The page store tags the pages it keeps; Django's ConditionalGetMiddleware tags the rest.
    first = client.get(reverse("about"))

    again = client.get(reverse("about"), headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200
    assert (again.status_code, again.content) == (304, b"")


def stack_around(view):
    # The page store, then (further in, as in settings.MIDDLEWARE) the ETag middleware, then the view.
    return page_store_middleware(PageStoreAwareConditionalGetMiddleware(view))


def test_a_public_page_the_store_does_not_keep_still_gets_an_etag_and_a_304(rf):
    @public_page(scopes=[Scope.ARTICLES])
    def changing_soon(request):
        response = HttpResponse("About to change")
        response.cache_timeout = 0  # as a page whose content changes this second
        return response

    answer = stack_around(changing_soon)
    first = answer(rf.get("/changing-soon/"))

    again = answer(rf.get("/changing-soon/", headers={"if-none-match": first["ETag"]}))

    assert first["X-Page-Cache"] == "bypass"
    assert again.status_code == 304


def test_a_page_the_store_keeps_is_hashed_once_by_the_store_and_not_by_django_as_well(rf, monkeypatch):
    hashed = []
    monkeypatch.setattr(django.middleware.http, "set_response_etag", lambda response: hashed.append(response))

    @public_page(scopes=[Scope.ARTICLES])
    def for_everyone(request):
        return HttpResponse("For everyone")

    first = stack_around(for_everyone)(rf.get("/for-everyone/"))

    assert (first["X-Page-Cache"], first.has_header("ETag"), hashed) == ("miss", True, [])


def test_a_reader_whose_browser_accepts_gzip_gets_the_same_page_compressed(client, make_article):
    article = make_article()
    plain = client.get(article.get_absolute_url())

    compressed = client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    assert gzip.decompress(compressed.content) == plain.content


def test_a_thank_you_message_is_never_served_to_another_reader(client, make_article):
    article = make_article()
    url = reverse("articles:report_problem", args=[article.slug])

    mine = client.post(url, {"kind": "unclear", "message": "Hard to follow."}, follow=True)
    someone_else = Client().get(article.get_absolute_url())

    assert "An editor will look at the problem you reported" in mine.text
    assert "An editor will look at the problem you reported" not in someone_else.text


def test_logged_in_staff_get_a_fresh_page_after_a_reader_cached_it(editor_client, client, make_article):
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    # Changed behind the cache's back: only a page rendered afresh can show it.
    Article.objects.filter(pk=article.pk).update(live={**article.live, "body_html": "<p>Fresh words.</p>"})

    staff_view = editor_client.get(article.get_absolute_url())

    assert "Fresh words." in staff_view.text
    assert staff_view["X-Page-Cache"] != "hit"
    assert "Old words." in client.get(article.get_absolute_url()).text


def test_a_draft_preview_seen_by_staff_never_reaches_anonymous_readers(editor_client, client, make_article):
    article = make_article(status=Article.Status.DRAFT, title="Not public yet")

    assert "Not public yet" in editor_client.get(article.get_absolute_url()).text

    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_page_that_used_a_form_token_is_never_stored(client):
    client.get(reverse("stories:share"))

    assert client.get(reverse("stories:share")).get("X-Page-Cache") is None
    assert len(page_store.pages._pages) == 0


def _another_process_publishes(scope):
    # What a publish through another process leaves behind: a higher generation in the database.
    Generation.objects.filter(scope=scope).update(number=Generation.objects.get(scope=scope).number + 1)


def test_between_rechecks_a_reader_gets_this_process_copy_without_asking_the_database(
    client, make_article, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(live={**article.live, "body_html": "<p>New words.</p>"})

    _another_process_publishes(Scope.ARTICLES)

    # The bounded staleness the setting allows: the old page, until the next recheck.
    with django_assert_num_queries(0):
        assert "Old words." in client.get(article.get_absolute_url()).text


def test_a_change_published_through_another_process_is_served_once_the_generation_is_rechecked(
    client, make_article, settings
):
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(live={**article.live, "body_html": "<p>New words.</p>"})
    settings.PAGE_CACHE_RECHECK_SECONDS = 0  # the recheck is due

    _another_process_publishes(Scope.ARTICLES)

    page = client.get(article.get_absolute_url()).text
    assert "New words." in page
    assert "Old words." not in page


def test_a_story_decision_leaves_article_pages_cached(client, make_article, make_story, moderator, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    article = make_article()
    pending = make_story(status=Story.Status.PENDING, title="Waiting for a decision")
    client.get(article.get_absolute_url())
    client.get(reverse("stories:list"))

    pending.approve(by=moderator)

    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    stories = client.get(reverse("stories:list"))
    assert stories["X-Page-Cache"] == "miss"
    assert "Waiting for a decision" in stories.text


def test_publishing_an_article_leaves_story_pages_cached(client, make_article, make_story, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    article = make_article()
    story = make_story()
    client.get(story.get_absolute_url())

    article.publish(note="Reworded.")

    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_change_that_rolls_back_leaves_the_generation_as_it_was(make_story, moderator):
    story = make_story(status=Story.Status.PENDING)
    before = Generation.objects.get(scope=Scope.STORIES).number

    with pytest.raises(RuntimeError), transaction.atomic():
        story.approve(by=moderator)
        raise RuntimeError("the decision fails after the generation moved")

    assert Generation.objects.get(scope=Scope.STORIES).number == before


def test_each_process_keeps_only_its_most_recently_served_pages():
    store = ProcessPages()

    def generations():
        return {Scope.ARTICLES: 1}

    def page(path):
        return Page((path, ""), (Scope.ARTICLES,), (1,), float("inf"), Copy(b"page", ()), Copy(b"", ()))

    for number in range(LOCAL_PAGES + 1):
        store.keep(page(f"/stories/{number}/"))
    store.get(("/stories/1/", ""), generations)  # served again: now among the most recent

    store.keep(page("/stories/new/"))

    assert store.get(("/stories/0/", ""), generations) is None
    assert store.get(("/stories/2/", ""), generations) is None
    assert store.get(("/stories/1/", ""), generations) is not None
    assert store.get(("/stories/new/", ""), generations) is not None


def test_a_change_committed_while_this_process_reads_the_generations_is_not_undone_by_the_older_answer(
    client, make_article, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    article = make_article(body="## What is it?\n\nOld words.")
    client.get(article.get_absolute_url())
    article.body = "## What is it?\n\nNew words."
    article.save()
    known.forget()  # the recheck is due
    read = Generation.objects.values_list

    def read_while_another_thread_publishes(*fields):
        answer = list(read(*fields))  # the numbers from before the publish
        monkeypatch.setattr(Generation.objects, "values_list", read)
        with django_capture_on_commit_callbacks(execute=True):
            article.publish(note="Reworded.")
        return answer

    monkeypatch.setattr(Generation.objects, "values_list", read_while_another_thread_publishes)
    client.get(article.get_absolute_url())  # this request began before the publish

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


# --- Bounded keys: only the parameters a page reads make a page of its own ---


def test_an_unknown_query_parameter_redirects_to_the_address_without_it(client, make_article):
    make_article()

    response = client.get(reverse("home"), {"x": "1"})

    assert response.status_code == 301
    assert response["Location"] == reverse("home")


def test_a_flood_of_made_up_query_strings_stores_no_page(client, make_article):
    make_article()

    for number in range(50):
        client.get(f"/?x={number}")

    assert len(page_store.pages._pages) == 0


def test_known_filters_are_kept_in_one_canonical_order_and_the_rest_dropped(client, make_story):
    make_story()

    response = client.get("/stories/?utm_source=mail&side_effect=nausea&condition=&condition=lupus")

    assert response.status_code == 301
    assert response["Location"] == "/stories/?condition=lupus&side_effect=nausea"


def test_the_canonical_address_of_a_filtered_list_is_served_without_a_redirect(client, make_story):
    make_story(condition=Story.Condition.LUPUS, title="A lupus story")

    response = client.get("/stories/?condition=lupus")

    assert response.status_code == 200
    assert "A lupus story" in response.text


# --- Host header: the site's own address, never the client's ---


def test_a_port_in_the_host_header_never_reaches_the_canonical_link_of_a_cached_page(client, make_article):
    article = make_article()

    client.get(article.get_absolute_url(), headers={"host": "testserver:6666"})
    page = client.get(article.get_absolute_url()).text

    assert ":6666" not in page
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in page


def test_canonical_links_use_site_url_when_it_is_set(client, make_article, settings):
    settings.SITE_URL = "https://imuran.example.org"
    article = make_article()

    page = client.get(article.get_absolute_url(), headers={"host": "testserver:6666"}).text

    assert f'<link rel="canonical" href="https://imuran.example.org{article.get_absolute_url()}">' in page


def test_a_disallowed_host_gets_the_friendly_400_page(client, make_article):
    make_article()

    response = client.get(reverse("home"), headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "Traceback" not in response.text
    assert "Imuran Info" in response.text


def test_a_disallowed_host_gets_the_friendly_400_page_even_for_a_page_kept_for_readers(client, make_article):
    make_article()
    assert client.get(reverse("home"))["X-Page-Cache"] == "miss"

    response = client.get(reverse("home"), headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "Imuran Info" in response.text


# --- Kept pages are served before the middleware, with everything the middleware gave them ---


def test_a_kept_page_carries_the_security_headers_of_a_freshly_rendered_one(client, make_article):
    article = make_article()
    fresh = client.get(article.get_absolute_url())

    kept = client.get(article.get_absolute_url())

    assert kept["X-Page-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Content-Type",
    ):
        assert kept[header] == fresh[header], header
    assert kept["X-Request-ID"] != fresh["X-Request-ID"]


def test_a_kept_page_is_never_sent_over_plain_http_where_the_site_requires_https(client, make_article, settings):
    article = make_article()
    client.get(article.get_absolute_url(), secure=True)
    settings.SECURE_SSL_REDIRECT = True
    reader = Client()  # a client loads the middleware, and so this setting, on its first request

    plain = reader.get(article.get_absolute_url())

    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    assert reader.get(article.get_absolute_url(), secure=True)["X-Page-Cache"] == "hit"


def test_an_address_with_no_kept_page_never_reads_the_generations(client, django_assert_num_queries):
    known.forget()

    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200


def test_the_site_answers_a_kept_page_to_a_reader_with_no_further_middleware(client, make_article, settings):
    article = make_article()
    client.get(article.get_absolute_url())
    # Were the middleware behind the page store to run, this one would refuse every request.
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_page_cache.refuse_everything"]
    reader = Client()  # a client loads the middleware on its first request

    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert reader.get(reverse("stories:list")).status_code == 503


@pytest.mark.parametrize(
    "header, value",
    [
        ("Cache-Control", "private"),
        ("Cache-Control", "no-store"),
        ("Set-Cookie", "reader=1"),
        ("Vary", "Accept-Language"),
        ("Content-Encoding", "br"),
    ],
)
def test_an_answer_marked_for_one_reader_is_never_kept_for_the_next(rf, header, value):
    @public_page(scopes=[Scope.ARTICLES])
    def for_you(request):
        response = HttpResponse("Only for you")
        response[header] = value
        return response

    @public_page(scopes=[Scope.ARTICLES])
    def for_everyone(request):
        return HttpResponse("For everyone")

    private, public = page_store_middleware(for_you), page_store_middleware(for_everyone)
    private(rf.get("/for-you/"))
    public(rf.get("/for-everyone/"))

    assert private(rf.get("/for-you/"))["X-Page-Cache"] == "bypass"
    assert public(rf.get("/for-everyone/"))["X-Page-Cache"] == "hit"


def refuse_everything(get_response):
    def middleware(request):
        return HttpResponse("Refused", status=503)

    return middleware


def test_the_sitemap_names_the_site_address_not_the_host_a_client_sent(client, make_article, sitemap_addresses):
    make_article()

    client.get("/sitemap.xml", headers={"host": "testserver:6666"})

    assert not [address for address in sitemap_addresses() if ":6666" in address]


# --- Threads: the development server and the live server answer in threads ---


def test_readers_in_many_threads_get_the_same_cached_page(make_article, transactional_db):
    article = make_article()
    statuses = []

    def read():
        try:
            statuses.append(Client().get(article.get_absolute_url()).status_code)
        finally:
            connections.close_all()  # each thread opened a connection of its own

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 8


def test_renaming_a_side_effect_tag_reaches_the_cached_story_pages(
    client, moderator_client, make_story, django_capture_on_commit_callbacks
):
    story = make_story(side_effects=["nausea"])
    assert "Feeling sick (nausea)" in client.get(story.get_absolute_url()).text
    tag = SideEffect.objects.get(slug="nausea")

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("admin:stories_sideeffect_change", args=[tag.pk]),
            {"name": "Nausea and being sick", "slug": "nausea", "position": tag.position},
        )

    assert "Nausea and being sick" in client.get(story.get_absolute_url()).text
    assert "Nausea and being sick" in client.get(reverse("stories:list")).text
