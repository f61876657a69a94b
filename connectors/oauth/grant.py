"""OAuth 2 providers, an account's endpoints and client, and the grant a sign-in obtains."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.base import SettingsError

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
