"""Team mode: presence on the asyncio loop, between ``presence.py``'s bookkeeping and PostgreSQL.

Announcements go out with ``pg_notify`` (no row written, nothing for VACUUM) from a worker
thread; others' arrive through the change feed's connection, which LISTENs on the
presence channel too. While this desktop has no case open and nobody else moves, nothing
runs: the loop below sleeps until a change, a heartbeat or an expiry is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from sqlalchemy import Engine, text

from inbox_app.core.events import ChangesMissed, EventBus, FeedStateChanged, PresenceChanged
from inbox_app.sync.changefeed import ChangeFeed
from inbox_app.sync.presence import (
    CHANNEL,
    EXPIRY,
    HEARTBEAT,
    TYPING_IDLE,
    Announcement,
    Colleague,
    PresenceAnnouncer,
    PresenceTracker,
)

logger = logging.getLogger(__name__)


def notify(engine: Engine, payload: str) -> None:
    """Send one announcement (blocking: call it from a worker thread)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})
        conn.commit()


class PresenceLink:
    """This desktop's presence: announces its own, hears the others', forgets the silent ones.

    Publishes ``PresenceChanged`` on the bus when the colleagues on some case changed.
    Everything but the sending runs on the loop's thread.
    """

    def __init__(
        self,
        engine: Engine,
        bus: EventBus,
        feed: ChangeFeed,
        agent: str,
        agent_id: int | None,
        *,
        heartbeat: float = HEARTBEAT,
        expiry: float = EXPIRY,
        typing_idle: float = TYPING_IDLE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._bus = bus
        self._clock = clock
        self.enabled = feed.enabled
        self.announcer = PresenceAnnouncer(
            feed.origin, agent, agent_id, heartbeat=heartbeat, typing_idle=typing_idle
        )
        self.tracker = PresenceTracker(feed.origin, expiry)
        self.sent = 0  # announcements that went out (benchmarks and tests count them)
        self.heard = 0  # and those heard from others
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # One send at a time, off the loop's path: a send stuck on a cut network must not
        # hold up forgetting others. What is said meanwhile replaces what waited.
        self._outgoing: Announcement | None = None
        self._sender: asyncio.Task[None] | None = None
        self._failing = False
        if self.enabled:
            feed.hear(CHANNEL, self._heard)
            bus.subscribe(ChangesMissed, self._feed_back)
            bus.subscribe(FeedStateChanged, self._feed_state)

    # ------------------------------------------------------------ this desktop

    def view(self, case_id: int | None) -> None:
        self.announcer.view(case_id)
        self._wake.set()

    def typed(self) -> None:
        self.announcer.typed(self._clock())
        self._wake.set()

    def stopped_typing(self) -> None:
        self.announcer.stopped_typing()
        self._wake.set()

    # ------------------------------------------------------------ the others

    def on_case(self, case_id: int) -> tuple[Colleague, ...]:
        return self.tracker.on_case(case_id)

    def by_case(self) -> dict[int, tuple[Colleague, ...]]:
        return self.tracker.by_case()

    def _heard(self, payload: str) -> None:
        announcement = Announcement.decode(payload)
        if announcement is None:
            logger.warning("ignored an unreadable presence notification")
            return
        if announcement.origin == self.tracker.own_origin:
            return  # this desktop's own words, back from the channel
        self.heard += 1
        self._changed(self.tracker.heard(announcement, self._clock()))
        self._wake.set()  # the next expiry may be sooner than the loop's current sleep

    def _feed_back(self, _event: ChangesMissed) -> None:
        # Back after a drop: what this desktop said meanwhile may not have reached anyone.
        self.announcer.again()
        self._wake.set()

    def _feed_state(self, event: FeedStateChanged) -> None:
        if not event.live and event.reason == "stopped":
            self._changed(self.tracker.forget_all())

    def _changed(self, case_ids: set[int]) -> None:
        if case_ids:
            self._bus.publish(PresenceChanged(case_ids=tuple(sorted(case_ids))))

    # ------------------------------------------------------------ the loop

    def start(self, spawn: Callable[..., asyncio.Task[None]]) -> None:
        """Run from now on (PostgreSQL only), through the caller's task helper."""
        if self.enabled and self._task is None:
            self._task = spawn(self.run(), "presence")

    async def stop(self, timeout: float = 2.0) -> None:
        """Say "left" if this desktop said anything, then end the loop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None and not self._task.done():
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), timeout)

    async def run(self) -> None:
        try:
            while not self._stopping:
                now = self._clock()
                self._changed(self.tracker.expire(now))
                announcement = self.announcer.due(now)
                if announcement is not None:
                    self._outgoing = announcement
                    if self._sender is None or self._sender.done():
                        self._sender = asyncio.ensure_future(self._send_outgoing())
                waits = [self.announcer.next_due(self._clock())]
                until = self.tracker.next_expiry()
                if until is not None:
                    waits.append(max(0.0, until - self._clock()))
                timeout = min((w for w in waits if w is not None), default=None)
                self._wake.clear()
                # Not wait_for: on 3.11 it swallows a cancel that meets a wake-up (a window
                # closing sets both), and this loop would then never end.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._wake.wait()
        finally:
            # Stopped or cancelled: a closing desktop still tells the others it has gone,
            # after whatever it was sending (if it cannot, they forget it after EXPIRY).
            self._outgoing = self.announcer.leaving()
            if self._outgoing is not None and (self._sender is None or self._sender.done()):
                self._sender = asyncio.ensure_future(self._send_outgoing())
            if self._sender is not None and not self._sender.done():
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(self._sender), 2.0)

    async def _send_outgoing(self) -> None:
        while self._outgoing is not None:
            announcement, self._outgoing = self._outgoing, None
            try:
                await asyncio.to_thread(notify, self._engine, announcement.encode())
                self.sent += 1
                self._failing = False
            except Exception as exc:  # noqa: BLE001 - the next heartbeat says it again
                # Once per outage, not at every heartbeat of it (the status bar says the rest).
                log = logger.debug if self._failing else logger.warning
                log("could not announce presence (%s)", type(exc).__name__)
                self._failing = True
