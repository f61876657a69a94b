"""The Telegram connector against the Bot API emulator, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import traceback
from typing import Any

import pytest

from connectors.base import (
    AttachmentData,
    AuthError,
    BatchItem,
    InboundItem,
    ItemUpdate,
    OutboundReply,
    SettingsError,
    TransientError,
)
from connectors.telegram import PartlySentError, TelegramConnector
from tests.emulators.telegram import TelegramEmulator

GIULIA = {"id": 4242, "first_name": "Giulia", "last_name": "Rossi", "username": "giuliar"}
MARCO = {"id": 5151, "first_name": "Marco"}


def connector(emulator: TelegramEmulator, token: str | None = None, **settings: Any) -> TelegramConnector:
    return TelegramConnector(
        {"api_base": emulator.base_url, **settings}, token if token is not None else emulator.token
    )


async def collect(bot: TelegramConnector, cursor: str | None) -> tuple[list[BatchItem], str | None]:
    items: list[BatchItem] = []
    async for batch in bot.fetch(cursor):
        items.extend(batch.items)
        cursor = batch.cursor
    return items, cursor


def test_private_and_group_messages_arrive(emulator: TelegramEmulator) -> None:
    first = emulator.customer_says(GIULIA, "Hello, where is my parcel?")
    group = {"id": -100777, "type": "supergroup", "title": "Rossi family"}
    emulator.customer_says(MARCO, "Same question here", chat=group)
    emulator.customer_says(GIULIA, "Order 1042", reply_to=first["message_id"])

    async def run() -> list[BatchItem]:
        bot = connector(emulator)
        try:
            await bot.check()
            items, _ = await collect(bot, None)
            return items
        finally:
            await bot.close()

    hello, marco, order = asyncio.run(run())
    assert isinstance(hello, InboundItem) and isinstance(marco, InboundItem)
    assert isinstance(order, InboundItem)
    assert (hello.thread_key, hello.external_id, hello.text) == (
        "4242",
        "4242:1",
        "Hello, where is my parcel?",
    )
    assert (hello.sender.kind, hello.sender.value, hello.sender.display_name) == (
        "telegram",
        "4242",
        "Giulia Rossi (@giuliar)",
    )
    assert (marco.thread_key, marco.sender.display_name, marco.meta["chat_title"]) == (
        "-100777",
        "Marco",
        "Rossi family",
    )
    assert order.in_reply_to == "4242:1"


def test_nothing_is_confirmed_before_the_store_has_the_cursor(emulator: TelegramEmulator) -> None:
    for n in range(3):
        emulator.customer_says(GIULIA, f"message {n}")

    async def run() -> None:
        bot = connector(emulator)
        try:
            items, cursor = await collect(bot, None)
            assert [i.text for i in items if isinstance(i, InboundItem)] == [
                "message 0",
                "message 1",
                "message 2",
            ]
            # The worker dies before storing: the stored cursor is still None.
            assert await bot.wait_for_changes(None, 1) is True
            again, _ = await collect(bot, None)
            assert [i.external_id for i in again] == [i.external_id for i in items]
            assert len(emulator.pending_update_ids()) == 3
            # Stored this time: the next call with the stored cursor confirms them.
            assert await bot.wait_for_changes(cursor, 0.5) is False
            assert emulator.pending_update_ids() == []
            rest, cursor2 = await collect(bot, cursor)
            assert rest == [] and cursor2 == cursor
            emulator.customer_says(GIULIA, "one more")
            rest, _ = await collect(bot, cursor)
            assert [i.text for i in rest if isinstance(i, InboundItem)] == ["one more"]
        finally:
            await bot.close()

    asyncio.run(run())


def test_long_poll_wakes_up_when_the_customer_writes(emulator: TelegramEmulator) -> None:
    async def run() -> tuple[bool, float, bool, float]:
        bot = connector(emulator, poll_timeout=5)
        try:
            _, cursor = await collect(bot, None)
            start = time.monotonic()
            idle = await bot.wait_for_changes(cursor, 1.0)
            idle_took = time.monotonic() - start
            timer = threading.Timer(0.3, emulator.customer_says, (GIULIA, "are you there?"))
            timer.start()
            start = time.monotonic()
            woke = await bot.wait_for_changes(cursor, 10)
            woke_took = time.monotonic() - start
            timer.join()
            return idle, idle_took, woke, woke_took
        finally:
            await bot.close()

    idle, idle_took, woke, woke_took = asyncio.run(run())
    assert idle is False and 0.9 <= idle_took < 3
    assert woke is True and 0.25 <= woke_took < 2


def test_edits_arrive_as_updates(emulator: TelegramEmulator) -> None:
    message = emulator.customer_says(GIULIA, "my adress is Via Roma 1")
    emulator.customer_edits(GIULIA["id"], message["message_id"], "my address is Via Roma 1")

    async def run() -> list[BatchItem]:
        bot = connector(emulator)
        try:
            return (await collect(bot, None))[0]
        finally:
            await bot.close()

    _, edit = asyncio.run(run())
    assert isinstance(edit, ItemUpdate)
    assert (edit.kind, edit.target_external_id, edit.text) == (
        "edit",
        "4242:1",
        "my address is Via Roma 1",
    )


def test_photos_and_documents_arrive_as_attachments(emulator: TelegramEmulator) -> None:
    picture = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    thumb = emulator.add_file(b"tiny")
    full = emulator.add_file(picture, "photo.jpg")
    emulator.customer_says(GIULIA, None, photo=[thumb, full], caption="the box arrived like this")
    invoice = emulator.add_file(b"%PDF-1.4 invoice", "invoice.pdf")
    emulator.customer_says(
        GIULIA,
        None,
        document={**invoice, "file_name": "invoice.pdf", "mime_type": "application/pdf"},
    )
    emulator.customer_says(GIULIA, None, voice={"file_id": "expired", "duration": 3})

    async def run() -> list[BatchItem]:
        bot = connector(emulator)
        try:
            return (await collect(bot, None))[0]
        finally:
            await bot.close()

    photo, document, voice = asyncio.run(run())
    assert isinstance(photo, InboundItem) and isinstance(document, InboundItem)
    assert isinstance(voice, InboundItem)
    assert photo.text == "[photo] the box arrived like this"
    assert [(a.filename, a.content_type, a.data) for a in photo.attachments] == [
        ("photo-1.jpg", "image/jpeg", picture)
    ]
    assert [(a.filename, a.content_type, a.data) for a in document.attachments] == [
        ("invoice.pdf", "application/pdf", b"%PDF-1.4 invoice")
    ]
    # A file Telegram no longer has: the message still arrives and says so.
    assert voice.attachments == () and voice.meta["attachment_missing"] == "voice-3.ogg"


def test_rate_limit_honours_retry_after(emulator: TelegramEmulator) -> None:
    emulator.customer_says(GIULIA, "hi")
    emulator.fail("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)

    async def run() -> TransientError:
        bot = connector(emulator)
        reply = OutboundReply("r-429", "4242", "Hello Giulia", in_reply_to="4242:1")
        try:
            with pytest.raises(TransientError) as caught:
                await bot.send(reply)
            result = await bot.send(reply)
            assert result.external_id == "4242:2"
            assert (await bot.send(reply)).external_id == "4242:2"  # same key: not again
            return caught.value
        finally:
            await bot.close()

    error = asyncio.run(run())
    assert error.retry_after == 2
    assert "rate limiting" in str(error)
    [sent] = emulator.sent_messages()
    assert sent["text"] == "Hello Giulia" and sent["reply_to_message"]["message_id"] == 1


def test_conflicts_are_reported_in_words(emulator: TelegramEmulator) -> None:
    async def run() -> tuple[TransientError, AuthError]:
        first, second = connector(emulator, poll_timeout=5), connector(emulator, poll_timeout=5)
        try:
            waiting = asyncio.create_task(first.wait_for_changes(None, 5))
            await asyncio.sleep(0.3)
            await second.wait_for_changes(None, 0)  # another poller takes the bot over
            with pytest.raises(TransientError) as other_poller:
                await waiting
            emulator.set_webhook("https://example.org/hook")
            with pytest.raises(AuthError) as webhook:
                await collect(second, None)
            with pytest.raises(AuthError, match="webhook"):
                await second.check()  # "Test connection" says it too
            return other_poller.value, webhook.value
        finally:
            await first.close()
            await second.close()

    other_poller, webhook = asyncio.run(run())
    assert "another program" in str(other_poller) and other_poller.retry_after
    assert "webhook" in str(webhook) and "deleteWebhook" in str(webhook)


def test_long_reply_is_split_at_paragraphs_and_resumed_after_a_failure(
    emulator: TelegramEmulator,
) -> None:
    emulator.customer_says(GIULIA, "Can you explain the warranty?")
    paragraphs = [f"Paragraph {n}. " + "warranty terms " * 100 for n in range(8)]
    text = "\n\n".join(paragraphs)
    # The third part fails with a 429 after two went out.
    emulator.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, skip=2)

    async def run() -> tuple[PartlySentError, Any]:
        bot = connector(emulator)
        reply = OutboundReply("r-long", "4242", text, in_reply_to="4242:1")
        try:
            with pytest.raises(PartlySentError) as caught:
                await bot.send(reply)
            result = await bot.send(reply)
            return caught.value, result
        finally:
            await bot.close()

    partial, result = asyncio.run(run())
    sent = emulator.sent_messages()
    assert len(partial.sent_parts) == 2 and partial.retry_after == 1
    assert [f"4242:{m['message_id']}" for m in sent] == result.meta["parts"]
    assert result.external_id == result.meta["parts"][0]
    assert all(len(m["text"]) <= 4096 for m in sent)
    # Every part is made of whole paragraphs, in order, none lost or doubled.
    assert "\n\n".join(m["text"] for m in sent) == text
    assert all(m["text"].startswith("Paragraph") for m in sent)
    assert sent[0]["reply_to_message"]["message_id"] == 1
    assert "reply_to_message" not in sent[1]


def test_parts_delivered_before_a_restart_are_not_sent_again(emulator: TelegramEmulator) -> None:
    emulator.customer_says(GIULIA, "hi")
    text = "\n\n".join(["x" * 3000, "y" * 3000, "z" * 3000])
    emulator.fail("sendMessage", 502, "Bad Gateway", skip=1)

    async def run() -> None:
        bot = connector(emulator)
        reply = OutboundReply("r-restart", "4242", text)
        try:
            with pytest.raises(PartlySentError) as caught:
                await bot.send(reply)
        finally:
            await bot.close()
        later = connector(emulator)  # a new process: the dispatcher recorded the parts
        try:
            later.note_sent_parts("r-restart", caught.value.sent_parts)
            result = await later.send(reply)
            assert len(result.meta["parts"]) == 3
            assert await later.find_sent(reply) is not None
        finally:
            await later.close()

    asyncio.run(run())
    assert [m["text"][0] for m in emulator.sent_messages()] == ["x", "y", "z"]


def test_a_bad_token_is_an_auth_error_that_never_shows_the_token(
    emulator: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "7000000001:AAE-this_token_is_revoked_000000000000"

    async def run() -> tuple[AuthError, TransientError]:
        bot = connector(emulator, token=wrong)
        unreachable = TelegramConnector({"api_base": "http://127.0.0.1:9"}, wrong)
        try:
            with pytest.raises(AuthError) as refused:
                await bot.check()
            with pytest.raises(TransientError) as down:
                await collect(unreachable, None)
            return refused.value, down.value
        finally:
            await bot.close()
            await unreachable.close()

    with caplog.at_level(logging.DEBUG):
        refused, down = asyncio.run(run())
    for error in (refused, down):
        shown = "".join(traceback.format_exception(error))
        assert wrong not in shown and "this_token" not in shown
    assert "Unauthorized" in str(refused) and "BotFather" in str(refused)
    assert "cannot reach" in str(down)
    assert caplog.records, "httpx logs its requests"
    assert all(wrong not in record.getMessage() for record in caplog.records)


def test_settings_refuse_plain_http_to_a_remote_server() -> None:
    with pytest.raises(SettingsError, match="https"):
        TelegramConnector({"api_base": "http://api.telegram.org"}, "1:x")
    with pytest.raises(SettingsError, match="poll_timeout"):
        TelegramConnector({"poll_timeout": "soon"}, "1:x")
    assert TelegramConnector({}, "1:x").api_base == "https://api.telegram.org"


def test_files_follow_the_text_and_a_failure_resends_only_what_did_not_go(
    emulator: TelegramEmulator,
) -> None:
    emulator.customer_says(GIULIA, "hi")
    invoice = AttachmentData("fattura 42.pdf", "application/pdf", b"%PDF-1.4 fattura")
    label = AttachmentData("etichetta.png", "image/png", b"\x89PNG etichetta")
    reply = OutboundReply(
        "with-files", "4242", "Ecco i documenti.", in_reply_to="4242:1", attachments=(invoice, label)
    )
    # The second file fails once with a 502, after the text and the first file went out.
    emulator.fail("sendDocument", 502, "Bad Gateway", skip=1)

    async def run() -> tuple[PartlySentError, Any, Any]:
        bot = connector(emulator)
        try:
            with pytest.raises(PartlySentError) as caught:
                await bot.send(reply)
            result = await bot.send(reply)
            return caught.value, result, await bot.find_sent(reply)
        finally:
            await bot.close()

    partial, result, found = asyncio.run(run())
    sent = emulator.sent_messages()
    assert len(partial.sent_parts) == 2
    assert [m.get("text") for m in sent] == ["Ecco i documenti.", None, None]
    documents = [m["document"] for m in sent[1:]]
    assert [(d["file_name"], d["mime_type"], d["file_size"]) for d in documents] == [
        ("fattura 42.pdf", "application/pdf", 16),
        ("etichetta.png", "image/png", 14),
    ]
    stored = {name: data for name, data in emulator.state.files.values()}
    assert sorted(stored.values()) == sorted([invoice.data, label.data])  # byte for byte
    assert sent[0]["reply_to_message"]["message_id"] == 1 and "reply_to_message" not in sent[1]
    assert result.meta["parts"] == [f"4242:{m['message_id']}" for m in sent]
    assert found is not None and found.meta["parts"] == result.meta["parts"]
    assert len(emulator.calls("sendDocument")) == 3  # two files, one of them tried twice


def test_files_alone_are_a_reply(emulator: TelegramEmulator) -> None:
    emulator.customer_says(GIULIA, "hi")
    reply = OutboundReply(
        "only-file", "4242", "", attachments=(AttachmentData("a.pdf", "application/pdf", b"%PDF"),)
    )

    async def run() -> Any:
        bot = connector(emulator)
        try:
            return await bot.send(reply)
        finally:
            await bot.close()

    result = asyncio.run(run())
    (message,) = emulator.sent_messages()
    assert "text" not in message and message["document"]["file_name"] == "a.pdf"
    assert result.external_id == f"4242:{message['message_id']}"


def test_allowed_chats_keep_other_chats_out(emulator: TelegramEmulator) -> None:
    emulator.customer_says(GIULIA, "in")
    emulator.customer_says(MARCO, "out")

    async def run() -> tuple[list[BatchItem], str | None]:
        bot = connector(emulator, allowed_chats="4242")
        try:
            return await collect(bot, None)
        finally:
            await bot.close()

    items, cursor = asyncio.run(run())
    assert [i.text for i in items if isinstance(i, InboundItem)] == ["in"]
    assert cursor is not None  # the skipped update is confirmed all the same


def test_a_rate_limit_storm_delivers_every_reply_exactly_once(emulator: TelegramEmulator) -> None:
    emulator.customer_says(GIULIA, "hi")
    emulator.fail("sendMessage", 429, "Too Many Requests: retry after 0", retry_after=0, times=9)

    async def run() -> int:
        bot = connector(emulator)
        refusals = 0
        try:
            for n in range(6):
                reply = OutboundReply(f"storm-{n}", "4242", f"answer {n}")
                while True:  # what the dispatcher does: wait as told, then retry
                    try:
                        await bot.send(reply)
                        break
                    except TransientError as exc:
                        refusals += 1
                        await asyncio.sleep(exc.retry_after or 0)
            return refusals
        finally:
            await bot.close()

    assert asyncio.run(run()) == 9
    assert [m["text"] for m in emulator.sent_messages()] == [f"answer {n}" for n in range(6)]
