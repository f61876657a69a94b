"""Telegram updates as inbox items (pure functions)."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.base import Address, BrokenItem, InboundItem, ItemUpdate

# What a message that is not plain text shows in the timeline (the file itself
# stays on Telegram's servers).
_PLACEHOLDERS = {
    "photo": "[photo]",
    "video": "[video]",
    "voice": "[voice message]",
    "audio": "[audio]",
    "video_note": "[video message]",
    "animation": "[animation]",
}


def external_id(chat_id: int | str, message_id: int | str) -> str:
    return f"{chat_id}:{message_id}"


def message_id_of(external: str) -> int | None:
    """The Telegram message ID inside one of our external IDs ("chat:message")."""
    _, _, tail = external.rpartition(":")
    return int(tail) if tail.lstrip("-").isdigit() else None


@dataclass(frozen=True)
class FileRef:
    """A file a customer sent, still on Telegram's servers."""

    file_id: str
    filename: str
    content_type: str
    size: int | None


def file_of(message: Mapping[str, Any]) -> FileRef | None:
    """The file carried by a photo, document, voice, audio or video message."""
    mid = message.get("message_id")
    if message.get("photo"):
        biggest = message["photo"][-1]  # Telegram lists the sizes smallest first
        return FileRef(biggest["file_id"], f"photo-{mid}.jpg", "image/jpeg", biggest.get("file_size"))
    defaults = {
        "document": ("file", "application/octet-stream"),
        "voice": (f"voice-{mid}.ogg", "audio/ogg"),
        "audio": (f"audio-{mid}.mp3", "audio/mpeg"),
        "video": (f"video-{mid}.mp4", "video/mp4"),
        "video_note": (f"video-{mid}.mp4", "video/mp4"),
        "animation": (f"animation-{mid}.mp4", "video/mp4"),
    }
    for key, (name, kind) in defaults.items():
        found = message.get(key)
        if isinstance(found, Mapping) and found.get("file_id"):
            return FileRef(
                str(found["file_id"]),
                str(found.get("file_name") or name),
                str(found.get("mime_type") or kind),
                found.get("file_size"),
            )
    return None


def display_name(user: Mapping[str, Any]) -> str:
    name = " ".join(str(user[k]) for k in ("first_name", "last_name") if user.get(k))
    if user.get("username"):
        name = f"{name} (@{user['username']})" if name else f"@{user['username']}"
    return name or str(user.get("id", ""))


def _when(seconds: Any) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=UTC)


def _text_of(message: Mapping[str, Any]) -> str | None:
    """The readable text of a message, or None for service messages (joins, pins...)."""
    text = message.get("text")
    if isinstance(text, str):
        return text
    caption = message.get("caption") if isinstance(message.get("caption"), str) else ""
    for key, label in _PLACEHOLDERS.items():
        if key in message:
            return f"{label} {caption}".strip()
    if "document" in message:
        name = (message["document"] or {}).get("file_name") or "file"
        return f"[file: {name}] {caption}".strip()
    if "sticker" in message:
        return f"[sticker {(message['sticker'] or {}).get('emoji', '')}]".replace(" ]", "]")
    if "location" in message:
        loc = message["location"]
        return f"[location {loc.get('latitude')}, {loc.get('longitude')}]"
    if "contact" in message:
        contact = message["contact"]
        return f"[contact: {display_name(contact)} {contact.get('phone_number', '')}]".strip()
    return None


def _phone_identity(message: Mapping[str, Any], sender_id: int) -> tuple[Address, ...]:
    # A customer sharing their *own* contact card gives us a real phone number;
    # any other contact card is somebody else's.
    contact = message.get("contact")
    if not contact or contact.get("user_id") != sender_id:
        return ()
    digits = re.sub(r"\D", "", str(contact.get("phone_number", "")))
    return (Address("phone", "+" + digits),) if 8 <= len(digits) <= 15 else ()


def to_item(
    update: Mapping[str, Any], allowed_chats: Collection[str]
) -> InboundItem | ItemUpdate | BrokenItem | None:
    raw = json.dumps(update, ensure_ascii=False, sort_keys=True).encode()
    update_id = update.get("update_id")
    try:
        if "callback_query" in update:
            return _pressed(update["callback_query"], allowed_chats, raw)
        message = update.get("message") or update.get("edited_message")
        if not message:
            return None
        chat = message["chat"]
        chat_id = str(chat["id"])
        if allowed_chats and chat_id not in allowed_chats:
            return None
        own_id = external_id(chat_id, message["message_id"])
        text = _text_of(message)
        if text is None:
            return None
        if "edited_message" in update:
            edited_at = message.get("edit_date") or message["date"]
            return ItemUpdate(
                target_external_id=own_id,
                kind="edit",
                external_id=f"{own_id}:edit:{edited_at}",
                text=text,
                at=_when(edited_at),
            )
        sender = message.get("from") or {}
        if not sender:
            return BrokenItem(f"update-{update_id}", "message without a sender", raw)
        reply_to = message.get("reply_to_message")
        return InboundItem(
            external_id=own_id,
            thread_key=chat_id,
            sender=Address("telegram", str(sender["id"]), display_name(sender)),
            sent_at=_when(message["date"]),
            text=text,
            in_reply_to=external_id(chat_id, reply_to["message_id"]) if reply_to else None,
            extra_identities=_phone_identity(message, sender["id"]),
            is_auto=bool(sender.get("is_bot")),
            raw=raw,
            meta={
                "chat_type": chat.get("type"),
                "chat_title": chat.get("title"),
                "update_id": update_id,
            },
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return BrokenItem(f"update-{update_id}", f"unreadable Telegram update: {exc!r}", raw)


def _pressed(query: Mapping[str, Any], allowed_chats: Collection[str], raw: bytes) -> InboundItem | None:
    """A button pressed under one of our messages, as the customer's message saying its choice.

    A press has no date of its own: it is stored as of when it was fetched. Its external ID
    is the query's, so a press fetched again is the same message."""
    message = query.get("message")
    sender = query.get("from") or {}
    data = query.get("data")
    if not message or not sender or not isinstance(data, str):
        return None  # a press on an inline-mode message, or a game: nothing for the inbox
    chat_id = str(message["chat"]["id"])
    if allowed_chats and chat_id not in allowed_chats:
        return None
    return InboundItem(
        external_id=f"{chat_id}:press:{query['id']}",
        thread_key=chat_id,
        sender=Address("telegram", str(sender["id"]), display_name(sender)),
        sent_at=datetime.now(UTC),
        text=data,
        in_reply_to=external_id(chat_id, message["message_id"]),
        raw=raw,
        meta={"chat_type": message["chat"].get("type"), "button": True},
    )
