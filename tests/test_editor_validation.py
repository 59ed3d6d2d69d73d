"""Validation and messages in the article admin (issue 13, items 7 and 9)."""

import datetime

import pytest
from django.urls import reverse

from articles.models import Article, ProblemReport

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_next_review_must_come_after_the_last_review(editor_client, make_article, article_form):
    article = make_article()

    response = editor_client.post(
        change_url(article), article_form(article, last_reviewed="2026-11-01", next_review_due="2026-10-01")
    )

    assert response.status_code == 200
    assert "The next review must come after the last review." in response.text


def test_an_address_differing_only_in_case_is_refused(editor_client, make_article, article_form):
    make_article(slug="overview")
    other = make_article(status=Article.Status.DRAFT)

    response = editor_client.post(change_url(other), article_form(other, slug="Overview"))

    assert response.status_code == 200
    assert "Another article uses this address." in response.text


def test_two_articles_cannot_share_a_place_in_the_reading_order(editor_client, make_article, article_form):
    make_article(position=3)
    other = make_article(position=4)

    response = editor_client.post(change_url(other), article_form(other, position=3))

    assert response.status_code == 200
    assert "Another article already has this place in the reading order." in response.text


def test_a_new_article_is_offered_the_next_free_place(editor_client, make_article):
    make_article(position=7)

    response = editor_client.get(reverse("admin:articles_article_add"))

    assert 'name="position" value="8"' in response.text


def test_the_address_help_shows_the_address_in_plain_words(editor_client):
    text = editor_client.get(reverse("admin:articles_article_add")).text

    assert "/articles//" not in text
    assert "after /articles/" in text


def test_an_error_summary_links_to_each_field_with_a_problem(editor_client, make_article, article_form):
    article = make_article()

    response = editor_client.post(change_url(article), article_form(article, title="", change_note=""))

    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#id_title">Title: This field is required.</a>' in summary
    assert '<a href="#id_change_note">What changed? This field is required.</a>' in summary
    assert "Please correct the error" not in response.text.split("</form>")[0].split('class="error-summary"')[0]


def test_an_image_from_another_site_is_refused_with_the_security_policy_named(
    editor_client, make_article, article_form
):
    article = make_article()

    response = editor_client.post(change_url(article), article_form(article, body="![x](https://example.com/a.png)"))

    assert response.status_code == 200
    assert "img-src &#x27;self&#x27;" in response.text
    article.refresh_from_db()
    assert "example.com" not in article.body


def test_admin_dates_use_the_sites_format(editor_client, make_article):
    make_article(title="Dated", last_reviewed=datetime.date(2026, 12, 2))

    text = editor_client.get(reverse("admin:articles_article_changelist")).text

    assert "2 December 2026" in text
    assert "2026-12-02" not in text and "Dec. 2, 2026" not in text


def test_admin_home_counts_open_problem_reports(editor_client, make_article):
    article = make_article()
    ProblemReport.objects.create(article=article, kind="wrong", message="Out of date.")
    ProblemReport.objects.create(article=article, kind="unclear", message="Hard.", resolved=True)

    reminders = editor_client.get(reverse("admin:index")).text.split('id="reminders"')[1]

    assert "1 open problem report" in reminders


def test_problem_report_labels_are_written_for_staff(editor_client, make_article):
    report = ProblemReport.objects.create(article=make_article(), kind="wrong", message="Out of date.")

    text = editor_client.get(reverse("admin:articles_problemreport_change", args=[report.pk])).text

    assert "What is the problem?" not in text
    assert "Reader&#x27;s message" in text or "Reader's message" in text
