import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_reads_a_published_article(client, make_article):
    article = make_article(title="How does Imuran work?", body="## Why does it take weeks?\n\nIt acts on new cells.")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "How does Imuran work?" in response.text
    assert "It acts on new cells." in response.text


def test_anonymous_visitor_gets_404_for_a_draft(client, make_article):
    article = make_article(status=Article.Status.DRAFT, title="Unfinished draft")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Unfinished draft" not in response.text


def test_anonymous_visitor_gets_404_for_an_article_scheduled_later(client, make_article):
    article = make_article(published_at=timezone.now() + datetime.timedelta(hours=2))

    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_previews_a_draft_with_a_visible_draft_banner(editor_client, make_article):
    article = make_article(status=Article.Status.DRAFT, title="Unfinished draft")

    response = editor_client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Unfinished draft" in response.text
    assert "Draft preview" in response.text


def test_published_article_shows_no_draft_banner_to_editors(editor_client, make_article):
    article = make_article()

    assert "Draft preview" not in editor_client.get(article.get_absolute_url()).text


def test_staff_without_article_permission_cannot_preview_drafts(client, staff_without_permissions, make_article):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(staff_without_permissions)

    assert client.get(article.get_absolute_url()).status_code == 404


def test_home_page_lists_published_sections_in_reading_order(client, make_article):
    make_article(title="Side effects", position=5)
    make_article(title="Overview", position=1)
    make_article(title="How it works", position=2)
    make_article(title="Secret draft", position=3, status=Article.Status.DRAFT)

    text = client.get(reverse("home")).text

    assert text.index("Overview") < text.index("How it works") < text.index("Side effects")
    assert "Secret draft" not in text


def test_article_page_links_to_previous_and_next_sections_in_reading_order(client, make_article):
    first = make_article(title="Overview", position=1)
    middle = make_article(title="How it works", position=2)
    make_article(title="Hidden draft", position=3, status=Article.Status.DRAFT)
    last = make_article(title="Side effects", position=4)

    response = client.get(middle.get_absolute_url())

    assert response.context["previous_section"] == first
    assert response.context["next_section"] == last
    assert f'rel="prev" href="{first.get_absolute_url()}"' in response.text
    assert f'rel="next" href="{last.get_absolute_url()}"' in response.text


def test_first_section_has_no_previous_link(client, make_article):
    first = make_article(position=1)
    make_article(position=2)

    response = client.get(first.get_absolute_url())

    assert 'rel="prev"' not in response.text
    assert 'rel="next"' in response.text


def test_contents_list_links_to_each_heading_of_the_article(client, make_article):
    article = make_article(
        body="## What is it?\n\nText.\n\n### Who takes it?\n\nText.\n\n## How do I take it?\n\nText."
    )

    response = client.get(article.get_absolute_url())

    assert '<a href="#what-is-it">What is it?</a>' in response.text
    assert '<a href="#who-takes-it">Who takes it?</a>' in response.text
    assert '<a href="#how-do-i-take-it">How do I take it?</a>' in response.text
    assert '<h2 id="what-is-it">What is it?</h2>' in response.text


def test_article_page_shows_references_dates_author_and_disclaimer(client, make_article):
    article = make_article(
        published_at=datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC),
        last_reviewed=datetime.date(2026, 10, 2),
        next_review_due=datetime.date(2030, 10, 2),
        references=[("Azathioprine", "NHS", "https://www.nhs.uk/medicines/azathioprine/")],
    )

    text = client.get(article.get_absolute_url()).text

    assert (
        '<a href="https://www.nhs.uk/medicines/azathioprine/" rel="noopener noreferrer">Azathioprine</a>, NHS' in text
    )
    assert "2 October 2026" in text
    assert "2 October 2030" in text
    assert "Imuran Info editorial team" in text
    assert "This page is not medical advice" in text


def test_article_without_a_reviewer_says_it_has_not_had_clinical_review(client, make_article):
    article = make_article(reviewer="")

    assert "This page has not yet had clinical review." in client.get(article.get_absolute_url()).text


def test_article_with_a_reviewer_names_them(client, make_article):
    article = make_article(reviewer="Dr A. Example, consultant rheumatologist")

    text = client.get(article.get_absolute_url()).text

    assert 'itemprop="name">Dr A. Example, consultant rheumatologist</span>' in text
    assert "Reviewed by" in text
    assert "not yet had clinical review" not in text


def test_urgent_help_boxes_appear_only_where_the_article_asks_for_them(client, make_article):
    with_boxes = make_article(show_urgent_help=True)
    without_boxes = make_article(show_urgent_help=False)

    assert "Get help urgently" in client.get(with_boxes.get_absolute_url()).text
    assert "Emergency: call for an ambulance" in client.get(with_boxes.get_absolute_url()).text
    assert "Get help urgently" not in client.get(without_boxes.get_absolute_url()).text


def test_article_page_has_its_summary_as_meta_description_and_a_canonical_link(client, make_article):
    article = make_article(summary="What azathioprine is and who takes it.")

    text = client.get(article.get_absolute_url()).text

    assert '<meta name="description" content="What azathioprine is and who takes it.">' in text
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in text


def test_sitemap_lists_published_articles_only(sitemap_addresses, make_article):
    public = make_article()
    draft = make_article(status=Article.Status.DRAFT)

    addresses = sitemap_addresses()

    assert f"http://testserver{public.get_absolute_url()}" in addresses
    assert f"http://testserver{draft.get_absolute_url()}" not in addresses


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


def test_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We cannot find that page" in response.text


def test_overdue_article_tells_readers_it_is_due_for_review(client, make_article):
    overdue = make_article(next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    current = make_article(next_review_due=timezone.localdate() + datetime.timedelta(days=1))

    assert "was due for review" in client.get(overdue.get_absolute_url()).text
    assert "was due for review" not in client.get(current.get_absolute_url()).text
