"""Keeping the cases' SLA columns and clock events current, in the caller's transaction.

Every change that moves a clock (a message stored, a reply queued, a status, team or
priority change, a policy or calendar changed, a due time passing) calls :func:`refresh`
for the cases it touched. It recomputes their clocks from the history (core/service/sla.py),
writes the SLA events not yet in the history (started, paused, resumed, fulfilled,
breached, changed: each once) and the columns the case list sorts and filters by. Ingest
calls it once per batch: a few set-based reads and one multi-row write for the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from inbox_app.core.clock import aware, utcnow
from inbox_app.core.service import events
from inbox_app.core.service.events import Event, Kind
from inbox_app.core.service.hours_store import engine_of
from inbox_app.core.service.sla import TARGETS, Clock, Policy, first_match, parse_duration, segment
from inbox_app.core.store.models import Calendar, Case, ChannelAccount, SlaPolicy, Thread

CASES = cast(Table, Case.__table__)
OPEN_STATES = ("open", "pending", "snoozed")
_CLEAR: dict[str, Any] = {
    "sla_policy_id": None,
    "first_reply_due": None,
    "next_reply_due": None,
    "resolution_due": None,
    "due_at": None,
    "sla_warn_at": None,
    "sla_breached": "",
    "sla_paused": False,
}


def load_policies(s: Session) -> list[Policy]:
    """Every policy, in order, with its calendar's engine."""
    rows = s.execute(select(SlaPolicy, Calendar).outerjoin(Calendar, Calendar.id == SlaPolicy.calendar_id))
    out = []
    for p, cal in rows:
        targets = {t: parse_duration(getattr(p, t)) if getattr(p, t) else None for t in TARGETS}
        engine = engine_of(cal) if cal is not None else None
        out.append(Policy(p.id, p.name, p.position, targets, engine, p.team_id, p.channel, p.priority))
    return sorted(out, key=lambda p: p.position)


def refresh(s: Session, case_ids: Iterable[int], now: datetime | None = None, *, force: bool = False) -> None:
    """Recompute the clocks of ``case_ids`` and write what changed. With no policy at all
    (most stores until an admin adds one) nothing runs, unless ``force``: the removal of
    the last policy clears what the cases still show."""
    ids = sorted({int(c) for c in case_ids})
    if not ids:
        return
    s.flush()
    policies = load_policies(s)
    if not policies and not force:
        return
    _recompute(s, ids, policies, now or utcnow())


