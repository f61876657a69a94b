"""`inbox-app accounts detect` as a process, against a made-up domain on loopback; and the
Matrix and Telegram helpers of a new account."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from connectors.base import AuthError, DiscoveryOptions
from connectors.matrix import MatrixConnector
from connectors.telegram import TelegramConnector
from tests.emulators.telegram import DEFAULT_TOKEN, TelegramEmulator
from tests.integration.cli.clirunner import Cli
from tests.servers.detect import DnsResponder, FileServer, LocalCA, config_xml, free_port

KEYS = [
    "imap_host",
    "imap_port",
    "imap_security",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "username",
    "auth",
    "source",
]


def test_accounts_detect_finds_the_domains_autoconfig_and_says_so_when_nothing_is_found(
    cli: Cli, tmp_path: Path
) -> None:
    ca = LocalCA(tmp_path)
    https = FileServer(ca.server_context("autoconfig.example.test", "example.test"))
    ispdb = FileServer(None)
    dns = DnsResponder({("autoconfig.example.test", "A"): ["127.0.0.1"]})
    https.put(
        "autoconfig.example.test",
        "/mail/config-v1.1.xml",
        config_xml("imap.example.test", "smtp.example.test"),
    )
    ports = ",".join(f"{n}={free_port()}" for n in ("imaps", "imap", "submissions", "submission"))
    env = {
        "INBOX_APP_DNS": dns.address,
        "INBOX_APP_DETECT_PORTS": f"https={https.port},{ports}",
        "SSL_CERT_FILE": str(ca.pem),  # the system's trust, for this process: the test CA
    }
    try:
        cli("settings", "set", "ispdb_url", f"http://127.0.0.1:{ispdb.port}/v1.1/")
        found = json.loads(cli("accounts", "detect", "ada@example.test", "--json", env=env).stdout)
        assert list(found) == KEYS
        assert found == {
            "imap_host": "imap.example.test",
            "imap_port": 993,
            "imap_security": "ssl",
            "smtp_host": "smtp.example.test",
            "smtp_port": 465,
            "smtp_security": "ssl",
            "username": "ada@example.test",
            "auth": "password",
            "source": "autoconfig",
        }
        words = cli("accounts", "detect", "ada@example.test", env=env).stdout
        assert "found by autoconfig" in words and "imap.example.test port 993" in words
        # The ISPDB is asked at the address of the store setting.
        assert any(path == "/v1.1/example.test" for _host, path in ispdb.requests)
        # An account added with its address alone gets the servers found for it.
        added = cli(
            "accounts",
            "add",
            "email",
            "ada",
            "--set",
            "address=ada@example.test",
            "--secret-stdin",
            stdin="pw\n",
            env=env,
        )
        assert "found by autoconfig: imap_host=imap.example.test" in added.stderr
        from inbox_app.app import build

        store = build(cli.db)
        try:
            ada = store.accounts.get("ada").settings
        finally:
            store.close()
        assert (ada["imap_host"], ada["smtp_port"], ada["address"]) == (
            "imap.example.test",
            465,
            "ada@example.test",
        )
        refused = cli(
            "accounts",
            "add",
            "email",
            "bob",
            "--set",
            "address=bob@nowhere.test",
            "--secret-stdin",
            stdin="pw\n",
            env=env,
            ok=False,
        )
        assert (
            refused.returncode != 0
            and "setting 'imap_host' was not given and could not be found" in refused.stderr
        )
        none = cli("accounts", "detect", "bob@nowhere.test", env=env, ok=False)
        assert none.returncode != 0 and none.stdout == ""
        assert "no settings found for bob@nowhere.test; fill in the servers by hand" in none.stderr
        assert "SRV records of nowhere.test: none for IMAP" in none.stderr
    finally:
        https.close()
        ispdb.close()
        dns.close()


def test_a_matrix_id_alone_finds_its_homeserver(tmp_path: Path) -> None:
    ca = LocalCA(tmp_path)
    server = FileServer(ca.server_context("localhost"))
    base = f"https://localhost:{server.port}"
    server.put(
        "localhost",
        "/.well-known/matrix/client",
        json.dumps({"m.homeserver": {"base_url": base + "/"}}),
        "application/json",
    )
    server.put(
        "localhost", "/_matrix/client/versions", json.dumps({"versions": ["v1.11"]}), "application/json"
    )
    options = DiscoveryOptions(tls=ca.client_context(), timeout=3)
    try:
        found = asyncio.run(
            MatrixConnector.discover({"user_id": f"@support:localhost:{server.port}"}, options)
        )
        assert (found.source, dict(found.settings)) == ("well-known", {"homeserver": base})
        server.files.clear()  # no file, no homeserver: said in words
        missing = asyncio.run(
            MatrixConnector.discover({"user_id": f"@support:localhost:{server.port}"}, options)
        )
        assert missing.found == {} and "type the homeserver's address by hand" in missing.tried[0]
        wrong = asyncio.run(MatrixConnector.discover({"user_id": "support"}, options))
        assert "a Matrix ID looks like @name:example.org" in wrong.tried[0]
    finally:
        server.close()


def test_a_telegram_bot_token_is_checked_at_once_and_the_bot_named() -> None:
    emulator = TelegramEmulator()
    api = emulator.start()
    try:

        async def name(token: str) -> str:
            connector = TelegramConnector({"api_base": api}, token)
            try:
                return await connector.identify()
            finally:
                await connector.close()

        bot = emulator.bot
        assert asyncio.run(name(DEFAULT_TOKEN)) == f"@{bot['username']} ({bot['first_name']})"
        try:
            asyncio.run(name("123:wrong"))
        except AuthError as exc:
            assert "Telegram refused the bot token" in str(exc)
        else:
            raise AssertionError("a wrong token was taken")
    finally:
        emulator.stop()
