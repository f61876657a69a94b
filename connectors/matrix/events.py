"""Matrix events as inbox items.

Pure functions: one timeline event in, one item (or nothing) out. Media are
fetched by the caller, which passes a downloader in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.base import Address, AttachmentData, BrokenItem, InboundItem, ItemUpdate

# Our replies carry their idempotency key in the event content, so a reply can
# be found again whatever the homeserver remembers of transaction IDs (per
# device since Matrix 1.7, per access token before) and our echo is matched to
# the outbox whichever device sees it.
KEY_FIELD = "com.unisono.idempotency_key"
# Which file of a reply with attachments an event carries (the text has none).
PART_FIELD = "com.unisono.part"

ENCRYPTED_TEXT = (
    "This message is end-to-end encrypted and cannot be read here. "
    "Answer the customer from a Matrix client that holds the room keys, "
    "or ask them to write in an unencrypted room."
)
ENCRYPTION_ON_TEXT = "End-to-end encryption was turned on in this room: new messages cannot be read here."

# Event types the sync filter asks for; everything else (reactions, calls,
# room settings) has no place in a customer timeline.
TIMELINE_TYPES = (
    "m.room.message",
    "m.room.encrypted",
    "m.room.encryption",
    "m.room.redaction",
    "m.room.member",
    "m.sticker",
)

_MEDIA_TYPES = {"m.image", "m.file", "m.audio", "m.video"}

# Bridges name their puppets after the remote account: mautrix-whatsapp uses
# the phone number (whatsapp_393331234567), mautrix-signal and -gmessages may
# too; mautrix-telegram uses the Telegram user ID. LIDs, UUIDs and other
# opaque IDs do not match, so no identity is invented for them.
_PUPPET_PHONE = re.compile(r"^(?:whatsapp|wa|signal|sms|gmessages|imessage)_\+?([1-9]\d{6,14})$")
_PUPPET_TELEGRAM = re.compile(r"^telegram_(\d{4,20})$")
# A display name such as "+39 333 123 4567 (WA)": only with the leading "+",
# because a bare digit string could be anything.
_NAME_PHONE = re.compile(r"\+[1-9][\d ().\-]{5,22}\d")

Downloader = Callable[[Mapping[str, Any]], Awaitable[AttachmentData | None]]


def bridged_identities(user_id: str, display_name: str | None) -> tuple[Address, ...]:
    """Phone numbers (and Telegram IDs) that a bridged user's ID or name really reveals."""
    found: list[Address] = []
    localpart = user_id[1:].split(":", 1)[0] if user_id.startswith("@") else user_id
    match = _PUPPET_PHONE.match(localpart)
    if match:
        found.append(Address("phone", "+" + match.group(1)))
    match = _PUPPET_TELEGRAM.match(localpart)
    if match:
        found.append(Address("telegram", match.group(1)))
    if display_name:
        for candidate in _NAME_PHONE.findall(display_name):
            digits = re.sub(r"\D", "", candidate)
            if 8 <= len(digits) <= 15:
                phone = Address("phone", "+" + digits)
                if phone not in found:
                    found.append(phone)
    return tuple(found)


def strip_reply_fallback(body: str, html: str | None) -> tuple[str, str | None]:
    """Remove the quoted original that older clients prepend to a reply."""
    if body.startswith("> "):
        lines = body.split("\n")
        i = 0
        while i < len(lines) and lines[i].startswith(">"):
            i += 1
        if i < len(lines) and lines[i] == "":
            body = "\n".join(lines[i + 1 :])
    if html:
        html = re.sub(r"<mx-reply>.*?</mx-reply>", "", html, flags=re.DOTALL)
    return body, html


def timestamp(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(event.get("origin_server_ts", 0)) / 1000.0, tz=UTC)


