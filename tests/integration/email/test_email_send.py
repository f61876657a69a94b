"""Replies over SMTP: threading headers, idempotency, and every way a server says no."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest

from connectors.base import (
    Address,
    AttachmentData,
    OutboundReply,
    PermanentError,
    TransientError,
)
from connectors.email import EmailConnector
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

PASSWORD = "s3cret-Pässword"


def _reply(settings: dict[str, Any], **kw: Any) -> OutboundReply:
    values: dict[str, Any] = {
        "idempotency_key": EmailConnector.make_idempotency_key(settings),
        "thread_key": "<msg-1@example.org>",
        "text": "Gentile cliente,\nil pacco è partito oggi.\n.\nUna riga con un punto.",
        "to": (Address("email", "cliente1@example.org", "Cliente Uno"),),
        "subject": "Re: RE: Ordine 1",
        "in_reply_to": "<msg-2@example.org>",
        "references": ("<msg-1@example.org>",),
    }
    values.update(kw)
    return OutboundReply(**values)


def test_reply_arrives_byte_exact_with_threading_headers_and_a_sent_copy(
    smtp_server: Any, make_settings: Any, imap: Any
) -> None:
    settings = make_settings(smtp_server)
    reply = _reply(
        settings,
        html="<p>Il pacco è <b>partito</b></p>",
        attachments=(AttachmentData("ricevuta.pdf", "application/pdf", b"%PDF-1.4 fake"),),
    )
    assert reply.idempotency_key.endswith("@example.com>")

    async def go() -> Any:
        connector = EmailConnector(settings, PASSWORD)
        try:
            return await connector.send(reply)
        finally:
            await connector.close()

    result = servers.run(go())
    assert result.external_id == reply.idempotency_key
    (received,) = smtp_server.handler.received
    assert received.mail_from == "support@example.com"
    assert received.rcpt_tos == ["cliente1@example.org"]
    msg = email.message_from_bytes(received.data, policy=policy.default)
    assert msg["Message-ID"] == reply.idempotency_key
    assert msg["In-Reply-To"] == "<msg-2@example.org>"
    assert msg["References"] == "<msg-1@example.org> <msg-2@example.org>"
    assert msg["Subject"] == "Re: Ordine 1"
    assert msg["From"] == "Assistenza Clienti <support@example.com>"
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == reply.text + "\n"
    assert "partito" in msg.get_body(("html",)).get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "ricevuta.pdf"
    assert attachment.get_content() == b"%PDF-1.4 fake"

    # The Sent copy is the very bytes the server received.
    imap.select_folder("Sent")
    uids = imap.search(["HEADER", "Message-ID", reply.idempotency_key])
    assert len(uids) == 1
    copy = imap.fetch(uids, ["BODY.PEEK[]"])[uids[0]][b"BODY[]"]
    assert copy.replace(b"\r\n", b"\n") == received.data.replace(b"\r\n", b"\n")


def test_sending_the_same_reply_twice_delivers_once(smtp_server: Any, make_settings: Any) -> None:
    settings = make_settings(smtp_server)
    reply = _reply(settings)

    async def go() -> None:
        first = EmailConnector(settings, PASSWORD)
        await first.send(reply)
        await first.close()
        # A fresh connector (the app restarted) finds the Sent copy instead of resending.
        second = EmailConnector(settings, PASSWORD)
        again = await second.send(reply)
        assert again.external_id == reply.idempotency_key
        assert await second.find_sent(reply) is not None
        await second.close()

    servers.run(go())
    assert len(smtp_server.handler.messages_with(reply.idempotency_key)) == 1


def test_temporary_refusal_is_transient_then_the_retry_goes_through(
    smtp_server: Any, make_settings: Any
) -> None:
    settings = make_settings(smtp_server)
    reply = _reply(settings)
    smtp_server.handler.faults.append("4xx")

    async def go() -> None:
        connector = EmailConnector(settings, PASSWORD)
        with pytest.raises(TransientError, match="451"):
            await connector.send(reply)
        assert await connector.find_sent(reply) is None
        await connector.send(reply)
        await connector.close()

    servers.run(go())
    assert smtp_server.handler.attempts == 2
    assert len(smtp_server.handler.received) == 1


def test_permanent_refusal_carries_the_servers_reason(smtp_server: Any, make_settings: Any) -> None:
    settings = make_settings(smtp_server)
    smtp_server.handler.faults.append("5xx")

    async def go() -> None:
        connector = EmailConnector(settings, PASSWORD)
        try:
            with pytest.raises(PermanentError, match="554 5.7.1 Message rejected"):
                await connector.send(_reply(settings))
        finally:
            await connector.close()

    servers.run(go())
    assert smtp_server.handler.received == []


def test_connection_lost_after_data_is_transient_and_the_reply_is_not_in_sent(
    smtp_server: Any, make_settings: Any
) -> None:
    """The server took the message but we never heard "250": the outcome is unknown.

    The connector says so (TransientError), keeps no Sent copy, and so ``find_sent``
    answers None: the dispatcher sends again with the same Message-ID, which mail
    systems recognise as the same message. We prefer a possible duplicate with one
    Message-ID to a reply that silently never arrives.
    """
    settings = make_settings(smtp_server)
    reply = _reply(settings)
    smtp_server.handler.faults.append("drop")

    async def go() -> None:
        connector = EmailConnector(settings, PASSWORD)
        with pytest.raises(TransientError, match="may or may not have accepted"):
            await connector.send(reply)
        assert await connector.find_sent(reply) is None
        result = await connector.send(reply)
        found = await connector.find_sent(reply)
        assert found is not None and found.external_id == result.external_id
        await connector.close()

    servers.run(go())
    assert len(smtp_server.handler.messages_with(reply.idempotency_key)) == 2


def test_refused_recipient_is_permanent(smtp_server: Any, make_settings: Any) -> None:
    settings = make_settings(smtp_server)

    async def go() -> None:
        connector = EmailConnector(settings, PASSWORD)
        try:
            with pytest.raises(PermanentError, match="not an email address"):
                await connector.send(_reply(settings, to=(Address("email", "not an address"),)))
            with pytest.raises(PermanentError, match="550 5.1.1 No such user"):
                await connector.send(_reply(settings, to=(Address("email", "unknown@example.org"),)))
            # One good and one unknown recipient: sent, with the refusal noted.
            result = await connector.send(
                _reply(
                    settings, to=(Address("email", "unknown@example.org"), Address("email", "ok@example.org"))
                )
            )
            assert "unknown@example.org" in result.meta["refused"]
        finally:
            await connector.close()

    servers.run(go())
    (received,) = smtp_server.handler.received
    assert received.rcpt_tos == ["ok@example.org"]


def test_a_reply_larger_than_the_server_takes_fails_at_once_in_words(
    mailbox: tuple[str, str], make_settings: Any
) -> None:
    small = servers.SmtpServer(user=mailbox[0], password=mailbox[1], size_limit=50_000)
    small.start()
    try:
        settings = make_settings(small)
        big = _reply(settings, attachments=(AttachmentData("foto.jpg", "image/jpeg", b"\xff" * 60_000),))
        fits = _reply(settings, attachments=(AttachmentData("nota.txt", "text/plain", b"ok" * 1000),))

        async def go() -> None:
            connector = EmailConnector(settings, PASSWORD)
            try:
                with pytest.raises(PermanentError, match=r"as sent; the SMTP server .* takes messages up to"):
                    await connector.send(big)
                await connector.send(fits)
            finally:
                await connector.close()

        servers.run(go())
        # The large one never reached the server; the one that fits went with its size announced.
        (received,) = small.handler.received
        assert b"nota.txt" in received.data and small.handler.attempts == 1
        assert [o.split("=")[0] for o in received.mail_options] == ["SIZE"]
        assert int(received.mail_options[0].split("=")[1]) >= len(received.data) - 200
    finally:
        small.stop()
