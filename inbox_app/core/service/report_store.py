"""Reading what a report needs from the store: the case events of a period and, per case,
its channel, holder, team and calendar. The figures themselves are computed in report.py.

Which cases: every case with an event since the period began, and every case not resolved
now. A case that was open at some point of the period is one or the other: if nothing
happened to it since, it is still open. Their events are read from their beginning (a first
reply inside the period may answer a case opened long before), up to the period's end.

Which calendar: the case's SLA policy's; a case whose policy has none, or that has no
policy, uses the store's only calendar when there is exactly one, else calendar time.

Leads and admins only (agents see their own work in the case list).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, select, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import claims
from inbox_app.core.clock import aware
from inbox_app.core.service.hours_store import HoursService
from inbox_app.core.service.report import CaseInfo, EventRow, Facts, Measure, collect
from inbox_app.core.service.report_time import QuickMeasure
from inbox_app.core.store.coltypes import EPOCH_UTC
from inbox_app.core.store.models import Agent, Case, CaseEvent, Message, SlaPolicy, Team
from inbox_app.core.store.models import Calendar as CalendarRow
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import CaseStatus

# The kinds a report reads; pauses and policy changes matter to the SLA engine only.
KINDS = (
    "opened",
    "inbound",
    "outbound",
    "status",
    "assigned",
    "team",
    "sla_started",
    "sla_fulfilled",
    "sla_breached",
)
UNRESOLVED = tuple(s.value for s in CaseStatus if s != CaseStatus.RESOLVED)
_CHUNK = 500


class ReportRefused(NotPermitted):
    def __init__(self) -> None:
        super().__init__("only leads and admins see reports")


@dataclass
class Loaded:
    """A period's cases and events as read, from which facts are computed in either time."""

    cases: dict[int, CaseInfo]
    events: list[EventRow]
    agents: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)

    def facts(self, *, business: bool) -> Facts:
        return collect(self.cases, self.events, business=business)

    def names(self, by: str | None) -> dict[int, str]:
        return self.agents if by == "agent" else self.teams


class ReportService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def load(self, start: datetime, end: datetime, *, actor: str | None = None) -> Loaded:
        """What a report of [start, end) is computed from (refused to agents)."""
        with self._factory() as s:
            me = claims.actor_of(s, actor)
            if me is not None and not me.lead:
                raise ReportRefused()
            ev = CaseEvent.__table__.c
            # Both by an index: (kind, at) of the events, (status, ...) of the cases.
            recent = select(ev.case_id).where(ev.kind.in_(KINDS), ev.at >= start)
            unresolved = select(Case.id).where(Case.status.in_(UNRESOLVED))
            wanted = recent.union(unresolved).subquery()
            # SQLite keeps instants as integer microseconds: read them so, not through the
            # column type, which builds a naive datetime for aware() to convert (a third of
            # the reading on a big period).
            sqlite = s.get_bind().dialect.name == "sqlite"
            at = type_coerce(ev.at, BigInteger()) if sqlite else ev.at
            stmt = (
                select(ev.case_id, at, ev.kind, ev.actor_agent_id, ev.detail, ev.message_id)
                .join(wanted, wanted.c[0] == ev.case_id)  # case by case, by (case_id, id)
                .where(ev.at < end, ev.kind.in_(KINDS))
                .order_by(ev.case_id, ev.at, ev.id)
            )
            events: list[EventRow] = []
            first_message: dict[int, int] = {}
            # The driver's rows as they come (as WorkspaceReads.case_ids reads ids): a result
            # row object per event costs more than the rest of the reading.
            result = s.connection().execute(stmt)
            cursor = result.cursor
            assert cursor is not None
            while chunk := cursor.fetchmany(8192):
                for case_id, when, kind, actor_id, detail, message_id in chunk:
                    if isinstance(detail, str):  # SQLite hands JSON back as text
                        detail = json.loads(detail)
                    instant = _instant(when) if sqlite else aware(when)
                    events.append(EventRow(case_id, instant, kind, actor_id, detail))
                    if message_id is not None and case_id not in first_message:
                        first_message[case_id] = message_id
            result.close()
            ids = sorted({e.case_id for e in events})
            names = {int(i): str(n) for i, n in s.execute(select(CalendarRow.id, CalendarRow.name))}
            hours = HoursService(self._factory)
            calendars: dict[int, Measure] = {i: QuickMeasure(hours.calendar(n)) for i, n in names.items()}
            cases = _cases(s, ids, first_message, calendars)
            agents = {int(i): str(n) for i, n in s.execute(select(Agent.id, Agent.name))}
            teams = {int(i): str(n) for i, n in s.execute(select(Team.id, Team.name))}
        return Loaded(cases, events, agents, teams)


def _cases(
    s: Session, ids: list[int], first_message: dict[int, int], calendars: dict[int, Measure]
) -> dict[int, CaseInfo]:
    only = next(iter(calendars.values())) if len(calendars) == 1 else None
    policy_calendar = {int(i): c for i, c in s.execute(select(SlaPolicy.id, SlaPolicy.calendar_id))}
    channel = dict(_chunked(s, select(Message.id, Message.channel), Message.id, list(first_message.values())))
    out: dict[int, CaseInfo] = {}
    for r in _chunked(s, select(Case.id, Case.assignee_id, Case.team_id, Case.sla_policy_id), Case.id, ids):
        cal_id = policy_calendar.get(r.sla_policy_id) if r.sla_policy_id is not None else None
        calendar = calendars.get(cal_id) if cal_id is not None else None
        case_id = int(r.id)
        kind = channel.get(first_message.get(case_id, -1), "")
        out[case_id] = CaseInfo(kind or "-", r.assignee_id, r.team_id, calendar or only)
    return out


def _chunked(s: Session, stmt: Any, column: Any, ids: list[int]) -> Iterable[Any]:
    for i in range(0, len(ids), _CHUNK):
        yield from s.execute(stmt.where(column.in_(ids[i : i + _CHUNK])))


def _instant(stored: int | str) -> datetime:
    if isinstance(stored, str):  # written as text by an older program
        return aware(datetime.fromisoformat(stored))
    return EPOCH_UTC + timedelta(microseconds=stored)


def local_zone() -> tzinfo:
    """The computer's time zone, for what a date on the command line means (TZ, else the
    zone /etc/localtime points to, else UTC)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = str(Path("/etc/localtime").resolve())
            name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
        except OSError:
            name = ""
    try:
        return ZoneInfo(name) if name else UTC
    except (ValueError, OSError):
        return UTC
