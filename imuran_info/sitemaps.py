"""The sitemap: an index at /sitemap.xml, and one sitemap per section (stories in pages).

A single file may hold at most 50,000 addresses, and the site may hold a million
stories, so the index lists every page of every section.
"""

import re
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import Max, Min
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.cache import cache_page

from articles.models import Article
from imuran_info.context_processors import site_url
from insights.sitemaps import ThemeSitemap
from stories.models import Story

# For crawlers only, and up to 10,000 addresses a page: an hour old is fresh enough.
SITEMAP_CACHE_SECONDS = 60 * 60
PAGE_QUERY = re.compile(r"p=[1-9][0-9]{0,6}")


class SiteSitemap(Sitemap):
    @property
    def protocol(self):
        return urlsplit(site_url()).scheme


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().in_reading_order()

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return [
            "home",
            "about",
            "urgent_help",
            "contact",
            "stories:list",
            "stories:share",
            "stories:guidelines",
            "stories:privacy",
            "insights:insights",
            "insights:themes",
        ]

    def location(self, name):
        return reverse(name)


class IdBlockPaginator:
    """Pages by blocks of ids, counted from the first item's: page n holds the items
    whose ids fall in the n-th block of `per_page` ids.

    Django's Paginator counts every item, then skips to page n with OFFSET: at a
    million stories that read half a million rows for a middle page. A block of
    ids is one index range scan, whatever the page. A page holds at most
    `per_page` items, fewer where ids went to stories that are not public.
    """

    def __init__(self, items, per_page):
        self.items, self.per_page = items, per_page

    @cached_property
    def _ids(self):
        bounds = self.items.aggregate(first=Min("pk"), last=Max("pk"))
        return bounds["first"] or 0, bounds["last"] or 0

    @cached_property
    def num_pages(self):
        first, last = self._ids
        return (last - first) // self.per_page + 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results")
        start = self._ids[0] + (number - 1) * self.per_page
        return Page(self.items.filter(pk__gte=start, pk__lt=start + self.per_page), number, self)


class StorySitemap(SiteSitemap):
    changefreq = "yearly"
    # Smaller than the 50,000 allowed, so no single request renders a huge file.
    limit = 10_000

    def items(self):
        # Oldest first: a newly approved story lands on the last page, and the
        # earlier pages stay the same for crawlers.
        return Story.objects.approved().order_by("pk").only("pk", "decided_at")

    @property
    def paginator(self):
        return IdBlockPaginator(self.items(), self.limit)

    def lastmod(self, story):
        return story.decided_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item: a million stories.
        return Story.objects.approved().aggregate(latest=Max("decided_at"))["latest"]


sitemaps = {"articles": ArticleSitemap, "pages": PageSitemap, "stories": StorySitemap, "themes": ThemeSitemap}


def cached_sitemap(view, *, paged):
    """The view behind cache_page, answering 404 to any query string but "p=<page>"
    (none at all unless `paged`): the cache keys on the whole address, so
    "?p=2&x=1" or "?p=+2" must not render and store yet another copy."""
    cached = cache_page(SITEMAP_CACHE_SECONDS)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        query = request.META.get("QUERY_STRING", "")
        if query and not (paged and PAGE_QUERY.fullmatch(query)):
            raise Http404("No such sitemap page")
        # Django's sitemap views name the host the request came to; a cached sitemap
        # must name the site's own address, never a host or port a client sent.
        request.META["HTTP_HOST"] = urlsplit(site_url()).netloc
        return cached(request, *args, **kwargs)

    return wrapper
