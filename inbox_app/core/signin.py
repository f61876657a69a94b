"""Signing a channel account in through its provider's page (OAuth 2) rather than with a
pasted secret: the window's "Sign in with Google" and ``inbox-app accounts add KIND NAME
--oauth`` both come through here.

:meth:`AccountSignIn.start` checks the settings, listens on a loopback port and returns a
:class:`PendingSignIn` whose ``url`` the caller opens in the system browser (or prints);
``finish`` waits for the browser to come back and returns the secret to keep in the
keyring, who signed in and any settings the connector chose (a client it registered).
Nothing here blocks the event loop or touches the database; saving stays with
:class:`~inbox_app.core.accounts.AccountService`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.base import (
    ConnectorClass,
    ConnectorError,
    Identifies,
    SettingsError,
    SignsIn,
    validate_settings,
)
from connectors.oauth import SignIn, SignInPlan, open_browser

__all__ = ["AccountSignIn", "PendingSignIn", "SignedIn", "SignInError", "open_browser"]

#: How long a sign-in waits for the browser before giving up.
WAIT = 600.0


class SignInError(Exception):
    """A sign-in that cannot start as asked; the message says why in words."""


@dataclass(frozen=True)
class SignedIn:
    """``choices``: settings the admin now picks from what the sign-in may reach (a Google
    manager's locations), as (value, words) pairs by setting."""

    secret: str
    identity: str | None
    settings: Mapping[str, Any] = field(default_factory=dict)
    choices: Mapping[str, list[tuple[str, str]]] = field(default_factory=dict)


class PendingSignIn:
    def __init__(
        self, flow: SignIn, plan: SignInPlan, cls: ConnectorClass, settings: Mapping[str, Any]
    ) -> None:
        self._flow = flow
        self._plan = plan
        self._cls = cls
        self._settings = {**settings, **plan.settings}
        self.url = flow.url
        self.provider = plan.config.title

    async def finish(self, timeout: float = WAIT) -> SignedIn:
        """Wait for the browser's redirect and exchange the code; the connector's typed
        errors (AuthError for a refused or cancelled sign-in) in words otherwise."""
        grant = await self._flow.finish(timeout)
        secret, identity = grant.to_secret(), grant.identity
        if identity is None:
            # The provider did not say who signed in (no OpenID): the channel can (Mastodon).
            connector = self._cls(self._settings, secret)
            try:
                if isinstance(connector, Identifies):
                    identity = await connector.identify()
            except ConnectorError:
                identity = None  # signed in all the same; "Test connection" will say more
            finally:
                await connector.close()
        choices: dict[str, list[tuple[str, str]]] = {}
        lister = getattr(self._cls, "choices_after_sign_in", None)
        if lister is not None:
            try:
                choices = dict(await lister(self._settings, secret))
            except ConnectorError:
                choices = {}  # signed in all the same; the admin types the setting instead
        return SignedIn(secret, identity, dict(self._plan.settings), choices)

    def cancel(self) -> None:
        self._flow.close()


class AccountSignIn:
    def __init__(self, registry: Mapping[str, ConnectorClass]) -> None:
        self._registry = registry

    def title(self, kind: str, settings: Mapping[str, Any]) -> str | None:
        """With whom an account of ``kind`` with ``settings`` signs in ("Google",
        "Microsoft", "" for a provider we know no name of), None when it takes a secret."""
        cls = self._registry.get(kind)
        if not isinstance(cls, SignsIn):
            return None
        return cls.sign_in_title(settings)

    async def start(
        self, kind: str, settings: Mapping[str, Any], client_secret: str | None = None
    ) -> PendingSignIn:
        cls = self._registry.get(kind)
        if cls is None:
            raise SignInError(f"unknown account kind {kind!r}")
        if not isinstance(cls, SignsIn) or cls.sign_in_title(settings) is None:
            raise SignInError(
                f"{kind} accounts with these settings sign in with a password or token, not OAuth"
            )
        try:
            clean = validate_settings(cls.settings_schema, settings)
        except SettingsError as exc:
            raise SignInError(str(exc))
        flow = SignIn()
        redirect_uri = await flow.listen()
        try:
            plan: SignInPlan = await cls.prepare_sign_in(clean, redirect_uri)
            flow.authorize(plan.config, plan.client_secret or client_secret)
        except BaseException:
            flow.close()
            raise
        return PendingSignIn(flow, plan, cls, clean)
