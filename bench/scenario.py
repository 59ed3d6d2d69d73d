"""What the benchmark loads, with issue 7's targets: every public page, the admin queue, the share form."""

import itertools
import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from articles.models import Article
from bench import seed
from bench.client import Client, FormInputs, server_times, transfer_size
from stories.models import SideEffect, Story
from stories.pagination import Position

CONTENT_TARGET = 0.8  # home and articles: share of the baseline's requests per second
STORIES_TARGET, STORIES_TARGET_AT_1M = 0.5, 0.4
ADMIN_QUEUE_TARGET_MS = 300
TRANSFER_TARGET_BYTES = 50 * 1024
ADMIN_QUEUE_SAMPLES = 20
STORIES_PER_PAGE = 20  # issue 3
# Addresses for the rows that miss the page cache: enough that wrk rarely asks for one twice.
UNCACHED_SAMPLE = 20_000


@dataclass
class Page:
    name: str
    path: str
    kind: str = "page"  # "baseline", "page", "uncached", "admin" or "post"
    target: float | None = None
    headers: tuple = ()
    post_body: str = ""
    # When set, wrk walks these addresses instead of loading `path` over and over.
    paths: list = field(default_factory=list)


@dataclass
class Plan:
    pages: list
    reader: Client
    moderator: Client
    admin_path: str


def build(base_url, dataset, moderator):
    reader = Client(base_url)
    baseline = Page("baseline", reverse("bench-baseline"), kind="baseline")
    pages = [baseline, Page("home", reverse("home"), target=CONTENT_TARGET)]
    for article in Article.objects.published().in_reading_order():
        pages.append(Page(f"article {article.slug}", article.get_absolute_url(), target=CONTENT_TARGET))
    pages += story_pages(dataset)
    for page in pages:
        page.path = final_path(reader, page.path)
    pages += uncached_story_pages()

    moderator_client = Client(base_url)
    moderator_client.log_in_to_admin(reverse("admin:login"), *moderator)
    admin_path = final_path(moderator_client, reverse("admin:stories_story_changelist"))
    cookie = f"Cookie: {moderator_client.cookie_header}"
    pages.append(Page("admin queue (moderator)", admin_path, kind="admin", headers=(cookie,)))
    pages.append(share_form_post(reader))
    pages.append(Page("baseline again", baseline.path, kind="baseline"))
    return Plan(pages, reader, moderator_client, admin_path)


def final_path(client, path):
    # wrk follows no redirects, so load the address a browser ends up on.
    status, final, _, _ = client.get(path)
    if status != 200:
        print(f"  warning: {path} answers HTTP {status}; its row will count the errors")
    return final


def story_pages(dataset):
    target = STORIES_TARGET_AT_1M if dataset["approved"] >= 1_000_000 else STORIES_TARGET
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

    No target: the issue's targets are for the pages above. These rows show what
    rendering costs with PostgreSQL doing the work, so a slow query cannot hide behind the cache.
    """
    rng = random.Random(7)
    approved = Story.objects.approved()
    story_ids = list(approved.values_list("pk", flat=True))
    story_ids = rng.sample(story_ids, min(UNCACHED_SAMPLE, len(story_ids)))
    stories = [reverse("stories:detail", args=[pk]) for pk in story_ids]
    # The last story of every page is where the next page starts ("Older stories").
    rows = approved.newest_first().values_list("submitted_at", "pk").iterator(chunk_size=10_000)
    ends = [Position(at, pk) for at, pk in itertools.islice(rows, STORIES_PER_PAGE - 1, None, STORIES_PER_PAGE)]
    list_path = reverse("stories:list")
    pages = [f"{list_path}?before={end}" for end in rng.sample(ends, min(UNCACHED_SAMPLE, len(ends)))]
    return [
        Page("story, uncached", stories[0] if stories else list_path, kind="uncached", paths=stories),
        Page("stories list any page, uncached", pages[0] if pages else list_path, kind="uncached", paths=pages),
    ]


def share_form_post(reader):
    share_path = reverse("stories:share")
    _, _, _, html = reader.get(share_path)
    fields = {
        "csrfmiddlewaretoken": FormInputs.parse(html)["csrfmiddlewaretoken"],
        "text": " ".join(seed.SENTENCES[:4]),
        "title": "Benchmark story",
        "role": "patient",
        "condition": "crohns-disease",
        "time_on_imuran": "1-5-years",
        "side_effects": list(SideEffect.objects.filter(slug__in=["nausea", "tiredness"]).values_list("pk", flat=True)),
        "helped_rating": "4",
        "overall_rating": "4",
        "consent_age": "on",
        "consent_own": "on",
        "consent_publish": "on",
    }
    body = urlencode(fields, doseq=True)
    status, final, _, _ = reader.request(share_path, data=body.encode())
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
