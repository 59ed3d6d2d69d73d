"""The site's WSGI application as the test suite runs it, for tests that start gunicorn:
static files from the source folders, as tests/conftest.py arranges in-process."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuran_info.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
application = get_wsgi_application()
