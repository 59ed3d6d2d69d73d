"""The moderation workflow: every step a story goes through, from the share form to the purge.

Story inherits these methods (stories/models.py keeps the data, this module the
steps). The share form, the admin and the tests all call them; the admin never
changes a story's status, sends mail or moves the page cache itself.
"""

from functools import partial

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from insights import counts as insight_counts
from page_cache.generations import Scope, changed
from stories import emails, withdrawal_log
from stories.records import Decision, QueueCount, Resubmission
from stories.screening import find_flags, flag_labels, flags_digest

# The same text from the same client within this long (and up to twice this) is one story.
RESUBMISSION_WINDOW_SECONDS = 10 * 60


class DecisionError(Exception):
    """A workflow step that cannot happen as asked; the message says why, in a moderator's words."""

    def __init__(self, story, message):
        super().__init__(message)
        self.story = story


class StoryWithdrawn(DecisionError):
    def __init__(self, story):
        super().__init__(story, f"Story {story.pk} was withdrawn by its author; nothing was changed.")


class DecidedMeanwhile(DecisionError):
    def __init__(self, story):
        super().__init__(story, f"Story {story.pk} was decided by someone else meanwhile; nothing was changed.")


class FlagsNeedConfirmation(DecisionError):
    def __init__(self, story, flags):
        super().__init__(story, f"Story {story.pk} has screening flags to confirm: {', '.join(flag_labels(flags))}.")
        self.flags = flags


