"""Importing a real mailbox: exact counts, resume, UIDVALIDITY, nothing marked read."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import BrokenItem, InboundItem
from connectors.email import EmailConnector
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

PASSWORD = "s3cret-Pässword"


def test_imports_every_message_in_batches_without_marking_it_read(imap: Any, make_settings: Any) -> None:
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(30)])
    connector = EmailConnector(make_settings(), "s3cret-Pässword")
    connector.batch_size = 8

    items, cursor, progress = servers.run(_collect_and_close(connector, None))

    assert len(items) == 30
    assert all(isinstance(i, InboundItem) for i in items)
    assert [i.external_id for i in items] == [f"<msg-{n}@example.org>" for n in range(30)]
    assert [p.done for p in progress if p][:4] == [8, 16, 24, 30]
    assert progress[0].total == 30
    first = items[0]
    assert first.sender.value == "cliente0@example.org"
    assert first.sender.display_name == "Cliente 0"
    assert first.text.startswith("Buongiorno, il mio ordine 0 non è ancora arrivato.")
    assert first.meta["folder"] == "INBOX" and first.raw is not None
    # BODY.PEEK: the customer's mail stays unread for the team's other mail clients.
    imap.select_folder("INBOX")
    assert imap.search(["SEEN"]) == []
    state = json.loads(cursor)["folders"]["INBOX"]
    assert state["uid"] == 30
    assert isinstance(state["modseq"], int)  # CONDSTORE is on


def test_resumes_from_a_stored_cursor(imap: Any, make_settings: Any) -> None:
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(5)])
    connector = EmailConnector(make_settings(), "s3cret-Pässword")
    items, cursor, _ = servers.run(_collect_and_close(connector, None))
    assert len(items) == 5

    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(5, 8)])
    connector = EmailConnector(make_settings(), "s3cret-Pässword")
    items, cursor2, progress = servers.run(_collect_and_close(connector, cursor))
    assert [i.external_id for i in items] == [f"<msg-{n}@example.org>" for n in (5, 6, 7)]
    assert progress[-1].total == 3

    # Nothing new: nothing fetched, the cursor does not move.
    items, cursor3, _ = servers.run(
        _collect_and_close(EmailConnector(make_settings(), "s3cret-Pässword"), cursor2)
    )
    assert items == [] and cursor3 == cursor2


def test_a_rebuilt_folder_is_read_again_without_duplicates(imap: Any, make_settings: Any) -> None:
    imap.create_folder("Support")
    servers.append_all(imap, "Support", [servers.make_message(n) for n in range(4)])
    settings = make_settings(folders="Support")
    items, cursor, _ = servers.run(_collect_and_close(EmailConnector(settings, "s3cret-Pässword"), None))
    old_validity = json.loads(cursor)["folders"]["Support"]["uidvalidity"]
    stored = {i.external_id for i in items}

    # The provider rebuilds the folder: same mail (plus one), new UIDVALIDITY, new UIDs.
    imap.delete_folder("Support")
    imap.create_folder("Support")
    servers.append_all(imap, "Support", [servers.make_message(n) for n in range(5)])
    items, cursor, _ = servers.run(_collect_and_close(EmailConnector(settings, "s3cret-Pässword"), cursor))
    assert json.loads(cursor)["folders"]["Support"]["uidvalidity"] != old_validity
    new_ids = [i.external_id for i in items if i.external_id not in stored]
    assert new_ids == ["<msg-4@example.org>"]
    assert len(items) == 5  # all read again; the store de-duplicates by external ID


def test_messages_without_message_id_get_a_stable_id(imap: Any, make_settings: Any) -> None:
    raw = servers.make_message(1, message_id=None)
    servers.append_all(imap, "INBOX", [raw, raw])
    items, _, _ = servers.run(_collect_and_close(EmailConnector(make_settings(), "s3cret-Pässword"), None))
    assert len(items) == 2
    assert items[0].external_id == items[1].external_id
    assert items[0].external_id.startswith("sha256:")


def test_first_sync_can_be_limited_to_recent_mail_and_back_filled_later(
    imap: Any, make_settings: Any
) -> None:
    from datetime import datetime, timedelta

    imap.append("INBOX", servers.make_message(1), msg_time=datetime.now() - timedelta(days=400))
    imap.append("INBOX", servers.make_message(2), msg_time=datetime.now() - timedelta(days=40))
    imap.append("INBOX", servers.make_message(3))

    def fetch(days: int, cursor: str | None) -> tuple[list[str], str | None]:
        items, cursor, _ = servers.run(
            _collect_and_close(EmailConnector(make_settings(first_sync_days=days), PASSWORD), cursor)
        )
        return [i.external_id for i in items], cursor

    ids, cursor = fetch(7, None)
    assert ids == ["<msg-3@example.org>"]
    imap.append("INBOX", servers.make_message(4))
    ids, cursor = fetch(7, cursor)
    assert ids == ["<msg-4@example.org>"]
    # The admin widens the window: the older mail arrives, nothing twice.
    imap.append("INBOX", servers.make_message(5))
    ids, cursor = fetch(60, cursor)
    assert ids == ["<msg-5@example.org>", "<msg-2@example.org>"]
    ids, cursor = fetch(0, cursor)
    assert ids == ["<msg-1@example.org>"]
    assert json.loads(cursor or "")["folders"]["INBOX"]["since"] is None
    ids, cursor = fetch(0, cursor)
    assert ids == []


def test_own_replies_in_a_synced_sent_folder_are_outbound(imap: Any, make_settings: Any) -> None:
    mine = servers.make_message(
        9,
        sender="Assistenza <support@example.com>",
        to="cliente1@example.org",
        message_id="<reply-9@example.com>",
        in_reply_to="<msg-1@example.org>",
        references="<msg-1@example.org>",
    )
    imap.append("Sent", mine)
    items, _, _ = servers.run(
        _collect_and_close(EmailConnector(make_settings(folders="INBOX,Sent"), "s3cret-Pässword"), None)
    )
    (item,) = items
    assert item.direction == "out"
    assert item.idempotency_key == "<reply-9@example.com>"
    assert item.thread_key == "<msg-1@example.org>"


async def _collect_and_close(connector: EmailConnector, cursor: str | None) -> Any:
    try:
        return await servers.collect(connector, cursor)
    finally:
        await connector.close()


def test_stopping_an_import_midway_loses_and_duplicates_nothing(imap: Any, make_settings: Any) -> None:
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(20)])

    async def go() -> tuple[list[str], list[str]]:
        connector = EmailConnector(make_settings(), PASSWORD)
        connector.batch_size = 6
        try:
            first: list[str] = []
            cursor = None
            fetching = connector.fetch(None)
            async for batch in fetching:
                # The next batch is being downloaded while this one is "stored".
                first += [i.external_id for i in batch.items]
                cursor = batch.cursor
                break
            await fetching.aclose()
            rest, _, _ = await servers.collect(connector, cursor)
            return first, [i.external_id for i in rest]
        finally:
            await connector.close()

    first, rest = servers.run(go())
    assert first == [f"<msg-{n}@example.org>" for n in range(6)]
    assert rest == [f"<msg-{n}@example.org>" for n in range(6, 20)]


def test_a_big_import_parsed_by_the_helper_process_reads_the_same(imap: Any, make_settings: Any) -> None:
    from tests.integration.email.bench_email_import import message

    servers.append_all(imap, "INBOX", [message(n) for n in range(24)] + HOSTILE[:9])

    async def run(helper_from: int) -> list[Any]:
        connector = EmailConnector(make_settings(), PASSWORD)
        connector.batch_size = 5
        connector.parse_helper_from = helper_from
        items, _, _ = await _collect_and_close(connector, None)
        return items

    here = servers.run(run(10_000))
    helped = servers.run(run(1))
    assert len(here) == 33
    assert sum(isinstance(i, BrokenItem) for i in here) == 2
    assert helped == here
    assert sum(len(i.attachments) for i in helped if isinstance(i, InboundItem)) == 6


def test_the_helper_process_parses_batches_and_a_dead_helper_costs_nothing() -> None:
    from connectors.email.parsepool import Parser, RawMessage, parse_all
    from tests.integration.email.bench_email_import import message

    # A fixed arrival time: messages without a Date header are dated by it.
    arrived = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    raws = [RawMessage(message(n), n + 1, arrived, ("\\Seen",)) for n in range(8)]

    async def go() -> tuple[list[Any], list[Any], int | None, int | None]:
        parser = Parser()
        parser.start()
        helper = parser._helper
        assert helper is not None
        first = await parser.parse(raws, "support@example.com", "INBOX")
        # The helper is killed (out of memory, an admin): the rest is parsed here.
        helper._process.kill()
        await asyncio.to_thread(helper._process.wait)
        second = await parser.parse(raws, "support@example.com", "INBOX")
        killed = helper._process.returncode
        assert parser._helper is None
        parser.start()
        again = parser._helper
        assert again is not None
        await parser.parse(raws[:1], "support@example.com", "INBOX")
        parser.close()
        return first, second, killed, again._process.returncode

    first, second, killed, closed = servers.run(go())
    expected = parse_all(raws, "support@example.com", "INBOX")
    assert first == expected and second == expected
    assert killed is not None and killed < 0
    assert closed == 0  # ended by closing its input, not killed


def test_several_folders_with_one_progress_and_push_on_each(imap: Any, make_settings: Any) -> None:
    imap.create_folder("Reclami")
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(3)])
    servers.append_all(imap, "Reclami", [servers.make_message(n) for n in range(3, 5)])
    # Polling so rare that only push can explain a prompt wake-up.
    settings = make_settings(folders="INBOX,Reclami", poll_interval=300)

    async def go() -> None:
        connector = EmailConnector(settings, PASSWORD)
        try:
            items, cursor, progress = await servers.collect(connector, None)
            assert sorted(i.meta["folder"] for i in items) == ["INBOX"] * 3 + ["Reclami"] * 2
            assert {p.total for p in progress} == {5} and progress[-1].done == 5
            assert set(json.loads(cursor)["folders"]) == {"INBOX", "Reclami"}
            # News in the second folder is pushed too: it has its own IDLE connection.
            later = threading.Timer(0.5, imap.append, ("Reclami", servers.make_message(9)))
            later.start()
            started = time.monotonic()
            assert await connector.wait_for_changes(cursor, 10) is True
            assert time.monotonic() - started < 4
            await asyncio.to_thread(later.join)
            items, _, _ = await servers.collect(connector, cursor)
            assert [i.external_id for i in items] == ["<msg-9@example.org>"]
        finally:
            await connector.close()

    servers.run(go())


HOSTILE: list[bytes] = [
    b"Subject: no sender at all\r\nMessage-ID: <h1@x>\r\n\r\nwho wrote this?\r\n",
    b'From: a@example.org\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\n'
    b"Content-Type: text/plain\r\n\r\ntruncated mime",
    b"From: b@example.org\r\nContent-Type: text/plain; charset=klingon\r\n\r\nqapla\xe8\r\n",
    b"From: c@example.org\r\nX-Huge: " + b"h" * 300_000 + b"\r\n\r\nbig header\r\n",
    b"From: d@example.org\r\nMessage-ID: <nul@x>\r\n\r\nnul\x00byte\r\n",
    b"From: e@example.org\r\n\r\nno date, no message id\r\n",
    b"From: f@example.org\r\nMessage-ID: <dup@x>\r\n\r\nfirst copy\r\n",
    b"From: f@example.org\r\nMessage-ID: <dup@x>\r\n\r\nsecond copy\r\n",
    b"this is not an email\r\n",
    b'From: g@example.org\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    b'Content-Type: application/octet-stream; name="big.bin"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    + b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n" * 290_000
    + b"--b--\r\n",
]


def test_hostile_mailbox_every_message_stored_or_quarantined(imap: Any, make_settings: Any) -> None:
    servers.append_all(imap, "INBOX", HOSTILE)

    async def go() -> Any:
        connector = EmailConnector(make_settings(), PASSWORD)
        connector.batch_size = 3
        try:
            return await servers.collect(connector, None)
        finally:
            await connector.close()

    items, _, _ = servers.run(go())
    assert len(items) == len(HOSTILE)
    broken = [i for i in items if isinstance(i, BrokenItem)]
    assert {b.reason.split(":")[0] for b in broken} == {"no sender", "no mail headers found"}
    assert all(b.raw for b in broken)
    stored = [i for i in items if isinstance(i, InboundItem)]
    assert len(stored) == len(HOSTILE) - 2
    assert all("\x00" not in i.text for i in stored)
    big = next(i for i in stored if i.attachments and i.attachments[0].filename == "big.bin")
    assert len(big.attachments[0].data) > 15_000_000


def test_the_fast_fetch_reader_reads_what_imapclient_reads(imap: Any) -> None:
    from connectors.email.wire import uid_fetch
    from tests.integration.email.bench_email_import import message

    servers.append_all(imap, "INBOX", [message(n) for n in range(12)] + HOSTILE[:9])
    imap.select_folder("INBOX", readonly=True)
    uids = imap.search(["ALL"])
    imap.normalise_times = False
    items = [b"BODY.PEEK[]", b"INTERNALDATE", b"FLAGS"]
    expected = {
        uid: {k: v for k, v in data.items() if k != b"SEQ"} for uid, data in imap.fetch(uids, items).items()
    }
    assert uid_fetch(imap, uids, items) == expected
    assert len(expected) == 21
    # A flag change reported in the middle of the answer (another client at work) is
    # not our shape: imapclient's parser takes over and the result is the same.
    from connectors.email import wire

    head = b'1 (UID 7 INTERNALDATE "24-Nov-2026 10:00:00 +0100" FLAGS () BODY[] {3}'
    data = [(head, b"abc"), b")", b"2 (FLAGS (\\Seen))"]
    assert wire._parse(data[:2])[7][b"BODY[]"] == b"abc"
    with pytest.raises(wire._Unusual):
        wire._parse(data)
