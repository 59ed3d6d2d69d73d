import smtplib

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple, Textarea
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from imuran_info import metrics
from page_cache.generations import Scope, changed
from stories.admin_filters import HasFlagsFilter, OpenReportsFilter, QueueFilter, open_reports_of
from stories.emails import email_decision
from stories.forms import RejectForm
from stories.models import SideEffect, Story, StoryReport
from stories.screening import FLAG_LABELS, find_flags, flag_labels


def highlight(text, flags):
    """The untrusted story text, escaped, with each flagged match wrapped in <mark>."""
    pieces, position = [], 0
    for flag in flags:
        start, end = flag["start"], flag["end"]
        if start < position or text[start:end] != flag["match"]:
            continue  # overlaps a match already marked, or the text is not the one screened
        marked = format_html('<mark title="{}">{}</mark>', FLAG_LABELS.get(flag["kind"], flag["kind"]), text[start:end])
        pieces.append((text[position:start], marked))
        position = end
    return format_html('<div class="story-text">{}{}</div>', format_html_join("", "{}{}", pieces), text[position:])


class StoryReportInline(admin.TabularInline):
    model = StoryReport
    fields = ["created_at", "reason", "note", "resolved"]
    readonly_fields = ["created_at", "reason", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    change_list_template = "stories/admin/story_change_list.html"
    change_form_template = "stories/admin/story_change_form.html"
    list_display = ["heading_or_excerpt", "status", "condition", "submitted_at", "flag_list", "open_reports"]
    list_filter = [QueueFilter, "condition", HasFlagsFilter, OpenReportsFilter]
    ordering = ["submitted_at", "id"]
    list_per_page = 50
    # Both would count or group a million rows on every page view.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["title"]
    actions = ["approve_stories", "reject_stories"]
    inlines = [StoryReportInline]
    formfield_overrides = {models.ManyToManyField: {"widget": CheckboxSelectMultiple}}
    readonly_fields = [
        "status",
        "reject_reason",
        "decided_by",
        "decided_at",
        "original_with_flags",
        "flags_in_text",
        "submitted_at",
        "consent_record",
        "email_left",
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
                    "side_effects",
                    ("helped_rating", "ease_rating", "overall_rating"),
                ]
            },
        ),
        ("Decision", {"fields": ["status", "reject_reason", "decided_by", "decided_at", "moderator_note"]}),
        ("Record", {"fields": ["submitted_at", "consent_record", "email_left"]}),
    ]

    class Media:
        css = {"all": ["stories/admin.css"]}

    def get_queryset(self, request):
        # A correlated subquery: the database counts reports only for the rows on the page.
        count = open_reports_of(OuterRef("pk")).order_by().values("story").annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(open_report_count=Coalesce(Subquery(count), 0))

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

    @admin.display(description="story")
    def heading_or_excerpt(self, story):
        return story.title or Truncator(story.text).chars(70) or story

    @admin.display(description="flags")
    def flag_list(self, story):
        return ", ".join(flag_labels(story.flags))

    @admin.display(description="open reports")
    def open_reports(self, story):
        return story.open_report_count or ""

    @admin.display(description="story as sent, with screening flags")
    def original_with_flags(self, story):
        return highlight(story.original_text, story.flags)

    @admin.display(description="found in the story as published")
    def flags_in_text(self, story):
        flags = find_flags(story.text)
        if not flags:
            return "Nothing: no contact details, numbers, doses or urgent words."
        return format_html_join(
            ", ", "{} \u201c{}\u201d", ((FLAG_LABELS[flag["kind"]], flag["match"]) for flag in flags)
        )

    @admin.display(description="agreement")
    def consent_record(self, story):
        return f"Version {story.consent_version}, {story.consented_at:%d %B %Y %H:%M}" if story.consented_at else ""

    @admin.display(description="e-mail address left", boolean=True)
    def email_left(self, story):
        return bool(story.email)

    # --- Decisions: each goes through story.approve() / story.reject(), then tells the author.

    def _decide(self, request, stories, decide, done):
        stories = [story for story in stories if story.status != Story.Status.WITHDRAWN]
        emailed = 0
        for story in stories:
            decide(story)
            if not story.email:
                continue
            try:
                email_decision(request, story)
            except (smtplib.SMTPException, OSError):
                metrics.mail_failed()
                self.message_user(
                    request,
                    f"{story}: the e-mail to its author could not be sent. They can still see the decision "
                    "with their private link.",
                    messages.WARNING,
                )
            else:
                story.forget_email()
                emailed += 1
        self.message_user(request, f"{done} {len(stories)} {_stories(len(stories))}; {emailed} told by e-mail.")

    @admin.action(description="Approve and publish the selected stories", permissions=["moderate"])
    def approve_stories(self, request, queryset):
        self._decide(request, queryset, lambda story: story.approve(by=request.user), "Approved")

    @admin.action(description="Reject the selected stories\u2026", permissions=["moderate"])
    def reject_stories(self, request, queryset):
        stories = list(queryset.exclude(status=Story.Status.WITHDRAWN))
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._reject(request, stories, form)
            return None
        return self._reject_page(request, stories, form, action="reject_stories")

    def reject_view(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None or story.status == Story.Status.WITHDRAWN:
            raise Http404("No story to reject.")
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = RejectForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            self._reject(request, [story], form)
            return redirect("admin:stories_story_changelist")
        return self._reject_page(request, [story], form)

    def _reject(self, request, stories, form):
        reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
        self._decide(
            request, stories, lambda story: story.reject(by=request.user, reason=reason, note=note), "Rejected"
        )

    def _reject_page(self, request, stories, form, action=None):
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject stories",
            "opts": self.opts,
            "stories": stories,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "stories/admin/story_reject.html", context)

    def get_urls(self):
        reject = self.admin_site.admin_view(self.reject_view)
        return [path("<path:object_id>/reject/", reject, name="stories_story_reject"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_moderate"] = (
            obj is not None and obj.status != Story.Status.WITHDRAWN and self.has_moderate_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, story, form, change):
        super().save_model(request, story, form, change)
        if story.status == Story.Status.APPROVED:
            # A redaction of a published story must replace the cached public pages.
            changed(Scope.STORIES)

    def response_change(self, request, story):
        if "_approve" not in request.POST and "_reject" not in request.POST:
            return super().response_change(request, story)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if "_reject" in request.POST:
            return redirect("admin:stories_story_reject", story.pk)
        self._decide(request, [story], lambda story: story.approve(by=request.user), "Approved")
        return redirect("admin:stories_story_changelist")

    def changelist_view(self, request, extra_context=None):
        # Grouping a million stories by status takes a fifth of a second: the
        # published/rejected totals may be five minutes old, the queue's is exact.
        counts = cache.get_or_set(STATUS_COUNTS_KEY, _status_counts, timeout=300)
        counts[Story.Status.PENDING] = Story.objects.filter(status=Story.Status.PENDING).count()
        oldest = Story.objects.filter(status=Story.Status.PENDING).oldest_first().values_list("submitted_at")[:1]
        queue = {
            "counts": [(value, label, counts.get(value, 0)) for value, label in Story.Status.choices],
            "oldest_pending": oldest[0][0] if oldest else None,
            "reported": StoryReport.objects.filter(resolved=False).values("story").distinct().count(),
        }
        return super().changelist_view(request, {**(extra_context or {}), "queue": queue})


STATUS_COUNTS_KEY = "admin:story-status-counts"


def _status_counts():
    return dict(Story.objects.order_by().values_list("status").annotate(Count("id")))


def _flatten(fields):
    for field in fields:
        yield from field if isinstance(field, tuple) else [field]


def _stories(count):
    return "story" if count == 1 else "stories"


@admin.register(StoryReport)
class StoryReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "created_at", "resolved"]
    list_filter = ["resolved", "reason"]
    fields = ["story", "reason", "note", "created_at", "resolved"]
    readonly_fields = ["story", "reason", "note", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SideEffect)
class SideEffectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    # Published stories show their tags: a renamed, moved or deleted tag must reach those pages.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed(Scope.STORIES)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        changed(Scope.STORIES)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        changed(Scope.STORIES)
