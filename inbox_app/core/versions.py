"""No stale writes: every change to a case carries the version it was based on.

A desktop shows a case as it was when it read it; by the time its agent presses "Resolve"
a colleague may have resolved, reassigned or reopened it. A change that names the
version it was based on is refused when the case has moved on, with what happened
meanwhile in words ("case 42 was just resolved by Sara at 10:31"), never a silent
overwrite. The step is one conditional UPDATE (compare and set) at the start of the
change's transaction: it also locks the row, so what the change reads next is fresh and
nobody changes the case under it before it commits.

Every change an agent or the system makes to what a case is (status, priority, assignee,
team, tags, snooze) steps the version: the services here and in :mod:`inbox_app.core.cases`,
the ingest reopening a settled case, snoozed cases waking up. Times the case merely
collects (last message, waiting since) do not: a new message is no reason to refuse an
assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from inbox_app.core.clock import aware
from inbox_app.core.store.models import Agent, AuditEvent, Case, Team

#: What each audited case action did, as "was just ... by WHO".
_DONE = {
    "case.status": "{status}",
    "case.assigned": "assigned to {assignee}",
    "case.team_assigned": "handed to team {team}",
    "case.priority": "given priority {priority}",
    "case.tags": "retagged",
    "case.undo": "changed back",
    "case.reopened": "reopened",
}
_STATUS_DONE = {"resolved": "resolved", "open": "reopened", "pending": "marked pending", "snoozed": "snoozed"}


@dataclass(frozen=True)
class FreshState:
    """The case as it is now, and its latest change: what a refused writer needs to decide again."""

    version: int
    status: str
    priority: str
    assignee: str | None
    team: str | None
    last_action: str | None
    last_actor: str | None
    last_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "status": self.status,
            "priority": self.priority,
            "assignee": self.assignee,
            "team": self.team,
            "changed_by": self.last_actor,
            "changed_at": self.last_at.isoformat() if self.last_at else None,
        }


class StaleCase(Exception):
    """A change based on an older version of the case than the stored one."""

    def __init__(self, case_id: int, based_on: int, fresh: FreshState) -> None:
        self.case_id, self.based_on, self.fresh = case_id, based_on, fresh
        super().__init__(
            f"case {case_id} changed since you read it (version {based_on}, now {fresh.version}): "
            f"{self.what()}; nothing was changed — look at it again and retry"
        )

    def what(self) -> str:
        """What happened meanwhile, in words: "it was just resolved by Sara at 10:31"."""
        from inbox_app.core.claims import since_words

        f = self.fresh
        if f.last_action is None:
            return f"it is now {f.status}, assigned to {f.assignee or 'nobody'}"
        if f.last_action == "case.status":
            done = _STATUS_DONE.get(f.status, f.status)
        else:
            done = _DONE.get(f.last_action, "changed").format(
                status=f.status, assignee=f.assignee or "nobody", team=f.team or "none", priority=f.priority
            )
        who = f" by {f.last_actor}" if f.last_actor else ""
        when = f" at {since_words(f.last_at)}" if f.last_at is not None else ""
        return f"it was just {done}{who}{when}"


def step(s: Session, case_id: int, based_on: int | None) -> bool:
    """Step the case's version, only from ``based_on`` when given; False when none matched.

    The first statement of a change's transaction: the row stays locked until it commits.
    """
    stmt = update(Case).where(Case.id == case_id)
    if based_on is not None:
        stmt = stmt.where(Case.version == based_on)
    done = s.execute(stmt.values(version=Case.version + 1).execution_options(synchronize_session=False))
    return bool(cast(CursorResult[Any], done).rowcount)


def fresh_state(s: Session, case_id: int) -> FreshState | None:
    row = s.execute(
        select(Case.version, Case.status, Case.priority, Agent.name, Team.name)
        .outerjoin(Agent, Agent.id == Case.assignee_id)
        .outerjoin(Team, Team.id == Case.team_id)
        .where(Case.id == case_id)
    ).first()
    if row is None:
        return None
    last = s.execute(
        select(AuditEvent.action, AuditEvent.actor, AuditEvent.at)
        .where(
            AuditEvent.object_type == "case",
            AuditEvent.object_id == case_id,
            AuditEvent.action.in_(tuple(_DONE)),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    action, actor, at = (last.action, last.actor, aware(last.at)) if last is not None else (None, None, None)
    if actor == "system":
        actor = None
    return FreshState(int(row.version), row.status, row.priority, row[3], row[4], action, actor, at)
