from django.http import HttpResponse
from django.urls import path


def bare(request):
    # The same three bytes as the full-stack baseline (bench/urls.py), with nothing in between.
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare)]
