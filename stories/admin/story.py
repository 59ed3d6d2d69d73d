"""The moderation queue: the story list and change page. Decisions live in decisions.py."""

import re

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.db import connection, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple, Textarea
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from imuran_info.formats import site_datetime
from stories.admin.decisions import DecisionsMixin
from stories.admin.display import highlight
from stories.admin.filters import EmailFailedFilter, HasFlagsFilter, OpenReportsFilter, QueueFilter, open_reports_of
from stories.forms import SideEffectsField
from stories.models import Story, StoryReport
from stories.records import QueueCount
from stories.screening import FLAG_LABELS, find_flags, flag_labels

# PostgreSQL only: the same expression as the GIN index of migration 0005, which it alone can use.
SEARCH_DOCUMENT = "to_tsvector('english', coalesce(stories_story.title, '') || ' ' || coalesce(stories_story.text, ''))"
SEARCH_MATCH = f"{SEARCH_DOCUMENT} @@ websearch_to_tsquery('english', %s)"
# A search finds at most this many stories and one more: a word in most of a million stories
# is never sorted or counted in full.
SEARCH_COUNT_LIMIT = 1000
# An id the database can hold: anything else posted as a selected story is dropped, not looked up.
STORY_ID = re.compile(r"[0-9]{1,18}")


