"""The story insights page: numbers from approved stories only, and no small group exposed."""

import io
import random
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights import figures
from insights.suppression import ALL, MIN_CELL, MIN_CHART, Table, suppress
from stories.models import Story

URL = reverse("insights:insights")


@pytest.fixture
def seeded(make_story):
    """A known set: 40 Crohn's, 35 ulcerative colitis, 9 lupus stories, plus some that must never count."""
    crohns, colitis, lupus = Story.Condition.CROHNS_DISEASE, Story.Condition.ULCERATIVE_COLITIS, Story.Condition.LUPUS
    # (stories, condition, side effects, time on Imuran, how long it took to help, "did it help?")
    groups = [
        (12, crohns, ["nausea"], "1-5-years", "1-3-months", 4),
        (5, crohns, ["hair-thinning"], "1-5-years", "not-yet", 5),
        (23, crohns, ["tiredness"], "under-3-months", "3-6-months", 5),
        (20, colitis, ["nausea", "tiredness"], "over-5-years", "1-3-months", 3),
        (15, colitis, ["tiredness"], "over-5-years", "", 2),
        (9, lupus, ["nausea"], "3-12-months", "1-3-months", 1),
    ]
    for count, condition, side_effects, on_imuran, to_help, helped in groups:
        for _ in range(count):
            make_story(
                condition=condition,
                side_effects=side_effects,
                time_on_imuran=on_imuran,
                time_to_help=to_help,
                helped_rating=helped,
            )
    for status in (Story.Status.PENDING, Story.Status.REJECTED, Story.Status.WITHDRAWN):
        for _ in range(10):
            make_story(
                condition=crohns,
                side_effects=["hair-thinning"],
                status=status,
                time_to_help="within-1-month",
                helped_rating=1,
            )


def table_rows(html, caption):
    """{row header: [cells]} of the table with this caption, as a reader of the page sees it."""
    table = re.search(rf"<caption>{re.escape(caption)}: the numbers</caption>(.*?)</table>", html, re.S)
    assert table, f"No table {caption!r} on the page"
    rows = {}
    for header, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table.group(1), re.S):
        found = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        rows[header] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]
    return rows


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


# --- Numbers against the known set -------------------------------------------------


def test_all_stories_view_counts_each_side_effect_among_approved_stories_only(client, seeded):
    rows = table_rows(page(client), "Side effects people reported")

    # 84 approved stories: 12 + 20 + 9 reported nausea; 23 + 20 + 15 tiredness.
    assert rows["Feeling sick (nausea)"][:2] == ["41", "49%"]
    assert rows["Tiredness"][:2] == ["58", "69%"]


def test_side_effect_reported_by_fewer_than_ten_reads_fewer_than_10(client, seeded):
    rows = table_rows(page(client, condition="crohns-disease"), "Side effects people reported")

    # 5 approved Crohn's stories reported hair thinning; the 30 pending, rejected and withdrawn do not count.
    assert rows["Hair thinning"][0] == "Fewer than 10"
    assert rows["Tiredness"][:2] == ["23", "58%"]


def test_rating_distribution_for_a_condition_matches_the_stories(client, seeded):
    rows = table_rows(page(client, condition="ulcerative-colitis"), "How much people said Imuran helped them")

    assert rows["3"][:2] == ["20", "57%"]
    assert rows["2"][:2] == ["15", "43%"]
    assert rows["5 (very much, or very good)"][0] == "Fewer than 10"


HELP_CHART = "How long people said Imuran took to help"


def test_how_long_it_took_to_help_counts_the_answers_of_approved_stories_only(client, seeded):
    html = page(client)
    rows = table_rows(html, HELP_CHART)

    # 69 approved stories answered (the 15 colitis stories left it empty): 12 + 20 + 9 said 1 to 3 months.
    assert "Based on 69 stories that answered this question" in html
    assert rows["1 to 3 months"] == ["41", "59%"]
    assert rows["3 to 6 months"] == ["23", "33%"]
    # The 30 pending, rejected and withdrawn stories all said "within a month": none counts.
    assert rows["Within a month"] == ["Fewer than 10"]


def test_how_long_it_took_to_help_hides_a_small_answer_and_has_a_summary(client, seeded):
    html = page(client, condition="crohns-disease")
    rows = table_rows(html, HELP_CHART)

    assert rows["It has not helped (yet)"] == ["Fewer than 10"]  # 5 stories
    assert rows["3 to 6 months"] == ["23", "58%"]
    assert "the most common answer was \u201c3 to 6 months\u201d: 23 (58%)." in html


