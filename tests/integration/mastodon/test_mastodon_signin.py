"""Mastodon without a token copied by hand: Unisono registers itself as an app of the
instance (POST /api/v1/apps) for the loopback redirect, the person signs in at the
instance (the test follows the URL as the browser would), and the token obtained is the
account's secret, kept in the keyring. Through the service and through the real command."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from connectors.base import AuthError
from connectors.mastodon import MastodonConnector
from connectors.oauth import Grant
from inbox_app.core.signin import AccountSignIn
from tests.emulators.mastodon import MastodonEmulator
from tests.integration.cli.clirunner import Cli


async def follow(url: str) -> str:
    async with httpx.AsyncClient(follow_redirects=True) as browser:
        return (await browser.get(url)).text


def test_signing_in_registers_the_app_then_reads_mentions(emulator: MastodonEmulator) -> None:
    emulator.customer_mentions(emulator.account("ada"), "Buongiorno @support, il mio ordine?")
    signin = AccountSignIn({"mastodon": MastodonConnector})
    settings = {"instance": emulator.base_url}

    async def scenario() -> tuple[str, str | None, int]:
        pending = await signin.start("mastodon", settings)
        await follow(pending.url)
        done = await pending.finish(timeout=10)
        connector = MastodonConnector(settings, done.secret)
        try:
            items = [i for batch in [b async for b in connector.fetch(None)] for i in batch.items]
        finally:
            await connector.close()
        return done.secret, done.identity, len(items)

    secret, identity, count = asyncio.run(scenario())
    [app] = emulator.apps.values()
    assert app["name"] == "Unisono" and app["scopes"] == ["read", "write:statuses", "write:media"]
    assert app["redirect_uris"][0].startswith("http://127.0.0.1:")
    grant = Grant.from_secret(secret)
    assert grant is not None and grant.access_token in emulator.tokens
    assert grant.expires_at == 0 and grant.refresh_token is None  # Mastodon tokens last until revoked
    assert identity == "@support@social.example"
    assert count == 1


def test_a_revoked_mastodon_sign_in_is_refused_in_words(emulator: MastodonEmulator) -> None:
    signin = AccountSignIn({"mastodon": MastodonConnector})
    settings = {"instance": emulator.base_url}

    async def scenario() -> None:
        pending = await signin.start("mastodon", settings)
        await follow(pending.url)
        done = await pending.finish(timeout=10)
        grant = Grant.from_secret(done.secret)
        assert grant is not None
        emulator.tokens.discard(grant.access_token)  # revoked in the account's preferences
        connector = MastodonConnector(settings, done.secret)
        try:
            await connector.check()
        finally:
            await connector.close()

    with pytest.raises(AuthError) as refused:
        asyncio.run(scenario())
    assert "access token" in str(refused.value) and grant_text_absent(str(refused.value), emulator)


def grant_text_absent(text: str, emulator: MastodonEmulator) -> bool:
    return not any(token in text for token in emulator.tokens)


def test_accounts_add_mastodon_with_oauth_from_the_command_line(
    emulator: MastodonEmulator, tmp_path: Path
) -> None:
    emulator.customer_mentions(emulator.account("bruno"), "Ciao @support, avete aperto domenica?")
    cli = Cli(tmp_path)
    cli.env["HOME"] = str(tmp_path / "home")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inbox_app.cli",
            "accounts",
            "add",
            "mastodon",
            "social",
            "--set",
            f"instance={emulator.base_url}",
            "--oauth",
            "--no-browser",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith(emulator.base_url + "/oauth/authorize?")
    assert "Signed in" in httpx.get(url, follow_redirects=True).text
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "added mastodon account 'social', signed in as @support@social.example"
    assert cli("sync", "--once").stdout.startswith("social: 1 fetched, 1 new,")
    [row] = json.loads(cli("accounts", "list", "--json").stdout)
    assert row["status"] == "idle"
