"""What a refusal from Google means for the inbox: retry, stop and tell the admin, or give up.

The Business Profile API answers errors as ``{"error": {"code", "message", "status"}}``;
Google's OAuth token endpoint as ``{"error": "invalid_grant", "error_description": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from connectors.base import AuthError, ConnectorError, PermanentError, SettingsError, TransientError

SCOPE = "https://www.googleapis.com/auth/business.manage"
#: What a call was about, so its refusal can be told in the admin's terms.
Call = Literal["location", "review", "reply"]

_AGAIN = (
    "authorize Unisono again with the Google account that manages the location (scope "
    f"{SCOPE}) and store the new refresh token as this account's secret"
)


def _said(reply: httpx.Response, redact: Callable[[str], str]) -> tuple[str, str]:
    """Google's status word and message, or the HTTP status when the body says nothing."""
    try:
        body = reply.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        status = str(error.get("status") or "")
        message = str(error.get("message") or "") or f"HTTP {reply.status_code}"
        return status, redact(message)
    if isinstance(error, str) and isinstance(body, dict):  # the OAuth endpoint's shape
        description = str(body.get("error_description") or "")
        return error, redact(f"{error}: {description}" if description else error)
    return "", f"HTTP {reply.status_code}"


def error_for(
    call: Call, reply: httpx.Response, location: str, redact: Callable[[str], str]
) -> ConnectorError:
    code = reply.status_code
    status, said = _said(reply, redact)
    if code == 401:
        return AuthError(f"Google refused the access token ({said}); {_AGAIN}")
    if code == 403:
        return AuthError(
            f"Google does not let this account manage {location} ({said}). Check that the Google "
            "account that authorized Unisono is an owner or manager of the location, that the "
            f"Business Profile API is enabled for the OAuth client's project and that the token "
            f"was granted the scope {SCOPE}"
        )
    if code == 429:
        return TransientError(
            f"Google's Business Profile quota is used up for now ({said})", retry_after=retry_after(reply)
        )
    if code >= 500 or status in ("UNAVAILABLE", "ABORTED", "DEADLINE_EXCEEDED"):
        return TransientError(
            f"Google's Business Profile API failed ({said})", retry_after=retry_after(reply)
        )
    if code == 404 and call == "location":
        return SettingsError(
            f"Google knows no location {location} ({said}); check the setting 'location' "
            "(accounts/ACCOUNT_ID/locations/LOCATION_ID)",
            step="folder",
        )
    if code == 404:
        return PermanentError(f"the review is no longer on Google ({said}): its author or Google removed it")
    if call == "location":
        return SettingsError(f"Google refused to list the reviews of {location} ({said})", step="folder")
    return PermanentError(f"Google refused the answer: {said}")


def token_error_for(
    reply: httpx.Response, redact: Callable[[str], str], *, signed_in: bool = False
) -> ConnectorError:
    code = reply.status_code
    status, said = _said(reply, redact)
    if code == 429 or code >= 500:
        return TransientError(f"Google's sign-in service failed ({said})", retry_after=retry_after(reply))
    if status == "invalid_grant" and signed_in:
        return AuthError("Google no longer accepts this sign-in; sign in again")
    if status == "invalid_grant":
        return AuthError(
            f"Google refused the refresh token ({said}): it was revoked, it expired or it was "
            f"issued to another OAuth client; {_AGAIN}"
        )
    if status in ("invalid_client", "unauthorized_client"):
        return AuthError(
            f"Google does not accept the OAuth client ({said}); check the setting 'client_id' and "
            "the client_secret in this account's secret"
        )
    return AuthError(f"Google's sign-in service refused to give an access token ({said}); {_AGAIN}")


def retry_after(reply: httpx.Response) -> float | None:
    """Seconds to wait, from Retry-After (seconds or an HTTP date), when Google sends one."""
    value = reply.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None
