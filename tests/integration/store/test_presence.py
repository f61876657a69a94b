"""Team mode, without a window: presence between two processes on one real PostgreSQL.

Desktop A is ``presence_peer.py`` in a process of its own; desktop B is this process's
``PresenceLink`` on its change feed, on plain asyncio.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from inbox_app.app import Services, build
from inbox_app.core.events import PresenceChanged
from inbox_app.sync.presence import NAME_LIMIT, Colleague
from inbox_app.sync.presence_link import PresenceLink

PEER = Path(__file__).with_name("presence_peer.py")


async def _within(check: Callable[[], bool], seconds: float, since: float) -> float:
    while not check():
        took = time.monotonic() - since
        assert took < seconds + 5, f"not within {seconds} s"
        await asyncio.sleep(0.01)
    took = time.monotonic() - since
    assert took <= seconds, f"took {took:.2f} s; the promise is {seconds} s"
    return took


class Peer:
    def __init__(self, url: str, agent: str, heartbeat: float, typing_idle: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(PEER), url, agent, str(heartbeat), str(typing_idle)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    async def line(self) -> str:
        assert self.proc.stdout is not None
        return (await asyncio.to_thread(self.proc.stdout.readline)).strip()

    async def say(self, command: str) -> float:
        """Sends ``command``; returns when A had done it (monotonic, here)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        assert await self.line() == "done"
        return time.monotonic()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def _newest_xid(services: Services) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())


def _rows_written_since(services: Services, xid: int) -> int:
    """Row versions written by any transaction from ``xid`` on, in every table (exact and at
    once, where pg_stat_user_tables lags by up to seconds)."""
    with services.engine.connect() as conn:
        tables = conn.execute(
            text("SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables")
        ).scalars()
        return sum(
            conn.execute(
                text(f"SELECT count(*) FROM {t} WHERE xmin::text::bigint >= :x"),  # noqa: S608
                {"x": xid % 2**32},
            ).scalar_one()
            for t in list(tables)
        )


@pytest.mark.postgres
@pytest.mark.slow
def test_presence_flows_between_processes_without_writing_and_fades_when_a_peer_dies(pg_url: str) -> None:
    b = build(pg_url, migrate=True)
    peer: Peer | None = None
    try:
        feed = b.changefeed()
        link = PresenceLink(b.engine, b.bus, feed, "Giulia Rossi", 1, expiry=1.5)
        events: list[PresenceChanged] = []
        b.bus.subscribe(PresenceChanged, events.append)

        def on(case_id: int) -> list[tuple[str, bool]]:
            return [(c.agent, c.replying) for c in link.on_case(case_id)]

        async def scenario() -> None:
            nonlocal peer
            stop = asyncio.Event()
            listening = asyncio.ensure_future(feed.listen(stop))
            link.start(lambda coro, _name: asyncio.ensure_future(coro))
            try:
                await _within(lambda: feed.live, 10, time.monotonic())
                link.view(41)  # B has a case open too: presence flows both ways
                long_name = "Ä" * (NAME_LIMIT + 100)  # 4 bytes a character would not fit 8000 bytes
                peer = Peer(pg_url, long_name, heartbeat=0.3, typing_idle=1.0)
                assert await peer.line() == "ready"

                done = await peer.say("view 7")
                await _within(lambda: len(on(7)) == 1, 1.0, done)
                assert on(7) == [("Ä" * NAME_LIMIT, False)]
                assert events[-1] == PresenceChanged(case_ids=(7,))

                done = await peer.say("type")
                await _within(lambda: on(7) == [("Ä" * NAME_LIMIT, True)], 1.0, done)
                await _within(lambda: on(7) == [("Ä" * NAME_LIMIT, False)], 1.0 + 1.0, done)

                since = _newest_xid(b)
                heard = link.heard
                for _ in range(5):  # keystrokes and heartbeats for a couple of seconds
                    await peer.say("type")
                    await asyncio.sleep(0.4)
                await _within(lambda: link.heard >= heard + 6, 5, time.monotonic())
                assert _rows_written_since(b, since) == 0
                b.agents.add("Sara Conti", "sara@example.com", "agent")  # a real write is counted
                assert _rows_written_since(b, since) >= 1

                done = await peer.say("view none")  # closing the case says "left"
                await _within(lambda: link.by_case() == {}, 1.0, done)

                done = await peer.say("view 8")
                await _within(lambda: len(on(8)) == 1, 1.0, done)
                peer.proc.kill()  # SIGKILL: nothing more is said
                killed = time.monotonic()
                took = await _within(lambda: link.by_case() == {}, 1.5 + 0.5, killed)
                assert took > 0.3  # gone by expiry, not by a word from the dead
                assert events[-1] == PresenceChanged(case_ids=(8,))
                assert all(isinstance(c, Colleague) for cs in link.by_case().values() for c in cs)
            finally:
                await link.stop()
                stop.set()
                listening.cancel()
                await asyncio.gather(listening, return_exceptions=True)

        asyncio.run(scenario())
    finally:
        if peer is not None:
            peer.close()
        b.close()
