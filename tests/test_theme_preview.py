"""Staff preview a theme on the site before (and after) it goes live; the public never sees a draft."""

import pytest
from django.test import Client
from django.urls import reverse

from insights.models import Theme
from tests.conftest import _logged_in

BANNER = '<p class="draft-banner" role="status"><strong>Preview.</strong>'


@pytest.fixture
def draft(db):
    return Theme.objects.create(
        title="Pregnancy and family",
        slug="pregnancy-and-family",
        summary="Planning a family while you take Imuran.",
        intro="## Before you try for a baby\n\nTalk to your care team first.\n",
        status=Theme.Status.DRAFT,
    )


def preview_url(theme):
    return reverse("insights:theme_preview", args=[theme.slug])


@pytest.fixture
def editor_client(editor):
    return _logged_in(editor)


def test_anonymous_visitor_gets_404_for_a_draft_theme_and_its_preview(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(preview_url(draft)).status_code == 404


def test_staff_without_permission_to_view_themes_get_404(staff_without_permissions, draft):
    assert _logged_in(staff_without_permissions).get(preview_url(draft)).status_code == 404


def test_editor_previews_a_draft_theme_in_the_public_page_with_a_banner(editor_client, draft):
    response = editor_client.get(preview_url(draft))

    html = response.content.decode()
    assert response.status_code == 200
    assert BANNER in html and "This theme is a draft. Patients cannot see this page" in html
    assert '<h2 id="before-you-try-for-a-baby">Before you try for a baby</h2>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_editor_following_the_public_address_of_a_draft_sees_the_preview(editor_client, draft):
    response = editor_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert BANNER in response.content.decode()


def test_preview_seen_by_staff_is_never_served_to_the_public(editor_client, draft):
    for url in (draft.get_absolute_url(), preview_url(draft)):
        assert editor_client.get(url).status_code == 200

        response = Client().get(url)

        assert response.status_code == 404
        assert "Before you try for a baby" not in response.content.decode()


def test_published_theme_is_public_without_a_banner(client, draft):
    draft.status = Theme.Status.PUBLISHED
    draft.save()

    html = client.get(draft.get_absolute_url()).content.decode()

    assert "Before you try for a baby" in html
    assert "draft-banner" not in html and 'content="noindex"' not in html


def test_theme_change_form_links_to_the_preview(editor_client, draft):
    html = editor_client.get(reverse("admin:insights_theme_change", args=[draft.pk])).content.decode()

    link = f'<a href="{preview_url(draft)}" target="_blank" rel="noopener">Preview draft (opens in a new tab)</a>'
    assert link in html
