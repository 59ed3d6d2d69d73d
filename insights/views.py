from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from articles.models import Article
from insights import figures
from insights.models import Theme
from insights.suppression import ALL, MIN_CELL, MIN_CHART
from page_cache.generations import Scope
from page_cache.pages import public_page
from stories.cards import first_cards, story_cards
from stories.models import Story

CHART_LABEL = "What people who shared their story told us \u2014 not how likely this is for you"


# The leaflet column comes from the Side effects article, so a publish there retires the page too.
@public_page(scopes=[Scope.STORIES, Scope.ARTICLES], params=["condition"])
def insights_page(request):
    condition = request.GET.get("condition", "")
    context = {
        "choices": figures.conditions_with_figures(),
        "condition": condition,
        "chart_label": CHART_LABEL,
        "min_cell": MIN_CELL,
        "min_chart": MIN_CHART,
    }
    if condition and condition not in Story.Condition.values:
        context["error"] = "We have no figures under that condition. Choose one from the list."
        response = render(request, "insights/insights.html", context, status=400)
        response.cache_timeout = 0  # made-up addresses never take a place in the page cache
        return response
    view = figures.view(condition or ALL)
    charts = [{"chart": chart, "rows": figures.svg_rows(chart)} for chart in view.charts]
    return render(request, "insights/insights.html", {**context, "view": view, "charts": charts})


THEME_STORIES = 20


@public_page(scopes=[Scope.ARTICLES])
def theme_list(request):
    themes = Theme.objects.published().only("title", "slug", "summary")
    return render(request, "insights/theme_list.html", {"themes": themes})


def can_preview_themes(user):
    return user.is_active and user.is_staff and user.has_perm("insights.view_theme")


# A theme shows article sections and stories: a publish or a story decision retires it.
@public_page(scopes=[Scope.ARTICLES, Scope.STORIES])
def theme_detail(request, slug):
    try:
        theme = Theme.objects.published().get(slug=slug)
    except Theme.DoesNotExist:
        if not can_preview_themes(request.user):
            raise Http404("No such theme.") from None
        # Staff following a link to a theme that is not live yet see its draft (never stored:
        # public_page keeps no staff page).
        return theme_preview(request, slug)
    return _render_theme(request, theme, preview=False)


@never_cache
def theme_preview(request, slug):
    """The saved theme exactly as readers would see it, with a banner, for staff only."""
    if not can_preview_themes(request.user):
        raise Http404("No such theme.")
    response = _render_theme(request, get_object_or_404(Theme, slug=slug), preview=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _render_theme(request, theme, *, preview):
    stories = first_cards(theme.stories.approved().newest_first(), THEME_STORIES)
    return render(
        request,
        "insights/theme_detail.html",
        {
            "theme": theme,
            "preview": preview,
            "sections": theme_sections(theme),
            "cards": story_cards(stories),
            "story_total": theme.stories.approved().count(),
        },
    )


def theme_sections(theme):
    """Links to the theme's article sections, as their live articles name them now.

    A section whose article went offline, or whose heading an editor removed, is
    left out rather than linking to a page or place that is not there.
    """
    links = []
    for section in theme.sections.filter(article__in=Article.objects.published()).select_related("article"):
        titles = {heading["id"]: heading["title"] for heading in section.article.live.get("toc", [])}
        if section.anchor in titles:
            links.append(
                {
                    "url": f"{section.article.get_absolute_url()}#{section.anchor}",
                    "heading": titles[section.anchor],
                    "article": section.article.live.get("title", section.article.title),
                }
            )
    return links