def _recompute(s: Session, ids: Sequence[int], policies: Sequence[Policy], now: datetime) -> None:
    if not ids:
        return
    cases: dict[int, Any] = {}
    channels: dict[int, set[str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in s.execute(
            select(
                Case.id,
                Case.status,
                Case.team_id,
                Case.priority,
                Case.sla_policy_id,
                Case.sla_breached,
                Case.first_reply_due,
                Case.next_reply_due,
                Case.resolution_due,
                Case.due_at,
                Case.sla_paused,
                Case.sla_warn_at,
            ).where(Case.id.in_(chunk))
        ):
            cases[int(r.id)] = r
        for case_id, channel, kind in s.execute(
            select(Thread.case_id, Thread.channel, ChannelAccount.kind)
            .outerjoin(ChannelAccount, ChannelAccount.id == Thread.account_id)
            .where(Thread.case_id.in_(chunk))
        ):
            channels.setdefault(int(case_id or 0), set()).update(c for c in (channel, kind) if c)
    histories = events.histories(s, cases)
    by_id = {p.id: p for p in policies}
    new_events: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for case_id, row in cases.items():
        policy = first_match(policies, row.team_id, channels.get(case_id, ()), row.priority)
        history = histories.get(case_id, [])
        before = by_id.get(row.sla_policy_id) if row.sla_policy_id is not None else None
        values = dict(_CLEAR)
        if policy is not None and history:
            seg = segment(history, policy, now)
            if seg is not None:
                new_events += _new_events(case_id, history, seg.start, seg.clocks, policy, before, now)
                values = _columns(policy, seg.clocks, seg.paused, row.status)
        elif history and (row.sla_policy_id is not None or row.due_at is not None or row.sla_paused):
            new_events += _dropped(case_id, history, now)
        current = {
            k: aware(v) if isinstance(v, datetime) else v for k, v in zip(_CLEAR, _current(row), strict=True)
        }
        if values != current:
            changes.append({"_id": case_id, **values})
    events.record_many(s, new_events)
    if changes:
        s.execute(
            update(CASES).where(CASES.c.id == bindparam("_id")).values({k: bindparam(k) for k in _CLEAR}),
            changes,
        )


def _current(row: Any) -> list[Any]:
    return [getattr(row, k) for k in _CLEAR]


def _columns(policy: Policy, clocks: dict[str, Clock], paused: bool, status: str) -> dict[str, Any]:
    live = status in OPEN_STATES
    dues = {t: (c.pending_due if live else None) for t, c in clocks.items()}
    pending = [d for d in dues.values() if d is not None]
    breached = [t for t in TARGETS if t in clocks and clocks[t].breached]
    warn = next((c.warn_at for t, c in clocks.items() if dues[t] is not None and c.warn_at), None)
    return {
        "sla_policy_id": policy.id,
        "first_reply_due": dues.get("first_reply"),
        "next_reply_due": dues.get("next_reply"),
        "resolution_due": dues.get("resolution"),
        "due_at": min(pending) if pending else None,
        "sla_warn_at": warn,
        "sla_breached": ",".join(breached),
        "sla_paused": paused and live,
    }


def _recorded(history: Sequence[Event], since: datetime) -> dict[tuple[str, str], list[Event]]:
    """The SLA events already written in this segment, by (target, clock start)."""
    out: dict[tuple[str, str], list[Event]] = {}
    for e in history:
        if e.kind.startswith("sla_") and e.at >= since and e.detail:
            out.setdefault((e.detail.get("target", ""), e.detail.get("start", "")), []).append(e)
    return out


def _new_events(
    case_id: int,
    history: Sequence[Event],
    start: datetime,
    clocks: dict[str, Clock],
    policy: Policy,
    before: Policy | None,
    now: datetime,
) -> list[dict[str, Any]]:
    recorded = _recorded(history, start)
    out: list[dict[str, Any]] = []

    def add(kind: str, at: datetime, clock: Clock, due: datetime | None, **more: Any) -> None:
        detail = {
            "target": clock.target,
            "policy": policy.name,
            "due": due.isoformat() if due else None,
            "business": policy.business,
            "start": clock.start.isoformat(),
            **more,
        }
        out.append(events.row(case_id, kind, at, detail=detail))

    for target, clock in clocks.items():
        seen = recorded.get((target, clock.start.isoformat()), [])
        kinds = {e.kind for e in seen}
        state = [e for e in seen if e.kind in _STATE]
        last = state[-1] if state else None
        if Kind.SLA_STARTED not in kinds and (
            clock.running or clock.fulfilled_at is not None or clock.breached
        ):
            add(Kind.SLA_STARTED, clock.start, clock, clock.due if clock.paused_since is None else None)
            last = None
        if clock.running and clock.paused_since is not None:
            if last is None or last.kind != Kind.SLA_PAUSED:
                add(Kind.SLA_PAUSED, clock.paused_since, clock, None)
        elif clock.running:
            last_due = (last.detail or {}).get("due") if last is not None else None
            due = clock.due.isoformat() if clock.due else None
            if last is not None and last.kind == Kind.SLA_PAUSED:
                add(Kind.SLA_RESUMED, clock.resumed_at or now, clock, clock.due)
            elif last is not None and last_due != due:
                reason = "policy" if before is not None and before.name != policy.name else "recomputed"
                add(Kind.SLA_CHANGED, now, clock, clock.due, was=last_due, reason=reason)
        if clock.breached and Kind.SLA_BREACHED not in kinds and clock.due is not None:
            add(Kind.SLA_BREACHED, clock.due, clock, clock.due)
        if clock.fulfilled_at is not None and Kind.SLA_FULFILLED not in kinds:
            add(Kind.SLA_FULFILLED, clock.fulfilled_at, clock, clock.due, met=not clock.breached)
    return out


def _dropped(case_id: int, history: Sequence[Event], now: datetime) -> list[dict[str, Any]]:
    """No policy applies any more: each clock still running says so (due null)."""
    out: list[dict[str, Any]] = []
    last: dict[tuple[str, str], Event] = {}
    for e in history:
        if e.kind in _STATE and e.detail:
            last[(e.detail.get("target", ""), e.detail.get("start", ""))] = e
    done = {
        (e.detail.get("target", ""), e.detail.get("start", ""))
        for e in history
        if e.kind in (Kind.SLA_FULFILLED, Kind.SLA_BREACHED) and e.detail
    }
    for key, e in last.items():
        detail = e.detail or {}
        if key in done or detail.get("due") is None and e.kind != Kind.SLA_PAUSED:
            continue
        out.append(
            events.row(
                case_id,
                Kind.SLA_CHANGED,
                now,
                detail={**detail, "policy": None, "due": None, "was": detail.get("due"), "reason": "policy"},
            )
        )
    return out


_STATE = (Kind.SLA_STARTED, Kind.SLA_PAUSED, Kind.SLA_RESUMED, Kind.SLA_CHANGED)


def due_for_breach(s: Session, now: datetime) -> list[int]:
    """Open cases with a pending target past its due time whose breach is not written yet:
    what the worker's housekeeping tick refreshes (a breach happens with no write)."""
    conds = [
        (getattr(Case, f"{t}_due") <= now) & ~func.coalesce(Case.sla_breached, "").like(f"%{t}%")
        for t in TARGETS
    ]
    return list(s.scalars(select(Case.id).where(Case.status.in_(OPEN_STATES), or_(*conds))))


def cases_of_policies(s: Session) -> list[int]:
    """The cases a change of policies or calendars may move: every case still open."""
    return list(s.scalars(select(Case.id).where(Case.status.in_(OPEN_STATES))))
