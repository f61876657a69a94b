"""SLA policies in the store: an ordered list admins edit; the first matching policy applies.

Every change is audited, and re-computes the clocks of the open cases in the same
transaction: targets not yet reached get the new due times, and the history says so
(``sla_changed``). On PostgreSQL only the admins' group may write the table
(core/team/rights.py); on SQLite the acting agent's role is checked here.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit, claims
from inbox_app.core.clock import utcnow
from inbox_app.core.ingest.sql import chunks
from inbox_app.core.service import clocks
from inbox_app.core.service.hours import Calendar as Engine
from inbox_app.core.service.sla import TARGETS, SlaError, parse_duration
from inbox_app.core.store.models import Agent, Calendar, Case, SlaPolicy, Team
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import Priority, Role
from inbox_app.core.voice import risk_store

#: What ``sla list --json`` says of each policy, in this order.
KEYS = ("name", "order", "first_reply", "next_reply", "resolution", "hours", "team", "channel", "priority")


class SlaService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def add(
        self,
        name: str,
        *,
        first_reply: str | None,
        next_reply: str | None,
        resolution: str | None,
        hours: str | None = None,
        team: str | None = None,
        channel: str | None = None,
        priority: str | None = None,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """A new policy at the end of the list; refused in words when a duration, calendar,
        team or priority is wrong or the name is taken."""
        name = " ".join((name or "").split())
        if not name:
            raise SlaError("a policy needs a name")
        given = {"first_reply": first_reply, "next_reply": next_reply, "resolution": resolution}
        if not any(given.values()):
            raise SlaError("say at least one target: --first-reply, --next-reply or --resolution")
        texts = {t: parse_duration(v).text if v else None for t, v in given.items()}
        if priority is not None and priority not in tuple(Priority):
            raise SlaError(f"priority must be one of {', '.join(Priority)}, not {priority!r}")
        channel = channel.strip().lower() if channel else None
        with self._factory() as s, s.begin():
            _admin_only(s, actor)
            if _find(s, name) is not None:
                raise SlaError(f"a policy named {name!r} exists already")
            row = SlaPolicy(
                name=name,
                position=(s.scalar(select(func.max(SlaPolicy.position))) or 0) + 1,
                calendar_id=_calendar_id(s, hours),
                team_id=_team_id(s, team),
                channel=channel,
                priority=priority,
                **texts,
            )
            s.add(row)
            s.flush()
            got = _json(s, row)
            audit.record(s, actor, "sla.added", "sla_policy", row.id, **got)
            clocks.refresh(s, clocks.cases_of_policies(s))
            return got

    def remove(self, name: str, *, actor: str | None = None) -> None:
        with self._factory() as s, s.begin():
            _admin_only(s, actor)
            row = _get(s, name)
            audit.record(s, actor, "sla.removed", "sla_policy", row.id, name=row.name)
            # The open cases it applied to follow the next matching policy, or none: their
            # clocks are worked out again (and cleared, with the last policy gone), then the
            # closed ones let go of it too (SQLite keeps no reference, migration 0010).
            gone = row.position
            s.delete(row)
            s.flush()
            s.execute(
                update(SlaPolicy).where(SlaPolicy.position > gone).values(position=SlaPolicy.position - 1)
            )
            clocks.refresh(s, clocks.cases_of_policies(s), force=True)
            s.execute(update(Case).where(Case.sla_policy_id == row.id).values(sla_policy_id=None))

    def move(self, name: str, position: int, *, actor: str | None = None) -> list[dict[str, Any]]:
        """Put a policy at ``position`` (1 = first); the others keep their order."""
        with self._factory() as s, s.begin():
            _admin_only(s, actor)
            row = _get(s, name)
            rows = list(s.scalars(select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)))
            if not 1 <= position <= len(rows):
                raise SlaError(f"a position from 1 to {len(rows)}, not {position}")
            was = row.position
            rows.remove(row)
            rows.insert(position - 1, row)
            for i, r in enumerate(rows, start=1):
                r.position = i
            s.flush()
            audit.record(s, actor, "sla.moved", "sla_policy", row.id, name=row.name, was=was, now=position)
            clocks.refresh(s, clocks.cases_of_policies(s))
            return [_json(s, r) for r in rows]

    def list(self) -> list[dict[str, Any]]:
        """Every policy in order, as {name, order, first_reply, next_reply, resolution, hours,
        team, channel, priority}."""
        with self._factory() as s:
            return [_json(s, r) for r in s.scalars(select(SlaPolicy).order_by(SlaPolicy.position))]

    def engines(self) -> dict[str, Engine | None]:
        """Each policy's calendar engine by policy name (None: calendar time), for showing
        time left in business time."""
        with self._factory() as s:
            return {p.name: p.calendar for p in clocks.load_policies(s)}

    def check_breaches(self, now: datetime | None = None) -> builtins.list[int]:
        """Due times that passed with no write (the worker's housekeeping tick): each case
        gets its ``sla_breached`` event once. The cases that changed."""
        now = now or utcnow()
        with self._factory() as s, s.begin():
            ids = clocks.due_for_breach(s, now)
            clocks.refresh(s, ids, now)
            if ids:
                # A missed target is one of the at-risk score's factors (core/voice).
                customers: set[int] = set()
                for part in chunks(set(ids)):
                    customers.update(s.scalars(select(Case.customer_id).where(Case.id.in_(part))))
                risk_store.recompute_quietly(s, customers)
        return ids

    def recompute(self, now: datetime | None = None) -> None:
        """Every open case's clocks again (after a calendar changed)."""
        with self._factory() as s, s.begin():
            clocks.refresh(s, clocks.cases_of_policies(s), now)


def _admin_only(s: Session, actor: str | None) -> None:
    me = claims.actor_of(s, actor)
    if me is not None and s.scalar(select(Agent.role).where(Agent.id == me.id)) != Role.ADMIN:
        raise NotPermitted("only admins change SLA policies")


def _find(s: Session, name: str) -> SlaPolicy | None:
    key = " ".join(name.split()).lower()
    return s.scalar(select(SlaPolicy).where(func.lower(SlaPolicy.name) == key))


def _get(s: Session, name: str) -> SlaPolicy:
    row = _find(s, name)
    if row is None:
        raise SlaError(f"no SLA policy named {name!r} (see 'inbox-app sla list')")
    return row


def _calendar_id(s: Session, name: str | None) -> int | None:
    if not name:
        return None
    key = " ".join(name.split()).lower()
    got = s.scalar(select(Calendar.id).where(func.lower(Calendar.name) == key))
    if got is None:
        raise SlaError(f"no calendar named {name!r} (see 'inbox-app hours list')")
    return int(got)


def _team_id(s: Session, name: str | None) -> int | None:
    if not name:
        return None
    key = " ".join(name.split()).lower()
    got = s.scalar(select(Team.id).where(func.lower(Team.name) == key))
    if got is None:
        raise SlaError(f"no team named {name!r} (see 'inbox-app teams list')")
    return int(got)


def _json(s: Session, row: SlaPolicy) -> dict[str, Any]:
    hours = s.scalar(select(Calendar.name).where(Calendar.id == row.calendar_id)) if row.calendar_id else None
    team = s.scalar(select(Team.name).where(Team.id == row.team_id)) if row.team_id else None
    got: dict[str, Any] = {"name": row.name, "order": row.position}
    got.update({t: getattr(row, t) for t in TARGETS})
    got.update(hours=hours, team=team, channel=row.channel, priority=row.priority)
    return got
