from django.conf import settings
from django.utils.encoding import escape_uri_path


def site_url():
    """The site's own address, for canonical links, sitemaps and e-mails.

    From SITE_URL, or else the first allowed host name: never the Host or port a
    client sent, which would otherwise be frozen into pages served to everyone.
    """
    if settings.SITE_URL:
        return settings.SITE_URL
    host = next((host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"), "localhost")
    return f"{'https' if settings.HTTPS else 'http'}://{host}"


def canonical_url(request):
    """The page's one address for search engines: the site's own, and the path without a query."""
    return f"{site_url()}{escape_uri_path(request.path)}"


def site_wide():
    """What every page's templates may name that is the same for every request."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_PUBLISHER": settings.SITE_PUBLISHER,
        "site_url": site_url(),
        # The privacy notice and contact page name these; empty until the operator sets them.
        "SITE_DATA_CONTROLLER": settings.SITE_DATA_CONTROLLER,
        "SITE_CONTACT_EMAIL": settings.SITE_CONTACT_EMAIL,
    }


def site(request):
    return {**site_wide(), "canonical_url": canonical_url(request)}
