"""Through the whole app: a Telegram customer's message becomes a case, a long reply is
split and delivered once, and an update is confirmed only after it is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.telegram import TelegramConnector
from inbox_app.app import Services, build
from inbox_app.core.store.models import Message
from tests.emulators.telegram import TelegramEmulator

ADA = {"id": 90210, "first_name": "Ada", "last_name": "Lovelace", "username": "ada_l"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"telegram": TelegramConnector})
    yield services
    services.close()


def _bot_with_a_customer(app: Services, emulator: TelegramEmulator, text: str) -> Any:
    """The support bot's account, and Ada's first message waiting on Telegram."""
    app.accounts.add("telegram", "support-bot", {"api_base": emulator.base_url}, secret=emulator.token)
    emulator.customer_says(ADA, text)
    return app.supervisor()


def test_message_to_case_and_long_reply_back_once(app: Services, emulator: TelegramEmulator) -> None:
    supervisor = _bot_with_a_customer(app, emulator, "Hello, is the warranty two years?")

    [report] = asyncio.run(supervisor.run_once("support-bot"))
    assert report.error is None and report.stored == 1
    # Stored, but not yet confirmed to Telegram: that happens with the next poll.
    assert len(emulator.pending_update_ids()) == 1
    with app.factory() as s:
        message = s.scalars(select(Message).where(Message.direction == "in")).one()
        assert (message.text, message.external_id) == (
            "Hello, is the warranty two years?",
            "90210:1",
        )
        case_id = message.case_id

    answer = "\n\n".join(f"Section {n}: " + "the warranty covers it. " * 60 for n in range(6))
    reply_id = app.outbox.queue_reply(case_id, answer)
    [report] = asyncio.run(supervisor.run_once("support-bot"))
    assert report.error is None and report.sent == 1
    assert emulator.pending_update_ids() == []
    [report] = asyncio.run(supervisor.run_once("support-bot"))
    assert report.error is None and report.stored == 0 and report.sent == 0

    sent = emulator.sent_messages()
    assert len(sent) > 1 and "\n\n".join(m["text"] for m in sent) == answer
    assert sent[0]["reply_to_message"]["message_id"] == 1
    with app.factory() as s:
        out = s.get(Message, reply_id)
        assert out is not None and out.delivery == "sent"
        assert out.external_id == f"90210:{sent[0]['message_id']}"


def test_a_reply_with_files_interrupted_part_way_is_finished_once(
    app: Services, emulator: TelegramEmulator
) -> None:
    from connectors.base import AttachmentData

    supervisor = _bot_with_a_customer(app, emulator, "Can you send me the invoice and the label?")
    asyncio.run(supervisor.run_once("support-bot"))
    with app.factory() as s:
        case_id = s.scalars(select(Message.case_id).where(Message.direction == "in")).one()
    files = (
        AttachmentData("fattura.pdf", "application/pdf", b"%PDF-1.4 fattura"),
        AttachmentData("etichetta.png", "image/png", b"PNG etichetta"),
    )
    reply_id = app.outbox.queue_reply(case_id, "Here they are.", attachments=files)
    emulator.fail("sendDocument", 502, "Bad Gateway", skip=1)  # the second file fails once

    [report] = asyncio.run(supervisor.run_once("support-bot"))
    assert report.sent == 0 and report.retrying == 1
    with app.factory() as s, s.begin():
        out = s.get(Message, reply_id)
        assert out is not None and out.delivery == "queued"
        assert "2 of 3 parts of the reply were delivered" in (out.error or "")
        out.next_attempt_at = None  # the backoff has passed
    [report] = asyncio.run(supervisor.run_once("support-bot"))
    assert report.sent == 1

    sent = emulator.sent_messages()
    assert [m.get("text") or m["document"]["file_name"] for m in sent] == [
        "Here they are.",
        "fattura.pdf",
        "etichetta.png",
    ]
    with app.factory() as s:
        out = s.get(Message, reply_id)
        assert out is not None and out.delivery == "sent"
        assert out.external_id == f"90210:{sent[0]['message_id']}"
