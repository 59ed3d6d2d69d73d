"""The moderators' queue: what the story list and change page show."""

import pytest
from django.urls import reverse

from stories.models import Story
from stories.screening import find_flags
from tests.moderation import CHANGELIST, PHONE_STORY, action, change_url, days_ago, listed

pytestmark = pytest.mark.django_db


def test_story_list_opens_on_pending_and_reported_stories_oldest_first(moderator_client, make_story):
    make_story(title="Newer pending", status=Story.Status.PENDING, submitted_at=days_ago(1))
    make_story(title="Older pending", status=Story.Status.PENDING, submitted_at=days_ago(5))
    reported = make_story(title="Reported", submitted_at=days_ago(3))
    reported.report(reason="advertising")
    make_story(title="Quietly approved")
    make_story(title="Rejected", status=Story.Status.REJECTED)

    response = moderator_client.get(CHANGELIST)

    assert listed(response) == ["Older pending", "Reported", "Newer pending"]


def test_status_filter_shows_stories_in_any_state(moderator_client, make_story):
    make_story(title="Rejected", status=Story.Status.REJECTED)
    make_story(title="Pending", status=Story.Status.PENDING)

    assert listed(moderator_client.get(CHANGELIST, {"status": "rejected"})) == ["Rejected"]
    assert set(listed(moderator_client.get(CHANGELIST, {"status": "all"}))) == {"Rejected", "Pending"}


def test_story_list_shows_counts_per_status_and_the_age_of_the_oldest_pending_story(moderator_client, make_story):
    make_story(status=Story.Status.PENDING, submitted_at=days_ago(3))
    make_story(status=Story.Status.PENDING, submitted_at=days_ago(1))
    make_story(status=Story.Status.APPROVED)

    text = moderator_client.get(CHANGELIST).text

    assert "Waiting for a moderator: <strong>2</strong>" in text
    assert "Published: <strong>1</strong>" in text
    assert "Not published: <strong>0</strong>" in text
    assert "The oldest story waiting for a decision was sent 3\xa0days ago." in text


def test_counts_are_exact_straight_after_each_decision(moderator_client, make_story):
    stories = [make_story(status=Story.Status.PENDING, title=f"Story {n}") for n in range(6)]

    moderator_client.post(CHANGELIST, action("approve_stories", *stories))
    text = moderator_client.get(CHANGELIST).text

    assert "Published: <strong>6</strong>" in text
    assert "Waiting for a moderator: <strong>0</strong>" in text


def test_counts_follow_a_withdrawal_and_a_new_submission(moderator_client, client, make_story, story_form):
    make_story(status=Story.Status.APPROVED).withdraw()
    client.post(reverse("stories:share"), story_form())

    text = moderator_client.get(CHANGELIST).text

    assert "Withdrawn by its author: <strong>1</strong>" in text
    assert "Published: <strong>0</strong>" in text
    assert "Waiting for a moderator: <strong>1</strong>" in text


def test_reported_stories_are_counted_on_the_list_and_the_admin_home_page(moderator_client, make_story):
    make_story().report(reason="advertising")
    make_story(status=Story.Status.PENDING)

    assert "Published but reported: <strong>1</strong>" in moderator_client.get(CHANGELIST).text
    home = moderator_client.get(reverse("admin:index")).text
    assert "1 story waiting" in home
    assert "1 published story reported by readers" in home


def test_story_list_shows_flags_and_open_reports(moderator_client, make_story):
    text = "Call me on 07700 900123 about it."
    story = make_story(status=Story.Status.PENDING, text=text, flags=find_flags(text))
    story.report(reason="other")
    story.report(reason="advertising")

    response = moderator_client.get(CHANGELIST)

    assert '<td class="field-flag_list">Phone number, Long number' in response.text
    assert '<td class="field-open_reports">2</td>' in response.text


def test_has_flags_filter_finds_flagged_stories(moderator_client, make_story):
    make_story(title="Flagged", status=Story.Status.PENDING, flags=find_flags("mail me at a@example.org"))
    make_story(title="Clean", status=Story.Status.PENDING)

    assert listed(moderator_client.get(CHANGELIST, {"flags": "yes"})) == ["Flagged"]
    assert listed(moderator_client.get(CHANGELIST, {"flags": "no"})) == ["Clean"]


def test_open_reports_filter_finds_reported_stories(moderator_client, make_story):
    make_story(title="Reported").report(reason="other")
    make_story(title="Not reported")

    assert listed(moderator_client.get(CHANGELIST, {"status": "all", "reports": "open"})) == ["Reported"]


