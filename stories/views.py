from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import CharField, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from imuran_info.middleware import RETRY_AFTER_SECONDS
from imuran_info.prepared import PreparedQuery
from insights.models import published_themes, theme_ids, themes_of
from page_cache.generations import Scope, remember_until_changed
from page_cache.pages import public_page
from stories import throttle
from stories.cards import (
    STORY_PAGE_COLUMNS,
    StoryCard,
    StoryPageRow,
    card_rows,
    excerpt,
    side_effect_ids,
    story_cards,
    tag_names,
)
from stories.forms import ReportForm, StoryFilterForm, StoryForm, filtered
from stories.models import Story
from stories.page_html import list_page, story_page
from stories.pagination import Position, StoryPage, window

STORIES_PER_PAGE = 20


@public_page(scopes=[Scope.STORIES], params=["condition", "side_effect", "before", "after"])
def story_list(request):
    condition, side_effect = request.GET.get("condition", ""), request.GET.get("side_effect", "")
    context = {"filtered": bool(condition or side_effect)}
    side_effect_id = None
    if context["filtered"]:
        # Only an address with filters needs the form to check them: building it took a
        # tenth of an unfiltered page's time, and most readers never filter.
        filter_form = StoryFilterForm(request.GET)
        if not filter_form.is_valid():
            # An address with a filter value we do not have: say so next to the filter.
            fields = render_to_string("stories/includes/story_filters.html", {"filter_form": filter_form})
            return _story_list_page(request, {**context, "filter_fields": fields}, status=400)
        condition, side_effect = filter_form.cleaned_data["condition"], filter_form.cleaned_data["side_effect"]
        side_effect_id = filter_form.side_effect_ids.get(side_effect)
    context["filter_fields"] = filter_fields(condition, side_effect)
    try:
        before, after = (Position.from_address(request.GET.get(name)) for name in ("before", "after"))
    except ValueError:
        return _story_list_page(request, {**context, "missing_page": True}, status=404)
    # A made-up address may carry both; "after" wins, as in StoryPage.
    at = after or before
    rows = page_rows(
        *((at.submitted_at, at.pk) if at else ()),
        direction="after" if after else "before" if before else None,
        condition=condition,
        side_effect_id=side_effect_id,
    )
    page = StoryPage([StoryCard(*row) for row in rows], STORIES_PER_PAGE, before=before, after=after)
    if not page.is_first and not len(page):
        # A position with nothing beyond it (an old or made-up link): no such page.
        return _story_list_page(request, {**context, "missing_page": True}, status=404)
    total = approved_count(condition, side_effect)
    return _story_list_page(request, {**context, "page": page, "cards": story_cards(page), "total": total})


def _page_rows(*at, direction, condition, side_effect_id):
    # `at`: the position's moment and story id, or nothing for the newest stories.
    stories = card_rows(filtered(Story.objects.approved(), condition, side_effect_id))
    return window(stories, STORIES_PER_PAGE, **({direction: Position(*at)} if direction else {}))


# A list page's query, compiled once per process and choice of filters (imuran_info/prepared.py).
page_rows = PreparedQuery(_page_rows)


@remember_until_changed(Scope.STORIES)
def filter_fields(condition, side_effect):
    # The same few dozen options on every list page: rendered once per choice of filters.
    form = StoryFilterForm({"condition": condition, "side_effect": side_effect})
    form.is_valid()
    return render_to_string("stories/includes/story_filters.html", {"filter_form": form})


@remember_until_changed(Scope.STORIES)
def approved_count(condition, side_effect):
    # Counting a million stories is slow: count each filter once per stories generation.
    form = StoryFilterForm({"condition": condition, "side_effect": side_effect})
    form.is_valid()
    return form.filter(Story.objects.approved()).count()


def _story_list_page(request, context, status=200):
    response = list_page(request, **context, status=status)
    if status != 200:
        response.cache_timeout = 0  # made-up addresses never take a place in the page cache
    return response


# The page names the story's published themes: a theme change in the admin retires it, as
# tagging a live story does (that moves the stories generation). An article publish does not.
@public_page(scopes=[Scope.STORIES, Scope.THEMES])
def story_detail(request, pk):
    themes = published_themes()
    found = story_rows(pk, with_themes=bool(themes))
    if not found:
        # Anything not approved answers exactly like a page that never existed.
        raise Http404("No such story.")
    story = StoryPageRow(*found[0])
    return story_page(
        request,
        story=story,
        description=excerpt(story.text, 30),
        facts=story.facts(tag_names(story.side_effect_ids)),
        themes=themes_of(story, themes) if themes else [],
    )


