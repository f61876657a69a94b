"""The sign-in itself: a loopback listener (RFC 8252), the authorization URL with PKCE, the
system browser, and the code exchanged for a grant when the browser comes back."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.base import AuthError

from .grant import SCOPE, Grant, OAuthConfig, pkce_pair
from .tokens import _grant, _token_call


@dataclass(frozen=True)
class SignInPlan:
    """How an account signs in: the endpoints and client, the settings to keep with the
    account afterwards (a client the connector registered), and a client secret if the
    provider handed one out (kept in the keyring with the grant)."""

    config: OAuthConfig
    settings: Mapping[str, Any] = field(default_factory=dict)
    client_secret: str | None = None


class SignIn:
    """One sign-in in progress: a loopback listener, the URL to open, then the grant.

    ``start()`` listens on 127.0.0.1 at a random port and returns the authorization URL;
    ``finish()`` waits for the browser to come back, checks the state and exchanges the
    code (with the PKCE verifier). ``close()`` stops listening; it is safe to call twice.
    """

    def __init__(
        self,
        config: OAuthConfig | None = None,
        *,
        client_secret: str | None = None,
        login_hint: str | None = None,
    ) -> None:
        self.config = config
        self.client_secret = client_secret
        self.login_hint = login_hint
        self._verifier, self._challenge = pkce_pair()
        self._state = secrets.token_urlsafe(24)
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[tuple[str | None, str | None]] | None = None
        self.redirect_uri = ""
        self.url = ""

    async def start(self) -> str:
        """Listen, and return the URL to open in the browser."""
        assert self.config is not None, "a sign-in started at once needs its config"
        await self.listen()
        return self.authorize(self.config)

    async def listen(self) -> str:
        """Listen on a random loopback port; return the redirect URI the provider calls."""
        loop = asyncio.get_running_loop()
        self._result = loop.create_future()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.redirect_uri = f"http://127.0.0.1:{port}/"
        return self.redirect_uri

    def authorize(self, config: OAuthConfig, client_secret: str | None = None) -> str:
        """The authorization URL for ``config`` (known only once listening, for a client
        registered for this very redirect, as Mastodon's are)."""
        self.config = config
        if client_secret is not None:
            self.client_secret = client_secret
        query = {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": config.scope,
            "state": self._state,
            "code_challenge": self._challenge,
            "code_challenge_method": "S256",
            **config.extra,
        }
        if self.login_hint:
            query["login_hint"] = self.login_hint
        sep = "&" if "?" in config.authorize_url else "?"
        self.url = config.authorize_url + sep + urllib.parse.urlencode(query)
        return self.url

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 10)
            while (await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
                pass
            parts = line.decode("latin-1").split()
            target = parts[1] if len(parts) >= 2 else "/"
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
            code, state, error = (query.get(k, [None])[0] for k in ("code", "state", "error"))
            if code is None and error is None:
                await _page(writer, 404, "Nothing here.")
                return
            if state != self._state:
                # Someone else's redirect (or a forged one): ignore it and keep waiting.
                await _page(writer, 400, "This sign-in link is not the one Unisono is waiting for.")
                return
            if error is not None:
                await _page(writer, 200, "Sign-in cancelled. You can close this tab.")
            else:
                await _page(writer, 200, "Signed in. You can close this tab and return to Unisono.")
            if self._result is not None and not self._result.done():
                self._result.set_result((code, error))
        except (TimeoutError, ConnectionError, UnicodeError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def finish(self, timeout: float = 600.0) -> Grant:
        assert self._result is not None and self.config is not None, "start() first"
        try:
            code, error = await asyncio.wait_for(asyncio.shield(self._result), timeout)
        except TimeoutError:
            raise AuthError("the sign-in was not completed in the browser in time; try again", step="signin")
        finally:
            self.close()
        if error is not None or code is None:
            words = "was cancelled" if error == "access_denied" else f"failed ({error})"
            raise AuthError(f"the sign-in with {self.config.title} {words}; try again", step="signin")
        signed_in_at = time.time()
        payload = await _token_call(
            self.config,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": self._verifier,
            },
            self.client_secret,
        )
        grant = _grant(payload, signed_in_at=signed_in_at, before=None, secret=self.client_secret)
        if grant.expires_at and not grant.refresh_token:
            raise AuthError(
                f"{self.config.title} signed in but gave no lasting sign-in (refresh token); check "
                f"that setting {SCOPE!r} asks for offline access",
                step="signin",
            )
        return grant

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None


async def _page(writer: asyncio.StreamWriter, status: int, words: str) -> None:
    body = (
        "<!doctype html><meta charset=utf-8><title>Unisono</title>"
        f"<p style='font:16px sans-serif;margin:3em'>{words}</p>"
    ).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()


def open_browser(url: str) -> bool:
    """Open ``url`` in the system browser (never an embedded one); False if none opened."""
    import webbrowser

    try:
        return bool(webbrowser.open(url, new=1, autoraise=True))
    except webbrowser.Error:
        return False
