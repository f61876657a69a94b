"""Runs automatic assignment passes (core/assign.py) in the worker and in a window that syncs.

A pass runs as soon as something may have freed capacity or brought a waiting case: a case
changed (new, reopened, resolved, reassigned), an agent came back, a team's settings changed.
In team mode those changes reach this process from every other desktop, worker and command
over the change feed, so a backlog is handed out within about a second; a pass also runs
every few seconds, for changes nobody announced (a notification lost while the feed was
down, another process writing to a SQLite store). When another process holds a team's lock,
the pass is tried again shortly: that process may have read the team before the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from inbox_app.core.assign import AssignService
from inbox_app.core.events import AgentsChanged, CasesChanged, ChangesMissed, Event, EventBus, MessagesAdded
from inbox_app.core.store.outage import unreachable

logger = logging.getLogger(__name__)

TICK = 4.0  # seconds between passes while nothing is announced
BUSY_RETRY = 0.3  # another process was assigning a team: look again this soon
OUTAGE_RETRY_MOST = 10.0


class Assigner:
    def __init__(self, service: AssignService, bus: EventBus, *, tick: float = TICK) -> None:
        self._service = service
        self._tick = tick
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.passes = 0
        self.assigned = 0
        for kind in (CasesChanged, MessagesAdded, AgentsChanged, ChangesMissed):
            bus.subscribe(kind, self._poke)

    def _poke(self, _event: Event) -> None:
        # Events come from worker threads and the change feed: wake the loop on its own thread.
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until ``stop``; a lost database is waited out, nothing ends the loop."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._wake.set()  # a first pass at start: the backlog of the time nobody assigned
        failures = 0
        wait = 0.0
        while not stop.is_set():
            await self._sleep(stop, wait)
            if stop.is_set():
                break
            self._wake.clear()
            try:
                result = await asyncio.to_thread(self._service.run_pass)
            except Exception as exc:  # noqa: BLE001 - assignment waits, it never ends the process
                failures += 1
                wait = min(OUTAGE_RETRY_MOST, 0.5 * 2**failures)
                if unreachable(exc):
                    logger.info("automatic assignment waits for the database (%s)", type(exc).__name__)
                else:
                    logger.exception("automatic assignment pass failed; trying again in %.0f s", wait)
                continue
            failures = 0
            self.passes += 1
            self.assigned += len(result.assigned)
            for done in result.assigned:
                logger.info("case %s assigned to %s (%s)", done.case_id, done.agent, done.reason)
            wait = BUSY_RETRY if result.busy else self._tick

    async def _sleep(self, stop: asyncio.Event, timeout: float) -> None:
        assert self._wake is not None
        if timeout <= 0 or self._wake.is_set():
            return
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
            for w in waits:
                with contextlib.suppress(asyncio.CancelledError):
                    await w
