"""A URLconf with one view that fails, to see what the public gets on a server error."""

from django.urls import path

from imuran_info.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
handler500 = "imuran_info.views.server_error"
