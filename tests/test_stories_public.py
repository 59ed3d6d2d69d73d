"""A story's public page, reports from readers, the policy pages, the home page and the sitemap."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imuran_info.sitemaps import StorySitemap
from stories.models import SideEffect, Story, StoryReport

pytestmark = pytest.mark.django_db

LIST_URL = reverse("stories:list")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_story_page_shows_the_story_with_line_breaks_kept_and_html_escaped(client, make_story):
    story = make_story(text="First paragraph.\n\nSecond <script>alert(1)</script> paragraph.")

    text = client.get(story.get_absolute_url()).text

    assert "<p>First paragraph.</p>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text


def test_a_title_and_name_with_markup_are_shown_as_typed_and_never_run(client, make_story):
    story = make_story(title='<img src=x onerror="alert(1)">', display_name="<b>Sam</b>")

    text = client.get(story.get_absolute_url()).text

    shown = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert f"<title>{shown}: a patient&#x27;s story | Imuran Info</title>" in text
    assert f'<h1 id="story-title" dir="auto">{shown}</h1>' in text
    assert "By &lt;b&gt;Sam&lt;/b&gt;" in text
    assert "<img src=x" not in text and "<b>Sam" not in text


@pytest.mark.parametrize(
    ("title", "role", "tab"),
    [
        ("Finding my feet", Story.Role.PATIENT, "Finding my feet: a patient's story"),
        ("Looking after Dad", Story.Role.CARER, "Looking after Dad: a carer's story"),
        ("", Story.Role.PATIENT, "A patient's story"),
        ("", Story.Role.CARER, "A carer's story"),
    ],
)
def test_a_story_pages_title_says_whose_story_it_is_once(client, make_story, title, role, tab):
    story = make_story(title=title, role=role)

    text = client.get(story.get_absolute_url()).text

    assert f"<title>{tab} | Imuran Info</title>".replace("'", "&#x27;") in text


def test_story_page_describes_itself_to_search_engines_with_its_first_thirty_words_escaped(client, make_story):
    words = [f"word{number}" for number in range(40)]
    story = make_story(text='"Quoted" <b>bold</b> ' + " ".join(words))

    text = client.get(story.get_absolute_url()).text

    expected = "&quot;Quoted&quot; &lt;b&gt;bold&lt;/b&gt; " + " ".join(words[:28]) + " …"
    assert f'<meta name="description" content="{expected}">' in text


def test_story_text_is_never_rendered_as_markdown(client, make_story):
    story = make_story(text="**not bold** and [a link](https://example.com)")

    text = client.get(story.get_absolute_url()).text

    assert "**not bold**" in text
    assert 'href="https://example.com"' not in text


def test_story_page_says_it_is_not_medical_advice_and_links_to_the_article(client, make_story):
    story = make_story()

    text = client.get(story.get_absolute_url()).text

    assert "one person's experience, not medical advice" in text
    assert f'href="{reverse("articles:detail", args=["side-effects"])}"' in text


def test_story_page_shows_ratings_and_side_effects_in_words(client, make_story):
    story = make_story(helped_rating=4, side_effects=["hair-thinning"])

    text = client.get(story.get_absolute_url()).text

    assert "4 out of 5" in text
    assert "Hair thinning" in text


def test_story_page_names_every_side_effect_the_author_reported_in_the_tags_own_order(client, make_story):
    story = make_story(side_effects=["tiredness", "nausea"])

    text = client.get(story.get_absolute_url()).text

    assert "<dt>Side effects</dt><dd>Feeling sick (nausea), Tiredness</dd>" in text


def test_story_page_in_brief_lists_only_the_questions_the_author_answered_in_the_forms_order(client, make_story):
    story = make_story(
        side_effects=["hair-thinning"],
        age_band=Story.AgeBand.FROM_25,
        time_to_help=Story.TimeToHelp.UNDER_6_MONTHS,
        helped_rating=4,
        ease_rating=3,
        overall_rating=2,
    )

    text = client.get(story.get_absolute_url()).text

    assert "<h2>In brief</h2>" in text
    assert re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", text) == [
        ("Side effects", "Hair thinning"),
        ("Age of the person taking Imuran", "25 to 34"),
        ("How long it took to help", "3 to 6 months"),
        ("Did it help?", "4 out of 5"),
        ("How easy was it to live with?", "3 out of 5"),
        ("Overall", "2 out of 5"),
    ]


def test_story_page_leaves_out_of_in_brief_the_questions_left_unanswered(client, make_story):
    story = make_story(time_to_help=Story.TimeToHelp.NOT_SURE, ease_rating=5)

    text = client.get(story.get_absolute_url()).text

    assert re.findall(r"<dt>(.*?)</dt>", text) == ["How long it took to help", "How easy was it to live with?"]


def test_story_page_escapes_side_effect_names_in_in_brief(client, make_story):
    SideEffect.objects.create(name="Rash <b>& itch</b>", slug="rash-test")
    story = make_story(side_effects=["rash-test"])

    text = client.get(story.get_absolute_url()).text

    assert "<dd>Rash &lt;b&gt;&amp; itch&lt;/b&gt;</dd>" in text
    assert "<b>& itch" not in text


def test_story_page_has_no_in_brief_list_when_no_question_was_answered(client, make_story):
    story = make_story()

    text = client.get(story.get_absolute_url()).text

    assert "In brief" not in text
    assert 'class="story-facts"' not in text


def test_story_page_reads_none_of_the_authors_private_details_from_the_database(client, make_story):
    story = make_story(email="sam@example.com", original_text="My first draft", moderator_note="Checked")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url())
    sql = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "postgresql":
        # The page's query runs as a prepared statement (imuran_info/prepared.py): EXECUTE names
        # no column, so read the statements the page executed.
        executed = [re.match(r"EXECUTE (\w+)", query)[1] for query in sql if query.startswith("EXECUTE ")]
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = ANY(%s)", [executed])
            sql = [statement for (statement,) in cursor.fetchall()]

    assert response.status_code == 200
    assert any('"stories_story"' in query for query in sql)
    # The private link is the author's key to withdraw; e-mail, fingerprint and notes are private.
    for column in ("email", "token", "client_hash", "original_text", "moderator_note", "flags", "reject_reason"):
        assert not any(f'"{column}"' in query for query in sql), column


@pytest.mark.parametrize("status", [Story.Status.PENDING, Story.Status.REJECTED, Story.Status.WITHDRAWN])
def test_story_that_is_not_approved_answers_like_any_missing_page(client, make_story, status):
    story = make_story(title="Not for the public", status=status)

    response = client.get(story.get_absolute_url())

    assert response.status_code == 404
    assert "We cannot find that page" in response.text
    assert "Not for the public" not in response.text


@pytest.mark.parametrize("status", [Story.Status.PENDING, Story.Status.REJECTED])
def test_story_that_is_not_approved_cannot_be_reported(client, make_story, status):
    story = make_story(status=status)

    assert client.get(reverse("stories:report", args=[story.pk])).status_code == 404


def test_reader_reports_a_story_which_stays_public(client, make_story):
    story = make_story()

    response = client.post(
        reverse("stories:report", args=[story.pk]), {"reason": "advertising", "note": "Sells pills"}, follow=True
    )

    report = StoryReport.objects.get()
    assert (report.story, report.reason, report.note, report.resolved) == (story, "advertising", "Sells pills", False)
    assert "A moderator will read this story again" in response.text
    assert client.get(story.get_absolute_url()).status_code == 200


def test_report_without_a_reason_is_shown_again_with_the_note_kept(client, make_story):
    story = make_story()

    response = client.post(reverse("stories:report", args=[story.pk]), {"note": "Something odd here"})

    assert "Choose what is wrong with this story." in response.text
    assert "Something odd here" in response.text
    assert not StoryReport.objects.exists()


def test_private_fields_never_appear_on_any_public_page(client, make_story):
    story = make_story(
        title="Public title",
        text="The published text, as a moderator edited it. " * 3,
        original_text="PRIVATE-ORIGINAL the author first wrote this",
        email="private-address@example.org",
        client_hash="PRIVATEHASH0123456789",
        flags=[{"kind": "phone", "match": "PRIVATE-FLAG-MATCH", "start": 0, "end": 1}],
        moderator_note="PRIVATE-MODERATOR-NOTE",
        reject_reason=Story.RejectReason.ADVERTISING,
    )
    story.report(reason="other", note="PRIVATE-REPORT-NOTE")
    public_pages = [
        reverse("home"),
        LIST_URL,
        story.get_absolute_url(),
        reverse("stories:report", args=[story.pk]),
        reverse("sitemap"),
        reverse("sitemap-section", args=["stories"]),
    ]

    for url in public_pages:
        text = client.get(url).text
        for private in [
            "PRIVATE-ORIGINAL",
            "private-address@example.org",
            "PRIVATEHASH",
            "PRIVATE-FLAG-MATCH",
            "PRIVATE-MODERATOR-NOTE",
            "PRIVATE-REPORT-NOTE",
            "It advertises something",
            story.token,
        ]:
            assert private not in text, (url, private)


def test_home_page_shows_the_three_latest_stories_and_a_share_link(client, make_story):
    for number in range(4):
        make_story(title=f"Home story {number}", submitted_at=days_ago(number))

    text = client.get(reverse("home")).text

    assert "Home story 0" in text and "Home story 2" in text
    assert "Home story 3" not in text
    assert f'href="{reverse("stories:share")}"' in text


@pytest.mark.parametrize("url_name", ["home", "about", "stories:list", "stories:guidelines", "stories:privacy"])
def test_every_page_links_to_sharing_a_story_and_to_the_privacy_notice(client, url_name):
    text = client.get(reverse(url_name)).text

    assert f'<li class="nav-cta"><a href="{reverse("stories:share")}">Share your experience</a></li>' in text
    assert f'href="{reverse("stories:privacy")}"' in text
    assert f'href="{reverse("stories:guidelines")}"' in text


def test_guidelines_and_privacy_pages_show_the_version_authors_agree_to(client, settings):
    for url_name in ["stories:guidelines", "stories:privacy"]:
        text = client.get(reverse(url_name)).text

        assert f"Version {settings.STORY_TERMS_VERSION}." in text


def test_privacy_notice_states_the_retention_period(client, settings):
    text = client.get(reverse("stories:privacy")).text

    assert f"we delete them {settings.STORY_RETENTION_DAYS} days after the decision" in text


def test_sitemap_lists_story_pages_and_approved_stories_only(sitemap_addresses, make_story):
    public = make_story()
    pending = make_story(status=Story.Status.PENDING)

    addresses = sitemap_addresses()

    assert f"http://testserver{public.get_absolute_url()}" in addresses
    assert f"http://testserver{pending.get_absolute_url()}" not in addresses
    for url_name in ["stories:list", "stories:share", "stories:guidelines", "stories:privacy"]:
        assert f"http://testserver{reverse(url_name)}" in addresses


def test_sitemap_index_lists_every_page_of_stories_when_they_fill_more_than_one(
    client, sitemap_addresses, make_story, monkeypatch
):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    stories, rejected = [], []
    for number in range(5):
        stories.append(make_story(title=f"Story {number}", submitted_at=days_ago(10 - number)))
        rejected.append(make_story(title=f"Rejected {number}", status=Story.Status.REJECTED))  # gaps in the ids

    index = client.get(reverse("sitemap")).text
    addresses = sitemap_addresses()

    section = reverse("sitemap-section", args=["stories"])
    pages = [f"{section}?p={number}" for number in range(2, 6)]
    assert f"<loc>http://testserver{section}</loc>" in index
    for page in pages:
        assert f"<loc>http://testserver{page}</loc>" in index
    assert f"{section}?p=6" not in index
    assert client.get(f"{section}?p=6").status_code == 404
    for page in [section, *pages]:
        assert client.get(page).text.count("<url>") <= 2
    # Each approved story once, oldest first: a new approval only ever changes the last page.
    expected = [f"http://testserver{story.get_absolute_url()}" for story in stories]
    assert [address for address in addresses if address in expected] == expected
    assert not {f"http://testserver{story.get_absolute_url()}" for story in rejected} & set(addresses)


@pytest.mark.parametrize("query", ["p=abc", "p=2&x=1", "p=+2", "p=02", "p=0", "x=1"])
def test_a_sitemap_page_under_any_other_address_is_not_found_so_it_is_never_rendered_and_cached_twice(
    client, make_story, query
):
    make_story()

    assert client.get(f"{reverse('sitemap-section', args=['stories'])}?{query}").status_code == 404
    assert client.get(f"{reverse('sitemap')}?{query}").status_code == 404


def test_sitemap_index_dates_the_stories_by_the_latest_approval(client, make_story):
    make_story(decided_at=days_ago(3))
    make_story(decided_at=days_ago(1))
    make_story(status=Story.Status.PENDING)
    make_story(status=Story.Status.REJECTED, decided_at=timezone.now())

    index = client.get(reverse("sitemap")).text

    assert f"<lastmod>{timezone.localdate(days_ago(1)).isoformat()}" in index
    assert f"<lastmod>{timezone.localdate().isoformat()}" not in index


def test_cached_home_page_shows_a_story_as_soon_as_it_is_approved(
    client, make_article, make_story, moderator, django_capture_on_commit_callbacks
):
    make_article()  # with nothing published the home page is never cached
    story = make_story(title="Just approved", status=Story.Status.PENDING)
    assert "Just approved" not in client.get(reverse("home")).text

    with django_capture_on_commit_callbacks(execute=True):
        story.approve(by=moderator)

    assert "Just approved" in client.get(reverse("home")).text


def test_cached_home_page_drops_a_story_as_soon_as_it_is_withdrawn(
    client, make_article, make_story, django_capture_on_commit_callbacks
):
    make_article()
    story = make_story(title="Soon withdrawn")
    assert "Soon withdrawn" in client.get(reverse("home")).text

    with django_capture_on_commit_callbacks(execute=True):
        story.withdraw()

    assert "Soon withdrawn" not in client.get(reverse("home")).text


def test_a_story_number_too_large_for_any_story_is_not_found(client, make_story):
    make_story()

    assert client.get("/stories/99999999999999999999999/").status_code == 404
