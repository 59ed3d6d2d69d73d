"""A record of withdrawals that outlives a database restore.

Restoring a backup taken before an author withdrew their story would bring the story back.
Each withdrawal therefore adds a line to a file outside the database (STORY_WITHDRAWAL_LOG),
and `manage.py reapply_withdrawals` withdraws again every story the file names. A line holds
no personal data: the story's id, a SHA-256 of its private token (only the author holds the
token, and 256 random bits cannot be guessed from their hash) and the time.
"""

import hashlib
import json
import logging
import os

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def append(story_id, token):
    line = json.dumps({"story": story_id, "token_sha256": token_digest(token), "at": timezone.now().isoformat()})
    path = settings.STORY_WITHDRAWAL_LOG
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One short line in append mode: processes writing at once never mix their lines.
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
            log.flush()
            os.fsync(log.fileno())
    except OSError:
        # The withdrawal itself stands; only a later restore would need the line.
        logger.exception("Story %s was withdrawn but could not be added to the withdrawal log", story_id)


def read(path):
    """{story id: token digest} for every withdrawal the file records."""
    withdrawn = {}
    with open(path, encoding="utf-8") as log:
        for number, line in enumerate(log, start=1):
            try:
                entry = json.loads(line)
                withdrawn[int(entry["story"])] = entry["token_sha256"]
            except (ValueError, KeyError, TypeError):
                logger.warning("Withdrawal log %s: line %s is not a withdrawal; skipped", path, number)
    return withdrawn
