from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().in_reading_order()

    def lastmod(self, article):
        return article.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["home", "about"]

    def location(self, name):
        return reverse(name)


sitemaps = {"articles": ArticleSitemap, "pages": PageSitemap}
