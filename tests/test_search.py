"""Site search (issue 15): every public page has the form, results land on the section, stories stay private."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from search import report
from search.models import Section, Synonym, WeeklySearch
from stories.models import Story

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")
RESULT_LINK = re.compile(r'<h3><a href="([^"]+)">')


@pytest.fixture
def loaded(db):
    call_command("load_initial_content", stdout=StringIO())


def search(client, q, **filters):
    response = client.get(SEARCH, {name: value for name, value in {"q": q, **filters}.items() if value})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture(autouse=True)
def _fresh_counts():
    # The report gathers counts in this process: none may leak from one test into the next.
    report.forget()
    yield
    report.forget()


def result_links(page):
    return RESULT_LINK.findall(page)


# --- The form and the page --------------------------------------------------------------------


def test_every_public_page_has_a_labelled_search_form_that_works_without_javascript(client, make_article):
    article = make_article()
    for address in [reverse("home"), article.get_absolute_url(), reverse("stories:list"), reverse("about")]:
        page = client.get(address).content.decode()
        form = re.search(r'<form class="site-search" role="search" method="get" action="/search/"[^>]*>', page)
        assert form, address
        assert '<label for="site-search-q">Search Imuran Info</label>' in page
        assert 'name="q"' in page


def test_empty_search_shows_the_form_and_no_results(client):
    page = search(client, "")
    assert "<h1>Search Imuran Info</h1>" in page
    assert "In the guide" not in page


def test_search_counts_the_results_and_names_the_query_in_the_title(client, loaded):
    page = search(client, "warfarin")
    assert "<title>Search results for “warfarin” | Imuran Info</title>" in page
    assert re.search(r'<p class="results-count" id="results-count">\d+ sections? of the guide', page)


# --- Sections, anchors, ranking, snippets ---------------------------------------------------------


def test_a_hit_links_to_the_heading_anchor_of_the_section_that_matches(client, loaded):
    links = result_links(search(client, "flu jab"))
    assert links[0] == "/articles/common-questions/#can-i-have-vaccines"


def test_the_anchor_a_result_links_to_exists_on_the_article_page(client, loaded):
    link = result_links(search(client, "allopurinol"))[0]
    path, anchor = link.split("#")
    assert f'id="{anchor}"' in client.get(path).content.decode()


def test_a_heading_match_ranks_above_a_section_that_only_mentions_the_word(client, make_article):
    make_article(title="Everyday life", slug="everyday", body="## Travel\n\nTake your sunscreen when you travel.\n")
    make_article(title="Skin", slug="skin", body="## Sunscreen\n\nWhich one to choose.\n")
    assert result_links(search(client, "sunscreen"))[:2] == ["/articles/skin/#sunscreen", "/articles/everyday/#travel"]


def test_a_snippet_shows_the_section_text_with_the_matched_word_marked(client, make_article):
    make_article(slug="travel", body="## Going abroad\n\nPack your sunscreen and your tablets.\n")
    page = search(client, "sunscreen")
    assert re.search(r'<p class="search-snippet">[^<]*<mark>sunscreen</mark>', page)


def test_markup_in_an_article_is_escaped_in_the_snippet_and_only_the_match_is_marked(client, make_article):
    make_article(slug="markup", body="## Angle brackets\n\nWrite `<b>sunscreen</b>` & more.\n")
    page = search(client, "sunscreen")
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', page, re.DOTALL).group(1)
    # Escaped (SQLite) or dropped by ts_headline (PostgreSQL): either way no live tag, only the mark.
    assert "<b>" not in snippet
    assert "<mark>sunscreen</mark>" in snippet


def test_a_draft_or_unpublished_article_is_never_found(client, make_article, django_capture_on_commit_callbacks):
    make_article(slug="draft", status=Article.Status.DRAFT, body="## Secret\n\nZebrafish notes.\n")
    live = make_article(slug="live", body="## Zebrafish\n\nAbout zebrafish.\n")
    assert result_links(search(client, "zebrafish")) == ["/articles/live/#zebrafish"]
    with django_capture_on_commit_callbacks(execute=True):
        live.unpublish()
    assert result_links(search(client, "zebrafish")) == []


def test_publishing_new_text_replaces_the_old_sections(client, make_article, django_capture_on_commit_callbacks):
    article = make_article(slug="changing", body="## Giraffes\n\nTall.\n")
    article.body = "## Penguins\n\nShort.\n"
    article.save()
    assert result_links(search(client, "penguins")) == []  # saved, not yet published
    with django_capture_on_commit_callbacks(execute=True):
        article.publish()
    assert result_links(search(client, "penguins")) == ["/articles/changing/#penguins"]
    assert result_links(search(client, "giraffes")) == []


def test_a_deleted_article_takes_its_sections_with_it(client, make_article):
    article = make_article(slug="gone", body="## Walrus\n\nText.\n")
    article.delete()
    assert not Section.objects.exists()
    assert result_links(search(client, "walrus")) == []


def test_a_scheduled_article_is_found_only_once_it_goes_live(client, make_article):
    import datetime

    from django.utils import timezone

    make_article(slug="soon", go_live_at=timezone.now() + datetime.timedelta(days=2), body="## Narwhal\n\nText.\n")
    assert result_links(search(client, "narwhal")) == []


# --- Patients' words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "section"),
    [
        ("hair falling out", "/articles/side-effects/#what-if-my-hair-thins"),
        ("throwing up", "/articles/side-effects/#what-if-i-feel-sick-or-am-sick"),
        ("booze", "/articles/common-questions/#can-i-drink-alcohol"),
        ("expecting", "/articles/common-questions/#can-i-take-it-if-i-want-a-baby-or-if-i-am-pregnant"),
    ],
)
def test_everyday_words_find_the_articles_words(client, loaded, words, section):
    assert result_links(search(client, words))[0] == section


def test_a_synonym_an_editor_adds_in_the_admin_is_used_at_once(
    client, make_article, admin_client, django_capture_on_commit_callbacks
):
    make_article(slug="pets", body="## Animals at home\n\nA cat or a dog.\n")
    assert result_links(search(client, "moggy")) == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:search_synonym_add"), {"words": "Moggy", "means": "cat"})
    assert response.status_code == 302
    assert Synonym.objects.get(words="moggy").means == "cat"
    assert result_links(search(client, "moggy")) == ["/articles/pets/#animals-at-home"]


@pytest.mark.parametrize(
    ("typo", "meant"), [("azathiaprine", "azathioprine"), ("nausia", "nausea"), ("imuren", "imuran")]
)
def test_a_typo_still_finds_results_and_offers_the_right_spelling(client, loaded, typo, meant):
    page = search(client, typo)
    assert result_links(page)
    assert f'Did you mean <a href="/search/?q={meant}">{meant}</a>?' in page


def test_a_correctly_spelt_query_is_not_second_guessed(client, loaded):
    assert "Did you mean" not in search(client, "azathioprine")


def test_words_the_guide_does_not_have_say_so_and_suggest_browsing(client, loaded):
    page = search(client, "xylophone")
    assert "No part of the guide matches these words" in page


# --- Urgent words -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["can't breathe", "yellow eyes", "bruising", "high temperature"])
def test_a_query_with_urgent_signs_shows_the_urgent_help_box_above_the_results(client, loaded, query):
    page = search(client, query)
    assert "Get help urgently" in page
    assert page.index("Get help urgently") < page.index("In the guide")


def test_an_ordinary_query_shows_no_urgent_box(client, loaded):
    assert "Get help urgently" not in search(client, "sun cream")


# --- Stories: approved only, private fields never ------------------------------------------------


def test_approved_stories_are_a_second_group_of_results(client, loaded, make_story):
    story = make_story(text="The flu jab made my arm sore for a day.")
    page = search(client, "flu jab")
    assert page.index("In the guide") < page.index("In patients' stories")
    assert story.get_absolute_url() in page


@pytest.mark.parametrize("status", [Story.Status.PENDING, Story.Status.REJECTED])
def test_a_story_that_is_not_approved_is_never_found(client, make_story, status):
    make_story(status=status, text="My kumquat diary.")
    assert "and no stories found" in search(client, "kumquat")


def test_private_fields_of_a_story_are_never_searched(client, make_story):
    make_story(email="marmalade@example.org", moderator_note="marmalade", original_text="marmalade")
    page = search(client, "marmalade")
    assert "and no stories found" in page


def test_a_withdrawn_story_can_no_longer_be_found(client, make_story, django_capture_on_commit_callbacks):
    story = make_story(text="Walking the quokka helped.")
    assert story.get_absolute_url() in search(client, "quokka")
    with django_capture_on_commit_callbacks(execute=True):
        story.withdraw()
    assert "and no stories found" in search(client, "quokka")


def test_words_redacted_from_a_story_can_no_longer_be_found(
    client, make_story, moderator, django_capture_on_commit_callbacks
):
    story = make_story(text="My neighbour Bartholomew drove me to clinic.")
    assert story.get_absolute_url() in search(client, "bartholomew")
    story.text = "My neighbour drove me to clinic."
    with django_capture_on_commit_callbacks(execute=True):
        story.save_edits(by=moderator, fields=["text"])
    assert "and no stories found" in search(client, "bartholomew")


def test_approving_a_story_makes_it_findable_at_once(client, make_story, moderator, django_capture_on_commit_callbacks):
    story = make_story(status=Story.Status.PENDING, text="The capybara cheered me up.")
    assert "and no stories found" in search(client, "capybara")
    with django_capture_on_commit_callbacks(execute=True):
        story.approve(by=moderator)
    assert story.get_absolute_url() in search(client, "capybara")


def test_story_results_follow_the_condition_and_side_effect_filters(client, make_story):
    lupus = make_story(text="Gardening again.", condition=Story.Condition.LUPUS, side_effects=["tiredness"])
    crohns = make_story(text="Gardening again.", condition=Story.Condition.CROHNS_DISEASE, side_effects=["nausea"])
    page = search(client, "gardening", condition="lupus")
    assert lupus.get_absolute_url() in page and crohns.get_absolute_url() not in page
    page = search(client, "gardening", side_effect="nausea")
    assert crohns.get_absolute_url() in page and lupus.get_absolute_url() not in page


def test_an_unknown_filter_gets_a_message_next_to_it_and_keeps_the_words(client):
    response = client.get(SEARCH, {"q": "tired", "condition": "no-such-condition"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "We have no stories under that condition" in page
    assert 'value="tired"' in page


def test_story_text_is_escaped_in_its_snippet(client, make_story):
    make_story(text="<script>alert(1)</script> pomegranate juice")
    page = search(client, "pomegranate")
    assert "<script>" not in page
    assert "<mark>pomegranate</mark>" in page


def test_a_query_that_is_too_long_gets_a_message_next_to_the_field_and_keeps_the_text(client):
    typed = "tired " * 40
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter up to 100 characters" in page
    assert 'aria-invalid="true"' in page
    assert typed.strip() in page


# --- Speed: queries and the page cache ----------------------------------------------------------


def test_a_results_page_costs_at_most_three_queries(
    client, loaded, make_story, generations_kept, django_assert_max_num_queries
):
    make_story(text="The flu jab was fine.")
    search(client, "sun cream")  # the process reads its synonyms and vocabulary once per generation
    with django_assert_max_num_queries(3):
        search(client, "flu jab", condition="crohns-disease", side_effect="tiredness")


def test_a_results_page_with_a_typo_also_costs_at_most_three_queries(
    client, loaded, generations_kept, django_assert_max_num_queries
):
    search(client, "sun cream")
    with django_assert_max_num_queries(3):
        search(client, "nausia")


def test_a_tidy_query_is_served_from_the_page_cache_the_second_time(client, loaded):
    client.get(SEARCH, {"q": "flu jab"})
    assert client.get(SEARCH, {"q": "flu jab"})["X-Page-Cache"] == "hit"


def test_an_untidy_query_never_takes_a_place_in_the_page_cache(client, loaded):
    client.get(SEARCH, {"q": "flu    JAB\t"})
    assert client.get(SEARCH, {"q": "flu    JAB\t"})["X-Page-Cache"] == "bypass"


def test_an_unknown_parameter_redirects_to_the_canonical_address(client):
    response = client.get(SEARCH, {"q": "tired", "utm_source": "x"})
    assert response.status_code == 301
    assert response["Location"] == "/search/?q=tired"


# --- The content-gap report ----------------------------------------------------------------------


def test_searches_are_counted_per_normalised_query_and_week_with_their_results(client, loaded):
    search(client, "Flu Jab")
    search(client, "flu jab")
    search(client, "flu jab")  # from the page cache
    search(client, "xylophone")
    report.flush()
    counts = {row.query: (row.searches, row.results) for row in WeeklySearch.objects.all()}
    assert counts["flu jab"][0] == 3 and counts["flu jab"][1] > 0
    assert counts["xylophone"] == (1, 0)


def test_nothing_about_the_searcher_is_stored(client, loaded):
    search(client, "flu jab")
    report.flush()
    columns = {field.name for field in WeeklySearch._meta.get_fields()}
    assert columns == {"id", "week", "query", "searches", "results"}


@pytest.mark.parametrize("query", ["sam@example.org side effects", "07700 900123", "nhs number 943 476 5919"])
def test_a_query_with_an_email_address_or_long_number_is_never_stored(client, query):
    search(client, query)
    report.flush()
    assert not WeeklySearch.objects.exists()


def test_editors_see_the_searches_that_found_nothing_in_the_admin(client, loaded, admin_client):
    search(client, "xylophone")
    search(client, "flu jab")
    page = admin_client.get(reverse("admin:search_weeklysearch_changelist"), {"results": "none"}).content.decode()
    assert "xylophone" in page
    assert "flu jab" not in page


# --- Theme pages (issue 16: they appear in search) ----------------------------------------------


def test_a_published_theme_is_found_by_its_words_and_a_draft_never(client, loaded):
    from insights.models import Theme

    common = {"intro": "## Why\n\nBecause.", "keywords": "blood count"}
    Theme.objects.create(
        title="Blood tests", slug="blood-tests", summary="Why you need them.", status=Theme.Status.PUBLISHED, **common
    )
    Theme.objects.create(title="Blood test results", slug="draft", summary="Not yet.", **common)

    page = search(client, "blood tests")

    assert '<a href="/themes/blood-tests/">Blood tests</a>' in page
    assert "/themes/draft/" not in page
    assert "Themes: articles and stories on one subject" not in search(client, "sun cream")


def test_a_theme_costs_a_warm_results_page_no_query(client, loaded, django_assert_max_num_queries):
    from insights.models import Theme

    Theme.objects.create(
        title="Skin and sun",
        slug="skin-and-sun",
        summary="Protecting your skin.",
        intro="Text.",
        status=Theme.Status.PUBLISHED,
    )
    search(client, "sun cream")
    with django_assert_max_num_queries(3):
        page = search(client, "sun")
    assert "/themes/skin-and-sun/" in page
