"""Connecting: TLS always verified, errors typed and worded, passwords never shown."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.base import Address, AuthError, OutboundReply, SettingsError, TransientError
from connectors.email import EmailConnector
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

PASSWORD = "s3cret-Pässword"


def test_check_passes_with_good_settings(smtp_server: Any, make_settings: Any) -> None:
    servers.run(EmailConnector(make_settings(smtp_server), PASSWORD).check())


@pytest.mark.slow
def test_wrong_password_is_an_auth_error_that_does_not_show_it(private_dovecot: Any) -> None:
    # Its own Dovecot: after a failed login Dovecot slows down every login from the address.
    user, _ = private_dovecot.add_user()
    wrong = "Wr0ng-pässw0rd-7x"
    connector = EmailConnector(servers.settings_for(private_dovecot, user), wrong)
    with pytest.raises(AuthError) as caught:
        servers.run(connector.check())
    assert wrong not in str(caught.value) and "refused the login" in str(caught.value)
    assert caught.value.step == "signin"  # "Test connection" says the sign-in failed

    async def fetch() -> None:
        async for _ in connector.fetch(None):
            pass

    with pytest.raises(AuthError) as caught:
        servers.run(fetch())
    assert wrong not in str(caught.value)


def test_wrong_smtp_password_is_an_auth_error(make_settings: Any, mailbox: Any) -> None:
    smtp = servers.SmtpServer(user=mailbox[0], password="another-Pässword")
    smtp.start()
    try:
        with pytest.raises(AuthError) as caught:
            servers.run(EmailConnector(make_settings(smtp), PASSWORD).check())
        assert PASSWORD not in str(caught.value) and "535" in str(caught.value)
        assert caught.value.step == "signin"
        reply = OutboundReply("<k1@example.com>", "t", "hello", to=(Address("email", "a@example.org"),))
        connector = EmailConnector(make_settings(smtp), PASSWORD)
        with pytest.raises(AuthError):
            servers.run(connector.send(reply))
        servers.run(connector.close())
    finally:
        smtp.stop()


def test_unreachable_server_is_transient(make_settings: Any) -> None:
    connector = EmailConnector(make_settings(imap_port=servers.free_port()), PASSWORD)
    with pytest.raises(TransientError, match="connecting") as caught:
        servers.run(connector.check())
    assert caught.value.step == "connect"


def test_a_server_name_that_does_not_exist_fails_at_the_name_lookup(make_settings: Any) -> None:
    connector = EmailConnector(
        make_settings(imap_host="imap.no-such-domain.invalid", imap_security="ssl"), PASSWORD
    )
    with pytest.raises(TransientError) as caught:
        servers.run(connector.check())
    assert caught.value.step == "lookup"


def test_missing_folder_is_a_settings_error(make_settings: Any) -> None:
    with pytest.raises(SettingsError, match="no folder 'Assistenza'") as caught:
        servers.run(EmailConnector(make_settings(folders="INBOX,Assistenza"), PASSWORD).check())
    assert caught.value.step == "folder"


def test_plain_text_to_another_computer_is_refused() -> None:
    with pytest.raises(SettingsError, match="imap_security"):
        EmailConnector(
            {"imap_host": "imap.example.com", "imap_security": "none", "address": "support@example.com"},
            PASSWORD,
        )
    with pytest.raises(SettingsError, match="smtp_security"):
        EmailConnector(
            {
                "imap_host": "imap.example.com",
                "smtp_host": "10.0.0.1",
                "smtp_security": "none",
                "address": "support@example.com",
            },
            PASSWORD,
        )


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_with_the_servers_own_certificate(
    security: str,
    dovecot: Any,
    make_settings: Any,
    certificate: Any,
    tls_context: Any,
    mailbox: Any,
    imap: Any,
) -> None:
    imap.append("INBOX", servers.make_message(1))
    smtp = servers.SmtpServer(user=mailbox[0], password=PASSWORD, tls=tls_context, mode=security)
    smtp.start()
    try:
        settings = make_settings(
            smtp,
            imap_host="localhost",
            smtp_host="localhost",
            imap_security=security,
            smtp_security=security,
            ca_file=str(certificate[0]),
            imap_port=dovecot.imaps_port if security == "ssl" else dovecot.imap_port,
        )

        async def go() -> None:
            connector = EmailConnector(settings, PASSWORD)
            await connector.check()
            items, _, _ = await servers.collect(connector, None)
            assert len(items) == 1
            reply = OutboundReply(
                EmailConnector.make_idempotency_key(settings),
                "t",
                "ciao",
                to=(Address("email", "cliente1@example.org"),),
            )
            await connector.send(reply)
            await connector.close()

        servers.run(go())
        assert len(smtp.handler.received) == 1

        # Without ca_file the same server is not trusted, and the admin is told what to do.
        untrusted = dict(settings, ca_file="")
        with pytest.raises(SettingsError, match="ca_file") as caught:
            servers.run(EmailConnector(untrusted, PASSWORD).check())
        assert caught.value.step == "tls"
    finally:
        smtp.stop()
