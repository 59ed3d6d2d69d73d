import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from articles.management.commands.load_initial_content import CONTENT_DIR, parse_content_file
from articles.models import Article
from articles.shipped import ShippedArticle

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


# --- Bringing an existing database up to a newer shipped text ------------------------

OLD_BODY = "## What is it?\n\nThe first shipped words.\n"
NEW_BODY = "## What is it?\n\nThe second shipped words, checked again.\n"


def write_article(folder, body, *, earlier=(), note="", title="Test page"):
    folder.mkdir(exist_ok=True)
    earlier_list = ", ".join(f'"{fingerprint}"' for fingerprint in earlier)
    (folder / "01-test.md").write_text(
        f"""+++
title = "{title}"
slug = "test-page"
position = 1
summary = "A page for the tests."
author = "Imuran Info editorial team"
next_review_due = 2030-01-01
earlier_versions = [{earlier_list}]
change_note = "{note}"

[[references]]
title = "About azathioprine"
publisher = "NHS"
url = "https://www.nhs.uk/medicines/azathioprine/about-azathioprine/"
+++

{body}""",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def shipped_twice(tmp_path):
    """An older shipped text, loaded into the database, and a newer one that replaces it."""
    old = write_article(tmp_path / "old", OLD_BODY)
    call_command("load_initial_content", content_dir=old, stdout=StringIO())
    old_fingerprint = ShippedArticle.from_file(old / "01-test.md").fingerprint
    return write_article(tmp_path / "new", NEW_BODY, earlier=[old_fingerprint], note="Checked the words again.")


def test_an_untouched_earlier_shipped_text_is_replaced_and_published(client, shipped_twice):
    out = StringIO()

    call_command("load_initial_content", content_dir=shipped_twice, stdout=out)

    article = Article.objects.get(slug="test-page")
    assert "The second shipped words, checked again." in client.get(article.get_absolute_url()).text
    assert "test-page: updated to the new shipped text" in out.getvalue()
    assert article.publications.first().note == "Checked the words again."


def test_a_shipped_update_is_kept_in_the_history_with_its_note(shipped_twice):
    call_command("load_initial_content", content_dir=shipped_twice, stdout=StringIO())

    article = Article.objects.get(slug="test-page")
    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.comment == "Shipped update: Checked the words again."
    assert latest.field_dict["body"] == NEW_BODY


def test_a_shipped_update_dates_the_editors_check_today(shipped_twice):
    Article.objects.filter(slug="test-page").update(last_reviewed=datetime.date(2026, 1, 1))

    call_command("load_initial_content", content_dir=shipped_twice, stdout=StringIO())

    assert Article.objects.get(slug="test-page").last_reviewed == timezone.localdate()


def test_an_article_an_editor_changed_is_never_replaced_by_a_newer_shipped_text(client, shipped_twice):
    article = Article.objects.get(slug="test-page")
    article.body = OLD_BODY + "\nAn editor added this line.\n"
    article.save()
    article.publish(note="Added a line.")
    out = StringIO()

    call_command("load_initial_content", content_dir=shipped_twice, stdout=out)

    assert "An editor added this line." in client.get(article.get_absolute_url()).text
    assert "test-page: left as it is" in out.getvalue()


def test_a_saved_but_unpublished_draft_is_never_replaced(shipped_twice):
    article = Article.objects.get(slug="test-page")
    article.title = "A draft title"
    article.save()

    call_command("load_initial_content", content_dir=shipped_twice, stdout=StringIO())

    article.refresh_from_db()
    assert (article.title, article.body) == ("A draft title", OLD_BODY)


def test_changed_references_alone_keep_the_article_as_the_editor_left_it(shipped_twice):
    article = Article.objects.get(slug="test-page")
    article.references.update(title="A better title for the source")
    article.save()
    article.publish(note="Renamed a source.")

    call_command("load_initial_content", content_dir=shipped_twice, stdout=StringIO())

    article.refresh_from_db()
    assert article.body == OLD_BODY


def test_an_article_taken_offline_stays_offline(shipped_twice):
    Article.objects.get(slug="test-page").unpublish()

    call_command("load_initial_content", content_dir=shipped_twice, stdout=StringIO())

    article = Article.objects.get(slug="test-page")
    assert (article.status, article.body) == (Article.Status.DRAFT, OLD_BODY)


def test_a_first_load_dates_the_editors_check_on_the_day_it_goes_live():
    call_command("load_initial_content", stdout=StringIO())

    for article in Article.objects.all():
        assert article.last_reviewed == timezone.localdate(article.published_at), article.slug


def test_every_article_shipped_before_lists_the_text_it_replaces():
    for path in CONTENT_DIR.glob("*.md"):
        shipped = ShippedArticle.from_file(path)
        if shipped.change_note == "First published.":
            continue
        assert shipped.earlier_versions, path.name
        assert all(len(fingerprint) == 64 for fingerprint in shipped.earlier_versions), path.name
        assert shipped.fingerprint not in shipped.earlier_versions, path.name
