"""The admin home's charts: the moderators' and editors' own figures, for staff only."""

import datetime

from django.urls import reverse
from django.utils import timezone

from articles.models import ProblemReport
from stories.models import Story
from tests.conftest import _logged_in

ADMIN = reverse("admin:index")


def charts(response):
    return {item["chart"].slug: item["chart"] for item in response.context["admin_charts"]}


def test_moderator_sees_stories_received_decided_waiting_and_rejection_reasons(moderator_client, make_story):
    now = timezone.now()
    for days in (0, 1, 8):
        make_story(status=Story.Status.PENDING, submitted_at=now - datetime.timedelta(days=days))
    make_story(
        status=Story.Status.REJECTED,
        reject_reason=Story.RejectReason.DOSING,
        submitted_at=now - datetime.timedelta(hours=30),
        decided_at=now - datetime.timedelta(hours=6),
    )

    response = moderator_client.get(ADMIN)

    found = charts(response)
    assert sum(bar.count for bar in found["received"].bars) == 4
    assert sum(bar.count for bar in found["decided"].bars) == 1
    assert [bar.count for bar in found["queue-age"].bars] == [1, 1, 0, 1]
    reasons = {bar.label: bar.count for bar in found["rejection-reasons"].bars}
    assert reasons["It gives dosing instructions"] == 1
    assert found["median-time-to-decision"].bars[-1].text == "24 hours"
    assert "problem-reports" not in found
    assert '<svg class="chart"' in response.content.decode()


def test_editor_sees_problem_reports_per_article_and_no_story_figures(editor, make_article):
    article = make_article(title="Side effects")
    for _ in range(3):
        ProblemReport.objects.create(article=article, kind=ProblemReport.Kind.UNCLEAR, message="Hard to follow.")

    found = charts(_logged_in(editor).get(ADMIN))

    assert [(bar.label, bar.count) for bar in found["problem-reports"].bars] == [("Side effects", 3)]
    assert "received" not in found


def test_admin_figures_are_not_public(client):
    response = client.get(ADMIN)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_home_figures_cost_a_fixed_number_of_queries(
    moderator_client, make_story, generations_kept, django_assert_max_num_queries
):
    for _ in range(20):
        make_story(status=Story.Status.PENDING)
    moderator_client.get(ADMIN)  # the session and permissions, once

    with django_assert_max_num_queries(25):
        moderator_client.get(ADMIN)
