"""One raw message in, one :class:`InboundItem` (or :class:`BrokenItem`) out.

Parsing dominates the cost of an import (a 10,000-message mailbox is parsed in a
few seconds), so the structure is read with the fast ``compat32`` policy and the
text is decoded by hand in :mod:`.mimetext`, which is also where we are more
forgiving than the standard library about charsets. Nothing here raises for a
bad message: the worst outcome is a quarantined item with its reason.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from connectors.base import Address, AttachmentData, BrokenItem, InboundItem

from .mime import read_message
from .mimetext import decode_bytes, header_text, html_to_text, safe_filename
from .threads import message_ids, normalize_message_id, thread_root

logger = logging.getLogger(__name__)

_MAX_DEPTH = 40
_AUTO_PRECEDENCE = {"bulk", "junk", "auto_reply", "auto-reply"}
_ROBOT_LOCALPARTS = {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"}
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


def raw_digest_id(raw: bytes) -> str:
    """The external ID of a message without a Message-ID: stable across re-syncs."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass
class _Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[AttachmentData] = field(default_factory=list)
    forwarded: list[dict[str, str]] = field(default_factory=list)
    calendar: list[dict[str, str]] = field(default_factory=list)
    report_original: str | None = None
    bounce_reason: str | None = None

    @property
    def bounce_of(self) -> str | None:
        # Only a failed delivery is a bounce; a "delayed" report is just an auto-reply.
        return self.report_original if self.bounce_reason else None


def parse_message(
    raw: bytes,
    *,
    own_address: str,
    folder: str | None = None,
    uid: int | None = None,
    internaldate: datetime | None = None,
    flags: Iterable[str] = (),
) -> InboundItem | BrokenItem:
    fallback_id = raw_digest_id(raw)
    external_id = fallback_id
    try:
        msg = read_message(raw)
        if not msg.keys():
            return BrokenItem(fallback_id, "no mail headers found: this is not an email", raw)
        message_id = normalize_message_id(header_text(msg.get("Message-ID")))
        external_id = message_id or fallback_id
        return _item(msg, raw, external_id, message_id, own_address, folder, uid, internaldate, tuple(flags))
    except _Unusable as exc:
        return BrokenItem(external_id, str(exc), raw)
    except Exception as exc:  # one odd message must never stop the mailbox
        logger.warning("could not parse message %s: %s", external_id, type(exc).__name__)
        return BrokenItem(external_id, f"could not read this message: {type(exc).__name__}: {exc}"[:500], raw)


class _Unusable(Exception):
    pass


