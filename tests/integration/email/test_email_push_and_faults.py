"""New mail noticed quickly (IDLE), dead lines noticed, server crashes survived."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from connectors.base import Batch, InboundItem, TransientError
from connectors.email import EmailConnector
from tests.integration.email import servers

pytestmark = pytest.mark.dovecot

PASSWORD = "s3cret-Pässword"


def _append_later(dovecot: Any, user: str, delay: float, raw: bytes) -> threading.Thread:
    def work() -> None:
        time.sleep(delay)
        client = dovecot.client(user, PASSWORD)
        client.append("INBOX", raw)
        client.logout()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


@pytest.mark.slow
def test_idle_notices_new_mail_within_seconds(
    dovecot: Any, mailbox: Any, imap: Any, make_settings: Any
) -> None:
    imap.append("INBOX", servers.make_message(1))

    async def go() -> tuple[bool, float, bool]:
        connector = EmailConnector(make_settings(), PASSWORD)
        try:
            _, cursor, _ = await servers.collect(connector, None)
            # Nothing new: the wait runs out.
            assert await connector.wait_for_changes(cursor, 1.5) is False
            thread = _append_later(dovecot, mailbox[0], 0.5, servers.make_message(2))
            started = time.monotonic()
            changed = await connector.wait_for_changes(cursor, 20)
            elapsed = time.monotonic() - started
            await asyncio.to_thread(thread.join)
            # A message that arrived while nobody waited is reported at once.
            _append_later(dovecot, mailbox[0], 0, servers.make_message(3)).join()
            items, cursor, _ = await servers.collect(connector, cursor)
            assert [i.external_id for i in items] == ["<msg-2@example.org>", "<msg-3@example.org>"]
            _append_later(dovecot, mailbox[0], 0, servers.make_message(4)).join()
            immediate = await connector.wait_for_changes(cursor, 5)
            return changed, elapsed, immediate
        finally:
            await connector.close()

    changed, elapsed, immediate = servers.run(go())
    assert changed is True
    assert elapsed < 4, f"IDLE took {elapsed:.1f} s"
    assert immediate is True


@pytest.mark.slow
def test_a_silently_dropped_idle_connection_is_detected(
    dovecot: Any, mailbox: Any, imap: Any, make_settings: Any
) -> None:
    proxy = servers.SilentProxy(dovecot.imap_port)
    try:
        settings = make_settings(imap_port=proxy.port, idle_timeout=2)

        async def go() -> float:
            connector = EmailConnector(settings, PASSWORD)
            try:
                _, cursor, _ = await servers.collect(connector, None)
                waiting = asyncio.ensure_future(connector.wait_for_changes(cursor, 30))
                await asyncio.sleep(0.5)
                # The router forgets the connection: no FIN, no RST, no more bytes.
                proxy.blackhole()
                imap.append("INBOX", servers.make_message(7))
                started = time.monotonic()
                assert await waiting is True
                return time.monotonic() - started
            finally:
                await connector.close()

        elapsed = servers.run(go())
        # Renewal after 2 s, no answer to DONE within the line check, reconnect, news.
        assert elapsed < 10, f"dead line noticed after {elapsed:.1f} s"
    finally:
        proxy.close()


def test_server_killed_mid_import_then_restarted_loses_and_duplicates_nothing(private_dovecot: Any) -> None:
    user, _ = private_dovecot.add_user()
    client = private_dovecot.client(user, PASSWORD)
    servers.append_all(client, "INBOX", [servers.make_message(n) for n in range(120)])
    client.logout()
    settings = servers.settings_for(private_dovecot, user)
    stored: list[InboundItem] = []
    store_cursor: list[str | None] = [None]

    def store(batch: Batch) -> None:
        # The ingest service: items and cursor together, or neither.
        stored.extend(i for i in batch.items if isinstance(i, InboundItem))
        store_cursor[0] = batch.cursor

    async def first_run() -> None:
        connector = EmailConnector(settings, PASSWORD)
        connector.batch_size = 25
        try:
            with pytest.raises(TransientError):
                async for batch in connector.fetch(store_cursor[0]):
                    store(batch)
                    if len(stored) == 50:
                        private_dovecot.kill()
        finally:
            await connector.close()

    servers.run(first_run())
    assert len(stored) == 50

    # While the server is down, every attempt fails the same retryable way.
    async def while_down() -> None:
        connector = EmailConnector(settings, PASSWORD)
        with pytest.raises(TransientError):
            async for batch in connector.fetch(store_cursor[0]):
                store(batch)
        with pytest.raises(TransientError):
            await connector.wait_for_changes(store_cursor[0], 1)
        await connector.close()

    servers.run(while_down())

    private_dovecot.start()

    async def second_run() -> None:
        connector = EmailConnector(settings, PASSWORD)
        connector.batch_size = 25
        try:
            async for batch in connector.fetch(store_cursor[0]):
                store(batch)
        finally:
            await connector.close()

    servers.run(second_run())
    ids = [i.external_id for i in stored]
    assert len(ids) == 120
    assert sorted(ids) == sorted(f"<msg-{n}@example.org>" for n in range(120))


def test_a_silently_dropped_import_connection_is_replaced(
    dovecot: Any, imap: Any, make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import connectors.email as email_connector
    import connectors.email.imap as email_imap

    monkeypatch.setattr(email_connector, "STALE_AFTER", 0.0)
    monkeypatch.setattr(email_imap, "PROBE_TIMEOUT", 1.0)
    proxy = servers.SilentProxy(dovecot.imap_port)
    try:
        imap.append("INBOX", servers.make_message(1))

        async def go() -> tuple[list[str], float]:
            connector = EmailConnector(make_settings(imap_port=proxy.port), PASSWORD)
            try:
                _, cursor, _ = await servers.collect(connector, None)
                proxy.blackhole()
                imap.append("INBOX", servers.make_message(2))
                started = time.monotonic()
                items, _, _ = await servers.collect(connector, cursor)
                return [i.external_id for i in items], time.monotonic() - started
            finally:
                monkeypatch.setattr(email_imap, "PROBE_TIMEOUT", 0.1)
                await connector.close()

        ids, elapsed = servers.run(go())
        assert ids == ["<msg-2@example.org>"]
        assert elapsed < 5
    finally:
        proxy.close()


@pytest.mark.slow
def test_polls_when_the_server_has_no_idle(mail_tmp: Any, certificate: Any) -> None:
    server = servers.Dovecot(
        mail_tmp / "noidle",
        *certificate,
        extra="imap_capability = IMAP4rev1 LITERAL+ SASL-IR ENABLE UIDPLUS CONDSTORE\n",
    )
    server.start()
    try:
        user, _ = server.add_user()
        settings = servers.settings_for(server, user, poll_interval=1)

        async def go() -> tuple[bool, bool, float]:
            connector = EmailConnector(settings, PASSWORD)
            try:
                _, cursor, _ = await servers.collect(connector, None)
                assert connector._push.watches == {}
                quiet = await connector.wait_for_changes(cursor, 1.5)
                session = connector._push.watches["INBOX"].session
                assert session is not None
                assert not session.client.has_capability("IDLE")
                assert connector._push.idle_offered is False
                thread = _append_later(server, user, 0.3, servers.make_message(5))
                started = time.monotonic()
                changed = await connector.wait_for_changes(cursor, 10)
                await asyncio.to_thread(thread.join)
                return quiet, changed, time.monotonic() - started
            finally:
                await connector.close()

        quiet, changed, elapsed = servers.run(go())
        assert quiet is False and changed is True and elapsed < 3
    finally:
        server.stop()


def test_cancelling_a_wait_is_prompt_and_the_next_wait_works(
    dovecot: Any, mailbox: Any, make_settings: Any
) -> None:
    async def go() -> tuple[float, bool]:
        connector = EmailConnector(make_settings(), PASSWORD)
        try:
            _, cursor, _ = await servers.collect(connector, None)
            waiting = asyncio.ensure_future(connector.wait_for_changes(cursor, 60))
            await asyncio.sleep(0.5)
            started = time.monotonic()
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            cancelled_after = time.monotonic() - started
            thread = _append_later(dovecot, mailbox[0], 0.3, servers.make_message(1))
            changed = await connector.wait_for_changes(cursor, 10)
            await asyncio.to_thread(thread.join)
            return cancelled_after, changed
        finally:
            await connector.close()

    cancelled_after, changed = servers.run(go())
    assert cancelled_after < 0.5
    assert changed is True
