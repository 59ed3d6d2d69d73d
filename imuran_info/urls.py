from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles import editor_views
from imuran_info import health, metrics, views
from imuran_info.sitemaps import cached_sitemap, sitemaps

urlpatterns = [
    path("", views.home, name="home"),
    # Stories before the insights: a million story pages no cache holds are resolved here, and
    # every pattern tried first costs each of them (stories.urls has nothing at insights/).
    path("stories/", include("stories.urls")),
    path("articles/", include("articles.urls")),
    path("", include("insights.urls")),  # /stories/insights/ and /themes/
    path("search/", include("search.urls")),
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path("", include("pages.urls")),  # contact, urgent help
    path("robots.txt", views.robots_txt, name="robots"),
    # For load balancers, the front server and Prometheus (README "Operations").
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_page, name="metrics"),
    path(
        "sitemap.xml",
        cached_sitemap(sitemap_views.index, paged=False),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_sitemap(sitemap_views.sitemap, paged=True),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    # markdownx's own URLs are open to anyone; these wrap its views for editors only.
    path("markdownx/markdownify/", editor_views.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", editor_views.image_library, name="markdownx_upload"),
    path("markdownx/checks/", editor_views.article_checks, name="article_checks"),
    path("markdownx/images/", editor_views.image_library, name="image_library"),
    path("admin/", admin.site.urls),
]
# Uploaded images: the development server serves them (`make run`, DEBUG on; static() adds
# nothing otherwise). In production the front server does, from MEDIA_ROOT on one machine or
# from the shared store on several (deploy/nginx.conf.template), always on our own origin.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "imuran_info.views.bad_request"
handler403 = "imuran_info.views.permission_denied"
handler404 = "imuran_info.views.page_not_found"
handler500 = "imuran_info.views.server_error"
