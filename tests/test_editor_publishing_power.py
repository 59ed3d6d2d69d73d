"""Publishing power stays with publishers: an editor's save never changes what patients see (issue 13, items 1-2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, FormerSlug

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_editor_setting_a_later_publish_time_on_a_live_article_leaves_it_live(
    editor_client, client, make_article, article_form
):
    article = make_article(title="Live one")
    first_published = article.published_at

    editor_client.post(
        change_url(article), {**article_form(article), "go_live_at_0": "2030-01-01", "go_live_at_1": "09:00"}
    )

    assert client.get(article.get_absolute_url()).status_code == 200
    article.refresh_from_db()
    assert article.published_at == first_published


def test_a_live_article_form_has_no_publish_time_field_only_the_first_published_date(editor_client, make_article):
    article = make_article()

    text = editor_client.get(change_url(article)).text

    assert 'name="go_live_at_0"' not in text
    assert "First published" in text


def test_editor_proposing_a_publish_time_for_a_draft_does_not_schedule_it(editor_client, make_article, article_form):
    article = make_article(status=Article.Status.DRAFT)

    editor_client.post(change_url(article), article_form(article, go_live_at_0="2030-01-01", go_live_at_1="09:00"))

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_publisher_publishing_a_draft_with_a_future_time_schedules_it_and_says_so(
    publisher_client, client, make_article, article_form
):
    article = make_article(status=Article.Status.DRAFT)
    form = article_form(article, go_live_at_0="2030-01-15", go_live_at_1="09:30", _publish="1")

    response = publisher_client.post(change_url(article), form, follow=True)

    assert "is scheduled for 15 January 2030, 09:30" in response.text
    assert "is live" not in response.text
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_changing_the_address_of_a_live_article_leaves_the_page_where_it_is(
    editor_client, client, make_article, article_form
):
    article = make_article(slug="side-effects")

    editor_client.post(change_url(article), article_form(article, draft_slug="side-effects-of-imuran", slug="x"))

    assert client.get("/articles/side-effects/").status_code == 200
    assert client.get("/articles/side-effects-of-imuran/").status_code == 404
    article.refresh_from_db()
    assert (article.slug, article.draft_slug) == ("side-effects", "side-effects-of-imuran")


def test_editor_cannot_unpublish_an_article(editor_client, client, make_article):
    article = make_article()

    confirm = editor_client.post(reverse("admin:articles_article_unpublish", args=[article.pk]))
    action = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk], "confirmed": "yes"},
    )

    assert confirm.status_code == 403
    assert action.status_code == 200  # the admin answers "no such action" on the list page
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publisher_unpublishes_from_the_article_after_a_confirmation_page(publisher_client, make_article):
    article = make_article(title="To take down")
    url = reverse("admin:articles_article_unpublish", args=[article.pk])

    confirmation = publisher_client.get(url)
    assert "Yes, unpublish" in confirmation.text
    assert Article.objects.published().filter(pk=article.pk).exists()

    publisher_client.post(url)

    assert not Article.objects.published().filter(pk=article.pk).exists()


# --- Old addresses keep working --------------------------------------------------


def move(publisher_client, article_form, article, new_slug):
    publisher_client.post(change_url(article), article_form(article, draft_slug=new_slug, _publish="1"))
    article.refresh_from_db()


def test_publishing_a_new_address_moves_the_page_and_the_old_address_redirects_permanently(
    publisher_client, client, make_article, article_form
):
    article = make_article(slug="side-effects")

    move(publisher_client, article_form, article, "side-effects-of-imuran")

    response = client.get("/articles/side-effects/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/side-effects-of-imuran/"
    assert client.get("/articles/side-effects-of-imuran/").status_code == 200


def test_every_old_address_redirects_straight_to_the_current_one(publisher_client, client, make_article, article_form):
    article = make_article(slug="first")
    move(publisher_client, article_form, article, "second")
    move(publisher_client, article_form, article, "third")

    assert client.get("/articles/first/")["Location"] == "/articles/third/"
    assert client.get("/articles/second/")["Location"] == "/articles/third/"
    assert client.get("/articles/first/report-a-problem/")["Location"] == "/articles/third/report-a-problem/"


def test_the_canonical_link_and_the_sitemap_follow_the_new_address(
    publisher_client, client, make_article, article_form, sitemap_addresses
):
    article = make_article(slug="side-effects")

    move(publisher_client, article_form, article, "side-effects-of-imuran")

    page = client.get("/articles/side-effects/", follow=True)
    assert '<link rel="canonical" href="http://testserver/articles/side-effects-of-imuran/">' in page.text
    addresses = sitemap_addresses()
    assert "http://testserver/articles/side-effects-of-imuran/" in addresses
    assert "http://testserver/articles/side-effects/" not in addresses


def test_an_unpublished_articles_old_address_answers_404(publisher_client, client, make_article, article_form):
    article = make_article(slug="old")
    move(publisher_client, article_form, article, "new")

    article.unpublish()

    assert client.get("/articles/old/").status_code == 404


def test_no_article_may_take_another_articles_old_address(editor_client, publisher_client, make_article, article_form):
    moved = make_article(slug="old")
    move(publisher_client, article_form, moved, "new")
    other = make_article(status=Article.Status.DRAFT)

    response = editor_client.post(change_url(other), article_form(other, slug="old"))

    assert response.status_code == 200
    assert "This was another article&#x27;s address" in response.text
    assert FormerSlug.objects.get(slug="old").article == moved


def test_publishing_with_a_later_time_schedules_the_article(client, make_article):
    go_live = timezone.now() + datetime.timedelta(days=2)
    article = make_article(status=Article.Status.DRAFT, go_live_at=go_live)

    article.publish(note="Scheduled.")

    assert article.state_in_words().startswith("Scheduled for ")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_publish_time_already_past_publishes_now_not_in_the_past(make_article):
    article = make_article(status=Article.Status.DRAFT, go_live_at=timezone.now() - datetime.timedelta(days=400))

    article.publish(note="Late.")

    assert timezone.now() - article.published_at < datetime.timedelta(minutes=1)
