"""Parsing the mail customers really send: charsets, MIME shapes, hostile names."""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from connectors.base import BrokenItem, InboundItem
from connectors.email.mimetext import safe_filename
from connectors.email.parse import parse_message

US = "support@example.com"


def parse(raw: bytes | str, **kw: object) -> InboundItem:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    item = parse_message(data.replace(b"\n", b"\r\n"), own_address=US, **kw)
    assert isinstance(item, InboundItem), item
    return item


HEAD = "From: Maria Rossi <maria@example.it>\nTo: support@example.com\nMessage-ID: <m1@example.it>\n"


# ---------------------------------------------------------------- charsets


def test_latin1_label_with_windows_1252_quotes_and_euro() -> None:
    body = "Perché il prezzo è 10 € e l’ordine non è arrivato".encode("cp1252")
    raw = (
        HEAD + "Subject: prezzo\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: 8bit\n\n"
    ).encode() + body
    assert parse(raw).text == "Perché il prezzo è 10 € e l’ordine non è arrivato"


def test_windows_1252_quoted_printable() -> None:
    raw = (
        HEAD + "Content-Type: text/plain; charset=windows-1252\n"
        "Content-Transfer-Encoding: quoted-printable\n\nCos=EC com=E8 =93giusto=94 =80\n"
    )
    assert parse(raw).text.strip() == "Così comè “giusto” €"


def test_undeclared_utf8_in_body_and_subject() -> None:
    raw = (HEAD + "Subject: Perché non è arrivato?\n\nGià pagato, però niente.\n").encode()
    item = parse(raw)
    assert item.subject == "Perché non è arrivato?"
    assert item.text.strip() == "Già pagato, però niente."


def test_undeclared_latin1_falls_back_to_windows_1252() -> None:
    raw = (HEAD + "Subject: x\n\n").encode() + "Città è bella".encode("latin-1")
    assert parse(raw).text.strip() == "Città è bella"


def test_unknown_charset_label_still_decodes() -> None:
    raw = (HEAD + "Content-Type: text/plain; charset=x-unknown-8bit\n\n").encode() + "caffè".encode()
    assert parse(raw).text.strip() == "caffè"


def test_rfc2047_headers_b_and_q_and_adjacent_words() -> None:
    raw = (
        "From: =?utf-8?q?Jos=C3=A9_Garc=C3=ADa?= <jose@example.es>\n"
        "Subject: =?utf-8?b?UHJlbm90YXppb25l?= =?iso-8859-1?q?_perch=E9?= no\n"
        "Message-ID: <x@y>\n\nciao\n"
    )
    item = parse(raw)
    assert item.sender.display_name == "José García"
    assert item.subject == "Prenotazione perché no"


def test_encoded_comma_in_display_name_does_not_split_the_address() -> None:
    raw = "From: =?utf-8?q?Rossi=2C_Maria?= <maria@example.it>\nMessage-ID: <x@y>\n\nciao\n"
    item = parse(raw)
    assert (item.sender.value, item.sender.display_name) == ("maria@example.it", "Rossi, Maria")


# ---------------------------------------------------------------- MIME shapes

ALTERNATIVE = (
    HEAD
    + """Subject: alt
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Testo semplice
--b1
Content-Type: text/html; charset=utf-8

<html><body><p>Testo <b>ricco</b></p></body></html>
--b1--
"""
)


def test_multipart_alternative_keeps_text_and_html() -> None:
    item = parse(ALTERNATIVE)
    assert item.text.strip() == "Testo semplice"
    assert item.html is not None and "<b>ricco</b>" in item.html
    assert item.attachments == ()


def test_html_only_message_gets_a_text_for_search() -> None:
    raw = HEAD + (
        "Content-Type: text/html; charset=utf-8\n\n"
        "<style>p{color:red}</style><p>Prima riga</p><p>Seconda&nbsp;riga &egrave;</p>"
    )
    item = parse(raw)
    assert item.text.splitlines()[0] == "Prima riga"
    assert "Seconda riga è" in item.text and "color" not in item.text


