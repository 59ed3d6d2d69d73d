"""Any input to the search page (issue 15 item 8): a 4xx or a page of results, never a server error,
and nothing typed ever comes back as markup."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from search import report

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")
# Lone surrogates cannot be encoded by any browser, so none is sent.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
# What PostgreSQL's raw tsquery syntax, LIKE patterns and HTML would each choke on.
SYNTAX = ["&", "|", "!", ":*", "<->", "(", ")", "'", '"', "\\", "%", "_", "\x00", "<script>", "-", "*", "or"]
operators = st.lists(st.sampled_from(SYNTAX), max_size=12).map(" ".join)
words = st.lists(st.sampled_from(["flu", "jab", "sick", "imuran", "azathiaprine", "rash", "can't"]), max_size=4)
queries = st.one_of(any_text, operators, st.tuples(words, operators).map(lambda p: " ".join(p[0]) + p[1]))
FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _fresh_counts():
    report.forget()
    yield
    report.forget()


@FUZZ
@given(q=queries, condition=any_text, side_effect=any_text)
@example(q="\x00", condition="", side_effect="")
@example(q="x" * 10_000, condition="", side_effect="")
@example(q="a & | ! :* ( ) <-> '", condition="", side_effect="")
@example(q="<script>alert(1)</script>", condition="lupus", side_effect="tiredness")
def test_search_answers_any_query_and_filters_without_a_server_error(client, q, condition, side_effect):
    params = {name: value for name, value in {"q": q, "condition": condition, "side_effect": side_effect}.items()}
    response = client.get(SEARCH, params, follow=True)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "<script>alert" not in page


@FUZZ
@given(q=queries)
def test_nothing_typed_comes_back_as_markup_in_the_results(client, make_story, q):
    make_story(text="Flu jab day: my arm was sore & I felt sick <b>once</b>.")
    response = client.get(SEARCH, {"q": q}, follow=True)
    page = response.content.decode()
    assert "<b>once</b>" not in page
    assert "<script>" not in page.split("<main", 1)[1]
