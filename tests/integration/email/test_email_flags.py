"""Flags another mail client changes reach the store (CONDSTORE), exactly once,
without downloading the messages again."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from connectors.base import Batch, InboundItem, ItemUpdate
from connectors.email import EmailConnector
from connectors.email.imap import ImapSession
from inbox_app.app import Services, build
from inbox_app.core.store.models import Message, QuarantineItem
from tests.integration.email import servers
from tests.unit.core.helpers import account

pytestmark = pytest.mark.dovecot

PASSWORD = "s3cret-Pässword"


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Every download of whole messages, by UID."""
    seen: list[list[int]] = []
    original = ImapSession.fetch_raw

    def counting(self: ImapSession, uids: list[int]) -> Any:
        seen.append(list(uids))
        return original(self, uids)

    monkeypatch.setattr(ImapSession, "fetch_raw", counting)
    return seen


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Services]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}")
    yield services
    services.close()


async def _collect(settings: dict[str, Any], cursor: str | None) -> tuple[list[Any], str | None]:
    connector = EmailConnector(settings, PASSWORD)
    try:
        items, cursor, _ = await servers.collect(connector, cursor)
        return items, cursor
    finally:
        await connector.close()


def _uids(imap: Any) -> dict[str, int]:
    imap.select_folder("INBOX")
    fetched = imap.fetch(imap.search(["ALL"]), [b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    headers = {
        uid: next(v for k, v in data.items() if k.startswith(b"BODY[")).decode()
        for uid, data in fetched.items()
    }
    # Messages without a Message-ID have no entry.
    return {text.split(":", 1)[1].strip(): uid for uid, text in headers.items() if ":" in text}


def test_flags_set_elsewhere_arrive_as_updates_once_and_without_bodies(
    imap: Any, make_settings: Any, fetches: list[list[int]]
) -> None:
    servers.append_all(
        imap,
        "INBOX",
        [servers.make_message(n) for n in range(5)] + [servers.make_message(5, message_id=None)],
    )
    settings = make_settings()
    items, cursor = servers.run(_collect(settings, None))
    assert len(items) == 6 and all(isinstance(i, InboundItem) for i in items)
    no_id = items[5].external_id
    assert no_id.startswith("sha256:")
    fetches.clear()

    # A colleague's mail program: read, flagged, answered, deleted (not yet expunged).
    uid = _uids(imap)
    no_id_uid = max(uid.values()) + 1  # msg-5, appended last, has no Message-ID
    imap.add_flags([uid["<msg-0@example.org>"]], [b"\\Seen"])
    imap.add_flags([uid["<msg-1@example.org>"]], [b"\\Flagged"])
    imap.add_flags([uid["<msg-2@example.org>"]], [b"\\Answered", b"\\Seen"])
    imap.add_flags([uid["<msg-3@example.org>"]], [b"\\Deleted"])
    imap.append("INBOX", servers.make_message(6))

    items, cursor2 = servers.run(_collect(settings, cursor))
    updates = [i for i in items if isinstance(i, ItemUpdate)]
    new = [i for i in items if isinstance(i, InboundItem)]
    assert [i.external_id for i in new] == ["<msg-6@example.org>"]
    assert {u.target_external_id: set(u.flags or ()) for u in updates} == {
        "<msg-0@example.org>": {"\\Seen"},
        "<msg-1@example.org>": {"\\Flagged"},
        "<msg-2@example.org>": {"\\Answered", "\\Seen"},
        "<msg-3@example.org>": {"\\Deleted"},
    }
    assert all(u.kind == "flags" for u in updates) and len(updates) == 4
    # Only the one new message was downloaded; the changed ones only by header.
    assert fetches == [[no_id_uid + 1]]

    # Asked again: nothing, and the cursor stays.
    items, cursor3 = servers.run(_collect(settings, cursor2))
    assert items == [] and cursor3 == cursor2

    # Unread again, and the message without a Message-ID (known by its digest) flagged.
    imap.remove_flags([uid["<msg-0@example.org>"]], [b"\\Seen"])
    imap.add_flags([no_id_uid], [b"\\Flagged"])
    fetches.clear()
    items, _ = servers.run(_collect(settings, cursor3))
    assert sorted((u.target_external_id, u.flags) for u in items) == sorted(
        [("<msg-0@example.org>", ()), (no_id, ("\\Flagged",))]
    )
    # Only the message without a Message-ID had to be read whole, to know its digest.
    assert fetches == [[no_id_uid]]


def test_flag_changes_land_in_the_store_once_with_exact_counts(
    imap: Any, make_settings: Any, store: Services
) -> None:
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(4)])
    settings = make_settings()
    acc = account(store, kind="email")

    def sync(cursor: str | None) -> tuple[str | None, int, int]:
        async def fetch() -> tuple[list[Batch], str | None]:
            connector = EmailConnector(settings, PASSWORD)
            batches = []
            try:
                async for batch in connector.fetch(cursor):
                    batches.append(batch)
            finally:
                await connector.close()
            return batches, batches[-1].cursor if batches else cursor

        batches, after = servers.run(fetch())
        stored = updated = 0
        for batch in batches:
            result = store.ingest.store_batch(acc, batch)
            stored += result.stored
            updated += result.updated
        return after, stored, updated

    def flags_of(external_id: str) -> list[str] | None:
        with store.factory() as s:
            meta = s.scalar(select(Message.meta).where(Message.external_id == external_id))
        return None if meta is None else meta.get("flags")

    def count(model: Any) -> int:
        with store.factory() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    cursor, stored, updated = sync(None)
    assert (stored, updated) == (4, 0)
    uid = _uids(imap)
    imap.add_flags([uid["<msg-0@example.org>"]], [b"\\Seen"])
    imap.add_flags([uid["<msg-1@example.org>"]], [b"\\Flagged", b"\\Answered"])
    imap.add_flags([uid["<msg-2@example.org>"]], [b"\\Deleted"])

    cursor, stored, updated = sync(cursor)
    assert (stored, updated) == (0, 3)
    assert flags_of("<msg-0@example.org>") == ["\\Seen"]
    assert set(flags_of("<msg-1@example.org>") or ()) == {"\\Flagged", "\\Answered"}
    assert flags_of("<msg-2@example.org>") == ["\\Deleted"]
    assert flags_of("<msg-3@example.org>") is None
    with store.factory() as s:
        texts = list(s.scalars(select(Message.text).order_by(Message.external_id)))
    assert all(t.startswith("Buongiorno, il mio ordine") for t in texts)

    # The same state again stores nothing; unsetting is an update like setting.
    cursor, stored, updated = sync(cursor)
    assert (stored, updated) == (0, 0)
    imap.remove_flags([uid["<msg-0@example.org>"]], [b"\\Seen"])
    cursor, stored, updated = sync(cursor)
    assert (stored, updated) == (0, 1)
    assert flags_of("<msg-0@example.org>") is None
    assert count(Message) == 4 and count(QuarantineItem) == 0


@pytest.mark.slow
def test_a_flag_set_elsewhere_wakes_the_waiting_connection(imap: Any, make_settings: Any) -> None:
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(3)])
    settings = make_settings(poll_interval=300)

    async def go() -> tuple[bool, float, list[Any]]:
        connector = EmailConnector(settings, PASSWORD)
        try:
            _, cursor, _ = await servers.collect(connector, None)
            assert await connector.wait_for_changes(cursor, 1.0) is False
            uid = await asyncio.to_thread(_uids, imap)
            later = threading.Timer(0.5, imap.add_flags, ([uid["<msg-1@example.org>"]], [b"\\Seen"]))
            later.start()
            started = time.monotonic()
            woke = await connector.wait_for_changes(cursor, 20)
            elapsed = time.monotonic() - started
            await asyncio.to_thread(later.join)
            items, _, _ = await servers.collect(connector, cursor)
            return woke, elapsed, items
        finally:
            await connector.close()

    woke, elapsed, items = servers.run(go())
    assert woke is True and elapsed < 4, f"woke {woke} after {elapsed:.1f} s"
    assert [(i.target_external_id, i.flags) for i in items] == [("<msg-1@example.org>", ("\\Seen",))]
