"""`inbox-app accounts add email NAME --oauth --no-browser` through the real command in a
separate process: it prints the authorization URL alone on a line of standard output and
waits; the test opens it as a browser would (the authorization server redirects to the
command's loopback address), and the account is saved with the grant in the keyring only.
Then `accounts test` and `sync` sign in with it against Dovecot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators.oauth import OAuthEmulator
from tests.integration.cli.clirunner import Cli
from tests.integration.email import servers
from tests.integration.email.oauthservers import OAuthSmtpServer

pytestmark = pytest.mark.dovecot


def start(cli: Cli, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "inbox_app.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli.env,
    )


def sign_in_through(proc: subprocess.Popen[str]) -> tuple[str, str, str]:
    """Read the URL the command printed, follow it like a browser; the command's output."""
    assert proc.stdout is not None
    first = proc.stdout.readline()
    url = first.strip()
    with httpx.Client(follow_redirects=True) as browser:
        page = browser.get(url)
    assert "Signed in" in page.text
    rest, err = proc.communicate(timeout=60)
    return url, first + rest, err


def test_adding_an_email_account_signed_in_from_the_command_line(
    tmp_path: Path,
    oauth_dovecot: Any,
    oauth_person: str,
    oauth_smtp: OAuthSmtpServer,
    oauth_emulator: OAuthEmulator,
) -> None:
    client = oauth_dovecot.client(oauth_person, oauth_dovecot.PASSWORD)
    servers.append_all(client, "INBOX", [servers.make_message(n) for n in (1, 2)])
    client.logout()
    cli = Cli(tmp_path)
    cli.env["HOME"] = str(tmp_path / "home")  # this test's own keyring file
    sets = {
        "address": "support@example.com",
        "username": oauth_person,
        "imap_host": "127.0.0.1",
        "imap_port": str(oauth_dovecot.imap_port),
        "imap_security": "none",
        "smtp_host": "127.0.0.1",
        "smtp_port": str(oauth_smtp.port),
        "smtp_security": "none",
        "auth": "oauth2",
        "oauth_provider": "microsoft",
        "oauth_client_id": oauth_emulator.client_id,
        "oauth_authorize_url": oauth_emulator.authorize_url,
        "oauth_token_url": oauth_emulator.token_url,
        "oauth_scope": "mail offline_access",
    }
    args = [arg for key, value in sets.items() for arg in ("--set", f"{key}={value}")]
    proc = start(cli, "accounts", "add", "email", "support", *args, "--oauth", "--no-browser")
    url, out, err = sign_in_through(proc)
    assert proc.returncode == 0, err
    assert url.startswith(oauth_emulator.authorize_url + "?")
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    assert out.splitlines() == [url, "added email account 'support', signed in as support@example.com"]
    assert "open the address above in a browser on this computer to sign in with Microsoft" in err

    # Tokens only in the keyring: not in the database file, not in the account's settings.
    grant = oauth_emulator.grants[-1]
    database = (tmp_path / "inbox.db").read_bytes()
    assert grant.refresh_token.encode() not in database
    read = "import keyring; print(keyring.get_password('inbox_app', 'account:support'))"
    kept = subprocess.run(
        [sys.executable, "-c", read], env=cli.env, capture_output=True, text=True, check=True
    )
    assert json.loads(kept.stdout)["oauth"]["refresh_token"] == grant.refresh_token

    assert "connection works" in cli("accounts", "test", "support").stdout
    synced = cli("sync", "--once")
    assert synced.stdout.startswith("support: 2 fetched, 2 new,"), synced.stdout
    [row] = json.loads(cli("accounts", "list", "--json").stdout)
    assert row["status"] == "idle" and row["last_error"] is None

    # The sign-in is withdrawn at the provider: the account says so; signing in again mends it.
    oauth_emulator.revoke_all()
    oauth_emulator.expire_all()
    cli("sync", "--once", ok=False)
    [row] = json.loads(cli("accounts", "list", "--json").stdout)
    assert row["status"] == "auth_error"
    assert row["last_error"] == "credentials refused: Microsoft no longer accepts this sign-in; sign in again"
    proc = start(cli, "accounts", "set", "support", "--oauth", "--no-browser")
    _url, out, err = sign_in_through(proc)
    assert proc.returncode == 0, err
    assert out.splitlines()[1] == "updated account 'support', signed in as support@example.com"
    assert cli("sync", "--once").stdout.startswith("support: 0 fetched,")
    [row] = json.loads(cli("accounts", "list", "--json").stdout)
    assert row["status"] == "idle" and row["last_error"] is None


def test_a_cancelled_sign_in_saves_nothing_and_says_why(
    tmp_path: Path, oauth_dovecot: Any, oauth_person: str, oauth_emulator: OAuthEmulator
) -> None:
    cli = Cli(tmp_path)
    cli.env["HOME"] = str(tmp_path / "home")
    oauth_emulator.deny = True
    proc = start(
        cli,
        "accounts",
        "add",
        "email",
        "support",
        "--set",
        "address=support@example.com",
        "--set",
        "imap_host=imap.gmail.com",
        "--set",
        "auth=oauth2",
        "--set",
        f"oauth_client_id={oauth_emulator.client_id}",
        "--set",
        f"oauth_authorize_url={oauth_emulator.authorize_url}",
        "--set",
        f"oauth_token_url={oauth_emulator.token_url}",
        "--oauth",
        "--no-browser",
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    with httpx.Client(follow_redirects=True) as browser:
        assert "cancelled" in browser.get(url).text
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert (
        err.strip().splitlines()[-1] == "inbox-app: error: the sign-in with Google was cancelled; try again"
    )
    assert json.loads(cli("accounts", "list", "--json").stdout) == []
    refused = cli(
        "accounts", "add", "email", "x", "--set", "oauth_client_secret=GOCSPX-abc", "--oauth", ok=False
    )
    assert refused.returncode == 1 and "GOCSPX-abc" not in refused.stderr
    assert "oauth_client_secret is a secret: give it on standard input with --secret-stdin" in refused.stderr
    assert os.environ.get("PYTHON_KEYRING_BACKEND") == cli.env["PYTHON_KEYRING_BACKEND"]