def _item(
    msg: Message,
    raw: bytes,
    external_id: str,
    message_id: str | None,
    own_address: str,
    folder: str | None,
    uid: int | None,
    internaldate: datetime | None,
    flags: tuple[str, ...],
) -> InboundItem:
    from_list = _addresses(msg, "From")
    reply_to = _addresses(msg, "Reply-To")
    sender_list = _addresses(msg, "Sender")
    author = (from_list or sender_list or [("", "")])[0]
    # The person is who wrote (From); where they asked replies to go (Reply-To)
    # travels in meta["reply_to"] and the outbox answers there.
    candidates = from_list or sender_list or reply_to
    if not candidates:
        raise _Unusable("no sender: the message has no usable From, Reply-To or Sender address")
    chosen = candidates[0]
    outbound = bool(author[1]) and author[1].lower() == own_address.strip().lower()
    if outbound:
        chosen = author

    in_reply_to_ids = message_ids(header_text(msg.get("In-Reply-To")))
    in_reply_to = in_reply_to_ids[0] if in_reply_to_ids else None
    references = tuple(message_ids(header_text(msg.get("References"))))
    thread_key = thread_root(external_id, in_reply_to, list(references))

    body = _Body()
    _walk(msg, body, 0, inside_report=False)
    html = _clean("\n".join(body.htmls)) if body.htmls else None
    texts = [t for t in body.texts if t.strip()] if len(body.texts) > 1 else body.texts
    text = _clean("\n\n".join(texts))
    if not text and html:
        text = html_to_text(html)
    for fwd in body.forwarded:
        text += ("\n\n" if text else "") + fwd.pop("_text")
    if not text and body.calendar:
        first = body.calendar[0]
        text = "Calendar invitation: " + " ".join(v for v in (first.get("summary"), first.get("start")) if v)

    lowered_ctype = msg.get_content_type()
    localpart = author[1].partition("@")[0].lower()
    auto_submitted = header_text(msg.get("Auto-Submitted")).split(";")[0].strip().lower()
    precedence = header_text(msg.get("Precedence")).strip().lower()
    is_auto = bool(
        (auto_submitted and auto_submitted != "no")
        or lowered_ctype == "multipart/report"
        or precedence in _AUTO_PRECEDENCE
        or msg.get("X-Autoreply") is not None
        or msg.get("X-Autorespond") is not None
        or localpart in _ROBOT_LOCALPARTS
        or body.bounce_of
    )

    meta: dict[str, Any] = {
        "message_id": message_id,
        "folder": folder,
        "uid": uid,
        "from": [a for _, a in from_list],
        "to": [a for _, a in _addresses(msg, "To")],
        "cc": [a for _, a in _addresses(msg, "Cc")],
    }
    if reply_to:
        meta["reply_to"] = [a for _, a in reply_to]
    if flags:
        meta["flags"] = list(flags)
    list_id = header_text(msg.get("List-Id"))
    if list_id:
        meta["list_id"] = list_id
    if body.forwarded:
        meta["forwarded"] = body.forwarded
    if body.calendar:
        meta["calendar"] = body.calendar
    if any(a.content_type in _TNEF_TYPES for a in body.attachments):
        meta["winmail_dat"] = True

    subject = _clean(header_text(msg.get("Subject"))) or None
    return InboundItem(
        external_id=external_id,
        thread_key=thread_key,
        sender=Address("email", chosen[1], _clean(chosen[0]) or None),
        sent_at=_date(msg, internaldate),
        text=text,
        html=html,
        subject=subject,
        direction="out" if outbound else "in",
        in_reply_to=in_reply_to,
        references=references,
        is_auto=is_auto,
        bounce_of=body.bounce_of,
        bounce_reason=body.bounce_reason,
        idempotency_key=message_id if outbound else None,
        attachments=tuple(body.attachments),
        raw=raw,
        meta=meta,
    )


def _clean(text: str) -> str:
    # NUL bytes are legal in 8bit mail and illegal in PostgreSQL text.
    return text.replace("\x00", "") if "\x00" in text else text


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    values = msg.get_all(name) or []
    out: list[tuple[str, str]] = []
    for value in values:
        # Split first and decode names after, so an encoded comma stays inside its name;
        # raw 8-bit headers arrive as Header objects and are decoded first.
        text = header_text(value) if not isinstance(value, str) else value
        for display, addr in getaddresses([text]):
            addr = _clean(addr.strip())
            if "@" in addr:
                out.append((header_text(display), addr))
    return out


def _date(msg: Message, internaldate: datetime | None) -> datetime:
    value = header_text(msg.get("Date"))
    when: datetime | None = None
    if value:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
    if when is None:
        when = internaldate or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    return b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError):
        name = None
    return header_text(name) if name else None


def _walk(part: Message, body: _Body, depth: int, *, inside_report: bool) -> None:
    if depth > _MAX_DEPTH:
        raise _Unusable("MIME parts nested too deeply to read safely")
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or (
        ctype.startswith("message/") and part.is_multipart() and ctype != "message/delivery-status"
    ):
        _attached_message(part, body, inside_report)
        return
    if ctype == "message/delivery-status":
        _delivery_status(part, body)
        return
    if part.is_multipart():
        payload = part.get_payload()
        report = inside_report or ctype == "multipart/report"
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    _walk(sub, body, depth + 1, inside_report=report)
        return
    _leaf(part, ctype, body, inside_report)


