"""The search row of `make bench` (issue 15 item 6): server time of /search/ and the stories query's plan.

Each search is timed one at a time straight to gunicorn, with a query the page cache never keeps
(two spaces between the words), so every request does the whole search. Beside it, EXPLAIN of
the stories part for each query: at a million stories it must read an index, never scan the table.
"""

import statistics
import time
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

from bench.client import Client

TARGET_P50_MS = 50
# Common, rare, absent, a typo, a synonym, and with filters: the kinds of query patients send.
QUERIES = [
    {"q": "flu  jab"},
    {"q": "hair  falling out"},
    {"q": "sun  cream"},
    {"q": "tired  evening"},
    {"q": "xylophone  lessons"},
    {"q": "azathiaprine  nausia"},
    {"q": "blood  tests", "condition": "lupus"},
    {"q": "sick  mornings", "condition": "crohns-disease", "side_effect": "nausea"},
]
ROUNDS = 5


def story_plan(params):
    """EXPLAIN of the stories query the page runs for these parameters (the bench's own database)."""
    from search.query import STORIES_SHOWN, matching_stories, understand
    from stories.forms import StoryFilterForm
    from stories.models import Story

    form = StoryFilterForm({name: value for name, value in params.items() if name != "q"})
    form.is_valid()
    meaning = understand(params["q"])
    if not meaning:
        return ""
    stories = matching_stories(
        meaning,
        form.filter(Story.objects.approved().public_fields()),
        condition=form.cleaned_data.get("condition", ""),
        side_effect_id=form.side_effect_ids.get(form.cleaned_data.get("side_effect")),
    )
    return stories[: STORIES_SHOWN + 1].explain()


def uses_an_index(plan):
    return "Seq Scan on stories_story" not in plan and ("story_search" in plan or "Index" in plan)


def check(app_url):
    client = Client(app_url)
    times, plans = [], []
    path = reverse("search:results")
    for params in QUERIES:
        client.get(f"{path}?{urlencode(params)}")  # each worker's synonyms and vocabulary, once
    for _ in range(ROUNDS):
        for params in QUERIES:
            started = time.perf_counter()
            status, _, _, _ = client.get(f"{path}?{urlencode(params)}")
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"{path}?{urlencode(params)} answered HTTP {status} while timing it.")
    if connection.vendor == "postgresql":
        for params in QUERIES:
            plan = story_plan(params)
            plans.append({"q": params["q"], "uses_index": uses_an_index(plan) if plan else True, "plan": plan})
    p50 = statistics.median(times)
    indexed = all(plan["uses_index"] for plan in plans)
    return {
        "count": len(times),
        "p50_ms": p50,
        "max_ms": max(times),
        "target_ms": TARGET_P50_MS,
        "plans": plans,
        "result": "PASS" if p50 < TARGET_P50_MS and indexed else "FAIL",
    }


def markdown(search):
    unindexed = [plan["q"] for plan in search["plans"] if not plan["uses_index"]]
    return (
        f"- Site search, one request at a time straight to gunicorn ({search['count']} requests, none from the "
        f"page cache): p50 {search['p50_ms']:.0f} ms, max {search['max_ms']:.0f} ms (target < "
        f"{search['target_ms']} ms); the stories query reads an index for "
        + ("every query" if not unindexed else f"all but {', '.join(unindexed)}")
        + f": **{search['result']}**"
    )
