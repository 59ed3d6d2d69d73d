"""The benchmark's dataset: stories spread over conditions and side effects, inserted in large batches.

A database that already holds the requested counts is reused as it is, so only the first run
pays for seeding; a smaller dataset is topped up, a larger or different one is replaced.
"""

import random
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from insights import counts as insight_counts
from stories.models import SideEffect, Story
from stories.records import QueueCount

BATCH = 5_000
MODERATOR = "bench-moderator"

# Rough shares, most common first, so filters meet both crowded and sparse lists.
CONDITIONS = {
    "rheumatoid-arthritis": 30,
    "crohns-disease": 22,
    "ulcerative-colitis": 18,
    "lupus": 10,
    "organ-transplant": 8,
    "autoimmune-hepatitis": 5,
    "other": 7,
}
# The tags stories' migration 0002 creates, by slug.
SIDE_EFFECTS = {
    "nausea": 30,
    "tiredness": 25,
    "infections": 12,
    "hair-thinning": 10,
    "low-blood-counts": 8,
    "liver-problems": 6,
    "skin-or-sun-sensitivity": 8,
    "none": 15,
    "other": 5,
}
# "If Imuran helped, how long did it take to notice?": most notice something after one to six
# months; some never, some are unsure, and about one in six skips the question ("").
TIME_TO_HELP = {
    "within-1-month": 6,
    "1-3-months": 26,
    "3-6-months": 22,
    "over-6-months": 8,
    "not-yet": 12,
    "not-sure": 10,
    "": 16,
}
# Someone on Imuran for under 3 months cannot have waited longer than that.
TOO_SOON = {"3-6-months", "over-6-months"}
# How far back stories go: the queue is recent, rejected ones are purged after 90 days.
AGE_DAYS = {"approved": 5 * 365, "pending": 30, "rejected": 90}
# The filtered list the benchmark loads: a sparse pair, so a missing index shows.
FILTER = ("autoimmune-hepatitis", "liver-problems")

SENTENCES = [
    "I started azathioprine after my consultant explained how it calms the immune system.",
    "The first few weeks were hard because I felt sick most mornings.",
    "Taking the tablet with food in the evening made a real difference for me.",
    "My blood tests were every week at first, then every month, then every three months.",
    "It took about four months before I noticed my joints were less swollen.",
    "I was more tired than usual and had to plan my days around it.",
    "My nurse was always at the end of the phone when I worried about a result.",
    "I wear a hat and high-factor sun cream every day now, even in winter.",
    "I caught more colds than before, so I get my flu jab every autumn.",
    "After a year my flare-ups were much less frequent and I went back to work full time.",
    "My hair thinned a little, which upset me more than I expected.",
    "Looking back, I am glad I stuck with it, but it is not for everyone.",
]


def prepare(approved, pending, rejected):
    wanted = {"approved": approved, "pending": pending, "rejected": rejected}
    have = {status: Story.objects.filter(status=status).count() for status in wanted}
    reusable = seeded_with_time_to_help() and seeded_in_the_order_sent()
    if have == wanted and not Story.objects.exclude(status__in=wanted).exists() and reusable:
        QueueCount.recount()
        insight_counts.recount()
        print(f"  Reusing the seeded stories: {have}")
        return have
    if any(have[status] > wanted[status] for status in wanted) or not reusable:
        print("  Removing the previous benchmark stories ...")
        remove_all_stories()
        have = dict.fromkeys(wanted, 0)
    tags = SideEffect.objects.filter(slug__in=SIDE_EFFECTS).values_list("pk", "slug")
    side_effects = [(pk, SIDE_EFFECTS[slug]) for pk, slug in tags]
    started = timezone.now()
    with transaction.atomic():
        for status in wanted:
            insert_stories(status, wanted[status] - have[status], side_effects)
    QueueCount.recount()  # bulk_create bypasses the workflow that keeps the admin's counts
    insight_counts.recount()  # and the insights page's
    print(f"  Seeded in {(timezone.now() - started).total_seconds():.0f} s")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:  # tests run in a transaction
        # Fresh tables have no statistics yet; production's would, after autovacuum.
        with connection.cursor() as cursor:
            for model in (Story, Story.side_effects.through):
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return wanted


