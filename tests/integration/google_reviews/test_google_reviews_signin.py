"""A Google Business Profile location signed in with Google instead of a pasted refresh
token: the loopback sign-in (the test follows the URL as the browser would), the
manager's locations listed from accounts.list and accounts.locations.list to pick from,
and the reviews read with the grant kept as the secret. Through the service and the real
command; the pasted JSON keeps working for headless workers (the other tests use it)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.base import AuthError
from connectors.google_reviews import GoogleReviewsConnector
from connectors.oauth import Grant
from inbox_app.core.signin import AccountSignIn
from tests.emulators.google_reviews import SCOPE, GoogleReviewsEmulator
from tests.integration.cli.clirunner import Cli
from tests.integration.google_reviews.helpers import collect


def sign_in_settings(emulator: GoogleReviewsEmulator) -> dict[str, Any]:
    return {
        "client_id": emulator.client_id,
        "api_base": emulator.base_url,
        "token_url": emulator.token_url,
        "oauth_authorize_url": emulator.base_url + "/authorize",
        "accounts_api": emulator.base_url,
        "locations_api": emulator.base_url,
        "history_days": 0,
    }


def test_signing_in_lists_the_managers_locations_and_reads_the_chosen_one(
    emulator: GoogleReviewsEmulator,
) -> None:
    second = emulator.add_location(
        "555", "777", title="Pizzeria Unisono", address=("Piazza Maggiore 2", "Bologna")
    )
    emulator.add_location("666", "888", ours=False, title="Not ours")
    emulator.customer_reviews("Ada Rossi", 5, "Ottimo servizio", location=second.name)
    settings = sign_in_settings(emulator)

    async def scenario() -> tuple[Any, list[Any]]:
        signin = AccountSignIn({"google_reviews": GoogleReviewsConnector})
        pending = await signin.start("google_reviews", settings, emulator.client_secret)
        assert "access_type=offline" in pending.url and "business.manage" in pending.url
        async with httpx.AsyncClient(follow_redirects=True) as browser:
            await browser.get(pending.url)
        done = await pending.finish(timeout=10)
        connector = GoogleReviewsConnector({**settings, "location": second.name}, done.secret)
        try:
            batches, _cursor = await collect(connector, None)
        finally:
            await connector.close()
        return done, [i for b in batches for i in b.items]

    done, items = asyncio.run(scenario())
    assert done.identity == "owner@example.com"
    assert done.choices["location"] == [
        (emulator.location, "Trattoria Unisono — Via Roma 1, Bologna"),
        (second.name, "Pizzeria Unisono — Piazza Maggiore 2, Bologna"),
    ]
    grant = Grant.from_secret(done.secret)
    assert grant is not None and grant.client_secret == emulator.client_secret
    assert emulator.refresh_tokens[grant.refresh_token or ""] == tuple(
        ["openid", "email", "https://www.googleapis.com/auth/business.manage"]
    )
    assert SCOPE in emulator.refresh_tokens[grant.refresh_token or ""]
    assert [i.text for i in items] == ["★★★★★ Ottimo servizio"]

    # The manager withdraws Unisono's access: said in words, the step is the sign-in.
    emulator.revoke(grant.refresh_token or "")

    async def check() -> None:
        connector = GoogleReviewsConnector({**settings, "location": second.name}, done.secret)
        try:
            await connector.check()
        finally:
            await connector.close()

    with pytest.raises(AuthError) as refused:
        asyncio.run(check())
    assert str(refused.value) == "Google no longer accepts this sign-in; sign in again"
    assert refused.value.step == "signin"


def test_accounts_add_google_reviews_with_oauth_takes_the_only_location(
    emulator: GoogleReviewsEmulator, tmp_path: Path
) -> None:
    emulator.customer_reviews("Bruno Neri", 2, "Attesa lunga")
    cli = Cli(tmp_path)
    cli.env["HOME"] = str(tmp_path / "home")
    sets = [arg for key, value in sign_in_settings(emulator).items() for arg in ("--set", f"{key}={value}")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "inbox_app.cli", "accounts", "add", "google_reviews", "trattoria", *sets]
        + ["--oauth", "--no-browser", "--secret-stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(emulator.client_secret + "\n")  # the client secret, read before signing in
    proc.stdin.flush()
    url = proc.stdout.readline().strip()
    assert "Signed in" in httpx.get(url, follow_redirects=True).text
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "added google_reviews account 'trattoria', signed in as owner@example.com"
    assert f"location: {emulator.location} (Trattoria Unisono — Via Roma 1, Bologna)" in err
    [row] = json.loads(cli("accounts", "list", "--json").stdout)
    assert row["name"] == "trattoria"
    assert cli("sync", "--once").stdout.startswith("trattoria: 1 fetched, 1 new,")
