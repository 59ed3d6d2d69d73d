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


def test_editor_changes_an_article_in_the_admin_and_the_public_page_shows_it(editor_client, client, make_article):
    article = make_article(title="Overview")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.get(change_url).status_code == 200
    form = {
        "title": "Overview",
        "slug": article.slug,
        "summary": article.summary,
        "body": "## What is new?\n\nA sentence the editor just wrote.",
        "status": "published",
        "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00",
        "position": 1,
        "author": "Imuran Info editorial team",
        "reviewer": "",
        "last_reviewed": "2026-11-01",
        "next_review_due": "2027-11-01",
        "references-TOTAL_FORMS": 0,
        "references-INITIAL_FORMS": 0,
    }
    existing = list(article.references.all())
    form["references-TOTAL_FORMS"] = form["references-INITIAL_FORMS"] = len(existing)
    for index, reference in enumerate(existing):
        form |= {
            f"references-{index}-id": reference.pk,
            f"references-{index}-article": article.pk,
            f"references-{index}-position": reference.position,
            f"references-{index}-title": reference.title,
            f"references-{index}-publisher": reference.publisher,
            f"references-{index}-url": reference.url,
        }

    response = editor_client.post(change_url, form)

    assert response.status_code == 302, response.context["errors"] if response.context else response
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