def test_how_long_it_took_to_help_needs_thirty_answers_for_a_chart(client, seeded):
    # 35 colitis stories, but only 20 answered this question.
    html = page(client, condition="ulcerative-colitis")

    assert f"{HELP_CHART}: the numbers" not in html
    chart = html[html.index(f'id="time-to-help-title">{HELP_CHART}') :]
    assert chart.index("Fewer than 30 stories answered this question") < chart.index("</figure>")


def test_every_chart_carries_the_plain_label_its_story_count_and_the_date(client, seeded):
    html = page(client, condition="crohns-disease")

    charts = html.count('<figure class="insight-chart"')
    assert charts == 6
    assert html.count("What people who shared their story told us \u2014 not how likely this is for you.") == charts
    assert "Based on 40 stories, counted on" in html
    # Nobody in the set gave the ease or overall ratings: those two say so instead of drawing.
    assert html.count("Based on ") == html.count("<svg") == html.count("<table>") == 4
    assert html.count("Fewer than 30 stories answered this question") == 2


def test_side_effects_sit_beside_the_leaflet_wording_of_the_side_effects_article(client, seeded):
    call_command("load_initial_content", stdout=io.StringIO())

    rows = table_rows(page(client), "Side effects people reported")

    assert rows["Low blood counts"][-1] == "Very common (more than 1 in 10 people)"
    assert rows["Feeling sick (nausea)"][-1] == "Common (up to 1 in 10 people)"
    assert rows["Hair thinning"][-1] == "Rare (up to 1 in 1,000 people)"
    assert rows["Tiredness"][-1] == "No figure on our Side effects page"


def test_charts_are_drawn_without_script_or_inline_style(client, seeded):
    html = page(client)

    assert "<script" not in html
    assert "style=" not in html
    assert re.search(r'<rect class="chart-bar" x="0" y="\d+" width="\d+"', html)


# --- Privacy: thresholds and differencing ---------------------------------------------


def test_condition_with_nine_stories_shows_no_numbers(client, seeded):
    html = page(client, condition="lupus")

    assert "Fewer than 30 published stories are about lupus, so we show no figures for it." in html
    assert "<table>" not in html and "<svg" not in html


def test_condition_list_offers_only_conditions_with_enough_stories(client, seeded):
    html = page(client)

    assert 'value="crohns-disease"' in html and 'value="ulcerative-colitis"' in html
    assert 'value="lupus"' not in html


def test_whole_site_with_fewer_than_thirty_stories_shows_no_chart(client, make_story):
    for _ in range(MIN_CHART - 1):
        make_story(side_effects=["nausea"], helped_rating=4)

    html = page(client)

    assert "so we show no figures" in html and "<table>" not in html


def test_all_minus_the_conditions_cannot_reveal_the_small_lupus_group(client, seeded):
    # All stories reported nausea 41 times; Crohn's 12, colitis 20, lupus (hidden) 9.
    everyone = table_rows(page(client), "Side effects people reported")["Feeling sick (nausea)"][0]
    crohns = table_rows(page(client, condition="crohns-disease"), "Side effects people reported")
    colitis = table_rows(page(client, condition="ulcerative-colitis"), "Side effects people reported")

    shown = [rows["Feeling sick (nausea)"][0] for rows in (crohns, colitis)]
    assert everyone == "41"
    # One of the two conditions hides its number too, so the subtraction leaves two unknowns.
    assert sum(value.isdigit() for value in shown) == 1
    assert "Not shown, so that a smaller group cannot be worked out" in shown


def test_no_published_line_leaves_exactly_one_hidden_cell(seeded):
    # Every line a reader can add up (a condition's answers; one answer across the
    # conditions and "all") hides no cell, or at least two.
    for spec in figures.counted()["specs"]:
        table, hidden = spec["table"], spec["hidden"]
        groups = [g for g in table.groups if table.total(g)]
        if not groups:
            continue  # nobody answered: nothing is shown, nothing to subtract
        shown = {g for g in [*groups, ALL] if g in figures.counted()["published"] and table.total(g) >= MIN_CHART}
        unknown = {(g, b) for g in [*groups, ALL] for b in table.buckets if g not in shown or (g, b) in hidden}
        for bucket in table.buckets:
            column = [(g, bucket) for g in [*groups, ALL]]
            assert sum(cell in unknown for cell in column) != 1, (spec["kind"], bucket)
        for group in shown:
            assert sum((group, b) in unknown for b in table.buckets) != 1, (spec["kind"], group)


