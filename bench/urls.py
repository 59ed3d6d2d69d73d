"""The site's URLs plus the benchmark's baseline view; used only when DJANGO_ROOT_URLCONF=bench.urls."""

from django.http import HttpResponse
from django.urls import path

from imuran_info import urls as site_urls


def baseline(request):
    # Django's floor: the full middleware stack and URL resolution, no template, no query.
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *site_urls.urlpatterns]

handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
