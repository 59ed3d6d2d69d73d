from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from articles import editor_views
from imuran_info import health, metrics, views
from imuran_info.sitemaps import cached_sitemap, sitemaps

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("stories/", include("stories.urls")),
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
    path("markdownx/upload/", editor_views.image_upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    # Uploaded article images: Pillow re-encoded every one as PNG or JPEG, so
    # serving them from the app is safe, and keeps every asset on our own origin.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler400 = "imuran_info.views.bad_request"
handler403 = "imuran_info.views.permission_denied"
handler404 = "imuran_info.views.page_not_found"
handler500 = "imuran_info.views.server_error"