RELATED = (
    HEAD
    + """MIME-Version: 1.0
Content-Type: multipart/related; boundary="r"

--r
Content-Type: text/html; charset=utf-8

<p>Ecco la foto: <img src="cid:foto1@example.it"></p>
--r
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <foto1@example.it>

iVBORw0KGgo=
--r--
"""
)


def test_cid_inline_image() -> None:
    (image,) = parse(RELATED).attachments
    assert image.content_id == "foto1@example.it"
    assert image.inline is True
    assert image.content_type == "image/png"
    assert image.data == base64.b64decode("iVBORw0KGgo=")
    assert image.filename == "attachment.png"


ATTACHMENTS = (
    HEAD
    + """MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: text/plain; charset=utf-8

Vedi allegati.
--m
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''fattura%20n%C2%B01.pdf

JVBERi0=
--m
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*0*=UTF-8''ricevuta%20molto%20lunga%20;
 filename*1*=parte%20due.pdf

JVBERi0=
--m
Content-Type: application/octet-stream; name="=?UTF-8?B?cGVyY2jDqS56aXA=?="
Content-Disposition: attachment; filename="=?UTF-8?B?cGVyY2jDqS56aXA=?="

AAAA
--m
Content-Type: text/plain
Content-Disposition: attachment; filename="../../etc/passwd"

root:x:0:0
--m--
"""
)


def test_rfc2231_and_rfc2047_filenames_and_traversal() -> None:
    names = [a.filename for a in parse(ATTACHMENTS).attachments]
    assert names == ["fattura n°1.pdf", "ricevuta molto lunga parte due.pdf", "perché.zip", "passwd"]


def test_forwarded_message_is_readable_and_attached() -> None:
    raw = (
        HEAD
        + """Subject: Fwd: reclamo
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f"

--f
Content-Type: text/plain; charset=utf-8

Vi inoltro il reclamo di mio padre.
--f
Content-Type: message/rfc822

From: Giuseppe Rossi <giuseppe@example.it>
Subject: Reclamo ordine 42
Date: Mon, 23 Nov 2026 09:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="g"

--g
Content-Type: text/plain; charset=utf-8

Il pacco è arrivato rotto.
--g
Content-Type: image/jpeg; name="rotto.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQ
--g--

--f--
"""
    )
    item = parse(raw)
    assert "Vi inoltro il reclamo" in item.text
    assert "From: Giuseppe Rossi <giuseppe@example.it>" in item.text
    assert "Il pacco è arrivato rotto." in item.text
    assert [a.filename for a in item.attachments] == ["Reclamo ordine 42.eml", "rotto.jpg"]
    assert item.attachments[0].content_type == "message/rfc822"
    assert b"Il pacco" in item.attachments[0].data
    assert item.meta["forwarded"][0]["subject"] == "Reclamo ordine 42"
    # A forward keeps the sender of the outer message.
    assert item.sender.value == "maria@example.it"


def test_calendar_invite() -> None:
    raw = (
        HEAD
        + """Subject: Invito: sopralluogo
MIME-Version: 1.0
Content-Type: text/calendar; method=REQUEST; charset=utf-8

BEGIN:VCALENDAR
METHOD:REQUEST
BEGIN:VEVENT
SUMMARY:Sopralluogo cucina
DTSTART;TZID=Europe/Rome:20261201T100000
LOCATION:Via Roma 1
END:VEVENT
END:VCALENDAR
"""
    )
    item = parse(raw)
    (ics,) = item.attachments
    assert ics.filename == "invite.ics" and ics.content_type == "text/calendar"
    assert item.meta["calendar"][0]["summary"] == "Sopralluogo cucina"
    assert item.meta["calendar"][0]["start"] == "20261201T100000"
    assert "Sopralluogo cucina" in item.text


def test_winmail_dat_is_listed() -> None:
    raw = (
        HEAD
        + """MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="w"

--w
Content-Type: text/plain

see attached
--w
Content-Type: application/ms-tnef
Content-Transfer-Encoding: base64

eJ8+IgAA
--w--
"""
    )
    item = parse(raw)
    assert [a.filename for a in item.attachments] == ["winmail.dat"]
    assert item.meta["winmail_dat"] is True


