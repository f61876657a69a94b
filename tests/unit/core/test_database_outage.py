"""Runners and the worker's housekeeping ride out a lost database.

The database is "lost" by making the services raise what SQLAlchemy raises when the
PostgreSQL server is gone; the supervisor runs as the window runs it (``start(spawn)`` on
the loop), so this is the window's path as well as the worker's. The real outage, with a
real server stopped under a worker process, is tests/integration/cli/test_worker_outage.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from connectors.fake import FakeServer
from inbox_app.core.store.models import Message
from inbox_app.core.store.outage import reason, unreachable
from inbox_app.sync.tasks import TaskGroup
from inbox_app.sync.worker import _housekeep


def _refused() -> OperationalError:
    return OperationalError(
        "SELECT 1",
        {},
        psycopg.OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'
        ),
    )


def test_what_counts_as_a_lost_database() -> None:
    assert unreachable(_refused())
    assert reason(_refused()) == "Connection refused"
    starting = psycopg.errors.lookup("57P03")("the database system is starting up")
    assert unreachable(OperationalError("x", {}, starting))
    duplicate = psycopg.errors.lookup("23505")("duplicate key")
    assert not unreachable(IntegrityError("x", {}, duplicate))
    # SQLite has no server to lose: a locked file is an error of its own.
    assert not unreachable(OperationalError("x", {}, sqlite3.OperationalError("database is locked")))
    assert not unreachable(ValueError("no"))


class Outage:
    """Makes a service method raise a lost-database error while ``down``."""

    def __init__(self) -> None:
        self.down = False

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise _refused()
            return fn(*args, **kwargs)

        return call


async def _until(check: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not in time")


def test_a_runner_waits_out_the_database_and_catches_up(store, tmp_path: Path) -> None:
    server = FakeServer(tmp_path / "srv")
    store.accounts.add("fake", "shop", {"path": str(server.root), "batch_size": 2})
    account_id = store.accounts.get("shop").id
    outage = Outage()
    statuses: list[tuple[str, str | None]] = []
    set_status = store.accounts.set_status

    def recorded(account: int, status: str, error: str | None = None, **kw: Any) -> None:
        set_status(account, status, error, **kw)
        statuses.append((status, error))

    store.accounts.set_status = outage.wrap(recorded)
    store.accounts.cursor = outage.wrap(store.accounts.cursor)
    store.ingest.store_batch = outage.wrap(store.ingest.store_batch)
    supervisor = store.supervisor()
    supervisor.database._answers = lambda: not outage.down
    told: list[tuple[bool, str]] = []
    supervisor.database.listeners.append(lambda down, words: told.append((down, words)))

    def stored() -> int:
        with store.factory() as s:
            return int(s.scalar(select(func.count()).select_from(Message)) or 0)

    def deliver(*ids: str) -> None:
        for i in ids:
            server.deliver(id=i, text=f"testo {i}", thread="t", **{"from": "eva@example.it"})

    async def scenario() -> None:
        tasks = TaskGroup()
        supervisor.start(tasks.spawn)
        try:
            deliver("a", "b")
            await _until(lambda: stored() == 2)
            outage.down = True
            deliver("c", "d", "e")  # the round these wake meets the outage
            await _until(lambda: supervisor.database.down_since is not None)
            await asyncio.sleep(0.5)
            assert account_id in supervisor._tasks  # still there, waiting
            assert told and told[0][0] is True and "database unreachable" in told[0][1]
            outage.down = False
            await _until(lambda: stored() == 5)
            await _until(lambda: statuses[-1] == ("idle", None))
            deliver("f")
            await _until(lambda: stored() == 6)
        finally:
            await supervisor.stop()
            await tasks.cancel_all()

    asyncio.run(scenario())
    assert told[-1][0] is False and "reachable again" in told[-1][1]
    errors = [e for s, e in statuses if s == "error"]
    assert len(errors) == 1 and errors[0] is not None and errors[0].startswith("database unreachable from")
    after = statuses[statuses.index(("error", errors[0])) :]
    assert ("idle", None) in after  # honest again after the first good round
    assert store.accounts.get("shop").status == "idle"


def test_housekeeping_waits_out_the_database(store) -> None:
    outage = Outage()
    woken: list[int] = []
    store.cases.wake_snoozed = outage.wrap(lambda: woken.append(1))
    supervisor = store.supervisor()
    supervisor.database._answers = lambda: not outage.down

    async def scenario() -> None:
        stop = asyncio.Event()
        outage.down = True
        tick = asyncio.ensure_future(_housekeep(store, supervisor, stop))
        await asyncio.sleep(0.3)
        assert not tick.done() and supervisor.database.down_since is not None
        outage.down = False
        await asyncio.wait_for(tick, 10)  # back: the tick ends without an error
        await _housekeep(store, supervisor, stop)

    asyncio.run(scenario())
    assert woken == [1]


def test_housekeeping_survives_any_other_failure(store, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    store.cases.wake_snoozed = broken
    asyncio.run(_housekeep(store, store.supervisor(), asyncio.Event()))
    assert "housekeeping failed" in caplog.text
