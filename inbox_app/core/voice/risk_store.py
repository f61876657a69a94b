"""Keeping the at-risk scores: recomputed for the customers something happened to, in the
same transaction as what happened (a stored batch, a case change), and muted by an agent.

A score an agent marked "not at risk" stays at 0 (its factors kept, for the record) until
the customer writes again: ingest passes the customers with a new message as ``woken``.
Each recomputation also keeps the day's score for the 90-day trend.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.ingest.sql import chunks
from inbox_app.core.service.hours import Calendar
from inbox_app.core.store.models import Calendar as CalendarRow
from inbox_app.core.store.models import Customer, CustomerRisk, CustomerRiskDay
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.voice import risk_factors as rf
from inbox_app.core.voice.risk import Risk, combine
from inbox_app.core.voice.risk_inputs import Inputs, read_inputs

logger = logging.getLogger(__name__)


def recompute(
    s: Session,
    customer_ids: Iterable[int],
    *,
    woken: Iterable[int] = (),
    now: datetime | None = None,
    force: bool = False,
) -> dict[int, Risk]:
    """Compute and store the score of each of ``customer_ids``; returns the new scores.

    ``woken``: customers who wrote something new, which lifts an agent's "not at risk".
    A score whose value and shares are those stored today is not written again (ingest
    recomputes hundreds of customers a batch, most unchanged) unless ``force``.
    """
    ids = set(customer_ids)
    if not ids:
        return {}
    now = now or utcnow()
    # The inputs are read through the session's connection (no autoflush there): what the
    # caller changed on its objects (a case resolved) must be in the database first.
    s.flush()
    stored = _alive_and_stored(s, ids)
    alive = set(stored)
    gone = ids - alive
    if gone:
        for part in chunks(gone):
            s.execute(delete(CustomerRisk).where(CustomerRisk.customer_id.in_(part)))
    if not alive:
        return {}
    calendar = business_calendar(s)
    inputs = read_inputs(s, alive, now)
    nothing = Inputs()
    risks = {cid: score_of(inputs.get(cid, nothing), now, calendar) for cid in alive}
    woken = set(woken)
    rows = []
    day = now.date()
    for cid, risk in risks.items():
        before = stored.get(cid)
        if not before:
            before = None
        mute = before if before is not None and before["muted_at"] is not None else None
        if mute is not None and cid in woken:
            audit.record(s, None, "customer.risk_unmuted", "customer", cid, reason="new message")
            mute = None
        elif (
            not force
            and before is not None
            and before["computed_score"] == risk.score
            and before["day"] == day
            and _shares(before["factors"]) == _shares(risk.factors)
        ):
            continue
        rows.append(
            {
                "customer_id": cid,
                "score": 0 if mute else risk.score,
                "computed_score": risk.score,
                "factors": [dict(f) for f in risk.factors],
                "updated_at": now,
                "muted_at": mute["muted_at"] if mute else None,
                "muted_by": mute["muted_by"] if mute else None,
                "muted_reason": mute["muted_reason"] if mute else None,
            }
        )
    _upsert(s, CustomerRisk, rows, ["customer_id"])
    _upsert(
        s,
        CustomerRiskDay,
        [{"customer_id": r["customer_id"], "day": day, "score": r["score"]} for r in rows],
        ["customer_id", "day"],
    )
    return risks


def recompute_quietly(s: Session, customer_ids: Iterable[int], *, woken: Iterable[int] = ()) -> None:
    """:func:`recompute` as a side effect of something more important (a stored batch, a case
    change): a failure is logged, what it rode along with is kept, the next change recomputes."""
    ids = set(customer_ids)
    if not ids:
        return
    try:
        with s.begin_nested():
            recompute(s, ids, woken=woken)
    except Exception:  # noqa: BLE001 - the messages and the case matter more than their score
        logger.exception("at-risk scores of %d customers not updated", len(ids))


def score_of(inputs: Inputs, now: datetime, calendar: Calendar | None) -> Risk:
    """The score of one customer from their inputs (SLA breaches and low CSAT count once
    risk_inputs reads them: see Inputs.sla_breached, csat_scores)."""
    waited = None
    if inputs.waiting_since is not None:
        waited = calendar.measure(inputs.waiting_since, now) if calendar else now - inputs.waiting_since
    return combine(
        (
            rf.tone_factor(inputs.tones),
            rf.waiting_factor(waited, business=calendar is not None),
            rf.reopened_factor(inputs.reopened),
            rf.reviews_factor(inputs.stars),
            rf.hopping_factor(inputs.contacts),
            rf.repeat_factor(inputs.cases),
            rf.sla_factor(inputs.sla_breached),
            rf.csat_factor(inputs.csat_scores),
        )
    )


def business_calendar(s: Session) -> Calendar | None:
    """The calendar waiting is counted in: the one the ``risk_calendar`` setting names, else
    the first by name; None (wall-clock time) when the store has no calendar."""
    from inbox_app.core.service.hours_store import engine_of

    name = StoreSettings.load(s).risk_calendar
    query = select(CalendarRow).order_by(CalendarRow.name).limit(1)
    if name:
        query = select(CalendarRow).where(CalendarRow.name == name)
    row = s.scalars(query).first()
    return engine_of(row) if row is not None else None


def mute(s: Session, customer_id: int, *, actor: str | None, reason: str) -> None:
    """An agent's "not at risk": the score reads 0 until the customer writes again."""
    row = s.get(CustomerRisk, customer_id)
    now = utcnow()
    if row is None:
        recompute(s, [customer_id], now=now)
        row = s.get(CustomerRisk, customer_id)
    if row is None:
        raise LookupError(customer_id)
    before = row.computed_score
    row.score, row.muted_at, row.muted_by, row.muted_reason = 0, now, actor, reason
    day = s.get(CustomerRiskDay, (customer_id, now.date()))
    if day is not None:
        day.score = 0
    audit.record(s, actor, "customer.risk_muted", "customer", customer_id, score=before, reason=reason)


