import json
from io import StringIO

import pytest
from django.core.management import call_command

from stories import withdrawal_log
from stories.models import Story

pytestmark = pytest.mark.django_db


def reapply(*logs):
    output = StringIO()
    call_command("reapply_withdrawals", *map(str, logs), stdout=output)
    return output.getvalue()


def test_a_withdrawal_is_logged_by_story_id_and_token_hash_only(
    make_story, _withdrawal_log, django_capture_on_commit_callbacks
):
    story = make_story(email="pat.author@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        story.withdraw()

    [line] = _withdrawal_log.read_text().splitlines()
    entry = json.loads(line)
    assert set(entry) == {"story", "token_sha256", "at"}
    assert entry["story"] == story.pk
    assert entry["token_sha256"] == withdrawal_log.token_digest(story.token)
    assert story.token not in line


def test_reapplying_withdrawals_withdraws_a_story_the_log_names(make_story, tmp_path):
    story = make_story(title="Brought back by a restore")
    log = tmp_path / "older-server.jsonl"
    log.write_text(json.dumps({"story": story.pk, "token_sha256": withdrawal_log.token_digest(story.token)}) + "\n")

    output = reapply(log)

    story.refresh_from_db()
    assert (story.status, story.title) == (Story.Status.WITHDRAWN, "")
    assert "Withdrew 1 stories again" in output


def test_reapplying_withdrawals_leaves_a_story_whose_token_does_not_match(make_story, tmp_path):
    story = make_story()
    log = tmp_path / "withdrawals.jsonl"
    log.write_text(json.dumps({"story": story.pk, "token_sha256": withdrawal_log.token_digest("another")}) + "\n")

    reapply(log)

    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED
