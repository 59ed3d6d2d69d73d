"""Imuran Info settings: one module, every deployment choice read from the environment.

Development: DJANGO_DEBUG=true (the Makefile sets it for `make run`).
Production: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from imuran_info import logs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    # Never fall back to a built-in key: sessions, CSRF tokens and story links
    # would all be forgeable by anyone who has read this file.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random string "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
        "`make run` and `make test` create one for development."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public name of the publisher, shown on every article as the NHS
# Standard for creating health content asks.
SITE_NAME = "Imuran Info"
SITE_PUBLISHER = os.environ.get("SITE_PUBLISHER", "Imuran Info editorial team")
# Absolute address used in canonical links when behind a proxy.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Privacy and contact: who is responsible for personal data here (name and postal
# address), named by the privacy notice; and the editors' inbox, where contact
# messages go. Never a made-up default: the pages say plainly when these are
# missing, and `check --deploy` fails until both are set (pages/checks.py).
SITE_DATA_CONTROLLER = os.environ.get("SITE_DATA_CONTROLLER", "").strip()
SITE_CONTACT_EMAIL = os.environ.get("SITE_CONTACT_EMAIL", "").strip()

INSTALLED_APPS = [
    "imuran_info.apps.ImuranAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram lookups (search/); inert on SQLite
    "markdownx",
    "csp",
    "axes",
    "reversion",
    "page_cache",
    "articles",
    "stories",
    "insights",  # after stories: its admin adds themes to the story change form
    "pages",
    "operations",
    "search",
]

MIDDLEWARE = [
    # First: a public page this process keeps is served before anything else runs, with the
    # headers the whole stack gave it (page_cache/pages.py). Everything below runs on a miss.
    "page_cache.pages.page_store_middleware",
    # Before anything can answer, so every response and log line carries the request id.
    "imuran_info.logs.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Runs the retention purge once a day after some answer; static files never reach it.
    "operations.schedule.scheduled_jobs_middleware",
    # ETags for every page, so an unchanged page costs a returning reader a 304 (Django's,
    # but for the pages the page store keeps, which it tags itself).
    "page_cache.pages.PageStoreAwareConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content Security Policy and Permissions-Policy, built once per process.
    "imuran_info.middleware.security_headers",
    # Counts and times every answer that gets this far, by view and status (/metrics): a
    # view's error has become its 500 page by then, and a database outage its 503.
    "imuran_info.metrics.view_metrics_middleware",
    # Database out of reach: a friendly 503 with Retry-After, never a 500 (issue 11).
    "imuran_info.middleware.DatabaseUnavailableMiddleware",
    # Axes must come last: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# `make bench` points this at bench.urls, which adds a tiny baseline view to the
# site's own URLs; production never sets it, so that view is never mounted there.
ROOT_URLCONF = os.environ.get("DJANGO_ROOT_URLCONF", "imuran_info.urls")
WSGI_APPLICATION = "imuran_info.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imuran_info.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

# No DATABASE_URL means the embedded SQLite file; postgres://... means PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (imuran_info/postgresql).
    DATABASES["default"]["ENGINE"] = "imuran_info.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# With REDIS_URL every app process shares one cache (counts, sitemaps, rate limits);
# without it each process keeps its own in memory, which is fine for one process.
# Pages are not kept here: see page_cache/ and "How the pages stay fast" in the README.
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_cache(location):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "imuran"),
        "OPTIONS": {
            # A cache is a shortcut, never a dependency: when Redis is down, frozen
            # or full, a call answers "not cached" instead of raising, waits at most
            # these fractions of a second, and after a failure the circuit breaker
            # skips Redis for a few seconds instead of waiting on every request.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.2")),
            "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.2")),
            "CONNECTION_POOL_CLASS": "imuran_info.redis_breaker.CircuitBreakerPool",
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process keeps its own copy of hot public pages and reads from the database
# whether public content changed at most this often (page_cache/generations.py).
# So a change made through one process reaches the others within this many seconds.
PAGE_CACHE_RECHECK_SECONDS = float(os.environ.get("PAGE_CACHE_RECHECK_SECONDS", "1"))
# After a Redis call fails, how long this process skips Redis (imuran_info/redis_breaker.py).
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "5"))

# --- Accounts and login -----------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"

# Failed admin logins are counted per client address, whatever username they try:
# one address spraying passwords over many usernames is locked out, and nobody at
# another address can lock a real admin out by typing their username. Behind our
# proxy the address is the one it appended (imuran_info/client_ip.py), never the proxy's own.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "imuran_info.client_ip.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_STR_CALLABLE = "imuran_info.logs.axes_client"

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates read "2 December 2026" everywhere, the admin included (imuran_info/formats/).
FORMAT_MODULE_PATH = ["imuran_info.formats"]

# --- Static and uploaded files ----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    # One machine (`make run`): uploaded images in MEDIA_ROOT.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with content hashes in their names, cached for a year.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several machines: uploaded images in an S3-compatible store that every app machine shares
# (django-storages). They are still linked at MEDIA_URL on our own origin, where the front
# server passes them on from the store (deploy/), so the CSP's img-src 'self' holds.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "imuran_info.storage.SharedMediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Empty for Amazon S3 itself; the store's address for any other S3-compatible one.
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            # An upload never replaces another file of the same name.
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }

# Patients never send more than a story; a bigger body is refused with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Markdown editing (django-markdownx) ------------------------------------

# The admin preview uses the same sanitising renderer as the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markup.render_markdown"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/png", "image/jpeg")
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
# Re-encode every upload with Pillow: nothing passes through byte for byte.
MARKDOWNX_SKIP_RESIZE = ()
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1200, 1200), "quality": 85}

# --- Patient stories --------------------------------------------------------

# Rejected stories are deleted this many days after the decision (`purge_stories`, run daily).
STORY_RETENTION_DAYS = int(os.environ.get("STORY_RETENTION_DAYS", "90"))
# Stories, and separately reports, that one client may send in an hour.
STORY_RATE_LIMIT = int(os.environ.get("STORY_RATE_LIMIT", "5"))
# Version of the story guidelines and privacy notice; each story records the one its author agreed to.
# Change it whenever either page changes in substance.
STORY_TERMS_VERSION = "2026-12-02"
# Behind a proxy every request comes from the proxy's address: use the one it appended instead.
STORY_TRUST_X_FORWARDED_FOR = env_bool("DJANGO_BEHIND_PROXY")
# Outside the database, so a restore of an older backup can withdraw again what authors
# withdrew since (`reapply_withdrawals`). Story ids and token hashes only: no personal data.
STORY_WITHDRAWAL_LOG = Path(os.environ.get("STORY_WITHDRAWAL_LOG", BASE_DIR / "var" / "withdrawals.jsonl"))

# --- Security ---------------------------------------------------------------

# Production serves HTTPS only; `make serve` turns this off to run on plain
# http://127.0.0.1 the way production runs otherwise.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "imuran_info.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# A load balancer checks instances over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# No inline script or style anywhere, the admin and markdownx included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), usb=()"
)

# --- E-mail -----------------------------------------------------------------

# Production sends through an SMTP server, given as one EMAIL_URL
# (smtp+tls://user:password@host:587 for STARTTLS, smtps://...:465 for TLS from
# the start, smtp://host:25 for neither; quote special characters in the password)
# or as DJANGO_EMAIL_HOST, _PORT, _HOST_USER, _HOST_PASSWORD, _USE_TLS, _USE_SSL.
# Without either, development writes each mail to a file under var/mail/, never to the
# terminal or a log (a decision mail holds its author's address and private link); and
# production would print it to the console, which `check --deploy` refuses (stories/checks.py).
EMAIL_URL = urlsplit(os.environ.get("EMAIL_URL", ""))
EMAIL_HOST = EMAIL_URL.hostname or os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = EMAIL_URL.port or int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = unquote(EMAIL_URL.username or os.environ.get("DJANGO_EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = unquote(EMAIL_URL.password or os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = EMAIL_URL.scheme == "smtp+tls" or env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = EMAIL_URL.scheme == "smtps" or env_bool("DJANGO_EMAIL_USE_SSL")
# A slow mail server delays the moderator's page by at most this; the send is then recorded as failed.
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
if EMAIL_HOST:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", _DEFAULT_EMAIL_BACKEND)
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
del EMAIL_URL, _DEFAULT_EMAIL_BACKEND  # parsed above; the password must not linger in a second setting
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Imuran Info <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging, errors, metrics and backups (README "Operations") -----------

# JSON lines on stdout in production, plain lines in development; never personal data.
LOGGING = logs.from_environment(debug=DEBUG)

# Errors go to Sentry (or a compatible service) only when this is set, scrubbed like the logs.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from imuran_info import error_reporting

    error_reporting.start(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))

# /metrics answers these addresses or networks (e.g. "10.0.0.5,192.168.1.0/24") and staff.
METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(item, strict=False) for item in env_list("METRICS_ALLOWED_ADDRESSES")]

# The retention purge runs daily from ordinary requests (operations/schedule.py); each process
# looks for due jobs at most this often.
SCHEDULED_JOBS = env_bool("DJANGO_SCHEDULED_JOBS", default=True)
SCHEDULED_JOBS_CHECK_SECONDS = float(os.environ.get("SCHEDULED_JOBS_CHECK_SECONDS", "300"))

# `make backup` writes here.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
