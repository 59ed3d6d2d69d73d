"""Logs without personal data: one JSON object per line in production, plain lines in development.

Nothing a patient or a visitor typed or owns is written to a log, at any level: the code
never logs story text or addresses, and every line still passes through scrub() on its way
out, which removes private story links, e-mail addresses, phone-like numbers, IP addresses
and session or CSRF tokens that a library (Django, gunicorn, axes) put in a message.

Gunicorn's master process loads this module before Django is set up (gunicorn_conf.py), so it
imports nothing from Django.
"""

import contextvars
import logging
import os
import re
import traceback
import uuid

# The request being answered, for every log line written while answering it. Never reset:
# Django logs a 404 or 500 after the middleware has returned, and gunicorn writes its access
# line later still; the next request on this thread sets a new one.
request_id = contextvars.ContextVar("request_id", default="-")

# A front server's id (nginx's $request_id is 32 hex digits) is kept, so its log and ours
# meet; anything else a client sends is replaced rather than copied into our logs.
INCOMING_REQUEST_ID = re.compile(r"[0-9A-Fa-f-]{16,64}")

_PRIVATE_PATH = re.compile(r"(/stories/(?:status|thanks)/)[^/\s?\"']+")
_EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?)(?![\w:])"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# Ten or more digits, perhaps grouped by single spaces or dashes: phone numbers, not dates.
_PHONE = re.compile(r"(?<![\w.:-])\+?\d(?:[ -]?\d){9,14}(?![\w.:-])")
# Story tokens (43 characters), session keys (32) and CSRF tokens (64) are long random words.
_LONG_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")
_HEX = re.compile(r"[0-9a-f-]+")


def _token_or_hash(match):
    # Hex strings (request ids, content hashes) carry nothing private; random tokens do.
    word = match.group(0)
    return word if _HEX.fullmatch(word) else "[token]"


def scrub(text):
    """The text with everything that could identify a person or open a private page replaced."""
    text = _PRIVATE_PATH.sub(r"\1[token]", text)
    text = _EMAIL.sub("[email]", text)
    text = _IPV6.sub("[ip]", text)
    text = _IPV4.sub("[ip]", text)
    text = _PHONE.sub("[number]", text)
    return _LONG_TOKEN.sub(_token_or_hash, text)


_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class PrivacyFilter(logging.Filter):
    """Makes a record safe to write: scrubbed message and traceback, no objects attached to it."""

    def filter(self, record):
        # SQL with its parameters (DEBUG level, development only) holds whatever people typed.
        if record.name.startswith("django.db.backends"):
            return False
        record.msg, record.args = scrub(record.getMessage()), None
        if record.exc_info:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name in set(vars(record)) - _STANDARD_ATTRIBUTES - {"request_id"}:
            # Django attaches the whole request (its path holds tokens, its META addresses);
            # numbers are kept, since they cannot carry text.
            value = getattr(record, name)
            if not isinstance(value, int | float):
                delattr(record, name)
        return True


def logging_config(*, json_lines, level="INFO"):
    """The one logging configuration, for Django (settings.LOGGING) and gunicorn (gunicorn_conf.py)."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        }
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    # These libraries bring handlers of their own that would bypass the filters: send them to ours.
    own_handlers = ["django", "django.server", "gunicorn.error", "gunicorn.access", "py.warnings"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "imuran_info.logs.RequestIdFilter"},
            "privacy": {"()": "imuran_info.logs.PrivacyFilter"},
        },
        "formatters": {"main": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id", "privacy"],
                "formatter": "main",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            **{name: {"handlers": [], "propagate": True} for name in own_handlers},
            # Not even created: SQL parameters are what people typed.
            "django.db.backends": {"handlers": [], "level": "INFO", "propagate": True},
            # Lockouts are warnings; its INFO lines (a banner at every start) are noise.
            "axes": {"level": "WARNING"},
        },
    }


def axes_client(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines: the username tried, never the address."""
    return f"{{username: {username!r}}}"


def start_request(request):
    """The request's id, kept for every log line written while answering it.

    Made once per request: the page store (first) and this module's middleware both ask.
    """
    if hasattr(request, "request_id"):
        return request.request_id
    # From META: request.headers would copy every header first, which costs more than a kept page.
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    request.request_id = incoming if INCOMING_REQUEST_ID.fullmatch(incoming) else str(uuid.uuid4())
    request_id.set(request.request_id)
    return request.request_id


def request_id_middleware(get_response):
    """Gives every request an id, for each log line about it and for the X-Request-ID header."""

    def middleware(request):
        current = start_request(request)
        response = get_response(request)
        response["X-Request-ID"] = current
        return response

    return middleware


def from_environment(*, debug):
    """DJANGO_LOG_FORMAT (json or text; text in development) and DJANGO_LOG_LEVEL (INFO)."""
    log_format = os.environ.get("DJANGO_LOG_FORMAT") or ("text" if debug else "json")
    # Python's warnings become log lines too (logger "py.warnings"): nothing bypasses the filters.
    logging.captureWarnings(True)
    return logging_config(json_lines=log_format == "json", level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"))
