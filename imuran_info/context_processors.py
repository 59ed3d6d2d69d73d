from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_PUBLISHER": settings.SITE_PUBLISHER,
        "canonical_url": f"{settings.SITE_URL}{request.path}"
        if settings.SITE_URL
        else request.build_absolute_uri(request.path),
    }
