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
from dataclasses import fields

from sqlalchemy import Engine, text

from inbox_app.core.events import (
    AccountsChanged,
    CasesChanged,
    CustomersChanged,
    Event,
    EventBus,
    MessagesAdded,
    MessagesChanged,
)

logger = logging.getLogger(__name__)

CHANNEL = "inbox_app_changes"
KINDS: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (MessagesAdded, MessagesChanged, CasesChanged, CustomersChanged, AccountsChanged)
}


class ChangeFeed:
    def __init__(self, engine: Engine, bus: EventBus) -> None:
        self._engine = engine
        self._bus = bus
        self.origin = uuid.uuid4().hex
        self._replaying = threading.local()
        self.received = 0
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

    async def listen(self, stop: asyncio.Event) -> None:
        """Receive other processes' changes until ``stop``; reconnects after drops."""
        if not self.enabled:
            return
        import psycopg

        url = self._engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        while not stop.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    gen = conn.notifies()
                    async for note in gen:
                        self._receive(note.payload)
                        if stop.is_set():
                            break
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                logger.warning("change feed interrupted; reconnecting", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=2)

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
