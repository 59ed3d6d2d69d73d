from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from articles.models import Article
from imuran_info.context_processors import site_url
from page_cache.generations import Scope
from page_cache.pages import public_page, seconds_until
from stories.cards import first_cards, story_cards
from stories.models import Story


@public_page(scopes=[Scope.ARTICLES, Scope.STORIES])
def home(request):
    sections = list(Article.objects.published().in_reading_order().with_next_go_live().only("slug", "live"))
    response = render(
        request,
        "home.html",
        {
            "sections": sections,
            "latest_stories": story_cards(first_cards(Story.objects.approved().newest_first(), 3, tags=False)),
        },
    )
    # Nothing public yet (say, all scheduled): too rare to cache, and must not go stale.
    response.cache_timeout = seconds_until(sections[0].next_go_live) if sections else 0
    return response


# Friendly error pages. Each renders the site's own template with the right
# status; none of them ever shows a stack trace.
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    # An expired or missing form token: same friendly page, which says to reload and retry.
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # Render without the request context: whatever broke may be in there.
    return render(None, "500.html", status=500)


def robots_txt(request):
    sitemap_url = site_url() + reverse("sitemap")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /markdownx/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
