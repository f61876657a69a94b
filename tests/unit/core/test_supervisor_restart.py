"""A supervisor stopped before its runners got going can be started again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from connectors.fake import FakeServer
from inbox_app.sync.tasks import TaskGroup


def test_accounts_sync_again_after_a_quick_stop_and_start(store, tmp_path: Path) -> None:
    server = FakeServer(tmp_path / "srv")
    store.accounts.add("fake", "shop", {"path": str(server.root), "channel": "email"})
    server.deliver(id="m0", text="Ci siete?", thread="t1", **{"from": "cliente@example.it"})
    supervisor = store.supervisor()

    async def scenario() -> int:
        tasks = TaskGroup()
        supervisor.start(tasks.spawn)
        await supervisor.stop()  # before the runner even took the account's lock
        supervisor.start(tasks.spawn)
        try:
            for _ in range(200):
                if store.queries.cases():
                    break
                await asyncio.sleep(0.05)
            return len(store.queries.cases())
        finally:
            await supervisor.stop()
            await tasks.cancel_all()

    assert asyncio.run(scenario()) == 1
