"""What an instance's refusal means for the inbox: retry, stop and tell the admin, or give up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from connectors.base import AuthError, ConnectorError, PermanentError, TransientError

from .statuses import when


def error_for(path: str, reply: httpx.Response, redact: Callable[[str], str]) -> ConnectorError:
    status = reply.status_code
    try:
        said = str(reply.json().get("error") or f"HTTP {status}")
    except (ValueError, AttributeError):
        said = f"HTTP {status}"
    said = redact(said)
    if status == 401:
        return AuthError(
            f"the instance refused the access token ({said}); create a new one under "
            "Preferences > Development and store it again"
        )
    if status == 403:
        return AuthError(
            f"the access token may not do this ({said}); it needs the scopes read, write:statuses "
            "and write:media"
        )
    if status == 429:
        return TransientError(
            f"the Mastodon instance is rate limiting this account ({said})",
            retry_after=retry_after(reply.headers),
        )
    if status >= 500:
        return TransientError(f"the Mastodon instance failed on {path} ({said})")
    if status == 422:
        return PermanentError(f"the Mastodon instance refused the post: {said}")
    return PermanentError(f"the Mastodon instance refused {path} ({said})")


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds to wait: Retry-After (seconds or a date), else X-RateLimit-Reset.

    Mastodon sends X-RateLimit-Reset as an ISO 8601 time, when the window
    (300 calls per 5 minutes by default) starts again.
    """
    value = headers.get("Retry-After")
    if value:
        if value.strip().isdigit():
            return float(value)
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            return max(0.0, (when(reset) - datetime.now(UTC)).total_seconds())
        except ValueError:
            return None
    return None
