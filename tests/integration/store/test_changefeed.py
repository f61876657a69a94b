"""Team mode: a change made by one process shows up in another open window."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from inbox_app.app import build
from inbox_app.core.events import CasesChanged, ChangesMissed, FeedStateChanged, MessagesAdded
from tests.servers.postgres import PostgresServer
from tests.unit.core.helpers import account, batch, item


@pytest.mark.postgres
def test_ingest_by_the_worker_reaches_another_window(pg_url: str) -> None:
    worker = build(pg_url, migrate=True)
    desk = build(pg_url)
    try:
        feed = desk.changefeed()  # the worker's forwards on its own: build() set it up
        seen: list[object] = []
        desk.bus.subscribe(MessagesAdded, seen.append)
        desk.bus.subscribe(CasesChanged, seen.append)
        acc = account(worker)

        async def scenario() -> None:
            stop = asyncio.Event()
            listener = asyncio.ensure_future(feed.listen(stop))
            await asyncio.sleep(0.5)  # LISTEN is in place
            await asyncio.to_thread(worker.ingest.store_batch, acc, batch(item("a"), item("b")))
            for _ in range(100):
                if len(seen) >= 2:
                    break
                await asyncio.sleep(0.05)
            stop.set()
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

        asyncio.run(scenario())
        added = [e for e in seen if isinstance(e, MessagesAdded)]
        assert len(added) == 1 and len(added[0].message_ids) == 2
        assert any(isinstance(e, CasesChanged) for e in seen)
        assert feed.received >= 2
    finally:
        worker.close()
        desk.close()


def _inbox_app(url: str, *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "inbox_app", "--database", url, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


async def _until(check: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``check`` holds; fails the test after ``seconds``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds:.0f} s"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.slow
def test_feed_says_when_it_is_down_and_what_it_missed(own_server: PostgresServer) -> None:
    url = own_server.url("inbox")
    worker = build(url, migrate=True)
    desk = build(url)
    try:
        acc = account(worker)
        worker.ingest.store_batch(acc, batch(item("a")))
        case_id = worker.queries.cases()[0].id
        feed = desk.changefeed()
        states: list[FeedStateChanged] = []
        missed: list[ChangesMissed] = []
        changed: list[CasesChanged] = []
        desk.bus.subscribe(FeedStateChanged, states.append)
        desk.bus.subscribe(ChangesMissed, missed.append)
        desk.bus.subscribe(CasesChanged, changed.append)

        async def scenario() -> None:
            stop = asyncio.Event()
            listener = asyncio.ensure_future(feed.listen(stop))
            try:
                await _until(lambda: feed.live, 10)
                assert states == [FeedStateChanged(live=True)] and missed == []
                # Another process resolves the case: this one hears of it within a second.
                await asyncio.to_thread(_inbox_app, url, "cases", "status", str(case_id), "resolved")
                await _until(lambda: any(case_id in e.case_ids for e in changed), 1)

                await asyncio.to_thread(own_server.pause)
                await _until(lambda: not feed.live, 10)
                assert states[-1].live is False and states[-1].reason
                assert missed == []
                await asyncio.sleep(2)  # down a while: reconnecting keeps failing, quietly
                assert sum(1 for s in states if s.live) == 1

                await asyncio.to_thread(own_server.resume)
                await _until(lambda: feed.live, 15)
                assert len(missed) == 1  # what others did meanwhile must be read again
                changed.clear()
                await asyncio.to_thread(_inbox_app, url, "cases", "status", str(case_id), "open")
                await _until(lambda: any(case_id in e.case_ids for e in changed), 1)
            finally:
                stop.set()
                listener.cancel()
                await asyncio.gather(listener, return_exceptions=True)

        asyncio.run(scenario())
    finally:
        worker.close()
        desk.close()
