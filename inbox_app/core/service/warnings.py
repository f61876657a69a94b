"""Which service-level warnings to give an agent now: at 75 % of a target's time and at its
breach, for the agent's own cases and their team's unassigned ones, only while the policy's
calendar is open (never at midnight or on a Sunday for a business-hours promise), and never
twice for the same target.

Qt-free and clock-free: the tray asks :meth:`Warner.due` with the cases it watches and the
time; a test does the same with a simulated clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from inbox_app.core.read.rows import CaseRow
from inbox_app.core.service.hours import Calendar

WARNING, BREACH = "warning", "breach"


@dataclass(frozen=True)
class Notice:
    case_id: int
    level: str  # warning (75 %) or breach
    target: str  # first_reply, next_reply or resolution
    due: datetime
    subject: str | None
    customer: str


class Warner:
    """Remembers what it said; one per desktop session (a target warned before a restart
    may be warned once more after it, which is better than never)."""

    def __init__(self, calendar_of: Callable[[str | None], Calendar | None]) -> None:
        self._calendar_of = calendar_of  # the calendar of a policy (by name); None: calendar time
        self._said: set[tuple[int, str, str, datetime]] = set()

    def due(
        self, rows: Iterable[CaseRow], now: datetime, agent: str | None, team: str | None
    ) -> list[Notice]:
        """The notices to give at ``now`` for those of ``rows`` that are ``agent``'s own or
        unassigned in their ``team`` (by name), each once."""
        out: list[Notice] = []
        for row in rows:
            sla, due = row.sla, row.due_at
            if sla is None or due is None or not _watched(row, agent, team):
                continue
            level = (
                BREACH if now >= due else WARNING if sla.warn_at is not None and now >= sla.warn_at else None
            )
            if level is None:
                continue
            target = _target_due(row, due)
            key = (row.id, target, level, due)
            if key in self._said:
                continue
            calendar = self._calendar_of(sla.policy)
            if calendar is not None and not calendar.is_open(now):
                continue  # said when the calendar opens again, if still true then
            self._said.add(key)
            if level == BREACH:
                self._said.add((row.id, target, WARNING, due))  # a breach says it all
            out.append(Notice(row.id, level, target, due, row.subject, row.customer_name))
        return out


def _watched(row: CaseRow, agent: str | None, team: str | None) -> bool:
    if agent is not None and row.assignee == agent:
        return True
    return row.assignee is None and team is not None and row.team == team


def _target_due(row: CaseRow, due: datetime) -> str:
    sla = row.sla
    assert sla is not None
    for target, at in (
        ("first_reply", sla.first_reply_due),
        ("next_reply", sla.next_reply_due),
        ("resolution", sla.resolution_due),
    ):
        if at == due:
            return target
    return "resolution"
