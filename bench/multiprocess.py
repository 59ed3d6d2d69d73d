"""Several processes, one truth: two gunicorn workers share one Redis cache.

Shows that a publisher's change made through one worker reaches the cached page
every worker serves (within PAGE_CACHE_RECHECK_SECONDS), and that the story rate limit counts submissions across
both workers. Run by `make bench-multiprocess` and by CI; exits non-zero on failure.
"""

# ruff: noqa: S603, S607

import os
import sys
import time

from bench.client import Client, FormInputs
from bench.run import HOST, create_database, ensure_services, gunicorn, port_is_free

PORT = 8766
REQUESTS_PER_CHECK = 24  # new connections each: the kernel hands them to both workers
PUBLISHER = ("bench-publisher", "bench-publisher-password-0")


def configure():
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_CHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imuran_bench_multiprocess"
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_CHECK_REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ["STORY_RATE_LIMIT"] = "5"
    os.environ["DJANGO_ROOT_URLCONF"] = "bench.urls"  # the server-ready probe asks its baseline view
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuran_info.settings")


def prepare():
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_initial_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from articles.models import Article

    overview = Article.objects.get(slug="overview")
    if not overview.is_public:
        overview.publish(note="Published again for the multiprocess check.")
    user, _ = User.objects.get_or_create(username=PUBLISHER[0], defaults={"is_staff": True})
    user.set_password(PUBLISHER[1])
    user.save()
    user.groups.add(Group.objects.get(name="Publishers"))
    cache.clear()
    connections.close_all()
    return overview


def statuses(client, path):
    return [client.get(path)[0] for _ in range(REQUESTS_PER_CHECK)]


def main():
    configure()
    if not port_is_free(PORT):
        sys.exit(f"Something already listens on {HOST}:{PORT}.")
    ensure_services()
    create_database(os.environ["DATABASE_URL"])
    overview = prepare()
    from django.conf import settings
    from django.urls import reverse

    base_url = f"http://{HOST}:{PORT}"
    failures = []
    with gunicorn(PORT, base_url):
        reader = Client(base_url)
        article_path = overview.get_absolute_url()
        if set(statuses(reader, article_path)) != {200}:
            failures.append("the article was not served before the change")

        # A publisher unpublishes the article through the admin: one worker handles it.
        publisher = Client(base_url)
        publisher.log_in_to_admin(reverse("admin:login"), *PUBLISHER)
        changelist = reverse("admin:articles_article_changelist")
        _, _, _, html = publisher.get(changelist)
        token = FormInputs.parse(html)["csrfmiddlewaretoken"]
        publisher.post_form(
            changelist, {"csrfmiddlewaretoken": token, "action": "unpublish", "_selected_action": overview.pk}
        )
        # The other worker rechecks the shared version at most every PAGE_CACHE_RECHECK_SECONDS.
        time.sleep(settings.PAGE_CACHE_RECHECK_SECONDS)
        after = statuses(reader, article_path)
        if set(after) != {404}:
            failures.append(f"after unpublishing, the cached article was still served: {after}")
        else:
            print(
                f"ok: {settings.PAGE_CACHE_RECHECK_SECONDS:g} s after unpublishing in one worker,"
                f" all {REQUESTS_PER_CHECK} requests got 404"
            )

        # The rate limit (5 stories an hour per client) holds across both workers.
        share_path = reverse("stories:share")
        author = Client(base_url)
        _, _, _, html = author.get(share_path)
        story = {
            "csrfmiddlewaretoken": FormInputs.parse(html)["csrfmiddlewaretoken"],
            "text": "I have taken azathioprine for two years for my bowel condition. " * 3,
            "consent_age": "on",
            "consent_own": "on",
            "consent_publish": "on",
        }
        answers = [author.post_form(share_path, story)[0] for _ in range(10)]
        if answers.count(200) != 5 or answers.count(429) != 5:
            failures.append(f"the rate limit did not hold across workers: {answers}")
        else:
            print("ok: of 10 stories sent through both workers, 5 were accepted and 5 got 429")

    overview.publish(note="Published again after the multiprocess check.")
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("Several processes, one truth: passed.")


if __name__ == "__main__":
    main()
