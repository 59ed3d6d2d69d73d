"""The bare floor of `make bench` (issue 11 item 7): Django with one view and nothing else.

No middleware, no apps, no database, no templates: what the same gunicorn and the same Django
cost for a three-byte answer. Every row of the benchmark is reported against it.
"""

import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
