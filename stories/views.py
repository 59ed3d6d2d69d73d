from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from page_cache.generations import Scope, known
from page_cache.pages import PAGE_SECONDS, public_page
from stories import throttle
from stories.forms import ReportForm, StoryFilterForm, StoryForm
from stories.models import Story
from stories.pagination import Position, StoryPage

STORIES_PER_PAGE = 20


@public_page(scopes=[Scope.STORIES], params=["condition", "side_effect", "before", "after"])
def story_list(request):
    filter_form = StoryFilterForm(request.GET)
    context = {
        "filter_form": filter_form,
        "filtered": bool(request.GET.get("condition") or request.GET.get("side_effect")),
    }
    if not filter_form.is_valid():
        # An address with a filter value we do not have: say so next to the filter.
        return _story_list_page(request, context, status=400)
    try:
        before, after = (Position.from_address(request.GET.get(name)) for name in ("before", "after"))
    except ValueError:
        return _story_list_page(request, {**context, "missing_page": True}, status=404)
    stories = filter_form.filter(Story.objects.approved().public_fields().prefetch_related("side_effects"))
    page = StoryPage(stories, STORIES_PER_PAGE, before=before, after=after)
    if not page.is_first and not len(page):
        # A position with nothing beyond it (an old or made-up link): no such page.
        return _story_list_page(request, {**context, "missing_page": True}, status=404)
    # Counting a million stories is slow: count each filter once per stories generation.
    filters = filter_form.cleaned_data
    generation = known.current().get(Scope.STORIES, 0)
    count_key = f"story-count:{generation}:{filters['condition']}:{filters['side_effect']}"
    total = cache.get_or_set(count_key, stories.count, timeout=PAGE_SECONDS)
    return _story_list_page(request, {**context, "page": page, "total": total})


def _story_list_page(request, context, status=200):
    response = render(request, "stories/story_list.html", context, status=status)
    if status != 200:
        response.cache_timeout = 0  # made-up addresses never take a place in the page cache
    return response


@public_page(scopes=[Scope.STORIES])
def story_detail(request, pk):
    # Anything not approved answers exactly like a page that never existed.
    story = get_object_or_404(Story.objects.approved().prefetch_related("side_effects"), pk=pk)
    return render(request, "stories/story_detail.html", {"story": story})


def rate_limited(request, text=""):
    response = render(request, "stories/rate_limited.html", {"text": text}, status=429)
    response["Retry-After"] = str(throttle.WINDOW_SECONDS)
    return response


@require_http_methods(["GET", "POST"])
def story_share(request):
    if request.method != "POST":
        return render(request, "stories/story_form.html", {"form": StoryForm()})

    client = throttle.client_hash(request)
    if throttle.is_over_limit("share", client):
        return rate_limited(request, request.POST.get("text", ""))
    form = StoryForm(request.POST)
    if form.is_spam:
        # Look like a success, so the robot learns nothing; keep nothing.
        throttle.record("share", client)
        return render(request, "stories/story_thanks.html", {"story": None})
    if not form.is_valid():
        return render(request, "stories/story_form.html", {"form": form})
    story = form.save(client_hash=client)
    throttle.record("share", client)
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
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        client = throttle.client_hash(request)
        if throttle.is_over_limit("report", client):
            return rate_limited(request, request.POST.get("note", ""))
        if form.is_valid():
            story.report(**form.cleaned_data)
            throttle.record("report", client)
            messages.success(request, "Thank you. A moderator will read this story again.")
            return redirect(story)
    return render(request, "stories/report_form.html", {"story": story, "form": form})
