"""The case history: an append-only list of what happened to each case, and when.

Every place that changes what a case is, or files a message under it, writes here in the
same transaction: the ingest (a case opened or reopened, each customer message, at the
message's own arrival time), a public reply an agent queues, status, assignment and team
changes, and the SLA engine's clock events. SLA clocks and reports are computed from this
list, so every figure can be recomputed and explained. Nothing here ever changes a row
(in team mode PostgreSQL refuses it, migration 0010).

``at`` is when it happened in the world: for a message its arrival at the business (the
mail server's arrival time, the channel's timestamp), not when this program stored it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from inbox_app.core.clock import aware
from inbox_app.core.store.coltypes import EPOCH_UTC
from inbox_app.core.store.models import CaseEvent


class Kind(StrEnum):
    OPENED = "opened"  # detail {"reopen": true} for a reopen
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    STATUS = "status"  # detail {"from": ..., "to": ...}
    ASSIGNED = "assigned"
    TEAM = "team"
    SLA_STARTED = "sla_started"
    SLA_PAUSED = "sla_paused"
    SLA_RESUMED = "sla_resumed"
    SLA_FULFILLED = "sla_fulfilled"
    SLA_BREACHED = "sla_breached"
    SLA_CHANGED = "sla_changed"


EVENTS = cast(Table, CaseEvent.__table__)


def record(
    session: Session,
    case_id: int,
    kind: str,
    at: datetime,
    *,
    actor_agent_id: int | None = None,
    message_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Add one event to the history of case ``case_id`` (in the caller's transaction)."""
    session.execute(
        insert(EVENTS),
        [row(case_id, kind, at, actor_agent_id=actor_agent_id, message_id=message_id, detail=detail)],
    )


def row(
    case_id: int,
    kind: str,
    at: datetime,
    *,
    actor_agent_id: int | None = None,
    message_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One event as a row for :func:`record_many`."""
    if kind not in _KINDS:
        raise ValueError(f"unknown case event kind {kind!r}")
    return {
        "case_id": case_id,
        "at": at,
        "kind": str(kind),
        "actor_agent_id": actor_agent_id,
        "message_id": message_id,
        "detail": dict(detail) if detail is not None else None,
    }


def record_many(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Several events in one multi-row statement (ingest writes a batch's at once)."""
    rows = list(rows)
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        # Straight to the driver, as ingest writes its rows (compiling an executemany
        # per batch cost more than SQLite's work).
        from inbox_app.core.ingest.sql import sqlite_insert_rows

        sqlite_insert_rows(session, EVENTS, rows)
    else:
        session.execute(insert(EVENTS), rows)


def status_change(
    session: Session, case_id: int, before: str, after: str, at: datetime, actor_agent_id: int | None
) -> None:
    """A status change; a resolved case opened again is also a new segment ("opened", reopen)."""
    if before == after:
        return
    record(
        session, case_id, Kind.STATUS, at, actor_agent_id=actor_agent_id, detail={"from": before, "to": after}
    )
    if before == "resolved":
        record(session, case_id, Kind.OPENED, at, actor_agent_id=actor_agent_id, detail={"reopen": True})


def change(
    session: Session,
    case_id: int,
    kind: str,
    before: int | None,
    after: int | None,
    at: datetime,
    actor: int | None,
) -> None:
    """An assignment (``assigned``) or team change (``team``), when something changed."""
    if before != after:
        record(session, case_id, kind, at, actor_agent_id=actor, detail={"from": before, "to": after})


@dataclass(frozen=True)
class Event:
    id: int
    case_id: int
    at: datetime
    kind: str
    actor_agent_id: int | None
    message_id: int | None
    detail: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_id": self.case_id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "actor_agent_id": self.actor_agent_id,
            "message_id": self.message_id,
            "detail": self.detail,
        }


def history(session: Session, case_id: int) -> list[Event]:
    """The history of one case in the order it happened (by time, then as written)."""
    return histories(session, [case_id]).get(case_id, [])


def histories(session: Session, case_ids: Iterable[int]) -> dict[int, list[Event]]:
    """The histories of several cases, each in the order it happened."""
    ids = sorted(set(case_ids))
    out: dict[int, list[Event]] = {}
    if session.get_bind().dialect.name == "sqlite":
        _sqlite_histories(session, ids, out)
        ids = []
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(
                EVENTS.c.id,
                EVENTS.c.case_id,
                EVENTS.c.at,
                EVENTS.c.kind,
                EVENTS.c.actor_agent_id,
                EVENTS.c.message_id,
                EVENTS.c.detail,
            ).where(EVENTS.c.case_id.in_(ids[i : i + 500]))
        )
        for r in rows:
            at = aware(r.at)
            assert at is not None
            out.setdefault(int(r.case_id), []).append(
                Event(int(r.id), int(r.case_id), at, r.kind, r.actor_agent_id, r.message_id, r.detail)
            )
    for events in out.values():
        events.sort(key=lambda e: (e.at, e.id))
    return out


def _sqlite_histories(session: Session, ids: list[int], out: dict[int, list[Event]]) -> None:
    """The same rows straight from the driver: ingest reads the history of every case a batch
    touched, and building SQLAlchemy rows cost more than SQLite's work."""
    conn = session.connection()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = conn.exec_driver_sql(
            "SELECT id, case_id, at, kind, actor_agent_id, message_id, detail FROM case_events "
            f"WHERE case_id IN ({','.join('?' * len(chunk))})",
            tuple(chunk),
        ).fetchall()
        for event_id, case_id, at, kind, actor, message, detail in rows:
            when = EPOCH_UTC + timedelta(microseconds=at) if isinstance(at, int) else _text_time(at)
            out.setdefault(case_id, []).append(
                Event(event_id, case_id, when, kind, actor, message, json.loads(detail) if detail else None)
            )


def _text_time(value: str) -> datetime:
    at = aware(datetime.fromisoformat(value))
    assert at is not None
    return at


_KINDS = frozenset(Kind)
