import datetime
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article, Reference
from page_cache.generations import known
from page_cache.pages import pages


def pytest_configure(config):
    from django.conf import settings

    # Tests read static files straight from the source folders; production's
    # hashed, compressed names are checked by `collectstatic` in CI instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _clear_caches():
    # The shared cache, and this process's own pages and generations (page_cache/).
    cache.clear()
    pages.clear()
    known.forget()


@pytest.fixture(autouse=True)
def django_db_serialized_rollback():
    """Every transactional test puts back the rows the migrations made (groups, side-effect tags).

    Named after pytest-django's own fixture, which it replaces: being in every test's
    fixtures turns serialized rollback on for each transactional test. Without it, a
    transactional test's flush recreates the content types in another order, and the
    next test that restores the migrations' rows (the browser tests) fails on them.
    """


@pytest.fixture
def generations_kept(settings):
    """The page-cache generations, once read, kept for the whole test.

    A query budget measured after a warm-up request must not depend on the machine's speed: on a
    slow one a second can pass between the two, and the recheck (PAGE_CACHE_RECHECK_SECONDS,
    tested on its own in test_page_cache.py) would add its query to the budget.
    """
    settings.PAGE_CACHE_RECHECK_SECONDS = 3600


@pytest.fixture
def clear_caches():
    return _clear_caches


@pytest.fixture(autouse=True)
def _empty_cache():
    # Page caches and rate limits must not leak from one test into the next.
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture(autouse=True)
def _withdrawal_log(settings, tmp_path):
    # Each test writes withdrawals to a log of its own, never to the checkout's var/.
    settings.STORY_WITHDRAWAL_LOG = tmp_path / "withdrawals.jsonl"
    return settings.STORY_WITHDRAWAL_LOG


@pytest.fixture
def make_article(db):
    counter = iter(range(1, 10_000))

    def make(**fields):
        number = next(counter)
        defaults = {
            "title": f"Section {number}",
            "slug": f"section-{number}",
            "summary": f"What section {number} is about.",
            "body": f"## What is in section {number}?\n\nPlain words about section {number}.\n",
            "position": number,
            "status": Article.Status.PUBLISHED,
            "go_live_at": timezone.now() - datetime.timedelta(days=1),
            "last_reviewed": datetime.date(2026, 11, 1),
            "next_review_due": timezone.localdate() + datetime.timedelta(days=365),
            "author": "Imuran Info editorial team",
        }
        references = fields.pop(
            "references", [("About azathioprine", "NHS", "https://www.nhs.uk/medicines/azathioprine/")]
        )
        # Only publish() sets published_at: a future one is a publish time; a past one
        # is written back afterwards, as if the article had gone live then.
        went_live = fields.pop("published_at", None)
        if went_live is not None:
            fields["go_live_at"] = went_live
        fields = {**defaults, **fields}
        publish = fields.pop("status") == Article.Status.PUBLISHED
        article = Article.objects.create(**fields)
        for position, (title, publisher, url) in enumerate(references, start=1):
            Reference.objects.create(article=article, position=position, title=title, publisher=publisher, url=url)
        if publish:
            article.publish(note="First published.")
            if went_live is not None and went_live <= timezone.now():
                Article.objects.filter(pk=article.pk).update(published_at=went_live)
                article.published_at = went_live
        return article

    return make


STAFF_PASSWORD = "a long test password 123"


@pytest.fixture
def staff_user(db):
    """Makes a staff member in one of the groups the migrations create."""

    def make(username, group_name=None):
        user = User.objects.create_user(username, f"{username}@example.org", STAFF_PASSWORD, is_staff=True)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def editor(staff_user):
    return staff_user("editor", "Editors")


@pytest.fixture
def publisher(staff_user):
    return staff_user("publisher", "Publishers")


@pytest.fixture
def publisher_client(publisher):
    return _logged_in(publisher)


