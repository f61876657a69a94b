"""Who may take or move a case, and the refusals when they may not, on both backends.

An agent takes a case only while it is free or already theirs: one conditional UPDATE
(compare and set), so two agents taking one case at the same instant never both win. Moving
a case a colleague holds, or handing one to someone else, is for leads and admins, unless an
admin lets agents too (store setting ``agents_may_reassign``). Giving one's own case back is
always allowed. The services check this for the acting agent; in team mode a row rule in
PostgreSQL (:mod:`inbox_app.core.team.row_rules`) holds every agent's login to it as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inbox_app.core.clock import aware
from inbox_app.core.store.models import Agent, AuditEvent, Case
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import Role

#: The audit action of an assignment; the time a holder got a case is its latest one.
ASSIGNED = "case.assigned"


class CaseHeld(NotPermitted):
    """The case is another agent's: whose, and since when (None when the trail does not say)."""

    def __init__(self, case_id: int, holder: str, since: datetime | None) -> None:
        self.case_id, self.holder, self.since = case_id, holder, since
        when = f" since {since_words(since)}" if since is not None else ""
        super().__init__(f"case {case_id} is {holder}'s{when}")


class MoveRefused(NotPermitted):
    """An agent tried to move a colleague's case or assign one to someone else."""

    def __init__(self, case_id: int, holder: str | None) -> None:
        self.case_id, self.holder = case_id, holder
        whose = f"case {case_id} is {holder}'s: " if holder else ""
        super().__init__(
            f"{whose}only leads and admins move cases other agents hold or assign cases to others "
            "(an admin may let agents: 'inbox-app settings set agents_may_reassign true')"
        )


class TeamMoveRefused(NotPermitted):
    """An agent tried to move a case from its team to another."""

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__(f"case {case_id}: only leads and admins move cases to another team")


def since_words(at: datetime) -> str:
    """HH:MM in local time today, else with the date: how a person says when."""
    local = aware(at).astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Actor:
    """The agent acting, as the rules see them."""

    id: int
    lead: bool  # a lead or an admin
    may_move: bool  # a lead or an admin, or any agent while agents_may_reassign is on


def actor_of(s: Session, actor: str | None) -> Actor | None:
    """The acting agent named ``actor`` (name or email); None for no agent (the system, the
    store's owner, a command run as nobody), whom the services do not restrict."""
    if not actor:
        return None
    row = s.execute(
        select(Agent.id, Agent.role).where((Agent.name == actor) | (Agent.email == actor))
    ).first()
    if row is None:
        return None
    lead = row.role in (Role.LEAD, Role.ADMIN)
    return Actor(int(row.id), lead, lead or bool(StoreSettings.load(s).agents_may_reassign))


def holder(s: Session, case_id: int) -> tuple[int | None, str | None, datetime | None]:
    """Who holds the case now (id, name) and since when, from the trail's latest assignment."""
    row = s.execute(
        select(Case.assignee_id, Agent.name)
        .outerjoin(Agent, Agent.id == Case.assignee_id)
        .where(Case.id == case_id)
    ).first()
    if row is None or row.assignee_id is None:
        return None, None, None
    since = s.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.object_type == "case", AuditEvent.object_id == case_id, AuditEvent.action == ASSIGNED
        )
    )
    return int(row.assignee_id), row.name, since


def take(s: Session, case_id: int, me: int, target: int | None, team_id: int | None) -> bool:
    """Set the case's assignee to ``target`` (me or nobody) only while it is free or mine.

    One statement, so the database decides between two agents at the same instant.
    """
    values: dict[str, object] = {"assignee_id": target}
    if team_id is not None:
        values["team_id"] = func.coalesce(Case.team_id, team_id)
    done = s.execute(
        update(Case)
        .where(Case.id == case_id, (Case.assignee_id.is_(None)) | (Case.assignee_id == me))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))