def test_a_small_count_is_hidden_with_a_second_cell_on_each_line():
    table = Table(
        groups=["a", "b", "c"],
        buckets=["yes", "no"],
        cells={("a", "yes"): 4, ("a", "no"): 40, ("b", "yes"): 15, ("b", "no"): 25, ("c", "yes"): 30, ("c", "no"): 30},
        totals={"a": 44, "b": 40, "c": 60},
    )

    hidden = suppress(table, {"a", "b", "c", ALL})

    # a's 4 is small; b's 15, the smallest other "yes", goes with it; and each row's "no" follows.
    assert hidden == {("a", "yes"), ("b", "yes"), ("a", "no"), ("b", "no")}


def test_a_nearly_universal_answer_is_hidden_too():
    # "All but 3 of 40 reported it" tells as much about those 3 as "3 did not".
    table = Table(
        groups=["a", "b"],
        buckets=["yes", "no"],
        cells={("a", "yes"): 37, ("a", "no"): 3, ("b", "yes"): 20, ("b", "no"): 20},
        totals={"a": 40, "b": 40},
    )

    assert ("a", "yes") in suppress(table, {"a", "b", ALL})


# --- Fast, cached, and invalidated by decisions --------------------------------------


def test_page_costs_a_fixed_number_of_queries_on_a_cache_miss(client, seeded, django_assert_max_num_queries):
    # The generations, the kept counts, the side-effect tags and the Side effects article.
    with django_assert_max_num_queries(4):
        client.get(URL)


def test_a_decision_reaches_the_cached_page(client, seeded, make_story, moderator, django_capture_on_commit_callbacks):
    story = make_story(status=Story.Status.PENDING, condition="lupus", side_effects=["nausea"])
    assert client.get(URL).headers["X-Page-Cache"] == "miss"
    assert client.get(URL).headers["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        story.approve(by=moderator)

    rows = table_rows(page(client), "Side effects people reported")
    assert rows["Feeling sick (nausea)"][0] == "42"


def test_unknown_condition_is_refused_next_to_the_field(client, seeded):
    response = client.get(URL, {"condition": "<b>nothing</b>"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "We have no figures under that condition. Choose one from the list." in html
    assert "<b>nothing</b>" not in html


def test_story_list_links_to_the_insights_page(client, seeded):
    assert f'href="{URL}"' in client.get(reverse("stories:list")).content.decode()


@pytest.mark.parametrize("slug", ["side-effects", "real-life-stories"])
def test_articles_about_side_effects_and_stories_link_to_the_insights_page(client, db, slug):
    call_command("load_initial_content", stdout=io.StringIO())

    assert f'href="{URL}"' in client.get(reverse("articles:detail", args=[slug])).content.decode()


def test_bench_row_renders_the_page_on_a_real_cache_miss_each_time(seeded):
    from bench.insights import cache_miss_times

    timings = cache_miss_times(samples=2)

    assert timings["count"] == 2 and timings["queries"] <= 4


def test_random_tables_never_leave_a_line_with_one_hidden_cell():
    rng = random.Random(16)
    for _ in range(300):
        groups = ["a", "b", "c", "d", ""][: rng.randint(2, 5)]
        buckets = ["1", "2", "3", "4", "5"][: rng.randint(2, 5)]
        cells = {(g, b): rng.choice([0, 1, 5, 9, 10, 12, 30, 80]) for g in groups for b in buckets}
        totals = {g: sum(cells[(g, b)] for b in buckets) for g in groups}
        table = Table(groups, buckets, cells, totals)
        published = {*groups[:-1], ALL}  # the last group is never a view of its own, like "no condition"

        hidden = suppress(table, published)

        rows = [g for g in groups if totals[g]] + [ALL]
        for g in rows:
            for b in buckets:
                if table.value(g, b) < MIN_CELL or table.total(g) < MIN_CHART:
                    assert (g, b) in hidden, "a small count, or a count of a small group, can be seen"
        lines = [[(g, b) for b in buckets] for g in rows] + [[(g, b) for g in rows] for b in buckets]
        for line in lines:
            assert sum(cell in hidden for cell in line) != 1, (cells, line)
