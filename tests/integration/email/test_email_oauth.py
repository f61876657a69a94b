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
import subprocess
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
from tests.integration.email.oauthservers import OAuthSmtpServer
from tests.unit.core.helpers import fresh_store

pytestmark = pytest.mark.dovecot


def settings(
    oauth_dovecot: Any, user: str, oauth_smtp: OAuthSmtpServer, oauth_emulator: OAuthEmulator, **more: Any
) -> dict[str, Any]:
    return servers.settings_for(
        oauth_dovecot,
        user,
        None,
        smtp_port=oauth_smtp.port,
        auth="oauth2",
        oauth_client_id=oauth_emulator.client_id,
        oauth_authorize_url=oauth_emulator.authorize_url,
        oauth_token_url=oauth_emulator.token_url,
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


def mail(oauth_dovecot: Any, user: str, count: int) -> None:
    client = oauth_dovecot.client(user, oauth_dovecot.PASSWORD)
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
    oauth_dovecot: Any, oauth_person: str, oauth_smtp: OAuthSmtpServer, oauth_emulator: OAuthEmulator
) -> None:
    mail(oauth_dovecot, oauth_person, 3)
    values = settings(oauth_dovecot, oauth_person, oauth_smtp, oauth_emulator, oauth_provider="google")

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
    asked = next(query for path, query in oauth_emulator.calls if path == "/authorize")
    assert asked["code_challenge_method"] == "S256" and asked["redirect_uri"].startswith("http://127.0.0.1:")
    assert asked["scope"] == "mail offline_access" and asked["access_type"] == "offline"
    assert sorted(i.subject for i in items) == ["Ordine 1", "Ordine 2", "Ordine 3"]
    assert [r.rcpt_tos for r in oauth_smtp.handler.received] == [["cliente1@example.org"]]
    assert set(oauth_smtp.handler.logins) == {("XOAUTH2", oauth_person)}
    assert f"user=<{oauth_person}>, method=XOAUTH2" in oauth_dovecot.log()


def test_a_server_announcing_oauthbearer_with_endpoints_given_by_hand(
    oauth_dovecot: Any, oauth_person: str, oauth_smtp: OAuthSmtpServer, oauth_emulator: OAuthEmulator
) -> None:
    mail(oauth_dovecot, oauth_person, 2)
    values = settings(oauth_dovecot, oauth_person, oauth_smtp, oauth_emulator)  # 127.0.0.1: no known provider

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
    assert set(oauth_smtp.handler.logins) == {("OAUTHBEARER", oauth_person)}
    assert f"user=<{oauth_person}>, method=OAUTHBEARER" in oauth_dovecot.log()


def test_a_token_expiring_in_the_middle_of_a_sync_is_renewed_quietly(
    oauth_dovecot: Any, oauth_person: str, oauth_smtp: OAuthSmtpServer, oauth_emulator: OAuthEmulator
) -> None:
    mail(oauth_dovecot, oauth_person, 6)
    values = settings(oauth_dovecot, oauth_person, oauth_smtp, oauth_emulator, oauth_provider="google")
    kept: list[str] = []

    async def scenario() -> tuple[list[Any], Grant]:
        grant, _page = await sign_in(EmailConnector(values, None).settings.oauth)  # type: ignore[arg-type]
        connector = EmailConnector(values, grant.to_secret())
        connector.on_credentials = kept.append
        connector.batch_size = 2
        connector.fetch_ahead = 0
        items: list[Any] = []
        expired: list[bool] = []
        cursor = None
        try:
            with pytest.raises(TransientError):
                async for batch in connector.fetch(cursor):
                    items.extend(batch.items)
                    cursor = batch.cursor
                    if items and not expired:
                        expired.append(True)
                        # An hour has passed: the token expires and the server drops the line.
                        oauth_emulator.expire_all()
                        kick(oauth_dovecot, oauth_person)
            assert 0 < len(items) < 6
            async for batch in connector.fetch(cursor):  # the runner's next round
                items.extend(batch.items)
            await connector.send(reply(3))
        finally:
            await connector.close()
        return items, grant

    refreshes_before = oauth_emulator.count("/token", "refresh_token")
    items, grant = asyncio.run(scenario())
    assert sorted(i.subject for i in items) == [f"Ordine {n}" for n in range(1, 7)]
    assert oauth_emulator.count("/token", "refresh_token") == refreshes_before + 1
    assert len(kept) == 1  # the renewed grant, handed over to be kept in the keyring
    renewed = Grant.from_secret(kept[0])
    assert renewed is not None and renewed.access_token != grant.access_token
    assert renewed.refresh_token == grant.refresh_token and renewed.signed_in_at == grant.signed_in_at
    assert len(oauth_smtp.handler.received) == 1


def kick(oauth_dovecot: Any, user: str) -> None:
    subprocess.run(
        ["doveadm", "-c", str(oauth_dovecot.config), "kick", user], check=True, capture_output=True
    )


def test_a_withdrawn_sign_in_shows_on_the_account_in_words(
    tmp_path: Path,
    oauth_dovecot: Any,
    oauth_person: str,
    oauth_smtp: OAuthSmtpServer,
    oauth_emulator: OAuthEmulator,
) -> None:
    mail(oauth_dovecot, oauth_person, 1)
    values = settings(oauth_dovecot, oauth_person, oauth_smtp, oauth_emulator, oauth_provider="google")
    grant, _page = asyncio.run(sign_in(EmailConnector(values, None).settings.oauth))  # type: ignore[arg-type]
    services = fresh_store(tmp_path)
    try:
        services.accounts.add("email", "support", values, grant.to_secret())
        [first] = asyncio.run(services.supervisor().run_once("support"))
        assert first.error is None
        oauth_emulator.revoke_all()
        oauth_emulator.expire_all()

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
