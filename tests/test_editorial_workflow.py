"""Editors draft, publishers publish; every save is a revision; nothing is lost or published by accident."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_editor_saves_a_draft_without_changing_what_patients_see(editor_client, client, make_article, article_form):
    article = make_article(body="## What is it?\n\nThe live sentence.")

    response = editor_client.post(
        change_url(article), article_form(article, body="## What is it?\n\nA draft sentence.")
    )

    assert response.status_code == 302
    public = client.get(article.get_absolute_url()).text
    assert "The live sentence." in public
    assert "A draft sentence." not in public


def list_row(response, title):
    return response.text.split('id="result_list"')[1].split(f">{title}</a>")[1].split("</tr>")[0]


def test_article_list_says_live_with_draft_changes_in_words(editor_client, make_article, article_form):
    article = make_article(title="Side effects")
    editor_client.post(change_url(article), article_form(article, summary="A new summary in the draft."))

    response = editor_client.get(reverse("admin:articles_article_changelist"))

    assert '<td class="field-state">Live with draft changes</td>' in list_row(response, "Side effects")
    assert "icon-yes.svg" not in response.text and "icon-no.svg" not in response.text


def test_article_list_names_every_state_in_words(editor_client, make_article, article_form):
    make_article(title="Untouched")
    make_article(title="Not yet", status=Article.Status.DRAFT)
    make_article(title="Later", published_at=timezone.make_aware(datetime.datetime(2030, 1, 15, 9, 30)))

    response = editor_client.get(reverse("admin:articles_article_changelist"))

    assert ">Live<" in list_row(response, "Untouched")
    assert ">Draft<" in list_row(response, "Not yet")
    assert ">Scheduled for 15 January 2030, 09:30<" in list_row(response, "Later")


def test_publisher_makes_the_draft_live(publisher_client, client, make_article, article_form):
    article = make_article(body="## What is it?\n\nThe live sentence.")
    publisher_client.post(change_url(article), article_form(article, body="## What is it?\n\nA draft sentence."))

    publisher_client.post(change_url(article), article_form(article, _publish="1", change_note="Clearer wording."))

    assert "A draft sentence." in client.get(article.get_absolute_url()).text
    article.refresh_from_db()
    assert not article.has_unpublished_changes


def test_editor_without_publish_permission_cannot_publish(editor_client, client, make_article, article_form):
    article = make_article(body="## What is it?\n\nThe live sentence.")

    response = editor_client.post(
        change_url(article), article_form(article, body="## What is it?\n\nSneaky.", _publish="1")
    )

    assert response.status_code == 403
    assert "Sneaky." not in client.get(article.get_absolute_url()).text
    article.refresh_from_db()
    assert "Sneaky." not in article.body


def test_editor_sees_no_publish_button_but_a_publisher_does(editor_client, publisher_client, make_article):
    article = make_article()

    assert 'name="_publish"' not in editor_client.get(change_url(article)).text
    assert 'name="_publish"' in publisher_client.get(change_url(article)).text


def test_staff_preview_shows_the_draft_in_the_public_template_with_a_banner(editor_client, make_article, article_form):
    article = make_article(body="## What is it?\n\nThe live sentence.")
    editor_client.post(change_url(article), article_form(article, body="## What is it?\n\nA draft <script>x</script>."))

    response = editor_client.get(reverse("articles:preview", args=[article.slug]))

    assert response.status_code == 200
    assert "A draft ." in response.text
    assert "<script>x" not in response.text
    assert "Draft preview" in response.text
    assert "On this page" in response.text


def test_anonymous_visitor_cannot_open_a_preview(client, make_article):
    article = make_article()

    assert client.get(reverse("articles:preview", args=[article.slug])).status_code == 404


def test_every_save_is_a_revision_with_who_and_the_note(editor_client, editor, make_article, article_form):
    article = make_article()

    editor_client.post(change_url(article), article_form(article, body="New text.", change_note="Reworded the intro."))

    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.get_comment() == "Reworded the intro."
    assert latest.revision.user == editor
    assert latest.field_dict["body"] == "New text."


def test_a_save_without_a_note_is_refused_and_the_text_kept(editor_client, make_article, article_form):
    article = make_article()

    response = editor_client.post(change_url(article), article_form(article, body="Unsaved words.", change_note=""))

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Unsaved words." in response.text
    article.refresh_from_db()
    assert article.body != "Unsaved words."


def test_history_compares_two_revisions_showing_the_changed_words(editor_client, make_article, article_form):
    article = make_article()
    editor_client.post(change_url(article), article_form(article, body="Take it with food.", change_note="First."))
    editor_client.post(change_url(article), article_form(article, body="Take it after food.", change_note="Second."))
    newer, older = Version.objects.get_for_object(article)[:2]

    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    response = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"from": older.pk, "to": newer.pk}
    )

    assert "Second." in history.text and "First." in history.text
    assert response.status_code == 200
    assert "<del>with</del><ins>after</ins>" in response.text


def test_restoring_an_old_revision_brings_back_its_text_as_a_new_revision(editor_client, make_article, article_form):
    article = make_article()
    editor_client.post(change_url(article), article_form(article, body="The good old text.", change_note="Good."))
    editor_client.post(change_url(article), article_form(article, body="A mistake.", change_note="Oops."))
    good = Version.objects.get_for_object(article)[1]
    count_before = Version.objects.get_for_object(article).count()

    response = editor_client.post(reverse("admin:articles_article_restore", args=[article.pk, good.pk]))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "The good old text."
    versions = Version.objects.get_for_object(article)
    assert versions.count() == count_before + 1
    assert versions.first().revision.get_comment().startswith("Restored the version saved on")
    assert versions.get(pk=good.pk).field_dict["body"] == "The good old text."


def test_restore_needs_a_post(editor_client, make_article, article_form):
    article = make_article()
    editor_client.post(change_url(article), article_form(article, body="Text."))
    version = Version.objects.get_for_object(article).first()

    response = editor_client.get(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))

    assert response.status_code == 405


def test_scheduled_article_is_hidden_before_its_time_and_public_after(client, make_article):
    go_live = timezone.now() + datetime.timedelta(days=2)
    article = make_article(published_at=go_live, title="Coming soon")

    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Coming soon" not in client.get(reverse("home")).text
    with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Coming soon" in client.get(reverse("home")).text


def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(
    editor_client, publisher_client, make_article, article_form
):
    article = make_article(body="Original.")
    form_opened_by_editor = article_form(article)
    publisher_client.post(change_url(article), article_form(article, body="The publisher's text."))

    response = editor_client.post(change_url(article), {**form_opened_by_editor, "body": "The editor's text."})

    assert response.status_code == 200
    assert "Not saved: publisher saved this article at" in response.text
    assert "The editor&#x27;s text." in response.text
    article.refresh_from_db()
    assert article.body == "The publisher's text."


def test_public_change_log_lists_published_changes_only(publisher_client, client, make_article, article_form):
    article = make_article()
    publisher_client.post(change_url(article), article_form(article, body="v2", change_note="Added vaccine advice."))
    publisher_client.post(change_url(article), article_form(article, _publish="1", change_note="Published the update."))
    publisher_client.post(change_url(article), article_form(article, body="v3", change_note="Unfinished draft note."))

    text = client.get(article.get_absolute_url()).text

    assert "Changes to this page" in text
    assert "Published the update." in text
    assert "First published." in text
    assert "Unfinished draft note." not in text
    assert "Added vaccine advice." not in text


def test_publisher_unpublishes_selected_articles_after_confirming_and_patients_get_404(
    publisher_client, client, make_article
):
    article = make_article()
    changelist = reverse("admin:articles_article_changelist")
    chosen = {"action": "unpublish_selected", "_selected_action": [article.pk]}

    confirmation = publisher_client.post(changelist, chosen)
    assert "Patients will no longer see this article" in confirmation.text
    assert Article.objects.published().filter(pk=article.pk).exists()

    publisher_client.post(changelist, {**chosen, "confirmed": "yes"})

    assert client.get(article.get_absolute_url()).status_code == 404


def test_admin_index_lists_reviews_due_within_30_days_to_editors(editor_client, make_article):
    make_article(title="Due soon", next_review_due=timezone.localdate() + datetime.timedelta(days=10))
    make_article(title="Overdue one", next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    make_article(title="Due next year", next_review_due=timezone.localdate() + datetime.timedelta(days=300))

    text = editor_client.get(reverse("admin:index")).text

    reminders = text.split('id="reminders"')[1].split("</div>")[0]
    assert "Due soon" in reminders
    assert "Overdue one" in reminders and "overdue since" in reminders
    assert "Due next year" not in reminders


def test_admin_index_shows_no_article_reminders_to_staff_who_cannot_edit_articles(client, staff_without_permissions):
    client.force_login(staff_without_permissions)

    assert "Article reviews due" not in client.get(reverse("admin:index")).text


def test_article_model_refuses_nothing_silently_when_published_twice(make_article):
    article = make_article()

    article.publish(note="Again.")

    assert article.publications.count() == 2
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_admin_index_shows_moderators_how_many_stories_wait(moderator_client, make_story):
    make_story(status="pending")
    make_story(status="pending")
    make_story(status="approved")

    text = moderator_client.get(reverse("admin:index")).text

    assert "2 stories waiting" in text
    assert "Article reviews due" not in text


def test_admin_index_shows_editors_no_story_queue(editor_client, make_story):
    make_story(status="pending")

    assert "stories waiting" not in editor_client.get(reverse("admin:index")).text