class StoryReportInline(admin.TabularInline):
    model = StoryReport
    fields = ["created_at", "reason", "note", "resolved"]
    readonly_fields = ["created_at", "reason", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(DecisionsMixin, admin.ModelAdmin):
    change_list_template = "stories/admin/story_change_list.html"
    change_form_template = "stories/admin/story_change_form.html"
    list_display = ["heading_or_excerpt", "decide", "status", "condition", "submitted_at", "flag_list", "open_reports"]
    list_filter = [QueueFilter, "condition", HasFlagsFilter, OpenReportsFilter, EmailFailedFilter]
    ordering = ["submitted_at", "id"]
    list_per_page = 50
    # Both would count or group a million rows on every page view.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["title"]  # see get_search_results: the text too, in full
    search_help_text = "Words in the title or the text (a story's number: #123), or a condition."
    actions = ["approve_stories", "reject_stories", "retry_emails"]
    inlines = [StoryReportInline]
    formfield_overrides = {models.ManyToManyField: {"form_class": SideEffectsField, "widget": CheckboxSelectMultiple}}
    readonly_fields = [
        "status",
        "reject_reason",
        "decided_by_name",
        "decided_at",
        "original_with_flags",
        "flags_in_text",
        "submitted_at",
        "consent_record",
        "email_state",
        "decision_log",
    ]
    fieldsets = [
        (
            "Story",
            {
                "fields": ["title", ("text", "original_with_flags"), "flags_in_text"],
                "description": "Edit the text on the left to remove names, contact details or doses. "
                "What the author sent stays on the right, for the record.",
            },
        ),
        (
            "About the author",
            {
                "fields": [
                    "display_name",
                    "role",
                    "age_band",
                    "condition",
                    "time_on_imuran",
                    "time_to_help",
                    "side_effects",
                    ("helped_rating", "ease_rating", "overall_rating"),
                ]
            },
        ),
        ("Decision", {"fields": ["status", "reject_reason", "decided_by_name", "decided_at", "moderator_note"]}),
        ("Record", {"fields": ["submitted_at", "consent_record", "email_state", "decision_log"]}),
    ]

    class Media:
        css = {"all": ["stories/admin.css"]}

    def get_queryset(self, request):
        # A correlated subquery: the database counts reports only for the rows on the page.
        count = open_reports_of(OuterRef("pk")).order_by().values("story").annotate(n=Count("pk")).values("n")
        queryset = super().get_queryset(request).select_related("decided_by")
        return queryset.annotate(open_report_count=Coalesce(Subquery(count), 0))

    def get_search_results(self, request, queryset, search_term):
        # `queryset` has the list's filters applied already (the queue, a status...).
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.startswith("#") and STORY_ID.fullmatch(term[1:]):
            return queryset.filter(pk=int(term[1:])), False
        conditions = [value for value, label in Story.Condition.choices if term.casefold() in label.casefold()]
        if connection.vendor == "postgresql":
            # Full text over title and text, through a GIN index: "bleeding" also finds "bleeds".
            found = Q(RawSQL(SEARCH_MATCH, [term], models.BooleanField()))  # noqa: S611 (constant SQL; a parameter)
        else:  # SQLite in development: every word somewhere in the title or text
            found = Q()
            for word in term.split():
                found &= Q(title__icontains=word) | Q(text__icontains=word)
        # At most SEARCH_COUNT_LIMIT + 1 matches, taken straight from the index without sorting
        # them: a word found in most of a million stories costs no more than a rare one. (Their
        # ids, fetched first: inside a subquery the raw column name would mean the outer row.)
        matches = queryset.filter(found | Q(condition__in=conditions)).order_by().values_list("pk", flat=True)
        return queryset.filter(pk__in=list(matches[: SEARCH_COUNT_LIMIT + 1])), False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("text", "moderator_note"):
            rows = 16 if db_field.name == "text" else 3
            kwargs["widget"] = Textarea(attrs={"rows": rows, "cols": 50})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False  # stories come from patients, through the public form

    def has_moderate_permission(self, request):
        return request.user.has_perm("stories.moderate_story")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Story.Status.WITHDRAWN:
            return [field for fieldset in self.fieldsets for field in _flatten(fieldset[1]["fields"])]
        return self.readonly_fields

    def view_on_site(self, story):
        # Only a published story has a public page; the others would 404.
        return story.get_absolute_url() if story.status == Story.Status.APPROVED else None

    def delete_model(self, request, story):
        Story.objects.filter(pk=story.pk).delete_counted()

    def delete_queryset(self, request, queryset):
        queryset.delete_counted()

    # --- Columns and read-only fields.

    @admin.display(description="story")
    def heading_or_excerpt(self, story):
        return story.title or Truncator(story.text).chars(70) or story

    @admin.display(description="flags")
    def flag_list(self, story):
        return ", ".join(flag_labels(story.flags))

    @admin.display(description="open reports")
    def open_reports(self, story):
        return story.open_report_count or ""

    @admin.display(description="decide")
    def decide(self, story):
        # Buttons of the two small forms above the list (story_change_list.html), which post
        # the bulk actions for this one story: flags still lead to the confirmation page.
        if story.status == Story.Status.WITHDRAWN:
            return ""
        return format_html(
            '<button type="submit" form="quick-approve" name="_selected_action" value="{0}" class="button" '
            'aria-label="Approve story {0}">Approve</button> '
            '<button type="submit" form="quick-reject" name="_selected_action" value="{0}" class="button" '
            'aria-label="Reject story {0}">Reject\u2026</button>',
            story.pk,
        )

    @admin.display(description="story as sent, with screening flags")
    def original_with_flags(self, story):
        return highlight(story.original_text, story.flags)

    @admin.display(description="found in the story as published")
    def flags_in_text(self, story):
        flags = find_flags(story.text)
        if not flags:
            return "Nothing: no contact details, names, numbers, doses or urgent words."
        return format_html_join(
            ", ", "{} \u201c{}\u201d", ((FLAG_LABELS[flag["kind"]], flag["match"]) for flag in flags)
        )

    @admin.display(description="decided by")
    def decided_by_name(self, story):
        # A name, not a link: moderators may not open user accounts.
        return story.decided_by.get_username() if story.decided_by else ""

    @admin.display(description="agreement")
    def consent_record(self, story):
        return f"Version {story.consent_version}, {site_datetime(story.consented_at)}" if story.consented_at else ""

    @admin.display(description="e-mail to the author")
    def email_state(self, story):
        if story.email and story.email_failed_at:
            return (
                f"Not sent: the last try failed on {site_datetime(story.email_failed_at)}. The address is "
                "kept for another try until the retention period ends."
            )
        if story.email:
            return "An address was left; the author is told when a moderator decides."
        return "No address kept (none was left, or the author has been told and it was deleted)."

    @admin.display(description="history")
    def decision_log(self, story):
        rows = [
            (site_datetime(d.at), d.get_action_display(), d.by_name or "\u2014", _why(d)) for d in story.decisions.all()
        ]
        if not rows:
            return "No decisions yet."
        return format_html(
            '<table class="decision-log"><thead><tr><th scope="col">When</th><th scope="col">What</th>'
            '<th scope="col">Who</th><th scope="col">Why</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    # --- Pages.

    def get_urls(self):
        retry = self.admin_site.admin_view(self.retry_email_view)
        return [path("<path:object_id>/retry-email/", retry, name="stories_story_retry_email"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_moderate"] = (
            obj is not None and obj.status != Story.Status.WITHDRAWN and self.has_moderate_permission(request)
        )
        if obj is not None:
            context["open_reports"] = list(obj.reports.filter(resolved=False))
            if obj.email and obj.email_failed_at and context["can_moderate"]:
                context["retry_email_url"] = reverse("admin:stories_story_retry_email", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        for values in (*request.GET.lists(), *request.POST.lists()):
            if any("\x00" in value for value in [values[0], *values[1]]):
                raise BadRequest("A null character in the address or form.")
        if request.method == "POST":
            # Forged or stale selections: keep only ids a story could have.
            selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
            valid = [value for value in selected if STORY_ID.fullmatch(value)]
            if valid != selected:
                request.POST = request.POST.copy()
                request.POST.setlist(admin.helpers.ACTION_CHECKBOX_NAME, valid)
        counts = QueueCount.as_dict()
        pending = Story.objects.filter(status=Story.Status.PENDING)
        oldest = pending.oldest_first().values_list("submitted_at", flat=True)[:1]
        queue = {
            "counts": [(value, label, counts.get(value, 0)) for value, label in Story.Status.choices],
            "reported": Story.objects.reported_count(),
            "oldest_pending": oldest[0] if oldest else None,
            "search_count_limit": SEARCH_COUNT_LIMIT,
        }
        return super().changelist_view(request, {**(extra_context or {}), "queue": queue})


def _why(decision):
    reason = Story.RejectReason(decision.reason).label if decision.reason in Story.RejectReason.values else ""
    if decision.action == decision.Action.APPROVED and decision.detail:
        return f"Flags confirmed: {decision.detail}"
    return "; ".join(part for part in (reason, decision.detail) if part)


def _flatten(fields):
    for field in fields:
        yield from field if isinstance(field, tuple) else [field]
