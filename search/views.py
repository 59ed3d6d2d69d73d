from django.shortcuts import render

from page_cache.generations import Scope
from page_cache.pages import public_page
from search import report
from search.query import STORIES_SHOWN, find_sections, find_stories, find_themes, understand
from search.text import MAX_QUERY_LENGTH, normalise
from stories.forms import StoryFilterForm
from stories.models import Story
from stories.screening import urgent_flags
from stories.views import filter_fields

PARAMS = ["q", "condition", "side_effect"]


def count_search(request):
    # A reader served the stored page is counted here; the view counts the searches it answers.
    report.count(normalise(request.GET.get("q", "")))


@public_page(scopes=[Scope.ARTICLES, Scope.STORIES], params=PARAMS, on_hit=count_search)
def search(request):
    typed = request.GET.get("q", "")
    query = normalise(typed)
    filter_form = StoryFilterForm(request.GET)
    context = {"typed": typed, "query": query, "max_length": MAX_QUERY_LENGTH, "filter_form": filter_form}
    if len(typed) > MAX_QUERY_LENGTH * 2 or len(typed.strip()) > MAX_QUERY_LENGTH:
        context["query_error"] = f"Enter up to {MAX_QUERY_LENGTH} characters: a few words work best."
        return _page(request, context, status=400)
    if not filter_form.is_valid():
        return _page(request, context, status=400)
    filters = filter_form.cleaned_data
    context["filter_fields"] = filter_fields(filters["condition"], filters["side_effect"])
    context["filtered"] = bool(filters["condition"] or filters["side_effect"])
    if not query:
        return _page(request, context)
    meaning = understand(query)
    sections, section_total = find_sections(meaning)
    stories = find_stories(
        meaning,
        filter_form.filter(Story.objects.approved().public_fields()),
        condition=filters["condition"],
        side_effect_id=filter_form.side_effect_ids.get(filters["side_effect"]),
    )
    context |= {
        "meaning": meaning,
        "urgent": bool(urgent_flags(query)),
        "sections": sections,
        "themes": find_themes(meaning),
        "section_total": section_total,
        "stories": stories[:STORIES_SHOWN],
        "more_stories": len(stories) > STORIES_SHOWN,
        "corrected": meaning.corrected if meaning.corrected != query else "",
    }
    report.count(query, section_total + len(stories))
    response = _page(request, context)
    if normalise(typed) != " ".join(typed.casefold().split()) or typed != " ".join(typed.split()):
        # Only a tidy query (single spaces, no control characters, bounded) takes a place in the page cache.
        response.cache_timeout = 0
    return response


def _page(request, context, status=200):
    response = render(request, "search/results.html", context, status=status)
    if status != 200:
        response.cache_timeout = 0
    return response
