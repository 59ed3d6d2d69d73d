"""Each public page runs a small, fixed number of queries (the first, uncached view)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    call_command("load_initial_content", verbosity=0)


def test_article_page_runs_at_most_3_queries(client, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("articles:detail", args=["side-effects"]))

    assert response.status_code == 200
