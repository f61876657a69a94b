"""Importing a real mailbox: exact counts, resume, UIDVALIDITY, nothing marked read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connectors.base import InboundItem
from connectors.email import EmailConnector
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot


def test_imports_every_message_in_batches_without_marking_it_read(
        imap: Any, make_settings: Any) -> None:
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
    assert json.loads(cursor)["folders"]["INBOX"]["uid"] == 30


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
    items, cursor3, _ = servers.run(_collect_and_close(
        EmailConnector(make_settings(), "s3cret-Pässword"), cursor2))
    assert items == [] and cursor3 == cursor2


def test_a_rebuilt_folder_is_read_again_without_duplicates(
        imap: Any, make_settings: Any) -> None:
    imap.create_folder("Support")
    servers.append_all(imap, "Support", [servers.make_message(n) for n in range(4)])
    settings = make_settings(folders="Support")
    items, cursor, _ = servers.run(_collect_and_close(EmailConnector(settings, "s3cret-Pässword"),
                                                      None))
    old_validity = json.loads(cursor)["folders"]["Support"]["uidvalidity"]
    stored = {i.external_id for i in items}

    # The provider rebuilds the folder: same mail (plus one), new UIDVALIDITY, new UIDs.
    imap.delete_folder("Support")
    imap.create_folder("Support")
    servers.append_all(imap, "Support", [servers.make_message(n) for n in range(5)])
    items, cursor, _ = servers.run(_collect_and_close(EmailConnector(settings, "s3cret-Pässword"),
                                                      cursor))
    assert json.loads(cursor)["folders"]["Support"]["uidvalidity"] != old_validity
    new_ids = [i.external_id for i in items if i.external_id not in stored]
    assert new_ids == ["<msg-4@example.org>"]
    assert len(items) == 5  # all read again; the store de-duplicates by external ID


def test_messages_without_message_id_get_a_stable_id(imap: Any, make_settings: Any) -> None:
    raw = servers.make_message(1, message_id=None)
    servers.append_all(imap, "INBOX", [raw, raw])
    items, _, _ = servers.run(_collect_and_close(
        EmailConnector(make_settings(), "s3cret-Pässword"), None))
    assert len(items) == 2
    assert items[0].external_id == items[1].external_id
    assert items[0].external_id.startswith("sha256:")


def test_first_sync_can_be_limited_to_recent_mail(imap: Any, make_settings: Any) -> None:
    from datetime import datetime, timedelta

    old = datetime.now() - timedelta(days=40)
    imap.append("INBOX", servers.make_message(1), msg_time=old)
    imap.append("INBOX", servers.make_message(2))
    items, cursor, _ = servers.run(_collect_and_close(
        EmailConnector(make_settings(first_sync_days=7), "s3cret-Pässword"), None))
    assert [i.external_id for i in items] == ["<msg-2@example.org>"]
    imap.append("INBOX", servers.make_message(3))
    items, _, _ = servers.run(_collect_and_close(
        EmailConnector(make_settings(first_sync_days=7), "s3cret-Pässword"), cursor))
    assert [i.external_id for i in items] == ["<msg-3@example.org>"]


def test_own_replies_in_a_synced_sent_folder_are_outbound(
        imap: Any, make_settings: Any) -> None:
    mine = servers.make_message(
        9, sender="Assistenza <support@example.com>", to="cliente1@example.org",
        message_id="<reply-9@example.com>", in_reply_to="<msg-1@example.org>",
        references="<msg-1@example.org>")
    imap.append("Sent", mine)
    items, _, _ = servers.run(_collect_and_close(
        EmailConnector(make_settings(folders="INBOX,Sent"), "s3cret-Pässword"), None))
    (item,) = items
    assert item.direction == "out"
    assert item.idempotency_key == "<reply-9@example.com>"
    assert item.thread_key == "<msg-1@example.org>"


async def _collect_and_close(connector: EmailConnector, cursor: str | None) -> Any:
    try:
        return await servers.collect(connector, cursor)
    finally:
        await connector.close()
