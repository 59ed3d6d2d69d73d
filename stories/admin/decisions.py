"""Moderators' decisions in the admin: bulk actions, the change page's buttons and the pages that ask first.

Every decision is made by the story's own workflow (Story.approve, reject,
save_edits); this module only asks, shows what it answered, and never sends mail
itself. A story with screening flags is published only from a page that lists
each flag with the text around it, and the confirmation names exactly those
flags: if the text changed meanwhile, the moderator is asked again.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from stories.admin.display import FlaggedStory
from stories.forms import RejectForm
from stories.models import DecisionError, FlagsNeedConfirmation, Story
from stories.screening import flags_digest

# Buttons of the change form, and the fields a confirmation page must not post back twice.
DECISION_BUTTONS = {"_approve", "_reject"}
CONFIRMATION_FIELDS = {"csrfmiddlewaretoken", "reason", "note", "confirm", "_confirmed_flags"}


class ReasonNeeded(DecisionError):
    """Raised inside the change form's transaction, so edits made with "Save and reject" wait for the reason."""

    def __init__(self, story, form):
        super().__init__(story, "Choose a reason to reject the story.")
        self.form = form


def _stories(count):
    return "story" if count == 1 else "stories"


class DecisionsMixin:
    # --- Bulk actions, and the quick buttons on each row of the list (they post the same actions).

    def _confirmations(self, request):
        """{story id: flags digest} for the stories a moderator ticked on a confirmation page."""
        confirmed = {}
        for value in request.POST.getlist("publish_flagged"):
            pk, _, digest = value.partition(":")
            if pk.isascii() and pk.isdigit():
                confirmed[int(pk)] = digest
        return confirmed

    def _report_email_failures(self, request, stories):
        failed = Story.objects.filter(pk__in=[story.pk for story in stories], email_failed_at__isnull=False)
        failed = failed.exclude(email="").count()
        if failed:
            self.message_user(
                request,
                f"The e-mail to {failed} {_stories(failed)}' authors could not be sent. The decision stands; "
                "filter the list by \u201ce-mail to the author: not sent\u201d to send it again.",
                messages.WARNING,
            )

    @admin.action(description="Approve and publish the selected stories", permissions=["moderate"])
    def approve_stories(self, request, queryset):
        confirmed = self._confirmations(request)
        from_confirmation = "confirm_flags" in request.POST
        approved, waiting = [], []
        for story in queryset.exclude(status=Story.Status.WITHDRAWN):
            try:
                story.approve(by=request.user, confirmed=confirmed.get(story.pk, ""))
            except FlagsNeedConfirmation as error:
                # Left unticked on the confirmation page: it stays as it is.
                if not from_confirmation or story.pk in confirmed:
                    waiting.append(FlaggedStory(story, error.flags, flags_digest(error.flags)))
            except DecisionError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                approved.append(story)
        if approved:
            self.message_user(request, f"Approved and published {len(approved)} {_stories(len(approved))}.")
            self._report_email_failures(request, approved)
        if waiting:
            return self._confirmation_page(request, waiting, action="approve_stories")
        return None

    @admin.action(description="Reject the selected stories\u2026", permissions=["moderate"])
    def reject_stories(self, request, queryset):
        stories = list(queryset.exclude(status=Story.Status.WITHDRAWN))
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return self._reject_page(request, stories, form, action="reject_stories")
        rejected = []
        for story in stories:
            try:
                story.reject(by=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
            except DecisionError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                rejected.append(story)
        self.message_user(request, f"Rejected {len(rejected)} {_stories(len(rejected))}.")
        self._report_email_failures(request, rejected)
        return None

    @admin.action(description="Send the decision e-mail again", permissions=["moderate"])
    def retry_emails(self, request, queryset):
        stories = list(queryset.exclude(email=""))
        sent = sum(story.retry_email() for story in stories)
        self.message_user(request, f"Sent {sent} of {len(stories)} e-mail{'' if len(stories) == 1 else 's'}.")
        self._report_email_failures(request, stories)

    # --- The change page: "Save and approve", "Save and reject…", "Send the e-mail again".

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin saves edits and then calls response_change inside one transaction.
        # A decision that needs an answer first raises, which undoes the edits, and the
        # page asking for the answer posts every field again: Cancel leaves nothing changed.
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except FlagsNeedConfirmation as error:
            waiting = [FlaggedStory(error.story, error.flags, flags_digest(error.flags))]
            return self._confirmation_page(request, waiting, repost=self._repost(request))
        except ReasonNeeded as error:
            return self._reject_page(request, [error.story], error.form, repost=self._repost(request))
        except DecisionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and DECISION_BUTTONS & set(request.POST):
            # The e-mail went (or not) when the transaction committed, after response_change.
            self._report_email_failures(request, [Story(pk=unquote(object_id))])
        return response

    def retry_email_view(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None or request.method != "POST":
            return redirect("admin:stories_story_changelist")
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        sent = story.retry_email()
        self.message_user(
            request,
            "The author has been told by e-mail." if sent else "The e-mail could not be sent this time either.",
            messages.SUCCESS if sent else messages.WARNING,
        )
        return redirect("admin:stories_story_change", story.pk)

    def save_model(self, request, story, form, change):
        confirmed = request.POST.get("_confirmed_flags", "")
        story.save_edits(by=request.user, fields=form.changed_data, confirmed=confirmed)

    def response_change(self, request, story):
        buttons = DECISION_BUTTONS & set(request.POST)
        if not buttons:
            return super().response_change(request, story)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if "_reject" in buttons:
            form = RejectForm(request.POST if "confirm" in request.POST else None)
            if not form.is_valid():
                raise ReasonNeeded(story, form)
            story.reject(by=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
            self.message_user(request, f"Rejected \u201c{story.heading}\u201d.")
        else:
            story.approve(by=request.user, confirmed=request.POST.get("_confirmed_flags", ""))
            self.message_user(request, f"Approved and published \u201c{story.heading}\u201d.")
        return redirect("admin:stories_story_changelist")

    # --- The pages that ask.

    def _repost(self, request):
        """Every field of the change form as posted, to send again with the answer."""
        return [
            (name, value)
            for name, values in request.POST.lists()
            if name not in CONFIRMATION_FIELDS
            for value in values
        ]

    def _page(self, request, template, title, context):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **context,
        }
        return TemplateResponse(request, template, context)

    def _confirmation_page(self, request, waiting, action=None, repost=None):
        title = (
            "Publish a story with screening flags?" if len(waiting) == 1 else "Publish stories with screening flags?"
        )
        context = {"waiting": waiting, "action": action, "repost": repost}
        return self._page(request, "stories/admin/story_confirm_flags.html", title, context)

    def _reject_page(self, request, stories, form, action=None, repost=None):
        context = {"stories": stories, "form": form, "action": action, "repost": repost}
        title = "Reject a story" if len(stories) == 1 else "Reject stories"
        return self._page(request, "stories/admin/story_reject.html", title, context)
