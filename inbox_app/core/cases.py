"""Case actions: assign, status, priority, tags, moving threads; each audited and undoable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit, claims, versions
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.events import CasesChanged, EventBus, MessagesChanged
from inbox_app.core.service import clocks, events
from inbox_app.core.service.events import Kind
from inbox_app.core.store.models import Agent, Case, Message, Team, Thread
from inbox_app.core.vocab import CaseStatus, Priority
from inbox_app.core.voice import risk_store

PRIORITIES = tuple(Priority)
STATUSES = tuple(CaseStatus)


class CaseError(Exception):
    """A case action was refused; the message says why."""


class CaseService:
    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None) -> None:
        self._factory = factory
        self._bus = bus or EventBus()

    def _case(self, s: Session, case_id: int) -> Case:
        case = s.get(Case, case_id)
        if case is None:
            raise CaseError(f"no case with id {case_id}")
        return case

    @staticmethod
    def _step(s: Session, case_id: int, based_on: int | None) -> None:
        """Step the case's version (from ``based_on`` when given) before changing it: a change
        based on an older version is refused with the fresh state (:mod:`inbox_app.core.versions`)."""
        if versions.step(s, case_id, based_on):
            return
        fresh = versions.fresh_state(s, case_id)
        if fresh is None:
            raise CaseError(f"no case with id {case_id}")
        raise versions.StaleCase(case_id, based_on if based_on is not None else -1, fresh)

    @staticmethod
    def _after(s: Session, case_id: int, at: datetime) -> None:
        """The service-level clocks follow the change, in its transaction."""
        clocks.refresh(s, [case_id], at)

    def _done(self, *case_ids: int) -> None:
        self._bus.publish(CasesChanged(tuple(case_ids)))

    def assign(
        self, case_id: int, agent: str | None, *, actor: str | None = None, based_on: int | None = None
    ) -> dict[str, Any]:
        """Assign to an agent (by name or email) or, with None, unassign. Returns the undo data.

        An acting agent who may not move others' cases (see :mod:`inbox_app.core.claims`)
        takes a case or gives it back only while it is free or theirs, in one compare and
        set; a case a colleague holds is refused with :class:`CaseHeld`, and assigning to
        someone else with :class:`MoveRefused`.
        """
        with self._factory() as s, s.begin():
            self._step(s, case_id, based_on)
            case = self._case(s, case_id)
            before = {"assignee_id": case.assignee_id}
            target = None
            if agent is not None:
                target = s.scalar(select(Agent).where((Agent.name == agent) | (Agent.email == agent)))
                if target is None:
                    raise CaseError(f"no agent named {agent!r}")
            me = claims.actor_of(s, actor)
            team_before = case.team_id
            new_id = None if target is None else target.id
            if me is not None and not me.may_move:
                if target is not None and target.id != me.id:
                    _, name, _ = claims.holder(s, case_id)
                    raise claims.MoveRefused(case_id, name)
                self._claim(s, case_id, me.id, target)
                # It was free or mine when the UPDATE ran, whatever was read before.
                before = {"assignee_id": me.id if case.assignee_id == me.id else None}
                s.expire(case, ["team_id"])
            else:
                case.assignee_id = new_id
                if target is not None and case.team_id is None and target.team_id is not None:
                    case.team_id = target.team_id
            audit.record(s, actor, claims.ASSIGNED, "case", case_id, agent=agent, before=before)
            now, who = utcnow(), me.id if me is not None else None
            events.change(s, case_id, Kind.ASSIGNED, before["assignee_id"], new_id, now, who)
            events.change(s, case_id, Kind.TEAM, team_before, case.team_id, now, who)
            self._after(s, case_id, now)
        self._done(case_id)
        return before

    @staticmethod
    def _claim(s: Session, case_id: int, me: int, target: Agent | None) -> None:
        team_id = target.team_id if target is not None else None
        for _ in range(3):  # the holder may let go between the refusal and asking who it was
            if claims.take(s, case_id, me, target.id if target is not None else None, team_id):
                return
            holder_id, name, since = claims.holder(s, case_id)
            if holder_id is not None and holder_id != me:
                raise claims.CaseHeld(case_id, name or f"agent {holder_id}", since)
        raise CaseError(f"case {case_id} keeps changing hands; try again")

    def assign_team(
        self, case_id: int, team: str | None, *, actor: str | None = None, based_on: int | None = None
    ) -> dict[str, Any]:
        """Hand the case to a team (by name) or, with None, to none. Moving a case that has a
        team to another is for leads and admins (:class:`TeamMoveRefused`); any agent gives a
        case without one a team."""
        with self._factory() as s, s.begin():
            self._step(s, case_id, based_on)
            case = self._case(s, case_id)
            before = {"team_id": case.team_id}
            if team is None:
                team_id = None
            else:
                row = s.scalar(select(Team).where(func.lower(Team.name) == " ".join(team.split()).lower()))
                if row is None:
                    raise CaseError(f"no team named {team!r}")
                team_id, team = row.id, row.name
            if team_id != case.team_id and case.team_id is not None:
                me = claims.actor_of(s, actor)
                if me is not None and not me.lead:
                    raise claims.TeamMoveRefused(case_id)
            case.team_id = team_id
            audit.record(s, actor, "case.team_assigned", "case", case_id, team=team, before=before)
            now = utcnow()
            events.change(s, case_id, Kind.TEAM, before["team_id"], team_id, now, _agent_id(s, actor))
            self._after(s, case_id, now)
        self._done(case_id)
        return before

    def set_status(
        self,
        case_id: int,
        status: str,
        *,
        until: datetime | None = None,
        actor: str | None = None,
        based_on: int | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """``at``: when it happened, for history replayed later (the demo's); default now."""
        if status not in STATUSES:
            raise CaseError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        if status == CaseStatus.SNOOZED and until is None:
            raise CaseError("snoozing needs a time to wake up (--until)")
        if until is not None and aware(until) <= utcnow():
            raise CaseError("the snooze time must be in the future")
        with self._factory() as s, s.begin():
            self._step(s, case_id, based_on)
            case = self._case(s, case_id)
            before = {
                "status": case.status,
                "snoozed_until": case.snoozed_until,
                "resolved_at": case.resolved_at,
            }
            case.status = status
            case.snoozed_until = aware(until) if status == CaseStatus.SNOOZED else None
            now = min(aware(at), utcnow()) if at is not None else utcnow()
            case.resolved_at = now if status == CaseStatus.RESOLVED else None
            audit.record(
                s,
                actor,
                "case.status",
                "case",
                case_id,
                status=status,
                before={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in before.items()},
            )
            events.status_change(s, case_id, str(before["status"]), status, now, _agent_id(s, actor))
            self._after(s, case_id, now)
            # Reopened, resolved, no longer waiting: the customer's at-risk score moves.
            risk_store.recompute_quietly(s, [case.customer_id])
        self._done(case_id)
        return before

    def set_priority(
        self, case_id: int, priority: str, *, actor: str | None = None, based_on: int | None = None
    ) -> dict[str, Any]:
        if priority not in PRIORITIES:
            raise CaseError(f"priority must be one of {', '.join(PRIORITIES)}")
        with self._factory() as s, s.begin():
            self._step(s, case_id, based_on)
            case = self._case(s, case_id)
            before = {"priority": case.priority}
            case.priority = priority
            audit.record(s, actor, "case.priority", "case", case_id, priority=priority, before=before)
            self._after(s, case_id, utcnow())  # the priority may choose another policy
        self._done(case_id)
        return before

    def set_tags(
        self, case_id: int, tags: list[str], *, actor: str | None = None, based_on: int | None = None
    ) -> dict[str, Any]:
        clean = sorted({t.strip().lower() for t in tags if t.strip()})
        with self._factory() as s, s.begin():
            self._step(s, case_id, based_on)
            case = self._case(s, case_id)
            before = {"tags": dict(case.tags or {})}
            case.tags = {"tags": clean}
            audit.record(s, actor, "case.tags", "case", case_id, tags=clean)
        self._done(case_id)
        return before

    def restore(self, case_id: int, before: dict[str, Any], *, actor: str | None = None) -> None:
        """Undo: put back the fields an action returned."""
        with self._factory() as s, s.begin():
            self._step(s, case_id, None)
            case = self._case(s, case_id)
            was_status, was_assignee, was_team = case.status, case.assignee_id, case.team_id
            for key, value in before.items():
                setattr(case, key, value)
            audit.record(s, actor, "case.undo", "case", case_id, fields=sorted(before))
            now, who = utcnow(), _agent_id(s, actor)
            events.status_change(s, case_id, was_status, case.status, now, who)
            events.change(s, case_id, Kind.ASSIGNED, was_assignee, case.assignee_id, now, who)
            events.change(s, case_id, Kind.TEAM, was_team, case.team_id, now, who)
            self._after(s, case_id, now)
            if "status" in before:
                risk_store.recompute_quietly(s, [case.customer_id])
        self._done(case_id)

    def wake_snoozed(self) -> list[int]:
        """Snoozed cases whose time has come become open again."""
        now = utcnow()
        with self._factory() as s, s.begin():
            due = s.execute(
                select(Case.id, Case.snoozed_until).where(
                    Case.status == CaseStatus.SNOOZED, Case.snoozed_until <= now
                )
            ).all()
            ids = [int(r.id) for r in due]
            if ids:
                s.execute(
                    update(Case)
                    .where(Case.id.in_(ids))
                    .values(status=CaseStatus.OPEN, snoozed_until=None, version=Case.version + 1)
                )
                # The case woke when its time came, however late this pass runs.
                for r in due:
                    woke = aware(r.snoozed_until) or now
                    events.status_change(s, int(r.id), CaseStatus.SNOOZED, CaseStatus.OPEN, woke, None)
                clocks.refresh(s, ids, now)
        if ids:
            self._done(*ids)
        return ids

    def move_thread(self, thread_id: int, case_id: int, *, actor: str | None = None) -> None:
        """Move a conversation to another case of the same customer."""
        with self._factory() as s, s.begin():
            thread = s.get(Thread, thread_id)
            case = self._case(s, case_id)
            if thread is None:
                raise CaseError(f"no thread with id {thread_id}")
            if thread.customer_id != case.customer_id:
                raise CaseError("threads can only move between cases of the same customer")
            old = thread.case_id
            thread.case_id = case_id
            ids = list(s.scalars(select(Message.id).where(Message.thread_id == thread_id)))
            s.execute(update(Message).where(Message.thread_id == thread_id).values(case_id=case_id))
            audit.record(s, actor, "thread.moved", "thread", thread_id, from_case=old, to_case=case_id)
        self._bus.publish(MessagesChanged(tuple(ids), (case_id,)))
        self._done(*(c for c in (old, case_id) if c))


def _agent_id(s: Session, actor: str | None) -> int | None:
    me = claims.actor_of(s, actor)
    return me.id if me is not None else None
