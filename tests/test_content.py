"""The shipped articles: readable, sourced, safe, and showing how they were made."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

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
    # The editors' check is dated when the page goes live on a site, never before it.
    assert "last_reviewed" not in meta
    assert meta["next_review_due"] > datetime.date(2026, 12, 2)
    assert "reviewer" not in meta  # never invent a clinical reviewer


def test_every_article_page_shows_references_dates_disclaimer_and_a_problem_link(client, loaded):
    for article in Article.objects.published():
        text = client.get(article.get_absolute_url()).text

        assert text.count('rel="noopener noreferrer">') >= 3, article.slug
        assert "Last checked by our editors" in text and "Next review due" in text, article.slug
        assert "This page is not medical advice" in text, article.slug
        assert "Report a problem with this page" in text, article.slug
        assert "This page has not yet had clinical review." in text, article.slug


def test_side_effects_page_carries_the_urgent_help_and_emergency_boxes(client, loaded):
    text = client.get(reverse("articles:detail", args=["side-effects"])).text

    assert "Get help urgently" in text
    assert "Emergency: call for an ambulance" in text
    assert "Do not stop taking azathioprine or change your dose without talking to your doctor" in text


def test_article_page_carries_medical_web_page_metadata(client, make_article):
    reviewed = make_article(
        reviewer="Dr A. Example, pharmacist",
        published_at=timezone.now() - datetime.timedelta(days=40),
        last_reviewed=timezone.localdate() - datetime.timedelta(days=10),
    )
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


# --- Honest review labels -------------------------------------------------------


def test_article_never_shows_an_editorial_check_dated_before_its_first_publication(client, make_article):
    published = timezone.now() - datetime.timedelta(days=3)
    article = make_article(published_at=published, last_reviewed=timezone.localdate() - datetime.timedelta(days=30))

    text = client.get(article.get_absolute_url()).text

    shown = timezone.localdate(published)
    assert f"<dt>Last checked by our editors</dt><dd>{shown:%-d %B %Y}</dd>" in text
    assert f'<meta itemprop="lastReviewed" content="{shown:%Y-%m-%d}">' in text
    assert "Last reviewed" not in text


def test_article_without_a_named_reviewer_says_it_has_had_no_clinical_review(client, make_article):
    text = client.get(make_article(reviewer="").get_absolute_url()).text

    assert "<dt>Clinical review</dt>" in text
    assert "This page has not yet had clinical review." in text
    assert "reviewedBy" not in text


def test_about_page_says_the_editors_check_is_not_a_clinical_review(client):
    text = client.get(reverse("about")).text

    assert "That is an editorial check, not a clinical review." in text


# --- Urgent help, links and safety wording in the shipped articles -------------------


def test_every_article_links_to_urgent_help(client, loaded):
    for article in Article.objects.published():
        text = client.get(article.get_absolute_url()).text

        assert f'href="{reverse("urgent_help")}">Feeling unwell? See when to get urgent help</a>' in text, article.slug


def test_home_page_links_to_urgent_help_before_the_guide(client, loaded):
    text = client.get(reverse("home")).text

    assert text.index(f'href="{reverse("urgent_help")}"') < text.index('id="sections"')


def test_every_link_inside_a_shipped_article_to_this_site_opens_a_page(client, loaded):
    for article in Article.objects.published():
        for href in set(re.findall(r'href="(/[^"#]*)', article.body_html)):
            assert client.get(href).status_code == 200, (article.slug, href)


def test_every_link_to_the_glossary_lands_on_an_entry(loaded):
    glossary = Article.objects.get(slug="glossary")
    entries = {heading["id"] for heading in glossary.toc}

    for article in Article.objects.published():
        for anchor in re.findall(r'href="/articles/glossary/#([^"]+)"', article.body_html):
            assert anchor in entries, (article.slug, anchor)


def test_real_life_stories_article_links_the_share_form_and_the_story_list(client, loaded):
    text = client.get(reverse("articles:detail", args=["real-life-stories"])).text

    assert f'href="{reverse("stories:share")}"' in text
    assert f'href="{reverse("stories:list")}"' in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_article_asks_for_help_straight_away_never_the_same_day(path):
    _, body = parse_content_file(path)

    assert "the same day" not in body


def test_common_questions_say_never_to_double_up_and_what_to_do_after_taking_too_much(client, loaded):
    text = client.get(reverse("articles:detail", args=["common-questions"])).text

    assert "Never take a double dose to make up for one you missed." in text
    assert "What if I take too much?" in text
    assert "take the medicine pack with you" in text


def test_side_effects_page_warns_about_itching_in_pregnancy_and_aminosalicylates(client, loaded):
    text = client.get(reverse("articles:detail", args=["side-effects"])).text

    assert "intense itching with no rash" in text
    assert "Do not stop your medicine unless your doctor or midwife tells you to." in text
    assert "mesalazine, sulfasalazine" in text
    assert "gov.uk/drug-safety-update/thiopurines-and-intrahepatic-cholestasis-of-pregnancy" in text


def test_support_page_links_each_organisation_to_its_own_site_over_https(client, loaded):
    text = client.get(reverse("articles:detail", args=["support"])).text

    for name, address in [
        ("Crohn's &amp; Colitis UK", "https://crohnsandcolitis.org.uk/"),
        ("Crohn's &amp; Colitis Foundation", "https://www.crohnscolitisfoundation.org/"),
        ("LUPUS UK", "https://www.lupusuk.org.uk/"),
        ("Lupus Foundation of America", "https://www.lupus.org/"),
    ]:
        assert f'<a href="{address}" rel="noopener noreferrer">{name}</a>' in text


# --- The "Report a problem" form speaks plainly --------------------------------------


@pytest.mark.django_db
def test_empty_problem_report_gets_plain_messages_that_do_not_repeat_the_question(client, make_article):
    article = make_article()

    text = client.post(reverse("articles:report_problem", args=[article.slug]), {}).text

    assert "Choose what kind of problem you found." in text
    assert "Tell us more about the problem, so an editor can find it." in text
    assert "This field is required" not in text
    assert "?:" not in text


@pytest.mark.django_db
def test_problem_report_with_an_unknown_kind_is_asked_to_choose_a_listed_kind(client, make_article):
    article = make_article()

    text = client.post(reverse("articles:report_problem", args=[article.slug]), {"kind": "bogus", "message": "x"}).text

    assert "Choose one of the kinds of problem listed." in text
    assert "Select a valid choice" not in text
    assert ProblemReport.objects.count() == 0


@pytest.mark.django_db
def test_problem_report_form_marks_both_questions_as_required(client, make_article):
    article = make_article()

    text = client.get(reverse("articles:report_problem", args=[article.slug])).text

    assert "<legend>What is the problem? (required)</legend>" in text
    assert '<label for="id_message">Tell us more (required)</label>' in text


def test_overview_says_how_to_handle_the_tablets_and_why(client, loaded):
    text = client.get(reverse("articles:detail", args=["overview"])).text

    assert "Do not chew, break or crush them." in text
    assert "wash your hands after handling them" in text
    assert "ask your pharmacist what to do" in text
    assert "patient.info/medicine/azathioprine-imuran" in text
