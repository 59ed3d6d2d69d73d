"""Random input against every public form: the answer is never a server error.

Whatever arrives (random text in any field, fields missing or unknown, raw
bytes that are not a form at all), the site answers with a page a person can
read, or a redirect.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stories.forms import StoryForm

pytestmark = pytest.mark.django_db

# Lone surrogates cannot be encoded by any browser, so none is sent.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
long_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=90, max_size=6000)
# Numbers too big for any database column, where the form expects an id or a rating.
huge_numbers = st.integers(min_value=-(2**80), max_value=2**80).map(str)
SHARE_FIELDS = [*StoryForm.base_fields, "website", "csrfmiddlewaretoken"]
REPORT_FIELDS = ["reason", "note", "website"]
PROBLEM_FIELDS = ["kind", "message", "website"]
CONTACT_FIELDS = ["message", "name", "email", "website"]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    # One client and database for all examples is intended: they are one visitor's attempts.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def form_data(field_names, values=any_text):
    """Any subset of the form's fields, some repeated, plus fields the form does not know."""
    known = st.dictionaries(st.sampled_from(field_names), st.one_of(values, st.lists(any_text, max_size=3)))
    unknown = st.dictionaries(any_text, any_text, max_size=3)
    return st.tuples(known, unknown).map(lambda parts: {**parts[1], **parts[0]})


raw_bodies = st.tuples(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "multipart/form-data; boundary=fuzz",
            "multipart/form-data",
            "text/plain",
            "application/json",
        ]
    ),
)


def assert_readable_answer(response):
    assert response.status_code < 500
    if 300 <= response.status_code < 400:
        return
    assert response["Content-Type"].startswith("text/html")
    assert "<h1" in response.text


@pytest.fixture
def report_url(make_story):
    return reverse("stories:report", args=[make_story().pk])


@pytest.fixture
def problem_url(make_article):
    return reverse("articles:report_problem", args=[make_article().slug])


@FUZZ
@given(data=form_data(SHARE_FIELDS, st.one_of(any_text, long_text, huge_numbers)))
def test_share_form_answers_any_combination_of_fields_and_text_without_a_server_error(client, data):
    # The hourly limit would soon answer every attempt with 429 before the form is read.
    cache.clear()

    assert_readable_answer(client.post(reverse("stories:share"), data))


@FUZZ
@given(
    text=long_text,
    title=any_text,
    display_name=any_text,
    email=any_text,
    choices=st.dictionaries(
        st.sampled_from(["role", "condition", "age_band", "side_effects", "helped_rating"]),
        st.one_of(any_text, huge_numbers, st.lists(huge_numbers, max_size=3)),
    ),
)
def test_share_form_answers_random_text_in_an_otherwise_complete_story_without_a_server_error(
    client, story_form, text, title, display_name, email, choices
):
    cache.clear()
    data = story_form(text=text, title=title, display_name=display_name, email=email, **choices)

    assert_readable_answer(client.post(reverse("stories:share"), data))


@FUZZ
@given(body=raw_bodies)
def test_share_form_answers_random_bytes_without_a_server_error(client, body):
    cache.clear()
    raw, content_type = body

    assert_readable_answer(client.generic("POST", reverse("stories:share"), raw, content_type=content_type))


@FUZZ
@given(data=form_data(REPORT_FIELDS))
def test_report_form_answers_any_combination_of_fields_and_text_without_a_server_error(client, report_url, data):
    cache.clear()

    assert_readable_answer(client.post(report_url, data))


@FUZZ
@given(body=raw_bodies)
def test_report_form_answers_random_bytes_without_a_server_error(client, report_url, body):
    cache.clear()
    raw, content_type = body

    assert_readable_answer(client.generic("POST", report_url, raw, content_type=content_type))


@FUZZ
@given(data=form_data(PROBLEM_FIELDS))
def test_article_problem_form_answers_any_combination_of_fields_and_text_without_a_server_error(
    client, problem_url, data
):
    cache.clear()

    assert_readable_answer(client.post(problem_url, data))


@pytest.fixture
def contact_url(settings):
    settings.SITE_CONTACT_EMAIL = "editors@imuran-info.example"
    return reverse("contact")


@FUZZ
@given(data=form_data(CONTACT_FIELDS, st.one_of(any_text, long_text)))
def test_contact_form_answers_any_combination_of_fields_and_text_without_a_server_error(client, contact_url, data):
    cache.clear()

    assert_readable_answer(client.post(contact_url, data))


@FUZZ
@given(body=raw_bodies)
def test_contact_form_answers_random_bytes_without_a_server_error(client, contact_url, body):
    cache.clear()
    raw, content_type = body

    assert_readable_answer(client.generic("POST", contact_url, raw, content_type=content_type))


@FUZZ
@given(query=form_data(["condition", "side_effect", "page"]))
def test_story_list_answers_any_filter_and_page_in_the_address_without_a_server_error(client, query):
    assert_readable_answer(client.get(reverse("stories:list"), query))
