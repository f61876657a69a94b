"""OAuth 2 sign-in for the channels that want it (email at Google and Microsoft, servers
announcing OAUTHBEARER, Google Business Profile, Mastodon).

The authorization-code flow with PKCE (RFC 7636, S256) on a loopback redirect (RFC 8252):
the system browser opens the provider's page and comes back to
``http://127.0.0.1:PORT/`` on a port chosen at random, where a tiny server of ours takes
the code, checks the state and exchanges the code for tokens. No embedded browser ever
sees the admin's password.

The tokens (a :class:`Grant`) travel as the account's secret, so they live in the keyring
only; a refreshed grant is handed to the application through the connector's
``on_credentials`` (see ``connectors.base.KeepsTokens``) and kept there too. Everything
here speaks in the connectors' typed errors and never puts a token in a message.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from connectors.base import AuthError, SettingsError, TransientError

#: Settings an account uses to name its provider's endpoints and its client (a contract:
#: the command line's ``--set`` and the window use exactly these names).
AUTHORIZE_URL, TOKEN_URL, CLIENT_ID, SCOPE = (
    "oauth_authorize_url",
    "oauth_token_url",
    "oauth_client_id",
    "oauth_scope",
)
#: Kept in the keyring with the grant, never in the settings.
CLIENT_SECRET = "oauth_client_secret"

#: A token this close to its expiry is refreshed before use rather than after a refusal.
REFRESH_MARGIN = 120.0
TIMEOUT = 20.0


@dataclass(frozen=True)
class Provider:
    """Where a known provider signs people in. ``scopes`` by what the account is for."""

    name: str
    title: str
    authorize_url: str
    token_url: str
    scopes: Mapping[str, str]
    extra: Mapping[str, str] = field(default_factory=dict)


PROVIDERS: dict[str, Provider] = {
    "google": Provider(
        "google",
        "Google",
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        {
            "email": "openid email https://mail.google.com/",
            "business": "openid email https://www.googleapis.com/auth/business.manage",
        },
        # Without these Google gives no refresh token, or none the second time.
        {"access_type": "offline", "prompt": "consent"},
    ),
    "microsoft": Provider(
        "microsoft",
        "Microsoft",
        "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        {
            "email": "openid email offline_access https://outlook.office.com/IMAP.AccessAsUser.All "
            "https://outlook.office.com/SMTP.Send",
        },
    ),
}


@dataclass(frozen=True)
class OAuthConfig:
    """One account's endpoints and client. ``title`` names the provider in messages."""

    authorize_url: str
    token_url: str
    client_id: str
    scope: str
    title: str = "The sign-in service"
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], provider: Provider | None, purpose: str = "email"
    ) -> OAuthConfig:
        """The account's endpoints: its settings where given, else the provider's defaults."""

        def pick(key: str, default: str) -> str:
            return str(settings.get(key) or "").strip() or default

        authorize = pick(AUTHORIZE_URL, provider.authorize_url if provider else "")
        token = pick(TOKEN_URL, provider.token_url if provider else "")
        scope = pick(SCOPE, provider.scopes.get(purpose, "") if provider else "")
        client_id = pick(CLIENT_ID, "")
        for key, value in ((AUTHORIZE_URL, authorize), (TOKEN_URL, token)):
            if not value:
                raise SettingsError(
                    f"setting {key!r} is needed for OAuth sign-in with this server: ask its "
                    "provider for the address of its sign-in service",
                    step="signin",
                )
            if not value.startswith(("https://", "http://")):
                raise SettingsError(f"setting {key!r} must be an https:// URL", step="signin")
        if not client_id:
            who = provider.title if provider else "the provider"
            raise SettingsError(
                f"setting {CLIENT_ID!r} is needed for OAuth sign-in: register Unisono as a desktop "
                f"application with {who} and give its client ID",
                step="signin",
            )
        title = provider.title if provider else "The sign-in service"
        return cls(authorize, token, client_id, scope, title, dict(provider.extra) if provider else {})


@dataclass(frozen=True)
class Grant:
    """What a sign-in obtained. ``signed_in_at`` tells a newer sign-in from a refreshed
    copy of an older one; ``identity`` is who signed in (for the admin to see)."""

    access_token: str
    refresh_token: str | None
    expires_at: float
    signed_in_at: float
    identity: str | None = None
    client_secret: str | None = None

    def to_secret(self) -> str:
        return json.dumps({"oauth": asdict(self)})

    @classmethod
    def from_secret(cls, text: str | None) -> Grant | None:
        """The grant in an account's secret, None when the secret is not one."""
        if not text or not text.lstrip().startswith("{"):
            return None
        try:
            data = json.loads(text).get("oauth")
            return cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError, AttributeError):
            return None

    def expires_soon(self, margin: float = REFRESH_MARGIN) -> bool:
        return self.expires_at != 0 and time.time() + margin >= self.expires_at


def newer(a: Grant | None, b: Grant | None) -> Grant | None:
    """The grant to use of two: the later sign-in, and of one sign-in the later refresh."""
    if a is None or b is None:
        return a or b
    return max(a, b, key=lambda g: (g.signed_in_at, g.expires_at))


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 section 4)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def identity_of(payload: Mapping[str, Any]) -> str | None:
    """Who signed in, read from the token answer's ID token (OpenID Connect) if any.

    Shown to the admin only; nothing is decided on it, so its signature is not checked.
    """
    id_token = payload.get("id_token")
    if not isinstance(id_token, str) or id_token.count(".") < 2:
        return None
    part = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except ValueError:
        return None
    for key in ("email", "preferred_username", "upn", "sub"):
        if isinstance(claims.get(key), str) and claims[key]:
            return str(claims[key])
    return None


# --------------------------------------------------------------------------- token endpoint


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


# --------------------------------------------------------------------------- sign-in


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