# ---------------------------------------------------------------- identity, threads, robots


def test_threading_headers() -> None:
    raw = (
        HEAD.replace("<m1@example.it>", "<m3@example.it>")
        + "In-Reply-To: <m2@example.com>\nReferences: <m1@example.it>\n <m2@example.com>\n\nok\n"
    )
    item = parse(raw)
    assert item.external_id == "<m3@example.it>"
    assert item.in_reply_to == "<m2@example.com>"
    assert item.references == ("<m1@example.it>", "<m2@example.com>")
    assert item.thread_key == "<m1@example.it>"
    only_parent = parse(HEAD + "In-Reply-To: <p@x>\n\nok\n")
    assert only_parent.thread_key == "<p@x>"
    assert parse(HEAD + "\nok\n").thread_key == "<m1@example.it>"


def test_from_is_the_person_reply_to_is_where_we_answer_and_own_mail_is_outbound() -> None:
    form = parse(
        "From: Anna <anna@example.it>\nReply-To: Ufficio <ufficio@example.it>\nMessage-ID: <f@x>\n\nciao\n"
    )
    assert (form.sender.value, form.sender.display_name) == ("anna@example.it", "Anna")
    assert form.meta["reply_to"] == ["ufficio@example.it"]
    ours = parse(
        "From: Assistenza <Support@Example.com>\nTo: anna@example.it\n"
        "Message-ID: <r1@example.com>\n\nrisposta\n"
    )
    assert ours.direction == "out" and ours.idempotency_key == "<r1@example.com>"


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Precedence: bulk",
        "Precedence: junk",
        "X-Autoreply: yes",
        "Precedence: auto_reply",
    ],
)
def test_auto_replies_are_marked(header: str) -> None:
    assert parse(HEAD + header + "\n\nSono in ferie\n").is_auto is True


def test_auto_submitted_no_and_plain_mail_are_not_auto() -> None:
    assert parse(HEAD + "Auto-Submitted: no\n\nciao\n").is_auto is False
    assert parse(HEAD + "\nciao\n").is_auto is False


def _dsn(action: str) -> str:
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: support@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce1@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="d"

--d
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.
--d
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; nessuno@example.it
Action: {action}
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <nessuno@example.it>: Recipient address rejected

--d
Content-Type: text/rfc822-headers

From: Assistenza <support@example.com>
To: nessuno@example.it
Message-ID: <reply-77@example.com>
Subject: Re: Ordine 7