def _alive_and_stored(s: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Each of ``ids`` that is a customer of its own (not merged away, not erased), with
    what is stored of its score ({} when none yet): to keep a mute, and to skip an
    unchanged one. One statement for both: ingest asks this for every batch."""
    out: dict[int, dict[str, Any]] = {}
    c = s.connection()  # plain rows: the ORM's wrapping would cost as much as the read
    for part in chunks(ids):
        for cid, stored_id, computed, factors, updated, muted_at, muted_by, muted_reason in c.execute(
            _ALIVE_AND_STORED, {"ids": part}
        ):
            if stored_id is None:
                out[cid] = {}
                continue
            updated = aware(updated)
            out[cid] = {
                "computed_score": computed,
                "factors": factors,
                "day": updated.date() if updated else None,
                "muted_at": muted_at,
                "muted_by": muted_by,
                "muted_reason": muted_reason,
            }
    return out


# Built once, with an expanding parameter for the ids: see risk_inputs.
_ALIVE_AND_STORED = (
    select(
        Customer.id,
        CustomerRisk.customer_id,
        CustomerRisk.computed_score,
        CustomerRisk.factors,
        CustomerRisk.updated_at,
        CustomerRisk.muted_at,
        CustomerRisk.muted_by,
        CustomerRisk.muted_reason,
    )
    .outerjoin(CustomerRisk, CustomerRisk.customer_id == Customer.id)
    .where(
        Customer.id.in_(bindparam("ids", expanding=True)),
        Customer.merged_into_id.is_(None),
        Customer.erased_at.is_(None),
    )
)


def _shares(factors: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(f["name"], f["share"]) for f in factors]


def _upsert(s: Session, model: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
    if not rows:
        return
    statement = _upsert_statement(s.get_bind().dialect.name, model, tuple(keys), tuple(rows[0]))
    s.connection().execute(statement, rows)


@cache
def _upsert_statement(dialect: str, model: Any, keys: tuple[str, ...], names: tuple[str, ...]) -> Any:
    """One upsert statement per table and dialect, built once (SQLAlchemy caches its SQL
    only if the statement object is the same one; ingest upserts every batch)."""
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(model)
    columns = [c for c in names if c not in keys]
    return stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns})