async def to_item(
    event: Mapping[str, Any],
    *,
    room_id: str,
    me: str,
    names: Mapping[str, str],
    download: Downloader,
) -> InboundItem | ItemUpdate | BrokenItem | None:
    """The inbox item for ``event``, or None when it has no place in a timeline."""
    event_id = event.get("event_id")
    kind = event.get("type")
    if not isinstance(event_id, str):
        return None
    raw = json.dumps(event, ensure_ascii=False, sort_keys=True).encode()
    try:
        if kind == "m.room.redaction":
            target = event.get("redacts") or event.get("content", {}).get("redacts")
            if not target:
                return None
            return ItemUpdate(
                target_external_id=str(target),
                kind="redaction",
                external_id=event_id,
                at=timestamp(event),
                reason=event.get("content", {}).get("reason"),
            )
        if kind not in ("m.room.message", "m.room.encrypted", "m.room.encryption", "m.sticker"):
            return None
        content = event.get("content") or {}
        if not content:
            return None  # redacted before we saw it: the redaction event says the rest
        sender_id = str(event["sender"])
        name = names.get(sender_id)
        outgoing = sender_id == me
        sender = Address("matrix", sender_id, name)
        common: dict[str, Any] = {
            "external_id": event_id,
            "thread_key": room_id,
            "sender": sender,
            "sent_at": timestamp(event),
            "direction": "out" if outgoing else "in",
            "extra_identities": () if outgoing else bridged_identities(sender_id, name),
            "raw": raw,
        }
        if outgoing:
            common["idempotency_key"] = content.get(KEY_FIELD) or (event.get("unsigned") or {}).get(
                "transaction_id"
            )
        if kind == "m.room.encrypted":
            return InboundItem(text=ENCRYPTED_TEXT, meta={"encrypted": True}, **common)
        if kind == "m.room.encryption":
            return InboundItem(text=ENCRYPTION_ON_TEXT, meta={"encrypted": True}, is_auto=True, **common)

        relates = content.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace" and relates.get("event_id"):
            new = content.get("m.new_content") or {}
            html = new.get("formatted_body") if new.get("format") == "org.matrix.custom.html" else None
            return ItemUpdate(
                target_external_id=str(relates["event_id"]),
                kind="edit",
                external_id=event_id,
                text=str(new.get("body", content.get("body", ""))),
                html=html,
                at=timestamp(event),
            )
        in_reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
        msgtype = content.get("msgtype", "m.sticker" if kind == "m.sticker" else None)
        body = content.get("body", "")
        if not isinstance(body, str):
            return BrokenItem(event_id, f"message body is a {type(body).__name__}, not text", raw)
        html = None
        if content.get("format") == "org.matrix.custom.html" and isinstance(
            content.get("formatted_body"), str
        ):
            html = content["formatted_body"]
        if in_reply_to:
            body, html = strip_reply_fallback(body, html)
        attachments: tuple[AttachmentData, ...] = ()
        meta: dict[str, Any] = {"msgtype": msgtype}
        text = body
        if msgtype == "m.emote":
            text = f"* {name or sender_id} {body}"
        elif msgtype in _MEDIA_TYPES or kind == "m.sticker":
            filename = content.get("filename") or body or "attachment"
            # Since Matrix 1.10 a body that differs from the file name is a caption.
            text = body if content.get("filename") and body != content["filename"] else ""
            if content.get("file"):
                meta["encrypted"] = True
                text = text or ENCRYPTED_TEXT
            elif not outgoing:  # our own files are in the outbox already
                found = await download(content)
                if found is None:
                    meta["attachment_missing"] = filename
                else:
                    attachments = (found,)
        elif msgtype == "m.location":
            text = f"{body} ({content.get('geo_uri', '')})".strip()
        return InboundItem(
            text=text,
            html=html,
            in_reply_to=str(in_reply_to) if in_reply_to else None,
            is_auto=msgtype == "m.notice",  # bots and bridges speak in notices
            attachments=attachments,
            meta=meta,
            **common,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return BrokenItem(event_id, f"unreadable {kind} event: {exc}", raw)


def member_names(events: list[Mapping[str, Any]]) -> dict[str, str]:
    """Display names from m.room.member events (state or timeline)."""
    names: dict[str, str] = {}
    for event in events:
        if event.get("type") != "m.room.member" or not isinstance(event.get("state_key"), str):
            continue
        name = (event.get("content") or {}).get("displayname")
        if isinstance(name, str) and name:
            names[event["state_key"]] = name
    return names
