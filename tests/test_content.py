"""The shipped articles: readable, sourced, safe, and showing how they were made."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.management.commands.load_initial_content import CONTENT_DIR, parse_content_file
from articles.markup import render
from articles.models import Article, ProblemReport
from articles.readability import measure

SHIPPED = sorted(CONTENT_DIR.glob("*.md"))
# A number followed by a unit or a dose form reads as an instruction ("take 2 tablets").
DOSE_PATTERN = re.compile(
    r"\b\d+(\.\d+)?\s*(mg|milligrams?|micrograms?|mcg|g|ml|tablets?|pills?|capsules?)\b"
    r"|\b(one|two|three|four|five|six|half an?)\s+(tablets?|pills?|capsules?)\b"
    r"|\bmg\s*/\s*kg\b",
    re.IGNORECASE,
)


@pytest.fixture
def loaded(db):
    call_command("load_initial_content", stdout=StringIO())


def test_the_six_sections_and_common_questions_are_shipped():
    slugs = {parse_content_file(path)[0]["slug"] for path in SHIPPED}

    assert {"overview", "how-it-works", "how-your-body-handles-it", "immune-system", "side-effects"} <= slugs
    assert {"real-life-stories", "common-questions"} <= slugs


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_article_reads_at_flesch_kincaid_grade_8_or_lower(path):
    _, body = parse_content_file(path)

    assert measure(render(body).html).grade <= 8


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_article_contains_no_dose_instruction(path):
    meta, body = parse_content_file(path)

    matches = [m.group(0) for m in DOSE_PATTERN.finditer(f"{meta['title']}\n{meta['summary']}\n{body}")]
    assert matches == []


def test_dose_pattern_catches_the_phrasings_we_ban():
    for phrase in ["take 50 mg daily", "2 tablets a day", "two tablets", "2.5 mg/kg", "150mg"]:
        assert DOSE_PATTERN.search(phrase), phrase


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_article_has_at_least_three_references_and_review_dates(path):
    meta, _ = parse_content_file(path)

    assert len(meta["references"]) >= 3
    assert all(ref["url"].startswith("https://") and ref["publisher"] and ref["title"] for ref in meta["references"])
    assert meta["last_reviewed"] < meta["next_review_due"]
    assert "reviewer" not in meta  # never invent a clinical reviewer


def test_every_article_page_shows_references_dates_disclaimer_and_a_problem_link(client, loaded):
    for article in Article.objects.published():
        text = client.get(article.get_absolute_url()).text

        assert text.count('rel="noopener noreferrer">') >= 3, article.slug
        assert "Last reviewed" in text and "Next review due" in text, article.slug
        assert "This page is not medical advice" in text, article.slug
        assert "Report a problem with this page" in text, article.slug
        assert "This page has not yet had clinical review." in text, article.slug


def test_side_effects_page_carries_the_urgent_help_and_emergency_boxes(client, loaded):
    text = client.get(reverse("articles:detail", args=["side-effects"])).text

    assert "Get help urgently" in text
    assert "Emergency: call for an ambulance" in text
    assert "Do not stop taking azathioprine or change your dose without talking to your doctor" in text


def test_article_page_carries_medical_web_page_metadata(client, make_article):
    reviewed = make_article(reviewer="Dr A. Example, pharmacist")
    unreviewed = make_article(reviewer="")

    reviewed_text = client.get(reviewed.get_absolute_url()).text
    assert 'itemtype="https://schema.org/MedicalWebPage"' in reviewed_text
    assert f'<meta itemprop="lastReviewed" content="{reviewed.last_reviewed:%Y-%m-%d}">' in reviewed_text
    assert 'itemprop="reviewedBy"' in reviewed_text
    assert 'itemprop="reviewedBy"' not in client.get(unreviewed.get_absolute_url()).text


def test_readability_command_prints_the_figures_for_each_article(loaded):
    out = StringIO()

    call_command("readability", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["article", "grade", "ease", "words", "minutes"]
    assert any(line.startswith("side-effects") for line in lines)
    assert "above grade 8" not in out.getvalue()


def test_editor_sees_readability_scores_on_the_change_form(editor_client, make_article):
    article = make_article()

    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert "Flesch-Kincaid grade" in response.text


@pytest.mark.django_db
def test_reader_reports_a_problem_and_an_editor_sees_it_in_the_admin(client, editor_client, make_article):
    article = make_article(title="How it works")
    url = reverse("articles:report_problem", args=[article.slug])

    response = client.post(url, {"kind": "wrong", "message": "The link to the NHS page is broken."}, follow=True)

    assert "An editor will look at the problem you reported" in response.text
    assert ProblemReport.objects.get().article == article
    changelist = editor_client.get(reverse("admin:articles_problemreport_changelist"))
    assert changelist.status_code == 200
    assert "How it works" in changelist.text


@pytest.mark.django_db
def test_problem_report_without_a_message_is_shown_again_with_the_error_and_the_choice_kept(client, make_article):
    article = make_article()

    response = client.post(reverse("articles:report_problem", args=[article.slug]), {"kind": "unclear"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'aria-describedby="id_message_error' in response.text
    assert 'value="unclear" required id="id_kind_1" checked' in response.text
    assert ProblemReport.objects.count() == 0


def test_about_page_says_who_publishes_how_articles_are_checked_and_how_stories_are_moderated(client):
    text = client.get(reverse("about")).text

    assert "No advertising" in text or "no advertising" in text
    assert "How are the articles checked?" in text
    assert "How are patients' stories checked?" in text
    assert "Report a problem with this page" in text
