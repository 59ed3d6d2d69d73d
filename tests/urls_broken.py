"""A URLconf with one view that fails, to see what the public gets on a server error."""

from django.urls import path

from imuran_info.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("secret internal detail")


def broken_with_personal_data(request, token):
    # As a careless error message might: what the visitor sent, word for word.
    raise ValueError(f"could not answer {request.GET.get('email')} about {token}")


urlpatterns = [
    path("broken/", broken_view),
    path("broken/<slug:token>/", broken_with_personal_data),
    *site_urlpatterns,
]
handler500 = "imuran_info.views.server_error"
