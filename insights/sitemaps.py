from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from imuran_info.context_processors import site_url
from insights.models import Theme


class ThemeSitemap(Sitemap):
    changefreq = "monthly"

    @property
    def protocol(self):
        return urlsplit(site_url()).scheme

    def items(self):
        return Theme.objects.published()

    def lastmod(self, theme):
        return theme.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]
