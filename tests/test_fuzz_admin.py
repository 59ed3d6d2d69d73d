"""Random input against the moderators' admin: the list's filters and search, its actions and the change page.

Ids, choices, huge integers and null characters: the answer is a page (or a
redirect, or a 4xx), never a server error.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stories.models import Story
from tests.moderation import CHANGELIST, change_form, change_url

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    # One moderator and one set of stories for all examples is intended: one person trying things.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
huge_numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
with_nul = st.builds(lambda a, b: f"{a}\x00{b}", any_text, any_text)
values = st.one_of(
    any_text, huge_numbers, with_nul, st.sampled_from(["", "1", "0", "-1", "abc", "99999999999999999999999"])
)
FILTERS = ["status", "condition", "flags", "reports", "email", "q", "o", "p", "e", "all", "_changelist_filters"]
ACTION_FIELDS = ["action", "index", "select_across", "confirm", "reason", "note", "publish_flagged", "confirm_flags"]
ACTIONS = st.one_of(st.sampled_from(["approve_stories", "reject_stories", "retry_emails", "delete_selected"]), values)


def fields(names):
    return st.dictionaries(st.sampled_from(names), st.one_of(values, st.lists(values, max_size=3)), max_size=6)


def assert_no_server_error(response):
    assert response.status_code < 500


@pytest.fixture
def stories(make_story):
    return [
        make_story(status=Story.Status.PENDING, text="I take 150 mg every day. " * 5),
        make_story(status=Story.Status.PENDING),
        make_story(status=Story.Status.APPROVED),
    ]


@FUZZ
@given(query=fields(FILTERS))
def test_story_list_answers_any_filter_search_order_and_page_without_a_server_error(moderator_client, stories, query):
    assert_no_server_error(moderator_client.get(CHANGELIST, query))


@FUZZ
@given(selected=st.lists(values, max_size=4), action=ACTIONS, extra=fields(ACTION_FIELDS))
def test_story_list_actions_answer_any_selection_without_a_server_error(
    moderator_client, stories, selected, action, extra
):
    data = {**extra, "action": action, ACTION_CHECKBOX_NAME: [*selected, str(stories[1].pk)]}

    assert_no_server_error(moderator_client.post(CHANGELIST, data))


@FUZZ
@given(
    changes=fields(
        ["title", "text", "role", "condition", "age_band", "side_effects", "helped_rating", "moderator_note"]
    )
)
@pytest.mark.parametrize("button", ["_save", "_approve", "_reject"])
def test_change_page_answers_any_field_values_without_a_server_error(moderator_client, stories, changes, button):
    story = stories[0]

    assert_no_server_error(moderator_client.post(change_url(story), change_form(story, **changes, **{button: "1"})))


@FUZZ
@given(object_id=values)
def test_change_and_retry_pages_answer_any_story_number_without_a_server_error(moderator_client, stories, object_id):
    assert_no_server_error(moderator_client.get(f"{CHANGELIST}{object_id}/change/"))
    assert_no_server_error(moderator_client.post(f"{CHANGELIST}{object_id}/retry-email/"))


@pytest.mark.parametrize("selected", ["abc", "99999999999999999999999", "-1", "1\x00"])
def test_a_forged_selection_shows_the_list_again_and_changes_nothing(moderator_client, stories, selected):
    response = moderator_client.post(CHANGELIST, {"action": "approve_stories", ACTION_CHECKBOX_NAME: selected})

    assert response.status_code in (200, 302, 400)
    assert Story.objects.filter(status=Story.Status.PENDING).count() == 2
