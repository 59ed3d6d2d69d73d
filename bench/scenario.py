"""What the benchmark loads, with issues 7 and 11's targets: every public page through the front
server as production serves it, the same pages straight to the app server, the bare floor,
a static file, slow clients, a moderator at work, the admin queue and the share form."""

import dataclasses
import gzip
import itertools
import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from articles.models import Article
from bench import seed
from bench.client import Client, FormInputs, server_times, transfer_size
from stories.models import SideEffect, Story
from stories.pagination import Position

# Shares of the bare floor's requests per second (issue 11 item 7).
CACHED_TARGET = 0.8  # home, articles, story list and story pages
UNCACHED_STORY_TARGET, UNCACHED_LIST_TARGET = 0.25, 0.15  # set for 1,000,000 stories
SLOW_CLIENTS, SLOW_READERS, SLOW_P99_TARGET_MS = 200, 2, 100  # issue 11 item 5
ADMIN_QUEUE_TARGET_MS = 300
TRANSFER_TARGET_BYTES = 50 * 1024
ADMIN_QUEUE_SAMPLES = 20
STORIES_PER_PAGE = 20  # issue 3
# Addresses for the rows that miss the page cache: enough that wrk rarely asks for one twice.
UNCACHED_SAMPLE = 20_000
# The bare floor is measured again after every this many rows: a shared machine's speed drifts
# over a run, and each row is judged against the floor of its own minutes (bench/report.py).
FLOOR_EVERY = 6


@dataclass
class Page:
    name: str
    path: str
    # "bare", "baseline", "baseline-front", "page", "static", "uncached", "moderating", "slowloris", "admin" or "post"
    kind: str = "page"
    target: float | None = None  # share of the bare floor's req/s; for "slowloris", p99 in ms
    # "front": through nginx, as production serves it; "app": straight to gunicorn; "bare": the bare floor.
    via: str = "front"
    headers: tuple = ()
    post_body: str = ""
    # When set, wrk walks these addresses instead of loading `path` over and over.
    paths: list = field(default_factory=list)


BARE_FLOOR = Page("bare Django floor", "/bench/bare/", kind="bare", via="bare")


@dataclass
class Plan:
    pages: list
    reader: Client
    moderator: Client
    admin_path: str


def build(base_url, dataset, moderator):
    reader = Client(base_url)
    bare = BARE_FLOOR
    baseline = Page("full-stack baseline", reverse("bench-baseline"), kind="baseline", via="app")
    cached = [Page("home", reverse("home"), target=CACHED_TARGET)]
    for article in Article.objects.published().in_reading_order():
        cached.append(Page(f"article {article.slug}", article.get_absolute_url(), target=CACHED_TARGET))
    cached += story_pages(dataset)
    for page in cached:
        page.path = final_path(reader, page.path)
    overview = cached[1]
    uncached = uncached_story_pages()
    # The three-byte view behind nginx and the whole middleware stack: a page the caches miss
    # does all of that and then its own work, so no uncached row can pass this one.
    stack_limit = dataclasses.replace(
        baseline, name="full-stack baseline through nginx", kind="baseline-front", via="front"
    )
    pages = [bare, baseline, *cached, physical_limit(reader, overview.path), stack_limit, *uncached]
    pages += [
        dataclasses.replace(
            page, name=f"{page.name}, a moderator deciding a story a second", kind="moderating", via=via
        )
        for page, via in ((overview, "front"), (overview, "app"))
    ]
    pages += [dataclasses.replace(page, via="app") for page in cached]
    slow = dataclasses.replace(
        uncached[0], name=f"story, uncached, {SLOW_READERS} readers beside {SLOW_CLIENTS} slow clients"
    )
    pages += [
        dataclasses.replace(slow, kind="slowloris", target=SLOW_P99_TARGET_MS, via=via) for via in ("front", "app")
    ]

    moderator_client = Client(base_url)
    moderator_client.log_in_to_admin(reverse("admin:login"), *moderator)
    admin_path = final_path(moderator_client, reverse("admin:stories_story_changelist"))
    cookie = f"Cookie: {moderator_client.cookie_header}"
    pages.append(Page("admin queue (moderator)", admin_path, kind="admin", headers=(cookie,)))
    pages.append(share_form_post(reader))
    pages = with_floor_checks(pages, dataclasses.replace(bare, name="bare Django floor again"))
    pages.append(dataclasses.replace(baseline, name="full-stack baseline again"))
    return Plan(pages, reader, moderator_client, admin_path)


def with_floor_checks(pages, floor):
    """`pages` with `floor` measured again after every FLOOR_EVERY rows, and at the end."""
    checked = []
    for number, page in enumerate(pages, start=1):
        checked.append(page)
        if number % FLOOR_EVERY == 0 and page.kind != "bare":
            checked.append(floor)
    if checked[-1] is not floor:
        checked.append(floor)
    return checked


PHYSICAL_LIMIT_PATH = "bench/article.html"  # under STATIC_ROOT while the benchmark runs


