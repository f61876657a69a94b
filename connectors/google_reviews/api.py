"""Talking to Google: an access token from the refresh token, then the Business Profile API.

The secret (one line, kept in the OS keyring) is Google's own "authorized user" JSON:
``{"client_secret": "...", "refresh_token": "..."}`` (a ``client_id`` in it must be the
account's setting). The access token it buys lives in memory only, is renewed a minute
before it expires and once more when Google refuses it anyway. None of the three ever
reaches a log line or an error message: they travel only in the token request's form
and the Authorization header.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from connectors.base import AuthError, SettingsError, TransientError, network_step
from connectors.oauth import Grant

from .errors import SCOPE, Call, error_for, token_error_for

logger = logging.getLogger(__name__)

EARLY = 60.0  # renew the access token this many seconds before Google says it expires
_SCOPES = (SCOPE, "https://www.googleapis.com/auth/plus.business.manage")

SECRET_FORMAT = (
    'the secret must be one line of JSON: {"client_secret": "...", "refresh_token": "..."} '
    "(Google's authorized-user JSON, e.g. from the OAuth Playground or gcloud, has this shape)"
)


@dataclass(frozen=True, repr=False)
class Credentials:
    refresh_token: str
    client_secret: str
    signed_in: bool = False  # obtained by signing in with Google, not pasted

    def __repr__(self) -> str:  # a traceback's locals must not show them
        return "Credentials(<hidden>)"


def parse_secret(secret: str, client_id: str) -> Credentials:
    """The refresh token and client secret in ``secret``; SettingsError (without them) if not.

    ``secret`` is what a sign-in with Google kept (connectors/oauth.py) or, for a worker
    without a browser, Google's authorized-user JSON pasted by hand."""
    grant = Grant.from_secret(secret)
    if grant is not None:
        if not grant.refresh_token or not grant.client_secret:
            raise SettingsError(
                "this sign-in has no lasting token or no client secret; type the OAuth client secret "
                "and sign in with Google again"
            )
        return Credentials(grant.refresh_token, grant.client_secret, signed_in=True)
    try:
        data = json.loads(secret)
    except ValueError:
        raise SettingsError(SECRET_FORMAT) from None
    if not isinstance(data, dict):
        raise SettingsError(SECRET_FORMAT)
    refresh, client_secret = data.get("refresh_token"), data.get("client_secret")
    if not isinstance(refresh, str) or not refresh.strip():
        raise SettingsError(f"the secret has no refresh_token; {SECRET_FORMAT}")
    if not isinstance(client_secret, str) or not client_secret.strip():
        raise SettingsError(f"the secret has no client_secret; {SECRET_FORMAT}")
    other = data.get("client_id")
    if other is not None and str(other).strip() != client_id:
        raise SettingsError(
            "the secret's client_id is not the account's setting 'client_id'; give the same one"
        )
    return Credentials(refresh.strip(), client_secret.strip())


class GoogleApi:
    """One Google account's HTTP: a shared client, the access token, errors in words."""

    def __init__(
        self, api_base: str, token_url: str, client_id: str, credentials: Credentials | None, location: str
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self.location = location
        self._credentials = credentials
        self._client: httpx.AsyncClient | None = None
        self._token = ""
        self._renew_at = 0.0
        self._refreshing = asyncio.Lock()
        self.scopes: tuple[str, ...] | None = None  # as granted, when Google says

    def redact(self, text: str) -> str:
        for secret in (self._token, *self._secrets()):
            if secret:
                text = text.replace(secret, "<hidden>")
        return text

    def _secrets(self) -> tuple[str, ...]:
        c = self._credentials
        return (c.refresh_token, c.client_secret) if c else ()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(30.0), headers={"User-Agent": "Unisono"})
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ------------------------------------------------------------------ the access token
    async def token(self, *, refused: str = "") -> str:
        """A valid access token; ``refused``: the one Google just refused, to be replaced."""
        if self._credentials is None:
            raise AuthError("no refresh token is stored for this Google location; store the secret first")
        async with self._refreshing:
            stale = not self._token or time.monotonic() >= self._renew_at
            # A refused token another call has replaced meanwhile needs no second renewal.
            if stale or (refused and refused == self._token):
                await self._renew(self._credentials)
            return self._token

    async def _renew(self, credentials: Credentials) -> None:
        form = {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": credentials.client_secret,
            "refresh_token": credentials.refresh_token,
        }
        reply = await self._send("POST", self.token_url, data=form, where="Google's sign-in service")
        if reply.status_code >= 400:
            raise token_error_for(reply, self.redact, signed_in=credentials.signed_in)
        try:
            answer = reply.json()
            token = str(answer["access_token"])
            lifetime = float(answer.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise TransientError("Google's sign-in service answered without an access token") from None
        scope = answer.get("scope")
        self.scopes = tuple(str(scope).split()) if scope else None
        # A minute early, or halfway for a token that lives less than two.
        self._token = token
        self._renew_at = time.monotonic() + lifetime - min(EARLY, lifetime / 2)
        logger.info("obtained a Google access token for %s, valid %.0f s", self.location, lifetime)

    def missing_scope(self) -> bool:
        """True when Google said which scopes the token has and none lets it manage reviews."""
        return self.scopes is not None and not any(s in self.scopes for s in _SCOPES)

    # ------------------------------------------------------------------ the API
    async def call(
        self,
        method: str,
        path: str,
        call: Call,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """``path`` (after /v4/) as JSON; one renewal of the token when Google refuses it."""
        token = ""
        for attempt in (1, 2):
            token = await self.token(refused=token)
            reply = await self._send(
                method,
                f"{self.api_base}/v4/{path}",
                params=params,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                where="the Business Profile API",
            )
            if reply.status_code == 401 and attempt == 1:
                logger.info("Google refused the access token for %s; renewing it once", self.location)
                continue
            if reply.status_code >= 400:
                raise error_for(call, reply, self.location, self.redact)
            if not reply.content:
                return {}
            try:
                return reply.json()
            except ValueError:
                raise TransientError(
                    f"Google answered {method} {path} with something that is not JSON"
                ) from None
        raise AssertionError("unreachable")

    async def _send(self, method: str, url: str, *, where: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._http().request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise TransientError(f"{where} at {_host(url)} did not answer in time", step="connect") from None
        except httpx.TransportError as exc:
            raise TransientError(
                f"cannot reach {where} at {_host(url)} ({type(exc).__name__}: {self.redact(str(exc))})",
                step=network_step(exc),
            ) from None


def _host(url: str) -> str:
    return httpx.URL(url).host or url
