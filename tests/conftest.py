import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, Reference


def pytest_configure(config):
    from django.conf import settings

    # Tests read static files straight from the source folders; production's
    # hashed, compressed names are checked by `collectstatic` in CI instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Page caches and rate limits must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()


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
            "published_at": timezone.now() - datetime.timedelta(days=1),
            "last_reviewed": datetime.date(2026, 11, 1),
            "next_review_due": timezone.localdate() + datetime.timedelta(days=365),
            "author": "Imuran Info editorial team",
        }
        references = fields.pop(
            "references", [("About azathioprine", "NHS", "https://www.nhs.uk/medicines/azathioprine/")]
        )
        article = Article.objects.create(**{**defaults, **fields})
        for position, (title, publisher, url) in enumerate(references, start=1):
            Reference.objects.create(article=article, position=position, title=title, publisher=publisher, url=url)
        return article

    return make


def _staff_user(username, group_name=None):
    user = User.objects.create_user(username, f"{username}@example.org", "a long test password 123", is_staff=True)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return _staff_user("editor", "Editors")


@pytest.fixture
def staff_without_permissions(db):
    return _staff_user("plainstaff")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
