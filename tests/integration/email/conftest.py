"""Servers for the email channel tests: one Dovecot for the session, a fresh
mailbox (Dovecot user) and a fresh SMTP server per test, all on loopback."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulators.oauth import OAuthEmulator
from tests.integration.email import oauthservers, servers

_private = itertools.count(1)


@pytest.fixture(scope="session")
def mail_tmp() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="unisono-mail-"))
    folder.chmod(0o755)
    yield folder
    servers.rmtree(folder)


@pytest.fixture(scope="session")
def certificate(mail_tmp: Path) -> tuple[Path, Path]:
    return servers.make_certificate(mail_tmp)


@pytest.fixture(scope="session")
def dovecot(mail_tmp: Path, certificate: tuple[Path, Path]) -> Iterator[Any]:
    if shutil.which("dovecot") is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    server = servers.Dovecot(mail_tmp / "d0", *certificate)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_dovecot(mail_tmp: Path, certificate: tuple[Path, Path]) -> Iterator[Any]:
    """A Dovecot of the test's own, for tests that kill the server."""
    if shutil.which("dovecot") is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    server = servers.Dovecot(mail_tmp / f"d{next(_private)}", *certificate)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot: Any) -> tuple[str, str]:
    return dovecot.add_user()


@pytest.fixture
def tls_context(certificate: tuple[Path, Path]) -> Any:
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


@pytest.fixture
def smtp_server(mailbox: tuple[str, str]) -> Iterator[Any]:
    server = servers.SmtpServer(user=mailbox[0], password=mailbox[1])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_settings(dovecot: Any, mailbox: tuple[str, str]) -> Callable[..., dict[str, Any]]:
    def make(smtp: Any | None = None, **overrides: Any) -> dict[str, Any]:
        return servers.settings_for(dovecot, mailbox[0], smtp, **overrides)

    return make


@pytest.fixture
def imap(dovecot: Any, mailbox: tuple[str, str]) -> Iterator[Any]:
    """The customer's side: a direct IMAP connection to the test mailbox."""
    client = dovecot.client(*mailbox)
    yield client
    try:
        client.logout()
    except Exception:
        client.shutdown()


# -- OAuth 2 sign-in: our authorization server, a Dovecot asking it about tokens, an SMTP server too


@pytest.fixture(scope="session")
def oauth_emulator() -> Iterator[OAuthEmulator]:
    server = OAuthEmulator()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oauth_dovecot(
    mail_tmp: Path, certificate: tuple[Path, Path], oauth_emulator: OAuthEmulator
) -> Iterator[Any]:
    if shutil.which("dovecot") is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    server = oauthservers.oauth_dovecot(mail_tmp / "oauth", *certificate, oauth_emulator)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def oauth_person(oauth_dovecot: Any, oauth_emulator: OAuthEmulator) -> str:
    """A fresh mailbox, and the person who signs in at the provider owns it."""
    user, _password = oauth_dovecot.add_user()
    oauth_emulator.user = user
    oauth_emulator.deny = False
    return user


@pytest.fixture
def oauth_smtp(oauth_emulator: OAuthEmulator) -> Iterator[oauthservers.OAuthSmtpServer]:
    server = oauthservers.OAuthSmtpServer(oauth_emulator)
    server.start()
    yield server
    server.stop()
