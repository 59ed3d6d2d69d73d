"""Several machines, one truth: two app instances behind one nginx, sharing PostgreSQL, Redis
and an S3-compatible store (issue 11 item 8). Run by `make bench-multiprocess` and by CI;
exits non-zero on failure.

Two separate gunicorn instances (as on two machines) sit behind the front server
(deploy/stack.py). The store is moto's S3 server, started here on a spare loopback port.
It checks that:

- a change made through one instance is served by the other within PAGE_CACHE_RECHECK_SECONDS,
  and through nginx within that plus the microcache's second;
- an image uploaded through one instance is served to readers through nginx, from the store;
- the story rate limit counts submissions across both instances;
- 200 slow clients do not keep readers from their pages;
- stopping one instance under load fails no request;
- both instances answer /readyz before the checks, and afterwards the stopped one fails /healthz
  while the other stays ready (what a load balancer's health checks would see).
"""

# ruff: noqa: S603, S607

import io
import json
import logging
import os
import sys
import threading
import time
import uuid

from bench.client import Client, FormInputs
from bench.run import create_database, ensure_services
from bench.slowloris import Slowloris
from deploy import stack

HOST = stack.HOST
REQUESTS_PER_CHECK = 24  # new connections each: nginx and the kernel spread them over the instances
PUBLISHER = ("bench-publisher", "bench-publisher-password-0")
BUCKET = "imuran-media-check"
READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    ],
}


def configure():
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_CHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imuran_bench_multiprocess"
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_CHECK_REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ["STORY_RATE_LIMIT"] = "5"
    os.environ["DJANGO_BEHIND_PROXY"] = "true"  # nginx is in front
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuran_info.settings")


