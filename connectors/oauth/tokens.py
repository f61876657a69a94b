"""The token endpoint: exchanging a code, refreshing a grant, keeping an access token fresh."""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from connectors.base import AuthError, SettingsError, TransientError

from .grant import CLIENT_ID, TIMEOUT, Grant, OAuthConfig, identity_of, newer


async def _token_call(config: OAuthConfig, form: dict[str, str], client_secret: str | None) -> dict[str, Any]:
    form = {**form, "client_id": config.client_id}
    if client_secret:
        form["client_secret"] = client_secret
    host = urllib.parse.urlsplit(config.token_url).hostname or config.token_url
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            reply = await http.post(config.token_url, data=form, headers={"Accept": "application/json"})
    except httpx.TimeoutException:
        raise TransientError(
            f"{config.title}'s sign-in service at {host} did not answer in time", step="connect"
        )
    except httpx.HTTPError as exc:
        raise TransientError(
            f"cannot reach {config.title}'s sign-in service at {host} ({type(exc).__name__})", step="connect"
        )
    try:
        payload = reply.json()
    except ValueError:
        payload = {}
    if reply.status_code >= 500 or reply.status_code == 429:
        raise TransientError(
            f"{config.title}'s sign-in service is busy (HTTP {reply.status_code}); trying again later"
        )
    if reply.status_code >= 400 or not isinstance(payload, dict) or "access_token" not in payload:
        error = str(payload.get("error", "")) if isinstance(payload, dict) else ""
        if error == "invalid_grant":
            raise AuthError(f"{config.title} no longer accepts this sign-in; sign in again", step="signin")
        if error in ("invalid_client", "unauthorized_client"):
            raise SettingsError(
                f"{config.title} does not know the client in setting {CLIENT_ID!r} (or its client secret); "
                "check the client registration",
                step="signin",
            )
        raise AuthError(
            f"{config.title} refused the sign-in ({error or f'HTTP {reply.status_code}'}); sign in again",
            step="signin",
        )
    return payload


def _grant(
    payload: Mapping[str, Any], *, signed_in_at: float, before: Grant | None, secret: str | None
) -> Grant:
    # No expires_in: a token that lasts until revoked (Mastodon's); 0 stands for "never".
    try:
        expires_at = time.time() + float(payload["expires_in"]) if payload.get("expires_in") else 0.0
    except (TypeError, ValueError):
        expires_at = time.time() + 3600.0
    return Grant(
        access_token=str(payload["access_token"]),
        # A provider may rotate the refresh token (Microsoft does) or keep the old one.
        refresh_token=str(payload.get("refresh_token") or (before.refresh_token if before else "")) or None,
        expires_at=expires_at,
        signed_in_at=signed_in_at,
        identity=identity_of(payload) or (before.identity if before else None),
        client_secret=secret,
    )


async def refresh(config: OAuthConfig, grant: Grant) -> Grant:
    """A new access token for ``grant``; AuthError in words when the grant was revoked."""
    if not grant.refresh_token:
        raise AuthError(
            f"{config.title} gave no lasting sign-in for this account; sign in again", step="signin"
        )
    payload = await _token_call(
        config, {"grant_type": "refresh_token", "refresh_token": grant.refresh_token}, grant.client_secret
    )
    return _grant(payload, signed_in_at=grant.signed_in_at, before=grant, secret=grant.client_secret)


class TokenSource:
    """An account's access token, refreshed quietly before it expires (or when a server
    refused it); ``on_change`` is told of every new grant so it can be kept."""

    def __init__(
        self, config: OAuthConfig, grant: Grant, on_change: Callable[[Grant], None] | None = None
    ) -> None:
        self.config = config
        self.grant = grant
        self.on_change = on_change
        self._lock = asyncio.Lock()

    async def token(self, *, refused: str | None = None) -> str:
        """A usable access token; ``refused``: the one a server just turned down."""
        async with self._lock:
            # Several connections may be refused at once: the first refreshes, the others
            # find the token already changed.
            if (refused is not None and refused == self.grant.access_token) or self.grant.expires_soon():
                self.grant = await refresh(self.config, self.grant)
                if self.on_change is not None:
                    self.on_change(self.grant)
            return self.grant.access_token

    def adopt(self, grant: Grant | None) -> None:
        best = newer(self.grant, grant)
        if best is not None:
            self.grant = best
