import pytest
from django.urls import reverse

from stories.models import Story
from stories.screening import find_flags

pytestmark = pytest.mark.django_db


def kinds(text):
    return {flag["kind"] for flag in find_flags(text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Write to sam.smith+imuran@example.co.uk any time", "email"),
        ("Ring me on 07700 900123", "phone"),
        ("Ring me on +44 20 7946 0958", "phone"),
        ("My blog is at https://example.com/me", "link"),
        ("See www.example.org for more", "link"),
        ("Find me on mysite.co.uk", "link"),
        ("My NHS number is 943 476 5919", "long_number"),
        ("Patient number 9434765919", "long_number"),
        ("I take 150 mg each morning", "dose"),
        ("I take 2.5mg/kg", "dose"),
        ("They said two tablets a day", "dose"),
        ("Now I take 2 tablets a day", "dose"),
        ("I take it twice a day", "dose"),
        ("I had a fever and chills", "urgent_symptom"),
        ("I was running a temperature", "urgent_symptom"),
        ("Another chest infection this winter", "urgent_symptom"),
        ("My gums were bleeding", "urgent_symptom"),
        ("Strange bruising on my legs", "urgent_symptom"),
        ("I noticed yellow skin", "urgent_symptom"),
        ("The whites of my eyes went yellow", "urgent_symptom"),
        ("They said it was jaundice", "urgent_symptom"),
        ("I had suicidal thoughts", "self_harm"),
        ("Some days I wanted to die", "self_harm"),
        ("I didn't want to live any more", "self_harm"),
    ],
)
def test_screening_flags_what_a_moderator_must_look_at(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have taken it for 3 years and my joints feel better.",
        "My consultant explained how it works in 2019.",
        "I take it with food in the evening, as my nurse suggested.",
        "The tablets are small and easy to swallow.",
    ],
)
def test_screening_leaves_an_ordinary_story_unflagged(text):
    assert find_flags(text) == []


def test_each_flag_records_the_match_and_where_it_is():
    text = "Call 07700 900123 now"

    phone = next(flag for flag in find_flags(text) if flag["kind"] == "phone")

    assert phone == {"kind": "phone", "match": "07700 900123", "start": 5, "end": 17}
    assert text[phone["start"] : phone["end"]] == phone["match"]


def test_submitted_story_is_screened_and_its_flags_stored(client, story_form):
    text = story_form()["text"] + " Email me at sam@example.org, I take 150 mg."

    client.post(reverse("stories:share"), story_form(text=text))

    flags = Story.objects.get().flags
    assert {"kind": "email", "match": "sam@example.org"} in [{k: f[k] for k in ("kind", "match")} for f in flags]
    assert "dose" in {flag["kind"] for flag in flags}