def physical_limit(reader, article_path):
    """The article's own bytes as a static file, served by nginx from disk: the front server's ceiling."""
    _, _, _, html = reader.get(article_path)
    target = settings.STATIC_ROOT / PHYSICAL_LIMIT_PATH
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(html)
    # gzip_static sends this copy to a browser that takes gzip, as the cached page goes out compressed.
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(html, compresslevel=6, mtime=0))
    return Page("static file: the overview article's bytes", f"/static/{PHYSICAL_LIMIT_PATH}", kind="static")


def remove_physical_limit():
    folder = (settings.STATIC_ROOT / PHYSICAL_LIMIT_PATH).parent
    for path in folder.glob("article.html*"):
        path.unlink()
    folder.rmdir()


def final_path(client, path):
    # wrk follows no redirects, so load the address a browser ends up on.
    status, final, _, _ = client.get(path)
    if status != 200:
        print(f"  warning: {path} answers HTTP {status}; its row will count the errors")
    return final


def story_pages(dataset):
    target = CACHED_TARGET
    list_path = reverse("stories:list")
    deep_page = min(2000, max(1, -(-dataset["approved"] // STORIES_PER_PAGE)))
    condition, side_effect = seed.FILTER
    # The list pages by position (keyset), not number: page N starts after the
    # story that ends page N - 1, exactly the address its "Older stories" link has.
    deep_path = list_path
    if deep_page > 1:
        last_of_previous = Story.objects.approved().newest_first()[(deep_page - 1) * STORIES_PER_PAGE - 1]
        deep_path = f"{list_path}?before={Position.of(last_of_previous)}"
    return [
        Page("stories list", list_path, target=target),
        Page(f"stories list page {deep_page}", deep_path, target=target),
        Page("stories filtered", f"{list_path}?condition={condition}&side_effect={side_effect}", target=target),
        Page("story", seed.sample_story().get_absolute_url(), target=target),
    ]


def uncached_story_pages():
    """Stories and list pages that are each asked for about once: what the page cache cannot help.

    These rows show what rendering costs with PostgreSQL doing the work, so a slow query cannot
    hide behind the cache. Issue 11 sets their targets for 1,000,000 stories.
    """
    rng = random.Random(7)
    approved = Story.objects.approved()
    story_ids = list(approved.values_list("pk", flat=True))
    story_ids = rng.sample(story_ids, min(UNCACHED_SAMPLE, len(story_ids)))
    stories = [reverse("stories:detail", args=[pk]) for pk in story_ids]
    # The last story of every page is where the next page starts ("Older stories").
    rows = approved.newest_first().values_list("submitted_at", "pk").iterator(chunk_size=10_000)
    ends = [Position(at, pk) for at, pk in itertools.islice(rows, STORIES_PER_PAGE - 1, None, STORIES_PER_PAGE)]
    # Nothing is older than the oldest story: the page after it is rightly a 404, not a page to walk.
    oldest = approved.oldest_first().values_list("pk", flat=True).first()
    ends = [end for end in ends if end.pk != oldest]
    list_path = reverse("stories:list")
    pages = [f"{list_path}?before={end}" for end in rng.sample(ends, min(UNCACHED_SAMPLE, len(ends)))]
    return [
        Page(
            "story, uncached",
            stories[0] if stories else list_path,
            kind="uncached",
            target=UNCACHED_STORY_TARGET,
            paths=stories,
        ),
        Page(
            "stories list any page, uncached",
            pages[0] if pages else list_path,
            kind="uncached",
            target=UNCACHED_LIST_TARGET,
            paths=pages,
        ),
    ]


def share_form_post(reader):
    share_path = reverse("stories:share")
    _, _, _, html = reader.get(share_path)
    fields = {
        "csrfmiddlewaretoken": FormInputs.parse(html)["csrfmiddlewaretoken"],
        # wrk.lua replaces BENCHN by a number for each request: the same text twice is one story.
        "text": "Benchmark story BENCHN. " + " ".join(seed.SENTENCES[:4]),
        "title": "Benchmark story",
        "role": "patient",
        "condition": "crohns-disease",
        "time_on_imuran": "1-5-years",
        "time_to_help": "1-3-months",
        "side_effects": list(SideEffect.objects.filter(slug__in=["nausea", "tiredness"]).values_list("pk", flat=True)),
        "helped_rating": "4",
        "overall_rating": "4",
        "consent_age": "on",
        "consent_own": "on",
        "consent_publish": "on",
    }
    body = urlencode(fields, doseq=True)
    status, final, _, _ = reader.request(share_path, data=body.replace("BENCHN", "0").encode())
    if not final.startswith("/stories/thanks/"):
        print(f"  warning: the share form POST ends on {final} (HTTP {status}), not the thank-you page")
    cookie = f"Cookie: {reader.cookie_header}"
    return Page("share form POST", share_path, kind="post", headers=(cookie,), post_body=body)


def single_client_checks(plan):
    articles = [page for page in plan.pages if page.name.startswith("article ")]
    # The heaviest article is the one that must stay under the budget.
    transfer = max((transfer_size(plan.reader, page.path) for page in articles), key=lambda t: t["total_bytes"])
    timings = server_times(plan.moderator, plan.admin_path, ADMIN_QUEUE_SAMPLES)
    return {
        "transfer": {**transfer, "target_bytes": TRANSFER_TARGET_BYTES},
        "admin_queue": {"path": plan.admin_path, **timings, "target_ms": ADMIN_QUEUE_TARGET_MS},
    }
