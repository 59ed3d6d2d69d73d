"""Complete history, comparisons with the live copy and the draft, and conflicts that merge (items 3 and 8)."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from articles.models import Article

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def compare(client, article, older, newer):
    return client.get(reverse("admin:articles_article_compare", args=[article.pk]), {"from": older, "to": newer})


def test_shipped_articles_start_with_a_revision_holding_the_shipped_text(editor_client):
    call_command("load_initial_content", stdout=io.StringIO())
    article = Article.objects.get(slug="overview")

    first = Version.objects.get_for_object(article).last()

    assert first.field_dict["body"] == article.body
    assert first.revision.get_comment() == "First published."


def test_after_the_first_edit_the_shipped_text_can_be_restored(editor_client, article_form):
    call_command("load_initial_content", stdout=io.StringIO())
    article = Article.objects.get(slug="overview")
    shipped = article.body
    editor_client.post(change_url(article), article_form(article, body="A quick edit."))
    first = Version.objects.get_for_object(article).last()

    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).text
    editor_client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))

    assert history.count("Restore this version") == 1
    article.refresh_from_db()
    assert article.body == shipped


def test_compare_draft_with_live_shows_the_words_changed_in_each_field(editor_client, make_article, article_form):
    article = make_article(summary="Take it with food.")
    editor_client.post(change_url(article), article_form(article, summary="Take it after food."))

    response = compare(editor_client, article, "live", "draft")

    assert response.status_code == 200
    assert "<del>with</del><ins>after</ins>" in response.text
    assert "Title (no change)" in response.text


def test_compare_a_revision_with_the_live_copy(editor_client, make_article, article_form):
    article = make_article(body="Live words.")
    editor_client.post(change_url(article), article_form(article, body="Draft words.", change_note="Draft."))
    draft = Version.objects.get_for_object(article).first()

    response = compare(editor_client, article, draft.pk, "live")

    assert "<del>Draft</del><ins>Live</ins> words." in response.text


def test_compare_shows_reference_changes(editor_client, make_article, article_form):
    article = make_article()
    form = article_form(article)
    editor_client.post(change_url(article), {**form, "references-0-title": "Azathioprine, the NHS page"})

    response = compare(editor_client, article, "live", "draft")

    assert re.search(r"<ins>[^<]*NHS page</ins>", response.text)
    assert re.search(r"<del>[^<]*About[^<]*</del>", response.text)


@pytest.mark.parametrize(
    "older, newer",
    [("abc", "1"), ("", "draft"), ("live", "99999999"), ("-1", "draft"), ("9" * 40, "draft"), ("²", "draft")],
)
def test_compare_refuses_bad_parameters_with_400(editor_client, make_article, older, newer):
    article = make_article()

    assert compare(editor_client, article, older, newer).status_code == 400


def test_compare_with_live_refuses_an_article_never_published(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT)

    assert compare(editor_client, article, "live", "draft").status_code == 400


def test_compare_refuses_a_revision_of_another_article(editor_client, make_article, article_form):
    article, other = make_article(), make_article()
    editor_client.post(change_url(other), article_form(other, body="Other."))

    response = compare(editor_client, article, Version.objects.get_for_object(other).first().pk, "draft")

    assert response.status_code == 400


def test_restore_of_a_revision_of_another_article_is_404(editor_client, make_article, article_form):
    article, other = make_article(), make_article()
    editor_client.post(change_url(other), article_form(other, body="Other."))
    version = Version.objects.get_for_object(other).first()

    response = editor_client.post(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))

    assert response.status_code == 404


# --- Conflicts merge, never overwrite --------------------------------------------


@pytest.fixture
def conflict(editor_client, publisher_client, make_article, article_form):
    article = make_article(body="Take it with food.")
    stale = article_form(article, body="Take it with a glass of water.")
    publisher_client.post(change_url(article), article_form(article, body="Take it after food."))
    response = editor_client.post(change_url(article), stale)
    return article, stale, response


def test_a_refused_save_shows_a_word_diff_between_their_text_and_yours(conflict):
    _, _, response = conflict

    assert response.status_code == 200
    assert "Not saved: publisher saved this article at" in response.text
    assert "Take it <del>after</del><ins>with</ins> <del>food.</del><ins>a glass of water.</ins>" in response.text


def test_saving_again_without_confirming_the_merge_is_refused_again(conflict, editor_client):
    article, stale, _ = conflict

    response = editor_client.post(change_url(article), stale)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.body == "Take it after food."


def test_after_merging_and_confirming_the_editors_text_is_saved(conflict, editor_client):
    article, stale, response = conflict
    shown_count = response.context["adminform"].form.data["conflict_edit_count"]

    response = editor_client.post(
        change_url(article),
        {**stale, "body": "Take it after food, with water.", "confirm_merge": "on", "conflict_edit_count": shown_count},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Take it after food, with water."


def test_a_merge_confirmed_against_an_older_text_is_refused_when_someone_saved_again(
    conflict, editor_client, publisher_client, article_form
):
    article, stale, response = conflict
    shown_count = response.context["adminform"].form.data["conflict_edit_count"]
    publisher_client.post(change_url(article), article_form(article, body="A third text."))

    response = editor_client.post(
        change_url(article), {**stale, "confirm_merge": "on", "conflict_edit_count": shown_count}
    )

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.body == "A third text."


def test_restore_with_an_impossibly_large_version_number_is_404(editor_client, make_article):
    article = make_article()

    response = editor_client.post(f"/admin/articles/article/{article.pk}/history/{'9' * 30}/restore/")

    assert response.status_code == 404
