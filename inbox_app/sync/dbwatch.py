"""One watch per process over the database: notices it is gone, says so once, finds it back.

Every runner and the worker's housekeeping that meets a lost database waits here; one of
them probes (a ``SELECT 1`` with growing pauses) while the others wait for the same answer,
so a hundred accounts do not knock a hundred times on a server that is starting up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, text

from inbox_app.core.clock import utcnow
from inbox_app.core.store.outage import reason, unreachable

logger = logging.getLogger(__name__)

PROBE_FIRST, PROBE_MOST = 0.5, 5.0


class DatabaseWatch:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._probing = asyncio.Lock()
        self.down_since: datetime | None = None
        self.why = ""
        self._down_at = 0.0
        # Told (down: True, words) when the database goes and (False, words) when it is back.
        self.listeners: list[Callable[[bool, str], None]] = []

    def _tell(self, down: bool, words: str) -> None:
        for listener in list(self.listeners):
            try:
                listener(down, words)
            except Exception:  # noqa: BLE001 - a listener's failure is not the watch's
                logger.exception("a database watch listener failed")

    def lost(self, exc: BaseException) -> None:
        """Note that ``exc`` (an :func:`unreachable` error) was met; said once per outage."""
        if self.down_since is not None:
            return
        self.down_since, self.why, self._down_at = utcnow(), reason(exc), time.monotonic()
        words = f"database unreachable ({self.why}); waiting for it, then resuming"
        logger.warning(words)
        self._tell(True, words)

    async def until_back(self, stop: asyncio.Event) -> bool:
        """Wait until the database answers again; False when ``stop`` came first."""
        delay = PROBE_FIRST
        async with self._probing:  # one prober; the others find the answer when they enter
            while self.down_since is not None and not stop.is_set():
                if await asyncio.to_thread(self._answers):
                    took = time.monotonic() - self._down_at
                    self.down_since = None
                    words = f"database reachable again after {took:.0f} s; resuming"
                    logger.warning(words)
                    self._tell(False, words)
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                delay = min(delay * 2, PROBE_MOST)
        return not stop.is_set()

    async def ride_out(self, exc: BaseException, stop: asyncio.Event) -> bool:
        """:meth:`lost` then :meth:`until_back`."""
        self.lost(exc)
        return await self.until_back(stop)

    def _answers(self) -> bool:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:  # noqa: BLE001
            if not unreachable(exc):
                logger.warning("probing the database failed: %s", exc)
            return False
