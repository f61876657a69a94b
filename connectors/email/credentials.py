"""What an email account signs in with: its password, or (``auth=oauth2``) an access token
kept fresh from the grant in its secret, sent as XOAUTH2 or OAUTHBEARER (RFC 7628).

Every login goes through :meth:`Credentials.login`, which runs the blocking login in a
worker thread and, when the server turns an access token down, renews it once and tries
again: a token may stop working before the time it announced (a clock apart, a policy
change), and the admin should not hear of it. A grant the provider no longer honours
comes out as AuthError in words ("Google no longer accepts this sign-in; sign in again").
"""

from __future__ import annotations

import asyncio
import base64
import smtplib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from imapclient import IMAPClient

from connectors.base import AuthError, SettingsError
from connectors.oauth import PROVIDERS, Grant, SignInPlan, TokenSource

from .settings import EmailSettings, email_provider, parse_settings

T = TypeVar("T")


class Credentials:
    def __init__(self, settings: EmailSettings, secret: str | None) -> None:
        self.settings = settings
        self._password = secret
        self.tokens: TokenSource | None = None
        if settings.oauth is not None:
            grant = Grant.from_secret(secret)
            if grant is not None:
                self.tokens = TokenSource(settings.oauth, grant)

    @property
    def oauth(self) -> bool:
        return self.settings.oauth is not None

    async def login(self, fn: Callable[[str | None], T]) -> T:
        """``fn(secret)`` in a worker thread: the password, or a fresh access token."""
        if self.settings.oauth is None:
            return await asyncio.to_thread(fn, self._password)
        if self.tokens is None:
            raise AuthError(
                f"this mailbox signs in with {self.settings.oauth.title} and no sign-in is stored; sign in again",
                step="signin",
            )
        token = await self.tokens.token()
        try:
            return await asyncio.to_thread(fn, token)
        except AuthError:
            token = await self.tokens.token(refused=token)
            return await asyncio.to_thread(fn, token)


def _xoauth2(user: str, token: str) -> str:
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def _oauthbearer(user: str, token: str, host: str, port: int) -> str:
    # RFC 7628 section 3.1; the authorization identity escapes "," and "=" (RFC 5801).
    name = user.replace("=", "=3D").replace(",", "=2C")
    return f"n,a={name},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"


def _mechanism(settings: EmailSettings, offered: set[str], server: str) -> str:
    """XOAUTH2 for Google and Microsoft; OAUTHBEARER, the standard, where a server offers it."""
    if settings.oauth_provider == "other" and "OAUTHBEARER" in offered:
        return "OAUTHBEARER"
    if "XOAUTH2" in offered:
        return "XOAUTH2"
    if "OAUTHBEARER" in offered:
        return "OAUTHBEARER"
    raise SettingsError(
        f"the {server} offers no OAuth 2 sign-in (neither XOAUTH2 nor OAUTHBEARER); set the "
        "sign-in method back to password, or ask the provider",
        step="capability",
    )


def imap_login(client: IMAPClient, settings: EmailSettings, token: str) -> None:
    offered = {
        c.decode().upper().removeprefix("AUTH=")
        for c in client.capabilities()
        if c.upper().startswith(b"AUTH=")
    }
    mechanism = _mechanism(settings, offered, f"IMAP server {settings.imap_host}")
    if mechanism == "OAUTHBEARER":
        client.oauthbearer_login(settings.username, token)
    else:
        client.oauth2_login(settings.username, token)


def smtp_login(server: smtplib.SMTP, settings: EmailSettings, token: str) -> None:
    offered = {m.upper() for m in server.esmtp_features.get("auth", "").split()}
    mechanism = _mechanism(settings, offered, f"SMTP server {settings.smtp_host}")
    if mechanism == "OAUTHBEARER":
        text = _oauthbearer(settings.username, token, settings.smtp_host, settings.smtp_port)
    else:
        text = _xoauth2(settings.username, token)
    code, resp = server.docmd("AUTH", f"{mechanism} {base64.b64encode(text.encode()).decode('ascii')}")
    if code == 334:
        # The server's reasons come as a challenge; an empty answer ends the exchange.
        code, resp = server.docmd("")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


class SignsInWithOAuth:
    """The email connector's OAuth side (``KeepsTokens`` and ``SignsIn``): a refreshed
    grant is handed to the application to keep in the keyring; a kept one (newer than the
    secret's) is handed back before the first login."""

    _credentials: Credentials
    _on_credentials: Callable[[str], None] | None = None

    @property
    def on_credentials(self) -> Callable[[str], None] | None:
        return self._on_credentials

    @on_credentials.setter
    def on_credentials(self, callback: Callable[[str], None] | None) -> None:
        self._on_credentials = callback
        tokens = self._credentials.tokens
        if tokens is not None:
            tokens.on_change = None if callback is None else (lambda grant: callback(grant.to_secret()))

    @classmethod
    def sign_in_title(cls, settings: Mapping[str, Any]) -> str | None:
        if str(settings.get("auth") or "password") != "oauth2":
            return None
        provider = email_provider(settings)
        return "" if provider == "other" else PROVIDERS[provider].title

    @classmethod
    async def prepare_sign_in(cls, settings: Mapping[str, Any], redirect_uri: str) -> SignInPlan:
        oauth = parse_settings(settings).oauth
        if oauth is None:
            raise SettingsError("setting 'auth' is password: this account signs in with its password")
        return SignInPlan(oauth)

    def adopt_token(self, token: str) -> None:
        if self._credentials.tokens is not None:
            self._credentials.tokens.adopt(Grant.from_secret(token))