def _leaf(part: Message, ctype: str, body: _Body, inside_report: bool) -> None:
    disposition = part.get_content_disposition()
    filename = _filename(part)
    cid_header = part.get("Content-ID")
    content_id = header_text(cid_header).strip().strip("<>").strip() or None if cid_header else None
    data = _payload_bytes(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        text = decode_bytes(data, part.get_content_charset())
        (body.texts if ctype == "text/plain" else body.htmls).append(text)
        return
    if ctype == "text/rfc822-headers":
        if inside_report:
            headers = HeaderParser(policy=policy.compat32).parsestr(decode_bytes(data))
            _original_id(headers, body)
        return
    if ctype == "text/calendar":
        body.calendar.append(_calendar_summary(decode_bytes(data, part.get_content_charset())))
        filename = filename or "invite.ics"
    if ctype in _TNEF_TYPES:
        filename = filename or "winmail.dat"
    inline = disposition == "inline" or (content_id is not None and disposition != "attachment")
    body.attachments.append(
        AttachmentData(
            filename=safe_filename(filename, ctype),
            content_type=ctype,
            data=data,
            content_id=content_id,
            inline=inline,
        )
    )


def _attached_message(part: Message, body: _Body, inside_report: bool) -> None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return
    if inside_report:
        # The returned original of a bounce: only its Message-ID matters.
        _original_id(inner, body)
        return
    subject = header_text(inner.get("Subject"))
    sender = header_text(inner.get("From"))
    sent = header_text(inner.get("Date"))
    sub = _Body()
    _walk(inner, sub, 1, inside_report=False)
    inner_text = "\n\n".join(t for t in sub.texts if t.strip())
    if not inner_text and sub.htmls:
        inner_text = html_to_text("\n".join(sub.htmls))
    header_lines = [
        f"{label}: {value}"
        for label, value in (("From", sender), ("Date", sent), ("Subject", subject))
        if value
    ]
    body.forwarded.append(
        {
            "from": sender,
            "subject": subject,
            "date": sent,
            "_text": "\n".join(
                ["---------- Forwarded message ----------", *header_lines, "", _clean(inner_text)]
            ),
        }
    )
    try:
        data = inner.as_bytes(policy=policy.compat32)
    except (ValueError, LookupError, TypeError, UnicodeError):
        data = b""
    body.attachments.append(
        AttachmentData(
            filename=safe_filename((subject or "forwarded message") + ".eml", "message/rfc822"),
            content_type="message/rfc822",
            data=data,
        )
    )
    # Files attached to the forwarded mail are the customer's files too.
    body.attachments.extend(sub.attachments)


def _original_id(headers: Message, body: _Body) -> None:
    if body.report_original is None:
        body.report_original = normalize_message_id(header_text(headers.get("Message-ID")))


def _delivery_status(part: Message, body: _Body) -> None:
    payload = part.get_payload()
    blocks = [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []
    reasons = []
    for block in blocks[1:] or blocks:
        action = header_text(block.get("Action")).strip().lower()
        if action != "failed":
            continue
        recipient = header_text(block.get("Final-Recipient") or block.get("Original-Recipient"))
        recipient = recipient.partition(";")[2].strip() or recipient
        status = header_text(block.get("Status")).strip()
        diagnostic = header_text(block.get("Diagnostic-Code"))
        diagnostic = diagnostic.partition(";")[2].strip() or diagnostic
        reason = f"delivery to {recipient or 'the recipient'} failed"
        if diagnostic:
            reason += f": {diagnostic}"
        if status:
            reason += f" (status {status})"
        reasons.append(reason)
    if reasons:
        body.bounce_reason = "; ".join(reasons)


def _calendar_summary(text: str) -> dict[str, str]:
    """The few fields an agent needs to see what an invitation is about."""
    wanted = {
        "METHOD": "method",
        "SUMMARY": "summary",
        "DTSTART": "start",
        "DTEND": "end",
        "LOCATION": "location",
        "ORGANIZER": "organizer",
    }
    found: dict[str, str] = {}
    unfolded = text.replace("\r\n ", "").replace("\n ", "").replace("\r\n\t", "")
    for line in unfolded.splitlines():
        name, sep, value = line.partition(":")
        key = wanted.get(name.split(";")[0].strip().upper())
        if sep and key and key not in found:
            found[key] = value.strip()
    return found
