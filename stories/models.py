from django.db import models  # noqa: F401  (stories arrive with the sharing and moderation work)
