"""Who may moderate: the Moderators group has exactly what moderating needs; editors have nothing of it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from stories.models import Story
from tests.moderation import CHANGELIST, action, change_form, change_url

pytestmark = pytest.mark.django_db


def test_moderators_group_has_exactly_the_moderation_permissions():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))

    assert codenames == {
        "view_story",
        "change_story",
        "moderate_story",
        "view_storyreport",
        "change_storyreport",
        "add_sideeffect",
        "change_sideeffect",
        "delete_sideeffect",
        "view_sideeffect",
    }


def test_editors_group_has_no_story_permissions():
    perms = Group.objects.get(name="Editors").permissions

    assert not perms.filter(content_type__app_label="stories").exists()


def test_moderator_gets_403_on_an_article_change_page(moderator_client, make_article):
    article = make_article()

    assert moderator_client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 403


def test_editor_gets_403_on_the_story_list_and_change_page(editor_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    assert editor_client.get(CHANGELIST).status_code == 403
    assert editor_client.get(change_url(story)).status_code == 403


def test_editor_cannot_approve_a_story(editor_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    responses = [
        editor_client.post(CHANGELIST, action("approve_stories", story)),
        editor_client.post(change_url(story), change_form(story, _approve="1")),
        editor_client.post(change_url(story), change_form(story, _reject="1", confirm="yes", reason="other")),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_staff_who_may_edit_stories_but_not_moderate_cannot_approve(client, staff_without_permissions, make_story):
    staff_without_permissions.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_story", "change_story"])
    )
    client.force_login(staff_without_permissions)
    story = make_story(status=Story.Status.PENDING)

    response = client.post(change_url(story), change_form(story, _approve="1"))

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING
    assert 'name="_approve"' not in client.get(change_url(story)).text


def test_moderator_manages_side_effect_tags(moderator_client):
    moderator_client.post(
        reverse("admin:stories_sideeffect_add"), {"name": "Headaches", "slug": "headaches", "position": 10}
    )

    assert "Headaches</label>" in moderator_client.get(reverse("stories:share")).text


def test_moderator_cannot_add_or_delete_stories(moderator_client, make_story):
    story = make_story()

    assert moderator_client.get(reverse("admin:stories_story_add")).status_code == 403
    assert moderator_client.get(reverse("admin:stories_story_delete", args=[story.pk])).status_code == 403
