"""Existing databases get the editorial workflow's data by migration (issue 13, item 3)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("articles", "0003_editorial_workflow")]
AFTER = [("articles", "0005_unique_address_and_place")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_articles():
    apps = migrate(BEFORE)
    Article = apps.get_model("articles", "Article")
    Reference = apps.get_model("articles", "Reference")
    common = {"summary": "S.", "next_review_due": datetime.date(2027, 1, 1), "author": "Team", "status": "published"}
    shipped = Article.objects.create(title="Shipped", slug="shipped", body="The shipped words.", position=1, **common)
    Reference.objects.create(article=shipped, title="NHS", publisher="NHS", url="https://www.nhs.uk/")
    Article.objects.create(title="Twin", slug="twin", body="B.", position=1, **common)
    yield
    migrate(AFTER)


def test_an_article_without_history_gets_a_first_revision_holding_its_text(old_articles):
    migrate(AFTER)
    from reversion.models import Version

    from articles.models import Article

    article = Article.objects.get(slug="shipped")
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    assert versions[0].field_dict["body"] == "The shipped words."
    references = versions[0].revision.version_set.filter(content_type__model="reference")
    assert [reference.field_dict["title"] for reference in references] == ["NHS"]


def test_articles_sharing_a_place_are_renumbered_in_their_reading_order(old_articles):
    migrate(AFTER)
    from articles.models import Article

    assert list(Article.objects.order_by("position").values_list("title", "position")) == [("Shipped", 1), ("Twin", 2)]


def test_the_release_still_running_during_a_deploy_can_still_save_articles_and_publications():
    # The previous release's models know nothing of the workflow's columns: during a rolling
    # deploy its inserts name only the columns it had, and updates write "version".
    migrate(AFTER)
    previous = migrate_state([("articles", "0002_roles")])
    Article = previous.get_model("articles", "Article")
    Publication = previous.get_model("articles", "Publication")
    article = Article.objects.create(
        title="Old release",
        slug="old-release",
        summary="S.",
        body="Written by the old release.",
        position=42,
        next_review_due=datetime.date(2027, 1, 1),
        author="Team",
    )
    Publication.objects.create(article=article, note="Published by the old release.")
    Article.objects.filter(pk=article.pk).update(version=7)

    from articles.models import Article as CurrentArticle

    saved = CurrentArticle.objects.get(slug="old-release")
    assert (saved.edit_count, saved.draft_slug, saved.review_state) == (7, "", "")
    assert saved.publications.get().dose_override_reason == ""


def migrate_state(targets):
    """The models as they were at `targets`, without migrating the database there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps
