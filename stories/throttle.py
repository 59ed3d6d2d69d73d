"""Who is sending, as a keyed hash, and how often: the hourly limit on stories and reports per client.

Counts live in PostgreSQL (SQLite in development), in ClientCount: one statement
adds one and returns the new count, so forty requests at once get forty different
answers and exactly the limit pass. Redis plays no part: stopped, frozen or full,
it cannot let a flood through or turn a form into an error.
"""

import time

from django.conf import settings
from django.utils.crypto import salted_hmac

from imuran_info.client_ip import client_address
from stories.records import ClientCount

WINDOW_SECONDS = 60 * 60


class OverLimit(Exception):
    """Raised inside a transaction to undo a submission past the limit."""


def client_hash(request):
    # Keyed with SECRET_KEY: without the key nobody can test guessed addresses against it.
    return salted_hmac("stories.client", client_address(request), algorithm="sha256").hexdigest()


def take_place(scope, client):
    """Count one submission in this hour; False once the client is past the limit."""
    hour = int(time.time() // WINDOW_SECONDS)
    return ClientCount.add_one(scope, client, hour) <= settings.STORY_RATE_LIMIT


def forget_old_counts():
    """Counts of hours gone by decide nothing; purge_stories calls this daily."""
    hour = int(time.time() // WINDOW_SECONDS)
    return ClientCount.objects.filter(hour__lt=hour).delete()[0]


RATE_LIMIT_MESSAGE = (
    "We have had several messages from your connection in the last hour. To keep automatic spam out, "
    "we accept a few an hour from each connection. Nothing is wrong with what you wrote, and it is all "
    "still here: please send it again in an hour."
)


def refuse(form):
    """Keep everything typed, and say why it was not sent (answered with status 429)."""
    form.add_error(None, RATE_LIMIT_MESSAGE)
    return form
