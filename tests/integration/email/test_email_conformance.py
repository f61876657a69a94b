"""The email connector passes the shared connector conformance suite on Dovecot + SMTP."""

from __future__ import annotations

import asyncio
import email
import itertools
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Address, Connector, OutboundReply
from connectors.email import EmailConnector
from tests.conformance.suite import ConnectorConformance, Harness
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

_numbers = itertools.count(1)


class EmailHarness(Harness):
    kind = "email"
    channel = "email"

    def __init__(
        self, dovecot: Any, mailbox: tuple[str, str], smtp: Any, scratch: Path, certificate: tuple[Path, Path]
    ) -> None:
        self.dovecot, self.smtp = dovecot, smtp
        self.user, self.password = mailbox
        self.settings = servers.settings_for(dovecot, self.user, smtp)
        self.scratch, self.certificate = scratch, certificate
        self.locked: list[Any] = []

    def make_connector(self) -> Connector:
        connector = EmailConnector(self.settings, self.password)
        connector.batch_size = 5
        return connector

    def make_connector_with_bad_credentials(self) -> Connector:
        # A Dovecot of its own: failed logins slow down every later login from the address.
        locked = servers.Dovecot(self.scratch / f"bad{next(_numbers)}", *self.certificate)
        locked.start()
        self.locked.append(locked)
        return EmailConnector(servers.settings_for(locked, "user1", self.smtp), "not the password")

    def make_connector_for_dead_server(self) -> Connector:
        return EmailConnector(dict(self.settings, imap_port=servers.free_port()), self.password)

    async def deliver(self, texts: list[str]) -> None:
        def append() -> None:
            client = self.dovecot.client(self.user, self.password)
            for text in texts:
                n = next(_numbers)
                client.append(
                    "INBOX", servers.make_message(n, message_id=f"<conf-{n}@example.org>", body=text + "\n")
                )
            client.logout()

        await asyncio.to_thread(append)

    def reply_template(self) -> OutboundReply:
        return OutboundReply(
            idempotency_key="",
            thread_key="<conf-1@example.org>",
            text="",
            to=(Address("email", "cliente1@example.org"),),
            subject="Ordine 1",
            in_reply_to="<conf-1@example.org>",
        )

    async def count_received(self, text: str) -> int:
        count = 0
        for received in self.smtp.handler.received:
            msg = email.message_from_bytes(received.data, policy=policy.default)
            body = msg.get_body(("plain",))
            if body is not None and body.get_content().strip() == text:
                count += 1
        return count

    def stop(self) -> None:
        for server in self.locked:
            server.stop()


class TestEmailConformance(ConnectorConformance):
    @pytest.fixture
    def harness(
        self,
        dovecot: Any,
        mailbox: tuple[str, str],
        smtp_server: Any,
        mail_tmp: Path,
        certificate: tuple[Path, Path],
    ) -> Iterator[EmailHarness]:
        harness = EmailHarness(dovecot, mailbox, smtp_server, mail_tmp, certificate)
        yield harness
        harness.stop()
