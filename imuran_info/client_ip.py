from django.conf import settings


def client_address(request):
    """The address of the person sending the request (used by rate limits and the login lockout)."""
    if settings.STORY_TRUST_X_FORWARDED_FOR:
        # Our proxy appends the address it saw; anything before it the client could have typed.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
