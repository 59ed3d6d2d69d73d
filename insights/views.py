from django.shortcuts import render

from insights import figures
from insights.suppression import ALL, MIN_CELL, MIN_CHART
from page_cache.generations import Scope
from page_cache.pages import public_page
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
