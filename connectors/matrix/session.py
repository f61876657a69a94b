"""Talking to one homeserver as one account: login, requests, typed errors.

Every failure leaves here as one of the typed errors of ``connectors.base``
with a message an admin can act on; the password and the access token never
appear in one (the token travels in a header, the password only in the login
body, and neither is ever formatted into a message).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from connectors.base import (
    AuthError,
    PermanentError,
    SettingsError,
    TransientError,
    is_loopback_host,
    network_step,
)

logger = logging.getLogger(__name__)

_TOKEN_ERRORS = {"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"}


def default_device_id(homeserver: str, user_id: str) -> str:
    """A device ID that stays the same for an account across restarts.

    Logging in again with the same device adds a token to it instead of one
    more device to the user's device list on every start of the app, and the
    homeserver's memory of transaction IDs (per device) survives the restart.
    """
    digest = hashlib.sha256(f"{homeserver}|{user_id}".encode()).hexdigest()[:10].upper()
    return f"UNISONO{digest}"


def check_homeserver(url: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname:
        raise SettingsError(
            f"setting 'homeserver' must be a URL such as https://matrix.example.org, not {url!r}"
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise SettingsError(
            "setting 'homeserver' must use https:// — plain http:// would send the password "
            "and every message unencrypted; it is only allowed for a homeserver on this "
            "computer"
        )
    return url.rstrip("/")


class MatrixSession:
    def __init__(
        self,
        homeserver: str,
        user_id: str,
        secret: str | None,
        *,
        secret_kind: str,
        device_id: str,
        device_name: str,
    ) -> None:
        self.homeserver = homeserver
        self.user_id = user_id
        self._secret = secret
        self.secret_kind = secret_kind
        self.device_id = device_id
        self.device_name = device_name
        self._token: str | None = secret if secret_kind == "token" else None
        self._client: httpx.AsyncClient | None = None
        self._login_lock = asyncio.Lock()
        # Called with each access token a password login yields, so the app can keep it.
        self.on_credentials: Callable[[str], None] | None = None

    def adopt_token(self, token: str) -> None:
        """A token kept from an earlier password login: used until the server refuses it."""
        if self.secret_kind == "password" and token:
            self._token = token

    # -- plumbing
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.homeserver,
                timeout=httpx.Timeout(30.0),
                headers={"User-Agent": "Unisono"},
                follow_redirects=False,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _raw(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("extra_headers", None) or {})
        try:
            return await self.client().request(
                method,
                path,
                headers=headers,
                timeout=httpx.Timeout(timeout) if timeout else httpx.USE_CLIENT_DEFAULT,
                **kwargs,
            )
        except httpx.TimeoutException:
            raise TransientError(f"the homeserver {self.homeserver} did not answer in time", step="connect")
        except httpx.TransportError as exc:
            # The exception text names the socket error, never a header or body.
            raise TransientError(
                f"cannot reach the homeserver {self.homeserver} ({type(exc).__name__}: {exc})",
                step=network_step(exc),
            )

    # -- login
    async def token(self) -> str:
        if self._token is None:
            async with self._login_lock:
                if self._token is None:
                    await self._login()
        assert self._token is not None
        return self._token

    async def _login(self) -> None:
        if not self._secret:
            raise AuthError(f"no password is stored for the Matrix account {self.user_id}")
        body = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": self.user_id},
            "password": self._secret,
            "device_id": self.device_id,
            "initial_device_display_name": self.device_name,
        }
        reply = await self._raw("POST", "/_matrix/client/v3/login", token=None, json=body)
        if reply.status_code in (400, 401, 403):
            code = _errcode(reply)
            if code == "M_USER_DEACTIVATED":
                raise AuthError(f"the Matrix account {self.user_id} has been deactivated on the homeserver")
            raise AuthError(
                f"the homeserver {self.homeserver} refused the password for {self.user_id} "
                f"({code or reply.status_code})"
            )
        data = checked(reply, "log in")
        self._token = str(data["access_token"])
        if data.get("user_id") and data["user_id"] != self.user_id:
            # The server canonicalised the ID (case, domain): our echoes carry its form.
            logger.info("homeserver reports the account as %s", data["user_id"])
            self.user_id = str(data["user_id"])
        logger.info("logged in to %s as %s (device %s)", self.homeserver, self.user_id, self.device_id)
        if self.on_credentials is not None:
            self.on_credentials(self._token)

    async def _token_refused(self, used: str) -> None:
        """The server forgot ``used``: log in again once (password) or tell the admin (token)."""
        if self.secret_kind != "password":
            raise AuthError(
                f"the homeserver no longer accepts the access token of {self.user_id} "
                "(M_UNKNOWN_TOKEN); store a new token or switch the account to password login"
            )
        async with self._login_lock:
            if self._token == used:  # nobody else has logged in again meanwhile
                self._token = None
                await self._login()

    # -- requests
    async def response(
        self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any
    ) -> httpx.Response:
        """An authenticated request; a forgotten token is replaced once."""
        for attempt in range(2):
            used = await self.token()
            reply = await self._raw(method, path, token=used, timeout=timeout, **kwargs)
            if reply.status_code == 401 and _errcode(reply) in _TOKEN_ERRORS:
                if attempt == 0:
                    await self._token_refused(used)
                    continue
                raise AuthError(f"the homeserver keeps refusing the login of {self.user_id}")
            return reply
        raise AssertionError("unreachable")

    async def call(
        self, method: str, path: str, *, what: str, timeout: float | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        reply = await self.response(method, path, timeout=timeout, **kwargs)
        return checked(reply, what)


def room_path(room_id: str, rest: str) -> str:
    return f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/{rest}"


def _errcode(reply: httpx.Response) -> str | None:
    try:
        data = reply.json()
    except ValueError:
        return None
    return str(data.get("errcode")) if isinstance(data, Mapping) and data.get("errcode") else None


def _error_text(reply: httpx.Response) -> str:
    try:
        data = reply.json()
    except ValueError:
        return f"HTTP {reply.status_code}"
    if isinstance(data, Mapping):
        return f"{data.get('errcode', reply.status_code)}: {data.get('error', '')}".strip(": ")
    return f"HTTP {reply.status_code}"


def retry_after(reply: httpx.Response) -> float | None:
    """Seconds to wait, from ``retry_after_ms`` in the body or the Retry-After header."""
    try:
        data = reply.json()
        if isinstance(data, Mapping) and data.get("retry_after_ms") is not None:
            return max(0.0, float(data["retry_after_ms"]) / 1000.0)
    except (ValueError, TypeError):
        pass
    header = reply.headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            return None
    return None


def checked(reply: httpx.Response, what: str) -> dict[str, Any]:
    status = reply.status_code
    if status == 429:
        wait = retry_after(reply)
        raise TransientError(f"the homeserver is rate limiting us while trying to {what}", retry_after=wait)
    if status >= 500:
        raise TransientError(f"the homeserver failed to {what} ({_error_text(reply)})")
    if status in (401,):
        raise AuthError(f"the homeserver refused our login while trying to {what} ({_error_text(reply)})")
    if status >= 400:
        raise PermanentError(f"the homeserver refused to {what} ({_error_text(reply)})")
    try:
        data = reply.json()
    except ValueError:
        raise TransientError(f"the homeserver sent an unreadable answer while trying to {what}")
    if not isinstance(data, dict):
        raise TransientError(f"the homeserver sent an unexpected answer while trying to {what}")
    return data
