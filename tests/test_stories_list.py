"""The public story list: newest first, paged by position, filtered; it tells a reader where they are
and answers a made-up address plainly."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from page_cache.pages import pages
from stories.models import Story

pytestmark = pytest.mark.django_db

LIST_URL = reverse("stories:list")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_an_unknown_condition_in_the_address_is_answered_next_to_the_filter(client, make_story):
    make_story(title="Any story")

    response = client.get(LIST_URL, {"condition": "zzz"})

    assert response.status_code == 400
    assert 'id="id_condition_error"' in response.text
    assert 'aria-describedby="id_condition_error"' in response.text
    assert "We have no stories under that condition" in response.text
    assert "Any story" not in response.text


def test_an_unknown_side_effect_is_escaped_and_answered_next_to_its_filter(client, make_story):
    make_story()

    response = client.get(LIST_URL, {"side_effect": "<script>"})

    assert response.status_code == 400
    assert "We have no stories under that side effect" in response.text
    assert "<script>" not in response.text


def test_a_position_with_no_stories_beyond_it_is_no_page_at_all(client, make_story):
    for number in range(3):
        make_story(submitted_at=days_ago(number))

    response = client.get(LIST_URL, {"before": "1-1"})

    assert response.status_code == 404
    assert "There is no such page of stories" in response.text
    assert "stories found" not in response.text
    assert "No stories match yet" not in response.text


def test_a_broken_page_position_is_no_page_at_all(client, make_story):
    make_story(title="The newest story")

    response = client.get(LIST_URL, {"before": "not-a-position"})

    assert response.status_code == 404
    assert "See the newest stories" in response.text


def test_made_up_list_addresses_take_no_place_in_the_page_cache(client, make_story):
    make_story()

    client.get(LIST_URL, {"before": "1-1"})
    again = client.get(LIST_URL, {"before": "1-1"})

    assert again["X-Page-Cache"] == "bypass"


def test_the_list_says_which_stretch_of_time_the_page_shows(client, make_story):
    make_story(submitted_at=datetime.datetime(2026, 5, 3, 12, tzinfo=datetime.UTC))
    make_story(submitted_at=datetime.datetime(2026, 4, 12, 12, tzinfo=datetime.UTC))

    text = client.get(LIST_URL).text

    assert "2 stories found, newest first." in text
    assert "This page shows stories shared from 3 May 2026 back to 12 April 2026." in text


def test_a_page_of_stories_shared_on_one_day_names_that_day(client, make_story):
    make_story(submitted_at=datetime.datetime(2026, 5, 3, 9, tzinfo=datetime.UTC))
    make_story(submitted_at=datetime.datetime(2026, 5, 3, 18, tzinfo=datetime.UTC))

    assert "This page shows stories shared on 3 May 2026." in client.get(LIST_URL).text


def test_a_story_shared_late_in_the_evening_in_summer_is_dated_by_the_uk_clock(client, make_story):
    # 23:30 UTC on 2 May is 00:30 on 3 May in British Summer Time.
    make_story(submitted_at=datetime.datetime(2026, 5, 2, 23, 30, tzinfo=datetime.UTC))

    assert "This page shows stories shared on 3 May 2026." in client.get(LIST_URL).text


def test_filters_that_match_no_story_say_so_and_lead_back_to_every_story(client, make_story):
    make_story(condition=Story.Condition.CROHNS_DISEASE)

    response = client.get(LIST_URL, {"condition": "lupus"})

    assert response.status_code == 200
    assert "No stories match yet." in response.text
    assert f'<a href="{LIST_URL}">see all stories</a>' in response.text


def test_the_story_count_has_a_thousands_separator(client, make_story):
    story = make_story()
    Story.objects.bulk_create(
        Story(
            text=story.text,
            original_text=story.text,
            status=Story.Status.APPROVED,
            consented_at=timezone.now(),
            token=f"t{n}",
        )
        for n in range(1233)
    )

    assert "1,234 stories found" in client.get(LIST_URL).text


def test_the_thank_you_page_of_a_withdrawn_story_shows_where_it_stands(client, make_story):
    story = make_story(status=Story.Status.PENDING)
    story.withdraw()

    response = client.get(reverse("stories:thanks", args=[story.token]), follow=True)

    assert "A moderator will read it soon" not in response.text
    assert "Withdrawn." in response.text


def test_a_story_in_a_right_to_left_script_takes_its_direction_from_its_text(client, make_story):
    story = make_story(title="تجربتي مع الدواء", text="بدأت تناول الدواء منذ سنتين. " * 10)

    page = client.get(story.get_absolute_url()).text
    listing = client.get(LIST_URL).text

    assert '<h1 id="story-title" dir="auto">' in page
    assert '<div class="story-body" dir="auto">' in page
    assert f'<h3 id="story-{story.pk}-title" dir="auto">' in listing


def test_stories_page_lists_approved_stories_newest_first(client, make_story):
    make_story(title="Older story", submitted_at=days_ago(3))
    make_story(title="Newer story", submitted_at=days_ago(1))

    text = client.get(LIST_URL).text

    assert text.index("Newer story") < text.index("Older story")


@pytest.mark.parametrize("status", [Story.Status.PENDING, Story.Status.REJECTED, Story.Status.WITHDRAWN])
def test_stories_page_leaves_out_stories_that_are_not_approved(client, make_story, status):
    make_story(title="Hidden story", status=status)

    assert "Hidden story" not in client.get(LIST_URL).text


def older_stories_link(response):
    link = re.search(r'rel="next" href="([^"]+)"', response.text)
    return html.unescape(link.group(1)) if link else None


def test_stories_page_shows_twenty_stories_a_page(client, make_story):
    for number in range(21):
        make_story(title=f"Story number {number:02}", submitted_at=days_ago(number))

    first = client.get(LIST_URL)
    second = client.get(LIST_URL + older_stories_link(first))

    assert first.text.count('class="story-card"') == 20
    assert "Story number 20" not in first.text
    assert "Story number 20" in second.text
    assert "Story number 19" not in second.text
    assert older_stories_link(second) is None


def test_older_stories_link_pages_through_stories_with_the_same_time(client, make_story):
    same_moment = days_ago(1)
    for number in range(25):
        make_story(title=f"Twin {number:02}", submitted_at=same_moment)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL + older_stories_link(first))

    titles = re.findall(r"Twin \d\d", first.text) + re.findall(r"Twin \d\d", second.text)
    assert sorted(set(titles)) == [f"Twin {number:02}" for number in range(25)]
    assert len(titles) == 25  # none shown twice, none skipped


def test_newer_stories_link_goes_back_to_the_previous_page(client, make_story):
    for number in range(45):
        make_story(title=f"Story number {number:02}", submitted_at=days_ago(number))
    first = client.get(LIST_URL)
    second = client.get(LIST_URL + older_stories_link(first))

    newer = re.search(r'rel="prev" href="([^"]+)"', second.text).group(1)
    back = client.get(LIST_URL + html.unescape(newer))

    assert re.findall(r"Story number \d\d", back.text) == re.findall(r"Story number \d\d", first.text)


def test_stories_page_filters_by_condition(client, make_story):
    make_story(title="About lupus", condition=Story.Condition.LUPUS)
    make_story(title="About Crohn's", condition=Story.Condition.CROHNS_DISEASE)

    text = client.get(LIST_URL, {"condition": "lupus"}).text

    assert "About lupus" in text
    assert "About Crohn" not in text


def test_stories_page_filters_by_side_effect(client, make_story):
    make_story(title="Felt sick", side_effects=["nausea"])
    make_story(title="Felt tired", side_effects=["tiredness"])

    text = client.get(LIST_URL, {"side_effect": "nausea"}).text

    assert "Felt sick" in text
    assert "Felt tired" not in text


def test_condition_and_side_effect_filters_combine(client, make_story):
    make_story(title="Lupus and nausea", condition=Story.Condition.LUPUS, side_effects=["nausea"])
    make_story(title="Lupus and tiredness", condition=Story.Condition.LUPUS, side_effects=["tiredness"])
    make_story(title="Crohn's and nausea", condition=Story.Condition.CROHNS_DISEASE, side_effects=["nausea"])

    text = client.get(LIST_URL, {"condition": "lupus", "side_effect": "nausea"}).text

    assert "Lupus and nausea" in text
    assert "Lupus and tiredness" not in text
    assert "Crohn&#x27;s and nausea" not in text


def test_page_links_keep_the_filters(client, make_story):
    for number in range(21):
        make_story(condition=Story.Condition.LUPUS, side_effects=["nausea"], submitted_at=days_ago(number))

    response = client.get(LIST_URL, {"condition": "lupus", "side_effect": "nausea"})

    assert older_stories_link(response).startswith("?condition=lupus&side_effect=nausea&before=")


def test_second_page_of_a_filtered_list_stays_filtered(client, make_story):
    for number in range(21):
        make_story(title=f"Lupus {number:02}", condition=Story.Condition.LUPUS, submitted_at=days_ago(number))
    make_story(title="Crohn's story", submitted_at=days_ago(30))

    first = client.get(LIST_URL, {"condition": "lupus"})
    response = client.get(LIST_URL + older_stories_link(first))

    assert re.findall(r"Lupus \d\d|Crohn's story", html.unescape(response.text)) == ["Lupus 20"]


@pytest.mark.parametrize("count", [3, 30])
def test_stories_page_runs_the_same_few_queries_however_many_stories(
    client, make_story, django_assert_max_num_queries, count
):
    for _ in range(count):
        make_story(side_effects=["nausea", "tiredness"])

    # One of them reads the page-cache generations (page_cache/generations.py).
    with django_assert_max_num_queries(4):
        client.get(LIST_URL)


def test_a_list_page_fetches_its_cards_and_their_tags_in_one_query(
    client, make_story, generations_kept, django_assert_num_queries
):
    make_story(title="Both", side_effects=["tiredness", "nausea"], submitted_at=days_ago(1))
    make_story(title="None", side_effects=[], submitted_at=days_ago(2))
    client.get(LIST_URL)  # the story count, the filters and the tag names, kept until the stories change
    pages.clear()  # the page itself no longer kept, as for a page nobody asked for yet

    with django_assert_num_queries(1):
        page = client.get(LIST_URL).text

    cards = re.findall(r'<article class="story-card".*?</article>', page, re.S)
    tags = {
        re.search(r">(Both|None)</a>", card)[1]: re.findall(r'<span class="tag">(.*?)</span>', card) for card in cards
    }
    # In the tags' own order, not the order the author ticked them.
    assert tags == {"Both": ["Feeling sick (nausea)", "Tiredness"], "None": []}


def test_a_card_names_an_answer_no_longer_offered_as_it_was_stored(client, make_story):
    # A choice renamed or retired later must not leave a broken sentence on older stories.
    make_story(time_on_imuran="since-2019", condition="pemphigus")

    page = client.get(reverse("stories:list")).text

    assert "Time on Imuran: since-2019." in page
    assert "Condition: pemphigus." in page


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("one two three", "one two three"),
        ("one two three   \n", "one two three"),
        ("one two three four", "one two three …"),
        ("  one\ttwo\n\nthree four five  ", "one two three …"),
    ],
)
def test_an_excerpt_ends_with_an_ellipsis_only_when_words_are_left_out(text, shown):
    from stories.cards import excerpt

    assert excerpt(text, 3) == shown


def test_a_card_escapes_what_its_author_typed_and_shows_the_first_forty_five_words(client, make_story):
    words = [f"word{number}" for number in range(60)]
    make_story(
        title='<img src=x onerror="alert(1)">',
        display_name="Sam & <b>Jo</b>",
        text="<script>alert(2)</script> " + " ".join(words),
        side_effects=["nausea"],
    )

    card = re.search(r'<article class="story-card".*?</article>', client.get(LIST_URL).text, re.S).group()

    assert "<img" not in card and "<script" not in card and "<b>" not in card
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in card
    assert "By Sam &amp; &lt;b&gt;Jo&lt;/b&gt;, who takes Imuran." in card
    # "<script>alert(2)</script>" is one word; 44 more make the excerpt, then the ellipsis.
    assert "&lt;script&gt;alert(2)&lt;/script&gt; word0 " in card
    assert "word43 …</p>" in card and "word44" not in card
    assert '<span class="tag">Feeling sick (nausea)</span>' in card


@pytest.mark.parametrize(
    "position", ["before=1700000000000000-99999999999999999999999", "after=99999999999999999999999-5"]
)
def test_a_page_position_with_numbers_too_large_for_the_database_is_no_page_at_all(client, make_story, position):
    make_story()

    assert client.get(f"{LIST_URL}?{position}").status_code == 404