--d--
"""


def test_bounce_of_our_reply_names_it_and_why() -> None:
    item = parse(_dsn("failed"))
    assert item.is_auto is True
    assert item.bounce_of == "<reply-77@example.com>"
    assert item.bounce_reason is not None
    assert "nessuno@example.it" in item.bounce_reason and "550 5.1.1" in item.bounce_reason


def test_delay_notice_is_auto_but_not_a_bounce() -> None:
    item = parse(_dsn("delayed"))
    assert item.is_auto is True and item.bounce_of is None


# ---------------------------------------------------------------- dates, odd input


def test_missing_or_broken_date_uses_the_server_date() -> None:
    when = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert parse(HEAD + "\nciao\n", internaldate=when).sent_at == when
    assert parse(HEAD + "Date: yesterday-ish\n\nciao\n", internaldate=when).sent_at == when
    dated = parse(HEAD + "Date: Tue, 24 Nov 2026 10:00:00 +0100\n\nciao\n")
    assert dated.sent_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_nul_bytes_never_reach_the_text() -> None:
    item = parse((HEAD + "\n").encode() + b"ciao\x00mondo\n")
    assert "\x00" not in item.text and "ciaomondo" in item.text


def test_missing_message_id_gets_a_content_hash() -> None:
    raw = "From: a@example.it\n\nciao\n"
    first, second = parse(raw), parse(raw)
    assert first.external_id == second.external_id
    assert first.external_id.startswith("sha256:") and len(first.external_id) == 71


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "no mail headers"),
        (b"just some words, not an email at all", "no mail headers"),
        (b"Subject: hello\r\nMessage-ID: <nf@x>\r\n\r\nno sender here\r\n", "no sender"),
    ],
)
def test_unreadable_messages_are_quarantined_with_reason_and_raw_bytes(raw: bytes, reason: str) -> None:
    item = parse_message(raw, own_address=US)
    assert isinstance(item, BrokenItem)
    assert reason in item.reason
    assert item.raw == raw
    assert item.external_id


def test_broken_mime_still_yields_what_can_be_read() -> None:
    raw = HEAD + (
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="never"\n\ntext before any boundary\n'
    )
    assert isinstance(parse_message(raw.encode(), own_address=US), InboundItem)
    bad_b64 = HEAD + (
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n@@@not base64@@@\n"
    )
    assert isinstance(parse_message(bad_b64.encode(), own_address=US), InboundItem)


def test_huge_header_and_attachment() -> None:
    big = b"A" * (20 * 1024 * 1024)
    raw = (
        (
            HEAD + "X-Long: " + "x" * 200_000 + "\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="z"\n\n--z\nContent-Type: text/plain\n\n'
            "big file\n--z\nContent-Type: application/octet-stream; name=big.bin\n"
            "Content-Transfer-Encoding: base64\n\n"
        ).encode()
        + base64.encodebytes(big)
        + b"--z--\n"
    )
    item = parse_message(raw, own_address=US)
    assert isinstance(item, InboundItem)
    assert item.attachments[0].data == big


# ---------------------------------------------------------------- file names


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.exe", "evil.exe"),
        ("a\x00b\x07c\u202e.txt", "abc.txt"),
        ("..", "attachment.bin"),
        ("", "attachment.bin"),
        ("CON.txt", "_CON.txt"),
        ("what?.pdf", "what_.pdf"),
        ("  spaced   name .doc ", "spaced name .doc"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_long_filename_keeps_its_extension() -> None:
    name = safe_filename("x" * 500 + ".pdf")
    assert len(name) <= 180 and name.endswith(".pdf")


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_safe_filename_property(name: str) -> None:
    out = safe_filename(name)
    assert out and len(out) <= 180
    assert "/" not in out and "\\" not in out
    assert out not in (".", "..") and not out.startswith(".")
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in out)


# ---------------------------------------------------------------- never crash


@given(st.binary(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_any_bytes_are_stored_or_quarantined(raw: bytes) -> None:
    item = parse_message(raw, own_address=US)
    assert isinstance(item, (InboundItem, BrokenItem))
    if isinstance(item, BrokenItem):
        assert item.reason and item.raw == raw


_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))


@given(
    subject=st.text(_PRINTABLE, max_size=80),
    body=st.text(st.one_of(_PRINTABLE, st.just("\n")), max_size=500),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "iso-8859-15"]),
)
@settings(max_examples=150, deadline=None)
def test_generated_messages_round_trip(subject: str, body: str, charset: str) -> None:
    from email.message import EmailMessage
    from email.policy import SMTP

    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Cliente <cliente@example.org>"
    msg["To"] = US
    msg["Message-ID"] = "<gen@example.org>"
    msg["Subject"] = subject
    try:
        encoded = body.encode(charset)
    except UnicodeEncodeError:
        charset, encoded = "utf-8", b""
    if charset != "utf-8":
        # By design, bytes that are valid UTF-8 are read as UTF-8 whatever the label says
        # (mislabelled UTF-8 is common; Latin-1 text that is valid UTF-8 is not).
        with contextlib.suppress(UnicodeDecodeError):
            assume(encoded.decode("utf-8") == body)
    msg.set_content(body, charset=charset)
    item = parse_message(msg.as_bytes(), own_address=US)
    assert isinstance(item, InboundItem)
    assert item.subject == (" ".join(subject.split()) or None)
    assert item.text.replace("\r\n", "\n").rstrip("\n") == body.rstrip("\n")