def seeded_with_time_to_help():
    # A dataset seeded before the "how long did it take to help" question has no answer to it:
    # the insights row would then time a page without that chart. An empty one needs no answers.
    return not Story.objects.exists() or Story.objects.exclude(time_to_help="").exists()


def seeded_in_the_order_sent():
    # Datasets seeded before stories were stored oldest first scattered each list page's stories.
    sent = list(Story.objects.approved().order_by("pk").values_list("submitted_at", flat=True)[:100])
    return sent == sorted(sent)


def remove_all_stories():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Checks deferred by earlier inserts in this transaction would make TRUNCATE refuse.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # CASCADE empties the side-effect links and reports with them, in one statement.
            cursor.execute(f'TRUNCATE "{Story._meta.db_table}" RESTART IDENTITY CASCADE')
    else:
        Story.objects.all().delete()


def insert_stories(status, count, side_effects):
    if count <= 0:
        return
    # A fixed seed: every run at a given size gets the same stories, so runs compare.
    rng = random.Random(status)
    # Oldest first: the live site stores each story when it is sent, so stories shared about the
    # same time lie together on disk, and a list page reads a few table pages, not twenty.
    ages = sorted((rng.randint(1, 60 * 24 * AGE_DAYS[status]) for _ in range(count)), reverse=True)
    Link = Story.side_effects.through
    effect_ids, effect_weights = zip(*side_effects, strict=True)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        stories = Story.objects.bulk_create(make_story(status, rng, ages[start + n]) for n in range(size))
        links = []
        for story in stories:
            chosen = set(rng.choices(effect_ids, effect_weights, k=rng.randint(0, 3)))
            links += [Link(story_id=story.pk, sideeffect_id=effect) for effect in chosen]
        Link.objects.bulk_create(links)
        print(f"  {status}: {start + size:,} / {count:,}", end="\r", flush=True)
    print()


def make_story(status, rng, minutes_ago):
    now = timezone.now()
    submitted = now - timedelta(minutes=minutes_ago)
    text = " ".join(rng.choices(SENTENCES, k=rng.randint(3, 10)))
    on_imuran = rng.choice(list(Story.TimeOnImuran))
    return Story(
        status=status,
        title=rng.choice(["", "My first year on azathioprine", "Slow start, good result", "Not for me"]),
        text=text,
        original_text=text,
        display_name=rng.choice(["Anonymous", "Sam", "J.", "A carer in Leeds", "Priya"]),
        role=rng.choices(list(Story.Role), [4, 1])[0],
        condition=rng.choices(list(CONDITIONS), list(CONDITIONS.values()))[0],
        time_on_imuran=on_imuran,
        time_to_help=time_to_help(on_imuran, rng),
        age_band=rng.choice(list(Story.AgeBand)),
        helped_rating=rng.randint(1, 5),
        ease_rating=rng.randint(1, 5),
        overall_rating=rng.randint(1, 5),
        consented_at=submitted,
        consent_version=settings.STORY_TERMS_VERSION,
        submitted_at=submitted,
        decided_at=None if status == "pending" else min(now, submitted + timedelta(hours=rng.randint(2, 72))),
        reject_reason="dosing" if status == "rejected" else "",
    )


def time_to_help(time_on_imuran, rng):
    answer = rng.choices(list(TIME_TO_HELP), list(TIME_TO_HELP.values()))[0]
    if time_on_imuran == Story.TimeOnImuran.UNDER_3_MONTHS and answer in TOO_SOON:
        return "not-yet"
    return answer


def sample_story():
    # One from the middle of the list: neither the newest (hot in every cache) nor the oldest.
    approved = Story.objects.approved().order_by("pk")
    return approved[approved.count() // 2]


def bench_moderator():
    """A member of the Moderators group with a new random password each run; the admin is loaded as them."""
    user, _ = User.objects.get_or_create(username=MODERATOR)
    password = secrets.token_urlsafe(24)
    user.set_password(password)
    user.is_staff = user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name="Moderators"))
    return MODERATOR, password


def last_story_pk():
    return Story.objects.aggregate(last=Max("pk"))["last"] or 0


def delete_stories_after(pk):
    Story.objects.filter(pk__gt=pk).delete_counted()
