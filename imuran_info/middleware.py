from django.conf import settings


def security_headers(get_response):
    """Headers Django has no setting for: turn off browser features we never use."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
