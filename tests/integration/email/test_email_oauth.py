"""Email with OAuth 2 sign-in against a real Dovecot whose oauth2 password database asks our
authorization server about every token, and an SMTP server that does the same.

The test plays the person at the browser: it follows the authorization URL the sign-in
prints, the server redirects to the loopback listener, and the code is exchanged with the
PKCE verifier. Then: sync and send with XOAUTH2 (Google-style) or OAUTHBEARER (endpoints
given by hand), a token that expires in the middle of a sync renewed without a word, and a
withdrawn sign-in reported on the account in words.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.base import AuthError, OutboundReply, TransientError
from connectors.email import EmailConnector
from connectors.oauth import Grant, OAuthConfig, SignIn
from inbox_app.core.vocab import AccountStatus
from tests.emulators.oauth import OAuthEmulator
from tests.integration.email import servers
from tests.integration.email.oauthservers import OAuthSmtpServer, oauth_dovecot
from tests.unit.core.helpers import fresh_store

pytestmark = pytest.mark.dovecot


@pytest.fixture(scope="module")
def emulator() -> Iterator[OAuthEmulator]:
    server = OAuthEmulator()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dovecot(mail_tmp: Path, certificate: tuple[Path, Path], emulator: OAuthEmulator) -> Iterator[Any]:
    if shutil.which("dovecot") is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    server = oauth_dovecot(mail_tmp / "oauth", *certificate, emulator)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def person(dovecot: Any, emulator: OAuthEmulator) -> str:
    """A fresh mailbox, and the person who signs in at the provider owns it."""
    user, _password = dovecot.add_user()
    emulator.user = user
    emulator.deny = False
    return user


@pytest.fixture
def smtp(emulator: OAuthEmulator) -> Iterator[OAuthSmtpServer]:
    server = OAuthSmtpServer(emulator)
    server.start()
    yield server
    server.stop()


def settings(
    dovecot: Any, user: str, smtp: OAuthSmtpServer, emulator: OAuthEmulator, **more: Any
) -> dict[str, Any]:
    return servers.settings_for(
        dovecot,
        user,
        None,
        smtp_port=smtp.port,
        auth="oauth2",
        oauth_client_id=emulator.client_id,
        oauth_authorize_url=emulator.authorize_url,
        oauth_token_url=emulator.token_url,
        oauth_scope="mail offline_access",
        **more,
    )


async def sign_in(config: OAuthConfig) -> tuple[Grant, str]:
    """The loopback flow, the test following the URL as the browser would."""
    flow = SignIn(config)
    url = await flow.start()
    async with httpx.AsyncClient(follow_redirects=True) as browser:
        page = await browser.get(url)
    grant = await flow.finish(timeout=10)
    return grant, page.text


def mail(dovecot: Any, user: str, count: int) -> None:
    client = dovecot.client(user, dovecot.PASSWORD)
    try:
        servers.append_all(client, "INBOX", [servers.make_message(n) for n in range(1, count + 1)])
    finally:
        client.logout()


def reply(n: int) -> OutboundReply:
    return OutboundReply(
        idempotency_key=f"<reply-{n}@example.com>",
        thread_key="<msg-1@example.org>",
        text="Grazie, il pacco è partito oggi.",
        to=(servers_address(),),
        subject="Re: Ordine 1",
    )


def servers_address() -> Any:
    from connectors.base import Address

    return Address("email", "cliente1@example.org")


def test_signing_in_then_syncing_and_sending_with_xoauth2(
    dovecot: Any, person: str, smtp: OAuthSmtpServer, emulator: OAuthEmulator
) -> None:
    mail(dovecot, person, 3)
    values = settings(dovecot, person, smtp, emulator, oauth_provider="google")

    async def scenario() -> tuple[Grant, str, list[Any]]:
        connector = EmailConnector(values, None)
        grant, page = await sign_in(connector.settings.oauth)  # type: ignore[arg-type]
        connector = EmailConnector(values, grant.to_secret())
        try:
            await connector.check()
            items, _cursor, _progress = await servers.collect(connector, None)
            await connector.send(reply(1))
        finally:
            await connector.close()
        return grant, page, items

    grant, page, items = asyncio.run(scenario())
    assert "Signed in" in page
    assert grant.identity == "support@example.com"  # who signed in, from the ID token
    assert grant.refresh_token and grant.access_token.startswith("at-")
    asked = next(query for path, query in emulator.calls if path == "/authorize")
    assert asked["code_challenge_method"] == "S256" and asked["redirect_uri"].startswith("http://127.0.0.1:")
    assert asked["scope"] == "mail offline_access" and asked["access_type"] == "offline"
    assert sorted(i.subject for i in items) == ["Ordine 1", "Ordine 2", "Ordine 3"]
    assert [r.rcpt_tos for r in smtp.handler.received] == [["cliente1@example.org"]]
    assert set(smtp.handler.logins) == {("XOAUTH2", person)}
    assert f"user=<{person}>, method=XOAUTH2" in dovecot.log()


def test_a_server_announcing_oauthbearer_with_endpoints_given_by_hand(
    dovecot: Any, person: str, smtp: OAuthSmtpServer, emulator: OAuthEmulator
) -> None:
    mail(dovecot, person, 2)
    values = settings(dovecot, person, smtp, emulator)  # 127.0.0.1: no known provider

    async def scenario() -> list[Any]:
        grant, _page = await sign_in(EmailConnector(values, None).settings.oauth)  # type: ignore[arg-type]
        connector = EmailConnector(values, grant.to_secret())
        try:
            items, _cursor, _progress = await servers.collect(connector, None)
            await connector.send(reply(2))
        finally:
            await connector.close()
        return items

    items = asyncio.run(scenario())
    assert len(items) == 2
    assert set(smtp.handler.logins) == {("OAUTHBEARER", person)}
    assert f"user=<{person}>, method=OAUTHBEARER" in dovecot.log()


def test_a_token_expiring_in_the_middle_of_a_sync_is_renewed_quietly(
    dovecot: Any, person: str, smtp: OAuthSmtpServer, emulator: OAuthEmulator
) -> None:
    mail(dovecot, person, 6)
    values = settings(dovecot, person, smtp, emulator, oauth_provider="google")
    kept: list[str] = []

    async def scenario() -> tuple[list[Any], Grant]:
        grant, _page = await sign_in(EmailConnector(values, None).settings.oauth)  # type: ignore[arg-type]
        connector = EmailConnector(values, grant.to_secret())
        connector.on_credentials = kept.append
        connector.batch_size = 2
        connector.fetch_ahead = 0
        items: list[Any] = []
        cursor = None
        try:
            with pytest.raises(TransientError):
                async for batch in connector.fetch(cursor):
                    items.extend(batch.items)
                    cursor = batch.cursor
                    if items and not emulator.count("/token", "refresh_token"):
                        # An hour has passed: the token expires and the server drops the line.
                        emulator.expire_all()
                        kick(dovecot, person)
            assert 0 < len(items) < 6
            async for batch in connector.fetch(cursor):  # the runner's next round
                items.extend(batch.items)
            await connector.send(reply(3))
        finally:
            await connector.close()
        return items, grant

    refreshes_before = emulator.count("/token", "refresh_token")
    items, grant = asyncio.run(scenario())
    assert sorted(i.subject for i in items) == [f"Ordine {n}" for n in range(1, 7)]
    assert emulator.count("/token", "refresh_token") == refreshes_before + 1
    assert len(kept) == 1  # the renewed grant, handed over to be kept in the keyring
    renewed = Grant.from_secret(kept[0])
    assert renewed is not None and renewed.access_token != grant.access_token
    assert renewed.refresh_token == grant.refresh_token and renewed.signed_in_at == grant.signed_in_at
    assert len(smtp.handler.received) == 1


def kick(dovecot: Any, user: str) -> None:
    subprocess.run(["doveadm", "-c", str(dovecot.config), "kick", user], check=True, capture_output=True)


def test_a_withdrawn_sign_in_shows_on_the_account_in_words(
    tmp_path: Path, dovecot: Any, person: str, smtp: OAuthSmtpServer, emulator: OAuthEmulator
) -> None:
    mail(dovecot, person, 1)
    values = settings(dovecot, person, smtp, emulator, oauth_provider="google")
    grant, _page = asyncio.run(sign_in(EmailConnector(values, None).settings.oauth))  # type: ignore[arg-type]
    services = fresh_store(tmp_path)
    try:
        services.accounts.add("email", "support", values, grant.to_secret())
        [first] = asyncio.run(services.supervisor().run_once("support"))
        assert first.error is None
        emulator.revoke_all()
        emulator.expire_all()

        async def check() -> None:
            connector = EmailConnector(values, grant.to_secret())
            try:
                await connector.check()
            finally:
                await connector.close()

        with pytest.raises(AuthError) as refused:
            asyncio.run(check())
        assert str(refused.value) == "Google no longer accepts this sign-in; sign in again"
        assert refused.value.step == "signin"
        [second] = asyncio.run(services.supervisor().run_once("support"))
        account = services.accounts.get("support")
        assert account.status == AccountStatus.AUTH_ERROR
        words = "credentials refused: Google no longer accepts this sign-in; sign in again"
        assert account.last_error == words
        assert grant.refresh_token not in (account.last_error or "") + repr(account.settings)
        assert second.error == words
    finally:
        services.close()
