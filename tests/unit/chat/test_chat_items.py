"""Matrix events and Telegram updates become the right inbox items."""

from __future__ import annotations

import asyncio
from typing import Any

from connectors.base import Address, BrokenItem, InboundItem, ItemUpdate
from connectors.matrix.events import (
    ENCRYPTED_TEXT,
    bridged_identities,
    strip_reply_fallback,
    to_item,
)
from connectors.telegram.updates import display_name, message_id_of
from connectors.telegram.updates import to_item as telegram_item

ME = "@support:example.org"


def matrix(event: dict[str, Any], names: dict[str, str] | None = None) -> Any:
    async def no_media(_: Any) -> None:
        return None

    base = {
        "event_id": "$e1",
        "sender": "@giulia:example.org",
        "origin_server_ts": 1_700_000_000_000,
        "type": "m.room.message",
    }
    return asyncio.run(
        to_item({**base, **event}, room_id="!r:example.org", me=ME, names=names or {}, download=no_media)
    )


def test_phone_numbers_only_where_a_bridge_really_shows_them() -> None:
    assert bridged_identities("@whatsapp_393331234567:example.org", None) == (
        Address("phone", "+393331234567"),
    )
    assert bridged_identities("@someone:example.org", "+39 333 123 4567 (WA)") == (
        Address("phone", "+393331234567"),
    )
    assert bridged_identities("@telegram_123456789:example.org", "Giulia") == (
        Address("telegram", "123456789"),
    )
    # Opaque bridge IDs, short numbers and digits without "+" reveal nothing.
    assert bridged_identities("@whatsapp_lid-123456789:example.org", "Giulia (WA)") == ()
    assert bridged_identities("@signal_0c9a6b1e-1f3a-4d2e:example.org", "Room 1042") == ()
    assert bridged_identities("@giulia:example.org", "Order 393331234567") == ()
    assert bridged_identities("@giulia:example.org", "+39 12") == ()


def test_reply_fallback_is_removed() -> None:
    body = "> <@a:b> original\n> second line\n\nthe answer"
    html = "<mx-reply><blockquote>original</blockquote></mx-reply>the <b>answer</b>"
    assert strip_reply_fallback(body, html) == ("the answer", "the <b>answer</b>")
    assert strip_reply_fallback("> just a quote", None) == ("> just a quote", None)


def test_matrix_messages_edits_redactions_and_echoes() -> None:
    item = matrix(
        {"content": {"msgtype": "m.notice", "body": "Bridge connected"}},
        {"@giulia:example.org": "Giulia"},
    )
    assert isinstance(item, InboundItem) and item.is_auto and item.sender.display_name == "Giulia"
    emote = matrix({"content": {"msgtype": "m.emote", "body": "waves"}})
    assert emote.text == "* @giulia:example.org waves"
    edit = matrix(
        {
            "content": {
                "body": "* fixed",
                "m.new_content": {"body": "fixed"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"},
            }
        }
    )
    assert isinstance(edit, ItemUpdate) and (edit.kind, edit.target_external_id, edit.text) == (
        "edit",
        "$e0",
        "fixed",
    )
    gone = matrix({"type": "m.room.redaction", "redacts": "$e0", "content": {}})
    assert isinstance(gone, ItemUpdate) and gone.kind == "redaction"
    gone_v11 = matrix({"type": "m.room.redaction", "content": {"redacts": "$e0"}})
    assert isinstance(gone_v11, ItemUpdate) and gone_v11.target_external_id == "$e0"
    echo = matrix({"sender": ME, "content": {"body": "hi", "com.unisono.idempotency_key": "k1"}})
    assert echo.direction == "out" and echo.idempotency_key == "k1" and echo.extra_identities == ()
    echo2 = matrix({"sender": ME, "content": {"body": "hi"}, "unsigned": {"transaction_id": "k2"}})
    assert echo2.idempotency_key == "k2"


def test_matrix_encrypted_and_broken_events() -> None:
    secret = matrix({"type": "m.room.encrypted", "content": {"ciphertext": "x"}})
    assert secret.text == ENCRYPTED_TEXT and secret.meta == {"encrypted": True}
    assert isinstance(matrix({"content": {"body": 42}}), BrokenItem)
    assert matrix({"type": "m.reaction", "content": {"m.relates_to": {}}}) is None
    assert matrix({"content": {}}) is None  # redacted before we saw it


def test_telegram_names_ids_and_shared_contacts() -> None:
    assert (
        display_name({"id": 1, "first_name": "Giulia", "last_name": "Rossi", "username": "giuliar"})
        == "Giulia Rossi (@giuliar)"
    )
    assert display_name({"id": 1, "username": "x"}) == "@x"
    assert message_id_of("-100777:42") == 42 and message_id_of("garbage") is None
    sender = {"id": 7, "first_name": "Ada", "is_bot": False}
    own = {
        "update_id": 1,
        "message": {
            "message_id": 3,
            "date": 1_700_000_000,
            "chat": {"id": 7, "type": "private"},
            "from": sender,
            "contact": {"phone_number": "+39 333 1234567", "first_name": "Ada", "user_id": 7},
        },
    }
    item = telegram_item(own, ())
    assert isinstance(item, InboundItem)
    assert item.extra_identities == (Address("phone", "+393331234567"),)
    someone_else = {
        "update_id": 2,
        "message": {
            **own["message"],
            "contact": {"phone_number": "+39 333 7654321", "first_name": "Bob", "user_id": 99},
        },
    }
    assert telegram_item(someone_else, ()).extra_identities == ()
    photo = {"update_id": 3, "message": {**own["message"], "photo": [{}], "caption": "broken"}}
    del photo["message"]["contact"]
    assert telegram_item(photo, ()).text == "[photo] broken"
    joined = {
        "update_id": 4,
        "message": {
            "message_id": 9,
            "date": 1,
            "chat": {"id": -5},
            "from": sender,
            "new_chat_members": [sender],
        },
    }
    assert telegram_item(joined, ()) is None
    assert isinstance(telegram_item({"update_id": 5, "message": {"chat": {}}}, ()), BrokenItem)
