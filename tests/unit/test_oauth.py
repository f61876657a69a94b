"""The OAuth 2 client (connectors/oauth.py) against our authorization server on loopback:
the state is checked, a cancelled sign-in and an unknown client are said in words, a
refresh happens once for many refused connections, and grants are told apart by age."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from connectors.base import AuthError, SettingsError
from connectors.oauth import PROVIDERS, Grant, OAuthConfig, SignIn, TokenSource, newer, pkce_pair
from tests.emulators.oauth import OAuthEmulator


@pytest.fixture
def emulator() -> Iterator[OAuthEmulator]:
    server = OAuthEmulator()
    server.start()
    yield server
    server.stop()


def config(emulator: OAuthEmulator, client_id: str | None = None) -> OAuthConfig:
    settings = {
        "oauth_authorize_url": emulator.authorize_url,
        "oauth_token_url": emulator.token_url,
        "oauth_client_id": client_id or emulator.client_id,
        "oauth_scope": "mail",
    }
    return OAuthConfig.from_settings(settings, PROVIDERS["microsoft"])


def test_provider_defaults_and_what_is_missing_said_in_words() -> None:
    google = OAuthConfig.from_settings({"oauth_client_id": "abc"}, PROVIDERS["google"])
    assert google.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert google.token_url == "https://oauth2.googleapis.com/token"
    assert google.scope == "openid email https://mail.google.com/"
    assert dict(google.extra) == {"access_type": "offline", "prompt": "consent"}
    with pytest.raises(SettingsError) as missing:
        OAuthConfig.from_settings({}, PROVIDERS["microsoft"])
    assert str(missing.value) == (
        "setting 'oauth_client_id' is needed for OAuth sign-in: register Unisono as a desktop "
        "application with Microsoft and give its client ID"
    )
    with pytest.raises(SettingsError) as no_endpoint:
        OAuthConfig.from_settings({"oauth_client_id": "abc"}, None)
    assert "'oauth_authorize_url' is needed" in str(no_endpoint.value)


def test_pkce_challenge_is_the_s256_of_the_verifier() -> None:
    import base64
    import hashlib

    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected


def test_a_redirect_with_another_state_is_ignored_and_the_real_one_completes(emulator: OAuthEmulator) -> None:
    async def scenario() -> tuple[int, Grant]:
        flow = SignIn(config(emulator))
        url = await flow.start()
        async with httpx.AsyncClient() as browser:
            forged = await browser.get(flow.redirect_uri + "?code=stolen&state=guess")
            authorize = await browser.get(url)
            await browser.get(authorize.headers["Location"])
        return forged.status_code, await flow.finish(timeout=5)

    status, grant = asyncio.run(scenario())
    assert status == 400
    assert grant.identity == "support@example.com" and grant.refresh_token
    assert emulator.count("/token", "authorization_code") == 1


def test_a_cancelled_sign_in_is_said_in_words(emulator: OAuthEmulator) -> None:
    emulator.deny = True

    async def scenario() -> None:
        flow = SignIn(config(emulator))
        url = await flow.start()
        async with httpx.AsyncClient(follow_redirects=True) as browser:
            await browser.get(url)
        await flow.finish(timeout=5)

    with pytest.raises(AuthError) as cancelled:
        asyncio.run(scenario())
    assert str(cancelled.value) == "the sign-in with Microsoft was cancelled; try again"


def test_an_unknown_client_names_the_setting(emulator: OAuthEmulator) -> None:
    grant = Grant("at", "rt", time.time() - 1, time.time())
    with pytest.raises(SettingsError) as unknown:
        asyncio.run(TokenSource(config(emulator, "someone-else"), grant).token())
    assert "setting 'oauth_client_id'" in str(unknown.value)


def test_many_refused_connections_refresh_once(emulator: OAuthEmulator) -> None:
    async def scenario() -> tuple[list[str], list[Grant]]:
        flow = SignIn(config(emulator))
        url = await flow.start()
        async with httpx.AsyncClient(follow_redirects=True) as browser:
            await browser.get(url)
        grant = await flow.finish(timeout=5)
        kept: list[Grant] = []
        source = TokenSource(config(emulator), grant, kept.append)
        tokens = await asyncio.gather(*(source.token(refused=grant.access_token) for _ in range(5)))
        return tokens, kept

    tokens, kept = asyncio.run(scenario())
    assert len(set(tokens)) == 1 and len(kept) == 1
    assert emulator.count("/token", "refresh_token") == 1


def test_grants_are_told_apart_by_sign_in_then_by_refresh() -> None:
    old = Grant("a", "r1", expires_at=200, signed_in_at=100)
    refreshed = Grant("b", "r1", expires_at=300, signed_in_at=100)
    again = Grant("c", "r2", expires_at=150, signed_in_at=120)
    assert newer(old, refreshed) is refreshed
    assert newer(refreshed, again) is again  # a new sign-in wins over a refreshed old one
    assert Grant.from_secret(again.to_secret()) == again
    assert Grant.from_secret("hunter2") is None