@pytest.fixture
def article_form():
    """The admin change form's data for an article, as a browser would post it."""

    def form(article, **changes):
        article.refresh_from_db()
        data = {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "body": article.body,
            "show_urgent_help": "on" if article.show_urgent_help else "",
            "go_live_at_0": "",
            "go_live_at_1": "",
            "position": article.position,
            "author": article.author,
            "reviewer": article.reviewer,
            "last_reviewed": article.last_reviewed.isoformat(),
            "next_review_due": article.next_review_due.isoformat(),
            "change_note": "Small fixes.",
            "edit_count_seen": article.edit_count,
        }
        if article.draft_slug:
            data["draft_slug"] = article.draft_slug
        if article.go_live_at and not article.is_public:
            local = timezone.localtime(article.go_live_at)
            data["go_live_at_0"], data["go_live_at_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        references = list(article.references.all())
        data["references-TOTAL_FORMS"] = data["references-INITIAL_FORMS"] = len(references)
        for index, reference in enumerate(references):
            data |= {
                f"references-{index}-id": reference.pk,
                f"references-{index}-article": article.pk,
                f"references-{index}-position": reference.position,
                f"references-{index}-title": reference.title,
                f"references-{index}-publisher": reference.publisher,
                f"references-{index}-url": reference.url,
            }
        return {**data, **changes}

    return form


@pytest.fixture
def staff_without_permissions(staff_user):
    return staff_user("plainstaff")


def _logged_in(user):
    # A client of its own, so several people can act in one test.
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return _logged_in(editor)


# --- Patient stories ---------------------------------------------------------

STORY_TEXT = (
    "I started azathioprine for Crohn's disease two years ago. The first weeks were hard because I felt "
    "sick most mornings, but taking it after food helped.\n\nAfter about four months I had fewer flare-ups."
)


@pytest.fixture
def make_story(db):
    from insights import counts as insight_counts
    from stories.models import SideEffect, Story
    from stories.records import QueueCount

    def make(**fields):
        side_effects = fields.pop("side_effects", [])
        fields = {
            "title": "My first year on Imuran",
            "text": STORY_TEXT,
            "display_name": "Sam",
            "role": Story.Role.PATIENT,
            "condition": Story.Condition.CROHNS_DISEASE,
            "status": Story.Status.APPROVED,
            "consented_at": timezone.now(),
            "consent_version": "test",
            **fields,
        }
        fields.setdefault("original_text", fields["text"])
        story = Story.objects.create(**fields)
        QueueCount.move({story.status: 1})  # as Story.submit() and the decisions keep it
        story.side_effects.set(SideEffect.objects.filter(slug__in=side_effects))
        if story.status == Story.Status.APPROVED:
            insight_counts.joined(story)  # as the decisions keep the insights page's counts
        return story

    return make


@pytest.fixture
def story_form():
    """A valid share-form submission, as a browser would post it."""

    def form(**changes):
        return {
            "text": STORY_TEXT,
            "title": "My first year on Imuran",
            "display_name": "Sam",
            "role": "patient",
            "condition": "crohns-disease",
            "time_on_imuran": "1-5-years",
            "age_band": "25-34",
            "helped_rating": "4",
            "consent_age": "on",
            "consent_own": "on",
            "consent_publish": "on",
            **changes,
        }

    return form


@pytest.fixture
def moderator(staff_user):
    return staff_user("moderator", "Moderators")


@pytest.fixture
def moderator_client(moderator):
    return _logged_in(moderator)


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def sitemap_addresses(client):
    """Every address a crawler finds by starting at /sitemap.xml (an index of sitemaps)."""

    # Only ever our own sitemap, rendered by the test client: no untrusted XML.
    def crawl():
        index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
        addresses = []
        for sitemap in index.iter(f"{SITEMAP_NS}loc"):
            page = ET.fromstring(client.get(sitemap.text.removeprefix("http://testserver")).content)  # noqa: S314
            addresses += [loc.text for loc in page.iter(f"{SITEMAP_NS}loc")]
        return addresses

    return crawl
