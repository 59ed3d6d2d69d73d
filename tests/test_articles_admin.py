import datetime

import pytest
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_editor_sees_the_article_list_with_status_and_review_dates(editor_client, make_article):
    make_article(title="Side effects", next_review_due=datetime.date(2020, 1, 1))

    response = editor_client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 200
    assert "Side effects" in response.text
    assert "Overdue since" in response.text


def test_editor_opens_the_add_page_with_the_markdown_editor(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))

    assert response.status_code == 200
    assert 'class="markdownx"' in response.text
    assert "markdownx-preview" in response.text


def test_publisher_changes_an_article_in_the_admin_and_the_public_page_shows_it(
    publisher_client, client, make_article, article_form
):
    article = make_article(title="Overview")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert publisher_client.get(change_url).status_code == 200

    response = publisher_client.post(
        change_url, article_form(article, body="## What is new?\n\nA sentence the editor just wrote.", _publish="1")
    )

    assert response.status_code == 302
    assert "A sentence the editor just wrote." in client.get(article.get_absolute_url()).text


def test_editor_cannot_delete_articles(editor_client, make_article):
    article = make_article()

    response = editor_client.get(reverse("admin:articles_article_delete", args=[article.pk]))

    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_admin_carries_the_site_name(editor_client):
    assert "Imuran Info administration" in editor_client.get(reverse("admin:index")).text


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
