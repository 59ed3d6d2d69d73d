"""Item 1 of issue 11: a cache failure never fails a page, and never a stored story.

Each test starts its own redis-server, points the cache at it as production configures it
(imuran_info/settings.py redis_cache), then stops, freezes or fills it.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from stories.models import Story

pytestmark = pytest.mark.django_db

FULL = ("--maxmemory", "1mb", "--maxmemory-policy", "noeviction")


def break_redis(start_redis, fault):
    """A Redis of the test's own, stopped, frozen or full, as `fault` says."""
    server = start_redis(*(FULL if fault == "full" else ()))
    if fault == "full":
        server.fill()
    return server


def apply(server, fault):
    if fault == "stopped":
        server.stop()
    elif fault == "frozen":
        server.freeze()


def public_addresses(make_article, make_story):
    article = make_article()
    story = make_story()
    stories = reverse("stories:list")
    return [
        reverse("home"),
        article.get_absolute_url(),
        stories,
        f"{stories}?condition=crohns-disease",
        story.get_absolute_url(),
        reverse("stories:share"),
        reverse("stories:guidelines"),
        reverse("stories:privacy"),
        reverse("about"),
        reverse("robots"),
        reverse("sitemap"),
        reverse("sitemap-section", args=["stories"]),
    ]


@pytest.mark.parametrize("fault", ["stopped", "frozen", "full"])
def test_every_public_page_answers_200_when_the_cache_redis_is(
    fault, client, start_redis, cache_on, make_article, make_story
):
    server = break_redis(start_redis, fault)
    cache_on(server)
    addresses = public_addresses(make_article, make_story)
    apply(server, fault)

    statuses = {address: client.get(address).status_code for address in addresses}

    assert statuses == dict.fromkeys(addresses, 200)


@pytest.mark.parametrize("fault", ["stopped", "frozen", "full"])
def test_a_shared_story_is_stored_and_the_author_thanked_when_the_cache_redis_is(
    fault, client, start_redis, cache_on, story_form
):
    server = break_redis(start_redis, fault)
    cache_on(server)
    apply(server, fault)

    response = client.post(reverse("stories:share"), story_form(title="Sent while the cache was broken"))

    story = Story.objects.get(title="Sent while the cache was broken")
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:thanks", args=[story.token])


def test_a_frozen_redis_is_asked_once_then_skipped_until_the_breaker_closes(client, start_redis, cache_on, settings):
    # Counted by Redis itself once it wakes: connections it was sent and commands it ran.
    settings.REDIS_BREAKER_SECONDS = 600  # longer than the test, however slow the machine
    server = start_redis()
    cache_on(server)
    before = server.stats()
    server.freeze()

    # The sitemap is kept in the shared cache: each request asks Redis for it first.
    for _ in range(20):
        assert client.get(reverse("sitemap")).status_code == 200
    server.thaw()
    after = server.stats()

    # The first request's cache call waits for the socket timeout and opens the breaker; the
    # nineteen after it never reach Redis. Without the breaker each would open a connection.
    # So: one connection (its handshake, two CLIENT SETINFO, and one command), plus the stats call.
    assert after["total_connections_received"] - before["total_connections_received"] == 1 + 1
    assert after["total_commands_processed"] - before["total_commands_processed"] <= 3 + 1


def test_a_stopped_redis_opens_the_breaker_after_one_failed_connection(client, start_redis, cache_on):
    server = start_redis()
    cache_on(server)
    server.stop()

    client.get(reverse("sitemap"))

    assert cache.client.get_client().connection_pool.is_open


def test_a_page_flood_cannot_evict_the_rate_limit(client, start_redis, cache_on, settings, story_form, make_story):
    # A Redis with about 1 MB to spare that evicts any key when full: a flood that stored its
    # pages there (7 KB each, as the cache once did) would evict the count; one that stores nothing cannot.
    server = start_redis("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru")
    cache_on(server)
    settings.STORY_RATE_LIMIT = 2
    story = make_story()
    # Different stories: the same one sent again would be answered as the same story.
    for number in range(2):
        client.post(reverse("stories:share"), story_form(text=f"Story {number}. " + story_form()["text"]))
    stories = reverse("stories:list")

    for number in range(200):
        client.get(f"/?x={number}")
        client.get(f"{stories}?before=4000000000000000-{number + 1}")
        client.get(f"{story.get_absolute_url()}?utm={number}")
        client.get(f"{reverse('sitemap-section', args=['stories'])}?p={number + 2}")

    assert client.post(reverse("stories:share"), story_form()).status_code == 429
    assert server.client().dbsize() < 20