def test_condition_filter_narrows_the_queue(moderator_client, make_story):
    make_story(title="Lupus", status=Story.Status.PENDING, condition=Story.Condition.LUPUS)
    make_story(title="Crohn's", status=Story.Status.PENDING)

    assert listed(moderator_client.get(CHANGELIST, {"condition": "lupus"})) == ["Lupus"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("07700", ["Phone"]), ("Priya", ["Nurse"]), ("hepatitis", ["Liver", "Nurse"]), ("hepatitis Priya", ["Nurse"])],
)
def test_search_finds_words_anywhere_in_the_story_text_or_its_condition(moderator_client, make_story, query, expected):
    make_story(title="Phone", text=PHONE_STORY)
    make_story(title="Nurse", text="My nurse Priya was kind when my hepatitis flared. " * 3)
    make_story(title="Liver", condition=Story.Condition.AUTOIMMUNE_HEPATITIS)
    make_story(title="Other")

    titles = listed(moderator_client.get(CHANGELIST, {"status": "all", "q": query}))

    assert sorted(titles) == expected


def test_search_by_number_finds_that_story(moderator_client, make_story):
    story = make_story(title="Wanted")
    make_story(title="Another")

    assert listed(moderator_client.get(CHANGELIST, {"status": "all", "q": f"#{story.pk}"})) == ["Wanted"]


def test_each_row_has_quick_approve_and_reject_buttons(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    text = moderator_client.get(CHANGELIST).text

    assert f'form="quick-approve" name="_selected_action" value="{story.pk}"' in text
    assert f'form="quick-reject" name="_selected_action" value="{story.pk}"' in text
    assert '<form id="quick-approve" method="post"' in text


def test_stories_have_readable_names_in_the_admin(moderator_client, make_story):
    titled = make_story(title="My first year", status=Story.Status.PENDING)
    untitled = make_story(title="", text="Starting azathioprine was frightening at first but it got easier. " * 3)

    assert str(titled) == f"My first year (story {titled.pk})"
    assert str(untitled) == f"Starting azathioprine was frightening at first but it\u2026 (story {untitled.pk})"
    assert "My first year" in moderator_client.get(change_url(titled)).text


def test_a_reported_story_shows_its_reports_in_a_banner_at_the_top(moderator_client, make_story):
    story = make_story()
    story.report(reason="personal-details", note="It names my <b>neighbour</b>.")

    text = moderator_client.get(change_url(story)).text

    banner = text.index('class="report-banner"')
    assert banner < text.index('id="id_text"')
    assert "Reported by 1 reader" in text
    assert "It shows someone&#x27;s name or contact details" in text
    assert "It names my &lt;b&gt;neighbour&lt;/b&gt;." in text


def test_decided_by_is_shown_as_a_name_not_a_link_to_the_user(moderator_client, moderator, make_story):
    story = make_story(status=Story.Status.PENDING)
    story.approve(by=moderator)

    text = moderator_client.get(change_url(story)).text

    assert reverse("admin:auth_user_change", args=[moderator.pk]) not in text
    assert '<div class="readonly">moderator</div>' in text


def test_change_page_shows_the_original_beside_the_edited_text_with_flags_highlighted(moderator_client, make_story):
    original = "<script>alert(1)</script> Ring 07700 900123 any time, I take 150 mg."
    story = make_story(status=Story.Status.PENDING, original_text=original, flags=find_flags(original))

    text = moderator_client.get(change_url(story)).text

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    assert '<mark title="Phone number">07700 900123</mark>' in text
    assert '<mark title="Dose or dosing instruction">150 mg</mark>' in text
    assert 'name="_approve"' in text


def test_change_page_tells_the_moderator_what_the_edited_text_still_contains(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, text="Write to me at sam@example.org please. " * 3)

    text = moderator_client.get(change_url(story)).text

    assert "E-mail address \u201csam@example.org\u201d" in text


def test_moderator_resolves_a_report_in_the_report_list(moderator_client, make_story):
    report = make_story().report(reason="other", note="Odd")

    listing = moderator_client.get(reverse("admin:stories_storyreport_changelist"))
    moderator_client.post(reverse("admin:stories_storyreport_change", args=[report.pk]), {"resolved": "on"})

    assert listing.status_code == 200
    report.refresh_from_db()
    assert report.resolved


def test_a_search_matching_very_many_stories_shows_the_first_ones_and_says_so(
    moderator_client, make_story, monkeypatch
):
    monkeypatch.setattr("stories.admin.story.SEARCH_COUNT_LIMIT", 2)
    for number in range(4):
        make_story(title=f"Tired {number}", text="I was tired every afternoon at first. " * 4)

    response = moderator_client.get(CHANGELIST, {"status": "all", "q": "tired"})

    assert len(listed(response)) == response.context["cl"].result_count == 3
    assert "More than 2 stories match: the list shows the first 3 found." in response.text


def test_a_search_looks_only_within_the_filtered_list(moderator_client, make_story, monkeypatch):
    monkeypatch.setattr("stories.admin.story.SEARCH_COUNT_LIMIT", 1)
    for number in range(3):
        make_story(title=f"Published {number}", text="I was tired every afternoon at first. " * 4)
    make_story(title="Waiting", status=Story.Status.PENDING, text="I was tired all the time. " * 5)

    assert listed(moderator_client.get(CHANGELIST, {"q": "tired"})) == ["Waiting"]
