"""A moderator deciding one story a second through the real workflow (Story.approve and
Story.reject), while `make bench` loads article pages (issue 11 item 4: story decisions
leave articles cached).

bench/run.py runs it as a process of its own and stops it; it prints the id of each story
it decided, and restore() puts those stories back in the queue afterwards, so the seeded
dataset stays as it was.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuran_info.settings")


def main():
    import django

    django.setup()
    from django.contrib.auth.models import User

    from bench import seed
    from stories.models import Story

    moderator = User.objects.get(username=seed.MODERATOR)
    queue = Story.objects.filter(status=Story.Status.PENDING).order_by("pk").values_list("pk", flat=True)
    for number, pk in enumerate(queue[:3600].iterator()):
        started = time.monotonic()
        story = Story.objects.get(pk=pk)
        if number % 2:
            story.reject(by=moderator, reason=Story.RejectReason.OTHER)
        else:
            story.approve(by=moderator)
        print(pk, flush=True)
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))


def restore(pks):
    """Back to the queue, as seeded; the pages that showed them are retired in the same transaction."""
    from django.db import transaction

    from insights.counts import recount
    from page_cache.generations import Scope, changed
    from stories.models import Story

    with transaction.atomic():
        Story.objects.filter(pk__in=pks).update(
            status=Story.Status.PENDING, decided_at=None, decided_by=None, reject_reason=""
        )
        recount()  # the update bypassed the workflow that keeps the insights page's counts
        changed(Scope.STORIES)


if __name__ == "__main__":
    main()
