"""Team mode: a change made by one process shows up in another open window."""

from __future__ import annotations

import asyncio

import pytest

from inbox_app.app import build
from inbox_app.core.events import CasesChanged, MessagesAdded
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
