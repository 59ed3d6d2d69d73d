import logging

from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

# How long a browser or crawler is asked to wait when the database is out of reach.
RETRY_AFTER_SECONDS = 30


def security_headers(get_response):
    """The security headers Django does not set, the same on every answer.

    The Content Security Policy (settings.CONTENT_SECURITY_POLICY, and a report-only one if
    set) uses no nonce, since no page has inline script, so django-csp builds it once per
    process here: its middleware built it afresh for every response, a twentieth of an
    uncached page's time. Its per-view decorators and EXCLUDE_URL_PREFIXES therefore do
    nothing; the site uses neither. Permissions-Policy turns off browser features we never use.
    """
    policies = {
        "Content-Security-Policy": build_policy(),
        "Content-Security-Policy-Report-Only": build_policy(report_only=True),
        "Permissions-Policy": settings.PERMISSIONS_POLICY,
    }
    headers = {name: value for name, value in policies.items() if value}

    def middleware(request):
        response = get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            # Django's technical 404 and 500 pages (development only) style and script themselves inline.
            return response
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return middleware


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, a friendly 503 with Retry-After instead of a 500.

    Pages each process keeps (page_cache/) are still served; this is for everything else.
    The page is rendered without the request, so nothing on it touches the session or the
    database, and nothing about the failure reaches the reader.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        response = render(None, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
