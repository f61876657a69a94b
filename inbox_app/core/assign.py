"""Automatic assignment: a team's new and reopened cases go to an available agent of the team.

Per team (``teams.assign_mode``, off by default): *balanced* gives a waiting case to the agent
with the fewest open cases, *round robin* to the one longest without an automatic assignment
(``agents.last_assigned_at``); both only to agents under the team's ``capacity`` of open cases.
The oldest waiting case goes first. Each assignment records why, in words, in the case's
audit trail (:data:`inbox_app.core.claims.ASSIGNED`).

The policy (:func:`choose`, :func:`plan`) is plain functions over plain rows. The store
operation (:meth:`AssignService.run_pass`) runs it under one lock per team: a transaction
advisory lock on PostgreSQL (one process assigns a team at a time; another that finds it taken
tries again a moment later) plus ``FOR UPDATE SKIP LOCKED`` on the waiting cases, and SQLite's
single writer (every write transaction begins IMMEDIATE). Each case is set with a compare and
set (still free, still open), so a case is never assigned twice.

Who runs the passes: the headless worker and a window that syncs (``inbox_app/sync/assigner.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit, claims
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.events import AgentsChanged, CasesChanged, EventBus
from inbox_app.core.service import events
from inbox_app.core.service.events import Kind
from inbox_app.core.store.models import Agent, Case, Team
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import AssignMode, CaseStatus, Role

#: The advisory lock space of assignment passes (one lock per team), apart from the accounts'.
LOCK_SPACE = int.from_bytes(hashlib.sha1(b"inbox_app.assign").digest()[:4], "big") >> 1
#: Waiting cases handed out per team and pass; a longer queue goes on at the next pass.
BATCH = 200
#: What counts against an agent's capacity: cases waiting for them, not for the customer.
LOAD = (CaseStatus.OPEN,)


class AssignError(Exception):
    """A setting was refused; the message says why."""


class AvailabilityRefused(NotPermitted):
    def __init__(self, agent: str) -> None:
        super().__init__(f"only leads and admins set another agent's availability ({agent}'s)")


# ------------------------------------------------------------------ the policy


@dataclass(frozen=True)
class Candidate:
    """An agent of the team who counts as available now, with their load."""

    agent_id: int
    name: str
    open_cases: int
    last_assigned_at: datetime | None = None


@dataclass(frozen=True)
class Choice:
    agent_id: int
    name: str
    reason: str  # in words, for the case's history


#: Whether an agent works at a given time: the business calendar's say (none yet: always).
WorkingHours = Callable[[int, datetime], bool]


def counts_available(available: bool, agent_id: int, at: datetime, hours: WorkingHours | None = None) -> bool:
    """An agent counts when they said available and, once calendars exist, within their
    working hours; an agent with no calendar counts by availability alone."""
    return available and (hours is None or hours(agent_id, at))


def has_room(c: Candidate, capacity: int | None) -> bool:
    return capacity is None or c.open_cases < capacity


def _never_first(at: datetime | None) -> tuple[int, datetime]:
    # Nobody assigned yet goes before anybody assigned at any time.
    return (0, datetime.min) if at is None else (1, aware(at).replace(tzinfo=None))


def _ago(at: datetime, now: datetime) -> str:
    seconds = max(0, int((aware(now) - aware(at)).total_seconds()))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"


def choose(mode: str, pool: Sequence[Candidate], capacity: int | None, now: datetime) -> Choice | None:
    """The agent of ``pool`` (the team's available agents) who gets the next case; None when
    everyone is at capacity (or nobody is available, or the team's mode is off)."""
    fits = [c for c in pool if has_room(c, capacity)]
    if not fits or mode not in (AssignMode.BALANCED, AssignMode.ROUND_ROBIN):
        return None
    limit = f" (capacity {capacity})" if capacity is not None else ""
    if mode == AssignMode.BALANCED:
        best = min(fits, key=lambda c: (c.open_cases, _never_first(c.last_assigned_at), c.agent_id))
        reason = f"balanced: {best.open_cases} open{limit}, lowest of {len(pool)} available"
    else:
        best = min(fits, key=lambda c: (_never_first(c.last_assigned_at), c.agent_id))
        last = (
            "never assigned before"
            if best.last_assigned_at is None
            else f"last assigned {_ago(best.last_assigned_at, now)}"
        )
        reason = f"round robin: {last}, longest of {len(pool)} available; {best.open_cases} open{limit}"
    return Choice(best.agent_id, best.name, reason)


def plan(
    mode: str, pool: Sequence[Candidate], capacity: int | None, waiting: Sequence[int], now: datetime
) -> list[tuple[int, Choice, datetime]]:
    """Hand out ``waiting`` (case ids, oldest first) one at a time, each choice seeing the
    ones before it; stops at the first case nobody has room for. Each assignment gets its own
    instant (a microsecond apart), so round robin goes round even within one pass."""
    agents = list(pool)
    out: list[tuple[int, Choice, datetime]] = []
    for n, case_id in enumerate(waiting):
        choice = choose(mode, agents, capacity, now)
        if choice is None:
            break
        at = now + timedelta(microseconds=n)
        out.append((case_id, choice, at))
        agents = [
            replace(c, open_cases=c.open_cases + 1, last_assigned_at=at)
            if c.agent_id == choice.agent_id
            else c
            for c in agents
        ]
    return out


# ------------------------------------------------------------------ the store


@dataclass(frozen=True)
class Assigned:
    case_id: int
    agent_id: int
    agent: str
    reason: str


@dataclass(frozen=True)
class PassResult:
    assigned: tuple[Assigned, ...] = ()
    busy: bool = False  # another process held a team's lock: try again in a moment


class AssignService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        bus: EventBus | None = None,
        *,
        reader: sessionmaker[Session] | None = None,
        hours: WorkingHours | None = None,
    ) -> None:
        self._factory = factory
        # Which teams assign is read without SQLite's write lock: a pass every few seconds
        # must not queue behind (or hold up) a sync batch when no team assigns.
        self._reader = reader or factory
        self._bus = bus or EventBus()
        self._hours = hours

    def run_pass(self) -> PassResult:
        """Hand every automatic team's waiting cases to its available agents, within capacity."""
        with self._reader() as s:
            teams = [
                (int(r.id), str(r.assign_mode), r.capacity)
                for r in s.execute(
                    select(Team.id, Team.assign_mode, Team.capacity).where(Team.assign_mode != AssignMode.OFF)
                )
            ]
        done: list[Assigned] = []
        busy = False
        for team_id, mode, capacity in teams:
            got = self._team_pass(team_id, mode, capacity)
            if got is None:
                busy = True
            else:
                done.extend(got)
        if done:
            self._bus.publish(CasesChanged(tuple(a.case_id for a in done)))
            self._bus.publish(AgentsChanged(tuple(sorted({a.agent_id for a in done}))))
        return PassResult(tuple(done), busy)

    def _team_pass(self, team_id: int, mode: str, capacity: int | None) -> list[Assigned] | None:
        with self._factory() as s, s.begin():
            if not _lock(s, team_id):
                return None
            # Read again under the lock: an admin may have changed it since the list was read.
            settings = s.execute(select(Team.assign_mode, Team.capacity).where(Team.id == team_id)).first()
            if settings is None or settings.assign_mode == AssignMode.OFF:
                return []
            mode, capacity = str(settings.assign_mode), settings.capacity
            stmt = (
                select(Case.id)
                .where(Case.team_id == team_id, Case.status == CaseStatus.OPEN, Case.assignee_id.is_(None))
                .order_by(func.coalesce(Case.waiting_since, Case.opened_at), Case.id)
                .limit(BATCH)
            )
            if s.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            waiting = list(s.scalars(stmt))
            if not waiting:
                return []
            now = utcnow()
            pool = self._pool(s, team_id, now)
            done = []
            for case_id, choice, at in plan(mode, pool, capacity, waiting, now):
                if not self._give(s, case_id, choice, at, mode):
                    continue  # taken by hand meanwhile (no lock stops a person): next case
                done.append(Assigned(case_id, choice.agent_id, choice.name, choice.reason))
            return done

    def _pool(self, s: Session, team_id: int, now: datetime) -> list[Candidate]:
        load = (
            select(func.count(Case.id))
            .where(Case.assignee_id == Agent.id, Case.status.in_(LOAD))
            .correlate(Agent)
            .scalar_subquery()
        )
        rows = s.execute(
            select(Agent.id, Agent.name, Agent.available, Agent.last_assigned_at, load)
            .where(Agent.team_id == team_id, Agent.active.is_(True))
            .order_by(Agent.id)
        )
        return [
            Candidate(int(r.id), r.name, int(r[4] or 0), r.last_assigned_at)
            for r in rows
            if counts_available(bool(r.available), int(r.id), now, self._hours)
        ]

    @staticmethod
    def _give(s: Session, case_id: int, choice: Choice, at: datetime, mode: str) -> bool:
        done = s.execute(
            update(Case)
            .where(Case.id == case_id, Case.assignee_id.is_(None), Case.status == CaseStatus.OPEN)
            .values(assignee_id=choice.agent_id, version=Case.version + 1)
            .execution_options(synchronize_session=False)
        )
        if not cast(CursorResult[Any], done).rowcount:
            return False
        s.execute(
            update(Agent)
            .where(Agent.id == choice.agent_id)
            .values(last_assigned_at=at)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            s,
            None,
            claims.ASSIGNED,
            "case",
            case_id,
            agent=choice.name,
            reason=choice.reason,
            mode=mode,
            automatic=True,
            before={"assignee_id": None},
        )
        events.record(s, case_id, Kind.ASSIGNED, at, detail={"from": None, "to": choice.agent_id})
        return True

    # -------------------------------------------------------------- settings

    def set_availability(self, who: str, available: bool, *, actor: str | None = None) -> dict[str, Any]:
        """An agent says available or away; leads and admins say it for anyone."""
        with self._factory() as s, s.begin():
            agent = s.scalar(select(Agent).where((Agent.name == who) | (Agent.email == who)))
            if agent is None:
                raise AssignError(f"no agent named {who!r} (see 'inbox-app agents list')")
            me = claims.actor_of(s, actor)
            if me is not None and not me.lead and me.id != agent.id:
                raise AvailabilityRefused(agent.name)
            before = bool(agent.available)
            agent.available = available
            if before != available:
                audit.record(s, actor, "agent.availability", "agent", agent.id, available=available)
            agent_id, name = int(agent.id), agent.name
        self._bus.publish(AgentsChanged((agent_id,)))
        return {"id": agent_id, "name": name, "available": available}

    def set_team(
        self,
        team: str,
        mode: str | None = None,
        capacity: int | None | bool = False,
        *,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """An admin turns a team's automatic assignment on or off and sets its capacity (open
        cases per agent; None: no limit; False: left as it is)."""
        if mode is not None and mode not in tuple(AssignMode):
            raise AssignError(f"assign must be one of {', '.join(AssignMode)}, not {mode!r}")
        if capacity is not False and capacity is not None and (isinstance(capacity, bool) or capacity < 1):
            raise AssignError("capacity must be a whole number of open cases, 1 or more (or 'none')")
        with self._factory() as s, s.begin():
            row = s.scalar(select(Team).where(func.lower(Team.name) == " ".join(team.split()).lower()))
            if row is None:
                raise AssignError(f"no team named {team!r} (see 'inbox-app teams list')")
            me = claims.actor_of(s, actor)
            if me is not None and _role(s, me.id) != Role.ADMIN:
                raise NotPermitted("only admins set a team's automatic assignment")
            before = {"assign_mode": row.assign_mode, "capacity": row.capacity}
            if mode is not None:
                row.assign_mode = mode
            if capacity is not False:
                row.capacity = capacity
            audit.record(
                s,
                actor,
                "team.assignment",
                "team",
                row.id,
                mode=row.assign_mode,
                capacity=row.capacity,
                before=before,
            )
            team_id = int(row.id)
            out = {"id": team_id, "name": row.name, "assign": row.assign_mode, "capacity": row.capacity}
        self._bus.publish(AgentsChanged((), (team_id,)))
        return out


def _role(s: Session, agent_id: int) -> str | None:
    return s.scalar(select(Agent.role).where(Agent.id == agent_id))


def _lock(s: Session, team_id: int) -> bool:
    """This transaction assigns the team's cases alone (PostgreSQL); SQLite's write
    transaction is the lock there already."""
    if s.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        s.execute(text("SELECT pg_try_advisory_xact_lock(:k, :t)"), {"k": LOCK_SPACE, "t": team_id}).scalar()
    )
