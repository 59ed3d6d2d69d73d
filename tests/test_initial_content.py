import pytest
from django.core.management import call_command

from articles.management.commands.load_initial_content import CONTENT_DIR, parse_content_file
from articles.models import Article

pytestmark = pytest.mark.django_db

SHIPPED_SLUGS = {parse_content_file(path)[0]["slug"] for path in CONTENT_DIR.glob("*.md")}


def test_initial_content_publishes_every_shipped_article_with_its_references(client):
    call_command("load_initial_content")

    assert set(Article.objects.published().values_list("slug", flat=True)) == SHIPPED_SLUGS
    for article in Article.objects.all():
        assert article.references.count() >= 3, article.slug
        assert client.get(article.get_absolute_url()).status_code == 200


def test_loading_initial_content_twice_creates_nothing_new():
    call_command("load_initial_content")
    first = list(Article.objects.values_list("pk", "slug", "updated_at"))

    call_command("load_initial_content")

    assert list(Article.objects.values_list("pk", "slug", "updated_at")) == first


def test_loading_initial_content_again_keeps_an_editors_change(client):
    call_command("load_initial_content")
    article = Article.objects.get(slug="overview")
    article.title = "Edited by an editor"
    article.body = "## Changed\n\nAn editor rewrote this."
    article.save()
    article.references.all().delete()
    article.publish(note="Rewritten.")

    call_command("load_initial_content")

    article.refresh_from_db()
    assert article.title == "Edited by an editor"
    assert article.references.count() == 0
    assert "An editor rewrote this." in client.get(article.get_absolute_url()).text


def test_loading_initial_content_recreates_only_a_deleted_article():
    call_command("load_initial_content")
    Article.objects.filter(slug="overview").delete()
    kept = Article.objects.exclude(slug="overview").first()

    call_command("load_initial_content")

    assert Article.objects.filter(slug="overview").exists()
    assert Article.objects.get(pk=kept.pk).updated_at == kept.updated_at
