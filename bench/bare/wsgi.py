import os

from django.core.wsgi import get_wsgi_application

# Not setdefault: the benchmark's environment names the site's settings for everything else.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"

application = get_wsgi_application()
