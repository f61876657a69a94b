"""The fast MIME reader builds what the standard feed parser builds."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.email import parse as parse_module
from connectors.email.mime import read_message

FULL = BytesParser(policy=policy.compat32)
WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _both(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = parse_module.parse_message(raw, own_address="support@example.com", internaldate=WHEN)
    with monkeypatch.context() as m:
        m.setattr(parse_module, "read_message", FULL.parsebytes)
        full = parse_module.parse_message(raw, own_address="support@example.com", internaldate=WHEN)
    return fast, full


def _shape(msg: object) -> object:
    from email.message import Message

    assert isinstance(msg, Message)
    if msg.is_multipart():
        return (msg.get_content_type(), [_shape(p) for p in msg.get_payload()])
    return (msg.get_content_type(), msg.get_payload(decode=True))


ODD = [
    # A line that starts like the boundary but is longer; preamble and epilogue.
    b'From: a@x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\npreamble\r\n--b\r\n'
    b"Content-Type: text/plain\r\n\r\none\r\n--bX not a boundary\r\nstill one\r\n--b\r\n"
    b"Content-Type: text/plain\r\n\r\ntwo\r\n--b--\r\nepilogue\r\n",
    # LF line endings and whitespace after the boundary.
    b"From: a@x\nContent-Type: multipart/alternative; boundary=zz\n\n--zz  \n"
    b"Content-Type: text/plain\n\nplain\n--zz\nContent-Type: text/html\n\n<p>h</p>\n--zz--\n",
    # No closing boundary: left to the full parser.
    b'From: a@x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    b"Content-Type: text/plain\r\n\r\ntruncated",
    # A non-header line inside the header block.
    b"From: a@x\r\nthis is not a header\r\nSubject: s\r\n\r\nbody\r\n",
    # Nested forward with its own multipart.
    b'From: a@x\r\nContent-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\n'
    b"Content-Type: message/rfc822\r\n\r\nFrom: b@y\r\nContent-Type: multipart/mixed; "
    b'boundary="i"\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\ninner\r\n--i--\r\n\r\n--o--\r\n',
]


@pytest.mark.parametrize("raw", ODD)
def test_odd_structures_match_the_feed_parser(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _shape(read_message(raw)) == _shape(FULL.parsebytes(raw))
    fast, full = _both(raw, monkeypatch)
    assert fast == full


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(
    text=_TEXT,
    html=st.one_of(st.none(), _TEXT),
    files=st.lists(
        st.tuples(
            st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30),
            st.binary(max_size=3000),
        ),
        max_size=3,
    ),
    linesep=st.sampled_from(["\r\n", "\n"]),
)
@settings(max_examples=120, deadline=None)
def test_generated_messages_read_the_same_both_ways(
    text: str, html: str | None, files: list[tuple[str, bytes]], linesep: str
) -> None:
    msg = EmailMessage()
    msg["From"] = "Cliente <cliente@example.org>"
    msg["Message-ID"] = "<g@example.org>"
    msg["Subject"] = "prova"
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, data in files:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name or None)
    raw = msg.as_bytes(policy=policy.default.clone(linesep=linesep))
    assert _shape(read_message(raw)) == _shape(FULL.parsebytes(raw))
    fast = parse_module.parse_message(raw, own_address="support@example.com", internaldate=WHEN)
    original = parse_module.read_message
    parse_module.read_message = FULL.parsebytes
    try:
        full = parse_module.parse_message(raw, own_address="support@example.com", internaldate=WHEN)
    finally:
        parse_module.read_message = original
    assert fast == full
