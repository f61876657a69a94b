"""Team mode: what one desktop or worker changes reaches every other open window.

Events published on the local bus are forwarded with PostgreSQL NOTIFY; a
listener on each process turns notifications from others back into local
events. The embedded SQLite store has one process and needs none of this.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from sqlalchemy import Engine, text

from inbox_app.core.events import (
    AccountsChanged,
    AgentsChanged,
    CasesChanged,
    ChangesMissed,
    CustomersChanged,
    Event,
    EventBus,
    FeedStateChanged,
    MessagesAdded,
    MessagesChanged,
    SatisfactionLow,
)

logger = logging.getLogger(__name__)

CHANNEL = "inbox_app_changes"
# A quiet feed proves itself alive this often (one SELECT 1: ~0 load while nothing moves).
HEARTBEAT = 15.0
CONNECT_TIMEOUT = 5
RETRY_FIRST, RETRY_MOST = 1.0, 10.0
KEEPALIVES: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}
KINDS: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        MessagesAdded,
        MessagesChanged,
        CasesChanged,
        CustomersChanged,
        AccountsChanged,
        AgentsChanged,
        SatisfactionLow,
    )
}


class ChangeFeed:
    def __init__(self, engine: Engine, bus: EventBus) -> None:
        self._engine = engine
        self._bus = bus
        self.origin = uuid.uuid4().hex
        self._replaying = threading.local()
        self.received = 0
        self._live = False
        self._reason: str | None = None
        self._also: dict[str, Callable[[str], None]] = {}  # other channels heard on this connection
        for kind in KINDS.values():
            bus.subscribe(kind, self._forward)

    @property
    def enabled(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    def _forward(self, event: Event) -> None:
        if not self.enabled or getattr(self._replaying, "on", False):
            return
        body = {f.name: getattr(event, f.name) for f in fields(event) if f.name != "statuses"}
        payload = json.dumps({"o": self.origin, "k": type(event).__name__, "d": body})
        if len(payload) > 7000:  # NOTIFY payloads stop at 8000 bytes: say "something changed"
            payload = json.dumps({"o": self.origin, "k": type(event).__name__, "d": {}})
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})
                conn.commit()
        except Exception:  # noqa: BLE001 - other windows refresh on their own timer then
            logger.warning("could not tell other windows about a change", exc_info=True)

    def hear(self, channel: str, handler: Callable[[str], None]) -> None:
        """Also LISTEN on ``channel`` (from the next connection on: call it before ``listen``);
        ``handler`` gets each payload, on the loop, and nothing is published for it."""
        self._also[channel] = handler

    @property
    def live(self) -> bool:
        """Whether other processes' changes are being heard right now."""
        return self._live

    async def listen(self, stop: asyncio.Event) -> None:
        """Receive other processes' changes until ``stop``, reconnecting after any drop.

        Publishes ``FeedStateChanged`` when hearing starts or stops, and ``ChangesMissed``
        once it is back after a drop: notifications sent while nobody listened are gone
        for good, so whatever a window shows must be read again.
        """
        if not self.enabled:
            return
        import psycopg

        url = self._engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        missed = False
        delay = RETRY_FIRST
        while not stop.is_set():
            try:
                # Keepalives find a peer that vanished without closing (a cut network);
                # a restarted server closes the socket, which ends notifies() at once.
                conn = await psycopg.AsyncConnection.connect(
                    dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT, **KEEPALIVES
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    for channel in self._also:
                        await conn.execute(f"LISTEN {channel}")
                    self._set_live(True)
                    delay = RETRY_FIRST
                    if missed:
                        missed = False
                        self._publish_local(ChangesMissed())
                    await self._hear(conn, stop)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure means: not live, try again
                missed = True
                if self._live or self._reason is None:
                    logger.warning("change feed interrupted (%s); reconnecting", type(exc).__name__)
                self._set_live(False, reason=_words(exc))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                delay = min(delay * 2, RETRY_MOST)
        self._set_live(False, reason="stopped")

    async def _hear(self, conn: Any, stop: asyncio.Event) -> None:
        while not stop.is_set():
            async for note in conn.notifies(timeout=HEARTBEAT):
                handler = self._also.get(note.channel)
                if handler is not None:
                    try:
                        handler(note.payload)
                    except Exception:  # a listener's bug is not a dropped connection
                        logger.exception("a %s notification was not handled", note.channel)
                else:
                    self._receive(note.payload)
                if stop.is_set():
                    return
            # Quiet for a while: one tiny round trip proves the connection still stands.
            await conn.execute("SELECT 1")

    def _set_live(self, live: bool, reason: str = "") -> None:
        if live == self._live and (live or reason == self._reason):
            return
        self._live, self._reason = live, reason
        self._publish_local(FeedStateChanged(live=live, reason=reason))

    def _publish_local(self, event: Event) -> None:
        self._replaying.on = True  # never forwarded: it speaks of this process only
        try:
            self._bus.publish(event)
        finally:
            self._replaying.on = False

    def _receive(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            if data.get("o") == self.origin:
                return
            kind = KINDS[data["k"]]
            values = {k: tuple(v) if isinstance(v, list) else v for k, v in data["d"].items()}
            event = kind(**values)
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored an unreadable change notification")
            return
        self.received += 1
        self._replaying.on = True
        try:
            self._bus.publish(event)
        finally:
            self._replaying.on = False


def _words(exc: BaseException) -> str:
    """Why the feed is down, in one short line without the connection string."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return first[:160]
