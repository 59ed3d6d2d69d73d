"""Item 2 of issue 11: invalidation cannot be lost, whatever Redis does during the change.

Two gunicorn workers share a Redis of the test's own. The author withdraws a published story
through the private link while that Redis is frozen; once it wakes (with its old data), no
worker may serve the story after the recheck interval. The news of the change is a generation
moved in the database, in the withdrawal's own transaction, so Redis cannot lose it.
"""

import re
import time
from urllib.parse import urlencode

from deploy.stack import HOST, free_port, gunicorn
from tests.faults.servers import Browser, in_site, site_environment

RECHECK_SECONDS = 1  # PAGE_CACHE_RECHECK_SECONDS in site_environment()
REQUESTS = 24  # each on a new connection, so the kernel hands them to both workers

NEW_STORY = """
from django.utils import timezone
from stories.models import Story
story = Story.objects.create(
    title="A story about to be withdrawn", text="Tablets after breakfast suited me best.",
    original_text="Tablets after breakfast suited me best.", display_name="Robin", role="patient",
    condition="lupus", status=Story.Status.APPROVED, consented_at=timezone.now(), consent_version="test",
)
print(story.pk, story.token)
"""


def form_token(html):
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()


def test_a_withdrawal_made_while_redis_is_frozen_reaches_every_worker_within_the_recheck_interval(
    site_files, start_redis
):
    redis_server = start_redis()
    env = site_environment(site_files, REDIS_URL=redis_server.url)
    pk, token = in_site(env, NEW_STORY).split()
    port = free_port()
    with gunicorn(port, workers=2, env=env):
        reader, author = Browser(f"http://{HOST}:{port}"), Browser(f"http://{HOST}:{port}")
        story_path, withdraw_path = f"/stories/{pk}/", f"/stories/status/{token}/withdraw/"
        assert [reader.request(story_path)[0] for _ in range(REQUESTS)] == [200] * REQUESTS
        assert b"A story about to be withdrawn" in reader.request("/")[2]
        _, _, form = author.request(withdraw_path)

        redis_server.freeze()
        status, headers, _ = author.request(
            withdraw_path, data=urlencode({"csrfmiddlewaretoken": form_token(form)}).encode()
        )
        redis_server.thaw()
        time.sleep(RECHECK_SECONDS + 0.5)
        after = [reader.request(story_path)[0] for _ in range(REQUESTS)]
        home = reader.request("/")[2]

    assert (status, headers["Location"]) == (302, f"/stories/status/{token}/")
    assert after == [404] * REQUESTS
    assert b"A story about to be withdrawn" not in home
