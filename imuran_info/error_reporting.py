"""Errors to Sentry (or any service that speaks its protocol), only when SENTRY_DSN is set.

What is sent is scrubbed as the logs are (imuran_info/logs.py): no request body, cookies,
headers, local variables or user, and every remaining string passes through scrub().
"""

import sentry_sdk

from imuran_info.logs import scrub


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def before_send(event, hint):
    request = event.get("request")
    if request:
        # Where it broke is enough: the body, cookies and headers belong to the visitor.
        event["request"] = {key: request[key] for key in ("method", "url") if key in request}
    event.pop("user", None)
    return _scrubbed(event)


def before_breadcrumb(crumb, hint):
    return _scrubbed(crumb)


def start(dsn, environment):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
    )
