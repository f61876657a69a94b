"""A loop of passes woken by events: the shape automatic assignment (sync/assigner.py) and the
satisfaction questions (sync/csat_loop.py) share.

A pass runs at start, as soon as an announced change may give it work (events from worker
threads and the change feed wake the loop on its own thread), and every ``tick`` seconds for
changes nobody announced. A lost database is waited out with backoff; nothing ends the loop
but ``stop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from inbox_app.core.events import Event, EventBus
from inbox_app.core.store.outage import unreachable

OUTAGE_RETRY_MOST = 10.0


class PassLoop:
    #: What a pass is called in the log ("automatic assignment").
    what = "pass"

    def __init__(
        self, bus: EventBus, kinds: Iterable[type[Event]], *, tick: float, logger: logging.Logger
    ) -> None:
        self._tick = tick
        self._log = logger
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.passes = 0
        for kind in kinds:
            bus.subscribe(kind, self._poke)

    def _poke(self, _event: Event) -> None:
        # Events come from worker threads and the change feed: wake the loop on its own thread.
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    def run_pass(self) -> float:
        """One pass (in a worker thread); the seconds until the next one unless woken."""
        raise NotImplementedError

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until ``stop``; a lost database is waited out, nothing ends the loop."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._wake.set()  # a first pass at start: the backlog of the time nobody ran one
        failures = 0
        wait = 0.0
        while not stop.is_set():
            await self._sleep(stop, wait)
            if stop.is_set():
                break
            self._wake.clear()
            try:
                wait = await asyncio.to_thread(self.run_pass)
            except Exception as exc:  # noqa: BLE001 - a pass waits, it never ends the process
                failures += 1
                wait = min(OUTAGE_RETRY_MOST, 0.5 * 2**failures)
                if unreachable(exc):
                    self._log.info("%s waits for the database (%s)", self.what, type(exc).__name__)
                else:
                    self._log.exception("%s pass failed; trying again in %.0f s", self.what, wait)
                continue
            failures = 0
            self.passes += 1

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