class StoryWorkflow:
    @staticmethod
    def fingerprints(text, client):
        """Keyed hashes of the text and its sender for this and the previous ten minutes."""
        window = int(timezone.now().timestamp() // RESUBMISSION_WINDOW_SECONDS)
        words = " ".join(text.casefold().split())
        return [
            salted_hmac("stories.resubmission", f"{client}\n{w}\n{words}", algorithm="sha256").hexdigest()
            for w in (window, window - 1)
        ]

    # --- The workflow: the share form, the admin and the tests all call these.
    # Each step locks the story's row and looks at its status again inside one
    # transaction, so of two steps at once (a moderator's approval and the
    # author's withdrawal) exactly one happens first and the other sees its result.

    @transaction.atomic
    def submit(self, *, client):
        self.original_text = self.text
        self.flags = find_flags(self.text)
        self.consented_at = timezone.now()
        self.consent_version = settings.STORY_TERMS_VERSION
        self.client_hash = client
        self.save()
        # Unique: the same text from the same client twice within minutes stores one story
        # (a second one at the same moment fails here, and its whole transaction with it).
        Resubmission.objects.create(fingerprint=self.fingerprints(self.text, client)[0], story_id=self.pk)
        QueueCount.move({self.status: 1})

    def approve(self, *, by, confirmed=""):
        """Publish. Flags found in the text need `confirmed`: the digest of exactly the flags the moderator saw."""
        self._decide(self.Status.APPROVED, by=by, confirmed=confirmed)

    def reject(self, *, by, reason, note=""):
        self._decide(self.Status.REJECTED, by=by, reason=reason, note=note)

    @transaction.atomic
    def _decide(self, status, *, by, confirmed="", reason="", note=None):
        seen = self.status
        self.refresh_from_db(from_queryset=type(self).objects.select_for_update())
        if self.status == self.Status.WITHDRAWN:
            raise StoryWithdrawn(self)
        if self.status != seen:
            raise DecidedMeanwhile(self)
        flags = self.unresolved_flags() if status == self.Status.APPROVED else []
        if flags and flags_digest(flags) != confirmed:
            raise FlagsNeedConfirmation(self, flags)
        previous = self.status
        self.status, self.decided_at, self.decided_by, self.reject_reason = status, timezone.now(), by, reason
        if note is not None:
            self.moderator_note = note
        self.save(update_fields=["status", "decided_at", "decided_by", "reject_reason", "moderator_note"])
        QueueCount.move({previous: -1, status: 1} if previous != status else {})
        insight_counts.public_status_changed(self, previous, status)
        # A decision answers every report made so far.
        self.reports.filter(resolved=False).update(resolved=True)
        Decision.record(self, status, by=by, reason=reason, detail=", ".join(flag_labels(flags)))
        if self.Status.APPROVED in (previous, status):
            changed(Scope.STORIES)  # the cached home page lists the latest stories
        self._tell_author_on_commit()

    @transaction.atomic
    def save_edits(self, *, by, fields, confirmed=""):
        """Save a moderator's edits (set on this instance) to the named fields."""
        current = type(self).objects.select_for_update().only("status", "title", "text").get(pk=self.pk)
        if current.status == self.Status.WITHDRAWN:
            raise StoryWithdrawn(self)
        self.status = current.status
        if self.status == self.Status.APPROVED:
            # Live text changes at once: anything screening finds that was not there before needs confirming.
            before = {(flag["kind"], flag["match"]) for flag in current.unresolved_flags()}
            new = [flag for flag in self.unresolved_flags() if (flag["kind"], flag["match"]) not in before]
            if new and flags_digest(new) != confirmed:
                raise FlagsNeedConfirmation(self, new)
        columns = [field for field in fields if field != "side_effects"]  # the admin saves the tags
        if columns:
            self.save(update_fields=columns)
        if fields:
            Decision.record(self, Decision.Action.REDACTED, by=by, detail=", ".join(fields))
        if self.status == self.Status.APPROVED:
            changed(Scope.STORIES)

    @transaction.atomic
    def withdraw(self):
        """The author takes the story down: everything they wrote or chose goes now, for good.

        An empty row stays so the private link can confirm the withdrawal, with the
        decision log (no words in it); purge_stories removes the row.
        """
        self.refresh_from_db(from_queryset=type(self).objects.select_for_update())
        if self.status == self.Status.WITHDRAWN:
            return
        previous = self.status
        if previous == self.Status.APPROVED:
            insight_counts.left(self)  # before its answers are erased below
        self.status = self.Status.WITHDRAWN
        self.title = self.text = self.original_text = self.email = self.client_hash = ""
        self.display_name = self.role = self.condition = self.age_band = ""
        self.time_on_imuran = self.time_to_help = ""
        self.helped_rating = self.ease_rating = self.overall_rating = self.email_failed_at = None
        self.flags = []
        self.moderator_note = ""
        self.save()
        self.side_effects.clear()
        self.reports.all().delete()
        Resubmission.objects.filter(story_id=self.pk).delete()
        QueueCount.move({previous: -1, self.status: 1})
        Decision.record(self, Decision.Action.WITHDRAWN)
        # The admin's history keeps each object's name as it was: replace the words in it too.
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(self), object_id=str(self.pk)).update(
            object_repr=str(self)
        )
        if previous == self.Status.APPROVED:
            changed(Scope.STORIES)
        # So that restoring an older backup cannot bring the story back for good.
        transaction.on_commit(partial(withdrawal_log.append, self.pk, self.token))

    def report(self, *, reason, note=""):
        # The story stays public; the open report puts it back in the moderators' queue.
        return self.reports.create(reason=reason, note=note)

    # --- Telling the author. Mail goes out only once the decision is committed, and
    # a failed send never undoes it: the address stays, for a retry, until a send works
    # or the retention period ends (purge_stories).

    def _tell_author_on_commit(self):
        if self.email:
            transaction.on_commit(partial(emails.tell_author, self.pk))

    def retry_email(self):
        """Try again, now (the decision is long committed); True if the author has been told."""
        if self.email and self.status in (self.Status.APPROVED, self.Status.REJECTED):
            return emails.tell_author(self.pk)
        return False

    @transaction.atomic
    def email_sent(self):
        # The address had one purpose, telling the author the outcome; after that, keep nothing.
        type(self).objects.filter(pk=self.pk).update(email="", email_failed_at=None)
        self.email, self.email_failed_at = "", None
        Decision.record(self, Decision.Action.EMAIL_SENT)

    @transaction.atomic
    def email_failed(self, error):
        self.email_failed_at = timezone.now()
        type(self).objects.filter(pk=self.pk).update(email_failed_at=self.email_failed_at)
        Decision.record(self, Decision.Action.EMAIL_FAILED, detail=type(error).__name__)
