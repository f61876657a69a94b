"""Runs the satisfaction passes (core/voice/csat_ask.py) in the worker and in a window that syncs.

A pass runs when a case changed (one just resolved with a delay of 0 s is asked at once) or a
team's settings changed, and at least every few seconds for the cases whose delay ran out
since. Passes in several processes are safe: a team is asked by one process at a time (an
advisory lock on PostgreSQL, the single writer on SQLite) and a case only ever once (its
survey row is unique).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from inbox_app.core.events import AgentsChanged, CasesChanged, ChangesMissed, Event, EventBus
from inbox_app.core.store.outage import unreachable
from inbox_app.core.voice.csat_ask import CsatAsker

logger = logging.getLogger(__name__)

TICK = 5.0  # seconds between passes while nothing is announced
BUSY_RETRY = 0.5
OUTAGE_RETRY_MOST = 10.0


class CsatLoop:
    def __init__(self, asker: CsatAsker, bus: EventBus, *, tick: float = TICK) -> None:
        self._asker = asker
        self._tick = tick
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.passes = 0
        self.asked = 0
        for kind in (CasesChanged, AgentsChanged, ChangesMissed):
            bus.subscribe(kind, self._poke)

    def _poke(self, _event: Event) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until ``stop``; a lost database is waited out."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._wake.set()
        failures = 0
        wait = 0.0
        while not stop.is_set():
            await self._sleep(stop, wait)
            if stop.is_set():
                break
            self._wake.clear()
            try:
                result = await asyncio.to_thread(self._asker.run_pass)
            except Exception as exc:  # noqa: BLE001 - asking waits, it never ends the process
                failures += 1
                wait = min(OUTAGE_RETRY_MOST, 0.5 * 2**failures)
                if unreachable(exc):
                    logger.info("satisfaction questions wait for the database (%s)", type(exc).__name__)
                else:
                    logger.exception("satisfaction pass failed; trying again in %.0f s", wait)
                continue
            failures = 0
            self.passes += 1
            self.asked += len(result.asked)
            for done in result.asked:
                logger.info("case %s: satisfaction asked (%s)", done.case_id, done.language)
            wait = 0.0 if result.more else BUSY_RETRY if result.busy else self._tick

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