def start_store():
    """moto's S3 server on a spare port, with an empty bucket; the environment names it for every instance."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per S3 request otherwise

    port = stack.free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    credentials = {"AWS_ACCESS_KEY_ID": "check-key", "AWS_SECRET_ACCESS_KEY": "check-secret"}
    os.environ.update(
        AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=f"http://{HOST}:{port}", AWS_S3_REGION_NAME="us-east-1"
    )
    os.environ.update(credentials)
    client = boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    # As README "Running on several machines" says to set it: anyone may read an image, nobody else may write.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(READ_POLICY))
    return server


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


def statuses(client, path, **headers):
    return [client.get(path, **headers)[0] for _ in range(REQUESTS_PER_CHECK)]


def png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, path, image):
    """The editor's image upload, as markdownx's script sends it (multipart, with the form token)."""
    _, _, _, html = client.get("/admin/articles/article/add/")
    token = FormInputs.parse(html)["csrfmiddlewaretoken"]
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="alt_text"\r\n\r\nA teal square.\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="check.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + image
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Requested-With": "XMLHttpRequest"}
    status, _, _, answer = client.request(path, data=body, headers=headers)
    return status, answer


def unpublish(publisher, article):
    changelist = "/admin/articles/article/"
    _, _, _, html = publisher.get(changelist)
    token = FormInputs.parse(html)["csrfmiddlewaretoken"]
    publisher.post_form(
        changelist,
        # The action asks first; "confirmed" is the answer its confirmation page sends.
        {
            "csrfmiddlewaretoken": token,
            "action": "unpublish_selected",
            "_selected_action": article.pk,
            "confirmed": "yes",
        },
    )


def a_change_through_one_is_served_by_the_other(urls, overview, recheck):
    failures = []
    path = overview.get_absolute_url()
    through_b, through_front = Client(urls["b"]), Client(urls["front"])
    if set(statuses(through_b, path) + statuses(through_front, path)) != {200}:
        return ["the article was not served before the change"]

    publisher = Client(urls["a"])  # the publisher's requests all reach instance A
    publisher.log_in_to_admin("/admin/login/", *PUBLISHER)
    unpublish(publisher, overview)
    time.sleep(recheck)
    after = statuses(through_b, path)
    if set(after) != {404}:
        failures.append(f"{recheck:g} s after unpublishing through A, B still served the article: {after}")
    time.sleep(1)  # nginx keeps a page through the second in which it was asked for
    after = statuses(through_front, path)
    if set(after) != {404}:
        failures.append(f"{recheck + 1:g} s after unpublishing, nginx still served the article: {after}")
    if not failures:
        print(f"ok: unpublished through A; B answered 404 after {recheck:g} s, nginx after {recheck + 1:g} s")
    return failures


def an_image_uploaded_through_one_is_served_to_everyone(urls, media_root):
    editor = Client(urls["a"])
    editor.log_in_to_admin("/admin/login/", *PUBLISHER)
    image = png()
    status, answer = upload(editor, "/markdownx/upload/", image)
    if status != 200:
        return [f"the upload through A answered HTTP {status}"]
    path = json.loads(answer)["url"]
    served = Client(urls["front"]).get(path)
    if served[0] != 200 or not served[3].startswith(b"\x89PNG"):
        return [f"the image uploaded through A was not served through nginx: HTTP {served[0]}"]
    if (media_root / path.removeprefix("/media/")).exists():
        return ["the upload was written to this machine's disk, not to the shared store"]
    print(f"ok: an image uploaded through A is served through nginx from the store at {path}")
    return []


def the_rate_limit_holds_across_instances(urls):
    author = Client(urls["front"])
    _, _, _, html = author.get("/stories/share/")
    story = {
        "csrfmiddlewaretoken": FormInputs.parse(html)["csrfmiddlewaretoken"],
        "consent_age": "on",
        "consent_own": "on",
        "consent_publish": "on",
    }
    # Ten different stories: the same text sent again is the same story, not a new one.
    text = "I have taken azathioprine for two years for my bowel condition. " * 3
    answers = [author.post_form("/stories/share/", {**story, "text": f"Story {n}. {text}"})[0] for n in range(10)]
    if answers.count(200) != 5 or answers.count(429) != 5:
        return [f"the rate limit did not hold across instances: {answers}"]
    print("ok: of 10 stories sent through nginx to both instances, 5 were accepted and 5 got 429")
    return []


def slow_clients_keep_no_reader_waiting(urls, port):
    # A session cookie makes nginx pass every request on, so each reaches an app instance.
    reader = Client(urls["front"])
    with Slowloris(port, count=200):
        time.sleep(3)
        answers = [reader.get("/stories/", Cookie="sessionid=reader")[0] for _ in range(30)]
    if set(answers) != {200}:
        return [f"beside 200 slow clients, readers got {answers}"]
    print("ok: beside 200 slow clients, 30 readers in a row got their page")
    return []


def both_instances_say_they_are_ready(urls):
    # What a load balancer asks before sending an instance traffic (README "Health checks").
    answers = {name: Client(urls[name]).get("/readyz") for name in ("a", "b")}
    unready = {name: (status, body[:40]) for name, (status, _, _, body) in answers.items() if status != 200}
    if unready:
        return [f"an instance was not ready before the checks: {unready}"]
    print("ok: /readyz answered 200 on both instances")
    return []


def the_stopped_instance_fails_its_health_check_and_the_other_stays_ready(urls):
    try:
        status = Client(urls["a"]).get("/healthz")[0]
    except OSError:
        status = None  # nothing listens any more: exactly what the checker should see
    ready = Client(urls["b"]).get("/readyz")[0]
    if status is not None or ready != 200:
        return [f"after stopping A, its /healthz answered {status} and B's /readyz {ready}"]
    print("ok: after stopping A, its /healthz gets no answer and B's /readyz still answers 200")
    return []


def stopping_one_instance_fails_no_request(urls, instance_a):
    answers, done = [], threading.Event()

    def read():
        reader = Client(urls["front"])
        while not done.is_set():
            try:
                answers.append(reader.get("/", Cookie="sessionid=reader")[0])
            except OSError as error:
                answers.append(repr(error))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    time.sleep(2)
    stack.stop(instance_a)  # SIGTERM: A finishes what it has, then goes; nginx sends the rest to B
    time.sleep(3)
    done.set()
    for thread in readers:
        thread.join()
    failed = [answer for answer in answers if answer != 200]
    if failed or not answers:
        return [f"stopping instance A failed {len(failed)} of {len(answers)} requests: {failed[:5]}"]
    print(f"ok: instance A stopped under load; all {len(answers)} requests answered 200")
    return []


def main():
    configure()
    ensure_services()
    create_database(os.environ["DATABASE_URL"])
    store = start_store()
    try:
        overview = prepare()
        from django.conf import settings

        failures = []
        front_port, port_a, port_b = stack.free_port(), stack.free_port(), stack.free_port()
        urls = {name: f"http://{HOST}:{port}" for name, port in (("front", front_port), ("a", port_a), ("b", port_b))}
        with (
            stack.gunicorn(port_a, workers=1) as instance_a,
            stack.gunicorn(port_b, workers=1),
            stack.nginx(
                listen=front_port,
                upstreams=[port_a, port_b],
                run_dir=stack.ROOT / "run" / "multiprocess",
                static_root=settings.STATIC_ROOT,
                media=stack.media_location(stack.media_store_url(), settings.MEDIA_ROOT),
            ),
        ):
            failures += both_instances_say_they_are_ready(urls)
            failures += a_change_through_one_is_served_by_the_other(urls, overview, settings.PAGE_CACHE_RECHECK_SECONDS)
            failures += an_image_uploaded_through_one_is_served_to_everyone(urls, settings.MEDIA_ROOT)
            failures += the_rate_limit_holds_across_instances(urls)
            failures += slow_clients_keep_no_reader_waiting(urls, front_port)
            failures += stopping_one_instance_fails_no_request(urls, instance_a)
            failures += the_stopped_instance_fails_its_health_check_and_the_other_stays_ready(urls)
        overview.publish(note="Published again after the multiprocess check.")
    finally:
        store.stop()
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("Several machines, one truth: passed.")


if __name__ == "__main__":
    main()
