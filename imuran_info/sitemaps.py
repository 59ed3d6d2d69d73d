from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from stories.models import Story


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().in_reading_order()

    def lastmod(self, article):
        return article.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["home", "about", "stories:list", "stories:share", "stories:guidelines", "stories:privacy"]

    def location(self, name):
        return reverse(name)


class StorySitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Story.objects.approved().newest_first().only("pk", "decided_at")

    def lastmod(self, story):
        return story.decided_at


sitemaps = {"articles": ArticleSitemap, "pages": PageSitemap, "stories": StorySitemap}
