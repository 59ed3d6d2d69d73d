import pytest
from django.urls import reverse

from stories.models import Story
from stories.screening import PATTERNS, find_flags, urgent_flags
from tests.screening_corpus import NOT_URGENT, URGENT

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
        ("My nurse Priya was lovely", "name"),
        ("Dr Patel explained it", "name"),
        ("They treated me at St Thomas Hospital", "name"),
        ("My name is Aisha and I have lupus", "name"),
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


# --- Urgent signs: the labelled corpus (tests/screening_corpus.py).


def test_the_corpus_has_at_least_150_labelled_sentences():
    assert len(URGENT) + len(NOT_URGENT) >= 150
    assert not set(URGENT) & set(NOT_URGENT)


def test_urgent_screening_finds_at_least_95_percent_of_urgent_sentences(capsys):
    missed = [sentence for sentence in URGENT if not urgent_flags(sentence)]
    false_alarms = [sentence for sentence in NOT_URGENT if urgent_flags(sentence)]

    recall = 1 - len(missed) / len(URGENT)
    with capsys.disabled():
        print(
            f"\nUrgent screening: recall {recall:.3f} ({len(URGENT) - len(missed)}/{len(URGENT)}), "
            f"false-positive rate {len(false_alarms) / len(NOT_URGENT):.3f} ({len(false_alarms)}/{len(NOT_URGENT)})"
        )
    assert recall >= 0.95, missed


@pytest.mark.parametrize(
    "text",
    ["I have had no fever at all.", "I never had any chest pain.", "I have had no bleeding or bruising."],
)
def test_a_denied_sign_is_not_urgent(text):
    assert urgent_flags(text) == []


@pytest.mark.parametrize("text", ["I had chickenpox as a child.", "Before I started Imuran I had severe tummy pain."])
def test_a_sign_from_long_ago_or_before_treatment_is_not_urgent(text):
    assert urgent_flags(text) == []


def test_a_recent_sign_after_an_old_one_is_still_urgent():
    text = "Two years ago I started Imuran, and last week I had a fever."

    assert [flag["match"] for flag in urgent_flags(text)] == ["fever"]


def test_articles_can_ask_for_dose_flags_alone():
    flags = find_flags("Ring 07700 900123, I take 150 mg", kinds={"dose"})

    assert [flag["match"] for flag in flags] == ["150 mg"]
    assert PATTERNS["dose"][1].search("two tablets a day")


def test_breathing_trouble_and_chest_pain_show_the_urgent_help_box_on_the_thank_you_page(client, story_form):
    text = story_form()["text"] + " Last night I had chest pain and could not breathe."

    response = client.post(reverse("stories:share"), story_form(text=text), follow=True)

    assert "Get help urgently" in response.text
    assert {flag["match"] for flag in Story.objects.get().flags if flag["kind"] == "urgent_symptom"} == {
        "chest pain",
        "could not breathe",
    }


def test_the_moderator_sees_the_same_urgent_flags_the_author_was_shown(moderator_client, client, story_form):
    text = story_form()["text"] + " My lips started to swell and my throat felt tight."
    client.post(reverse("stories:share"), story_form(text=text))
    story = Story.objects.get()

    page = moderator_client.get(reverse("admin:stories_story_change", args=[story.pk])).text

    assert '<mark title="Urgent symptom">lips started to swell</mark>' in page


@pytest.mark.parametrize("words", ["I can't breathe", "I can’t breathe", "I cant breathe", "I cannot breathe"])
def test_trouble_breathing_is_urgent_however_cannot_is_spelled(words):
    assert [flag["kind"] for flag in urgent_flags(f"{words} when I lie down.")] == ["urgent_symptom"]
