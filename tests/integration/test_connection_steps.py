""" "Test connection" for Matrix, Mastodon and Google reviews names the step that failed, as
email's does: the name lookup (a host that does not exist), the connection (a closed port),
the TLS certificate (a server whose certificate nobody trusts), the sign-in (a refused token)
and, for Google, the location (one Google does not know). Real sockets on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ConnectorError
from connectors.google_reviews import GoogleReviewsConnector
from connectors.mastodon import MastodonConnector
from connectors.matrix import MatrixConnector
from tests.emulators.google_reviews import GoogleReviewsEmulator
from tests.emulators.mastodon import MastodonEmulator
from tests.servers.detect import FileServer, LocalCA


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def untrusted(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server on this computer with a certificate from a CA nobody trusts."""
    server = FileServer(LocalCA(tmp_path).server_context("localhost"))
    yield f"https://localhost:{server.port}"
    server.close()


def make(kind: str, base: str) -> Any:
    if kind == "mastodon":
        return MastodonConnector({"instance": base}, "token")
    if kind == "matrix":
        return MatrixConnector({"homeserver": base, "user_id": "@support:example.org"}, "password")
    return GoogleReviewsConnector(
        {
            "location": "accounts/1/locations/2",
            "client_id": "c.apps.googleusercontent.com",
            "api_base": base,
            "token_url": base + "/token",
        },
        '{"client_secret": "s", "refresh_token": "r"}',
    )


def step_of(connector: Any) -> str | None:
    async def check() -> str | None:
        try:
            await connector.check()
        except ConnectorError as exc:
            return exc.step
        finally:
            await connector.close()
        return None

    return asyncio.run(check())


@pytest.mark.parametrize("kind", ["mastodon", "matrix", "google_reviews"])
def test_the_step_that_failed_is_named(kind: str, untrusted: str) -> None:
    assert step_of(make(kind, "https://no-such-host.invalid")) == "lookup"
    assert step_of(make(kind, f"http://127.0.0.1:{closed_port()}")) == "connect"
    assert step_of(make(kind, untrusted)) == "tls"


def test_a_refused_token_is_the_sign_in_step() -> None:
    mastodon = MastodonEmulator()
    mastodon.start()
    google = GoogleReviewsEmulator()
    google.start()
    try:
        assert step_of(MastodonConnector({"instance": mastodon.base_url}, "not-the-token")) == "signin"
        google.revoke()
        revoked = GoogleReviewsConnector(
            {
                "location": google.location,
                "client_id": google.client_id,
                "api_base": google.base_url,
                "token_url": google.token_url,
            },
            google.secret,
        )
        assert step_of(revoked) == "signin"
    finally:
        mastodon.stop()
        google.stop()


def test_a_location_google_does_not_know_is_the_folder_step() -> None:
    google = GoogleReviewsEmulator()
    google.start()
    try:
        connector = GoogleReviewsConnector(
            {
                "location": "accounts/9/locations/9",
                "client_id": google.client_id,
                "api_base": google.base_url,
                "token_url": google.token_url,
            },
            google.secret,
        )
        assert step_of(connector) == "folder"
    finally:
        google.stop()
