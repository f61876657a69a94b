"""Account settings, reply building and thread helpers of the email channel."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from connectors.base import Address, AttachmentData, OutboundReply, SettingsError
from connectors.email import EmailConnector
from connectors.email.settings import MAX_IDLE_TIMEOUT
from connectors.email.smtp import build_message
from connectors.email.threads import reply_subject, strip_reply_prefixes

BASE = {"imap_host": "imap.example.com", "address": "support@example.com"}


def test_schema_has_exactly_the_documented_keys() -> None:
    assert [s.key for s in EmailConnector.settings_schema] == [
        # In the order the form asks: who the account is, then where its servers are.
        "display_name",
        "address",
        "username",
        "imap_host",
        "imap_security",
        "imap_port",
        "smtp_host",
        "smtp_security",
        "smtp_port",
        # How it signs in: a password, or OAuth 2 with these endpoints (docs: README, Accounts).
        "auth",
        "oauth_provider",
        "oauth_client_id",
        "oauth_authorize_url",
        "oauth_token_url",
        "oauth_scope",
        "folders",
        "sent_folder",
        "append_sent",
        "ca_file",
        "first_sync_days",
        "poll_interval",
        "idle_timeout",
    ]
    assert EmailConnector.kind == EmailConnector.channel == "email"
    assert EmailConnector.needs_secret is True
    caps = EmailConnector.capabilities
    assert (caps.html, caps.attachments, caps.subject, caps.private, caps.max_length) == (
        True,
        True,
        True,
        True,
        None,
    )


def test_defaults() -> None:
    s = EmailConnector(BASE, "pw").settings
    assert (s.imap_port, s.smtp_host, s.smtp_port, s.username) == (
        993,
        "imap.example.com",
        465,
        "support@example.com",
    )
    assert s.folders == ("INBOX",) and s.append_sent is True and s.sent_folder is None
    assert (s.poll_interval, s.idle_timeout, s.first_sync_days) == (60, 300, 0)
    starttls = EmailConnector(dict(BASE, imap_security="starttls", smtp_security="starttls"), "pw").settings
    assert (starttls.imap_port, starttls.smtp_port) == (143, 587)


def test_idle_is_renewed_well_before_servers_drop_it() -> None:
    s = EmailConnector(dict(BASE, idle_timeout=3600), "pw").settings
    assert s.idle_timeout == MAX_IDLE_TIMEOUT < 29 * 60


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"imap_security": "none"}, "imap_security"),
        ({"imap_host": "10.0.0.5", "imap_security": "none"}, "imap_security"),
        ({"smtp_host": "smtp.example.com", "smtp_security": "none"}, "smtp_security"),
        ({"imap_security": "tls"}, "must be one of ssl, starttls, none"),
        ({"address": "not-an-address"}, "address"),
        ({"ca_file": "/nonexistent/ca.pem"}, "ca_file"),
        ({"imap_port": "nine"}, "imap_port"),
        ({"colour": "blue"}, "unknown setting"),
    ],
)
def test_refused_settings_say_why(settings: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        EmailConnector({**BASE, **settings}, "pw")


def test_plain_text_is_allowed_to_this_computer() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        EmailConnector(dict(BASE, imap_host=host, imap_security="none", smtp_security="none"), "pw")


def test_idempotency_key_is_a_fresh_message_id_in_our_domain() -> None:
    first = EmailConnector.make_idempotency_key({"address": "support@Example.COM"})
    second = EmailConnector.make_idempotency_key({"address": "support@example.com"})
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.com>", first)
    assert first != second


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("Ordine 1", "Re: Ordine 1"),
        ("Re: Ordine 1", "Re: Ordine 1"),
        ("RE: Re: re:Ordine 1", "Re: Ordine 1"),
        ("R: Rif: AW: Ordine 1", "Re: Ordine 1"),
        ("Re[2]: Ordine 1", "Re: Ordine 1"),
        ("Fwd: Ordine 1", "Re: Fwd: Ordine 1"),
        ("Recensione", "Re: Recensione"),
        (None, "Re:"),
    ],
)
def test_reply_subject_is_stable(subject: str | None, expected: str) -> None:
    assert reply_subject(subject) == expected
    assert reply_subject(reply_subject(subject)) == expected


def test_strip_reply_prefixes() -> None:
    assert strip_reply_prefixes("  Re:  RE:   Ciao   mondo ") == "Ciao mondo"


def test_built_reply_headers_and_parts() -> None:
    settings = EmailConnector(dict(BASE, display_name="Assistenza Città"), "pw").settings
    reply = OutboundReply(
        idempotency_key="<k1@example.com>",
        thread_key="<a@x>",
        text="Grazie, è partito.",
        to=(Address("email", "maria@example.it", "Maria Rossì"),),
        html="<p>Grazie</p>",
        subject="RE: Ordine",
        in_reply_to="<b@x>",
        references=("<a@x>", "<b@x>"),
        attachments=(AttachmentData("logo.png", "image/png", b"\x89PNG", content_id="logo", inline=True),),
    )
    raw = build_message(settings, reply).as_bytes()
    assert raw.isascii() and b"\r\n" in raw
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["From"] == "Assistenza Città <support@example.com>"
    assert msg["To"] == "Maria Rossì <maria@example.it>"
    assert msg["Subject"] == "Re: Ordine"
    assert msg["Message-ID"] == "<k1@example.com>"
    assert msg["In-Reply-To"] == "<b@x>"
    assert msg["References"] == "<a@x> <b@x>"
    assert msg.get_body(("plain",)).get_content().strip() == "Grazie, è partito."
    (logo,) = list(msg.iter_attachments())
    assert logo["Content-ID"] == "<logo>" and logo.get_content_disposition() == "inline"


def test_speaks_the_connector_protocol() -> None:
    from connectors.base import Connector, FindsSent, MakesIdempotencyKeys

    connector = EmailConnector(BASE, "pw")
    assert isinstance(connector, Connector)
    assert isinstance(connector, FindsSent)
    assert isinstance(EmailConnector, MakesIdempotencyKeys)


def test_parse_raw_reads_a_stored_message_again() -> None:
    from connectors.base import InboundItem

    item = EmailConnector(BASE, "pw").parse_raw(
        b"From: Support <support@example.com>\r\nMessage-ID: <r@example.com>\r\n\r\nciao\r\n"
    )
    assert isinstance(item, InboundItem) and item.direction == "out"