def _story_rows(pk, *, with_themes):
    # The story's public columns with the ids of its side-effect tags and, while any theme is
    # published, of its themes: one row (STORY_PAGE_COLUMNS). A site with no theme published
    # asks nothing about them.
    stories = (
        Story.objects.approved()
        .filter(pk=pk)
        .annotate(
            side_effect_ids=side_effect_ids(),
            theme_ids=theme_ids() if with_themes else Value(None, output_field=CharField()),
        )
    )
    return stories.values_list(*STORY_PAGE_COLUMNS)


# The story page's one query, compiled once per process (twice: with and without themes).
story_rows = PreparedQuery(_story_rows)


def _too_many(request, template, context):
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(throttle.WINDOW_SECONDS)
    return response


@require_http_methods(["GET", "POST"])
def story_share(request):
    if request.method != "POST":
        return render(request, "stories/story_form.html", {"form": StoryForm()})

    try:
        return _share(request)
    except DatabaseError:
        # Nothing was stored: say so, and give the person back everything they typed.
        response = render(
            request, "stories/story_form.html", {"form": StoryForm.as_sent(request.POST), "not_saved": True}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


def _share(request):
    client = throttle.client_hash(request)
    form = StoryForm(request.POST)
    if form.is_spam:
        # Look like a success, so the robot learns nothing; keep nothing.
        throttle.take_place("share", client)
        return render(request, "stories/story_thanks.html", {"story": None})
    if not form.is_valid():
        return render(request, "stories/story_form.html", {"form": form})
    # A double click, or "send" again after a slow answer: the same story, the same private link.
    if earlier := Story.objects.resubmission_of(form.cleaned_data["text"], client):
        return redirect("stories:thanks", token=earlier.token)
    try:
        with transaction.atomic():
            story = form.save(client_hash=client)
            # Counted in the same transaction, last: a story over the limit is undone with its count.
            if not throttle.take_place("share", client):
                raise throttle.OverLimit
    except throttle.OverLimit:
        return _too_many(request, "stories/story_form.html", {"form": throttle.refuse(form)})
    except IntegrityError:  # the same story, sent at the same moment by a second click
        story = Story.objects.resubmission_of(form.cleaned_data["text"], client)
        if story is None:
            raise
    return redirect("stories:thanks", token=story.token)


def _private_page(request, template, context):
    response = render(request, template, context)
    # The address is the author's key: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def story_thanks(request, token):
    story = get_object_or_404(Story, token=token)
    if story.status != Story.Status.PENDING:
        # "A moderator will read it soon" is no longer true: show where the story stands.
        return redirect("stories:status", token=token)
    return _private_page(request, "stories/story_thanks.html", {"story": story})


def story_status(request, token):
    story = get_object_or_404(Story, token=token)
    return _private_page(
        request,
        "stories/story_status.html",
        {"story": story, "retention_days": settings.STORY_RETENTION_DAYS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def story_withdraw(request, token):
    story = get_object_or_404(Story.objects.exclude(status=Story.Status.WITHDRAWN), token=token)
    if request.method == "POST":
        story.withdraw()
        messages.success(request, "Your story has been withdrawn. Its text is deleted for good.")
        return redirect("stories:status", token=token)
    return _private_page(request, "stories/story_withdraw.html", {"story": story})


@require_http_methods(["GET", "POST"])
def story_report(request, pk):
    story = get_object_or_404(Story.objects.approved(), pk=pk)
    if request.method != "POST":
        return render(request, "stories/report_form.html", {"story": story, "form": ReportForm()})
    form = ReportForm(request.POST)
    if not form.is_spam:
        if not form.is_valid():
            return render(request, "stories/report_form.html", {"story": story, "form": form})
        if not throttle.take_place("report", throttle.client_hash(request)):
            return _too_many(request, "stories/report_form.html", {"story": story, "form": throttle.refuse(form)})
        story.report(reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
    messages.success(request, "Thank you. A moderator will read this story again.")
    return redirect(story)
