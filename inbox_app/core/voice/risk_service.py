"""The at-risk score as the CLI and the window ask for it: one customer's score with its
factors, the customers at risk, the 90-day trend, and an agent's "not at risk"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.clock import aware, utcnow
from inbox_app.core.events import CustomersChanged, EventBus
from inbox_app.core.store.models import Case, Customer, CustomerRisk, CustomerRiskDay
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.vocab import CaseStatus
from inbox_app.core.voice import risk_store

TREND_DAYS = 90


class RiskError(Exception):
    """A risk action was refused; the message says why."""


@dataclass(frozen=True)
class RiskRow:
    customer_id: int
    name: str
    score: int
    factors: tuple[dict[str, Any], ...]
    updated_at: datetime | None = None
    muted_at: datetime | None = None
    muted_by: str | None = None
    muted_reason: str | None = None
    computed_score: int = 0

    def to_json(self) -> dict[str, Any]:
        """``{score, factors: [{name, share, detail}]}`` and, while an agent's "not at risk"
        holds, ``muted: {at, by, reason, score}`` (the score it would have)."""
        data: dict[str, Any] = {
            "score": self.score,
            "factors": [{k: f[k] for k in ("name", "share", "detail")} for f in self.factors],
        }
        if self.muted_at is not None:
            data["muted"] = {
                "at": self.muted_at.isoformat(),
                "by": self.muted_by,
                "reason": self.muted_reason,
                "score": self.computed_score,
            }
        return data


class RiskService:
    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None) -> None:
        self._factory = factory
        self._bus = bus or EventBus()

    def threshold(self) -> int:
        with self._factory() as s:
            return StoreSettings.load(s).risk_threshold

    def current(self, customer_id: int, *, now: datetime | None = None) -> RiskRow:
        """The customer's score as of now (waiting grows by the minute: it is computed afresh)."""
        with self._factory() as s, s.begin():
            if s.get(Customer, customer_id) is None:
                raise RiskError(f"no customer with id {customer_id}")
            risk_store.recompute(s, [customer_id], now=now, force=True)
            row = s.get(CustomerRisk, customer_id)
            name = s.scalar(select(Customer.name).where(Customer.id == customer_id)) or ""
            if row is None:  # merged away or erased: nothing to say
                return RiskRow(customer_id, name, 0, ())
            return _row(row, name)

    def stored(self, customer_id: int) -> RiskRow:
        """The score as last computed (by ingest, a case change or the worker's housekeeping),
        without writing: what the window shows each time a customer is opened."""
        with self._factory() as s:
            found = s.execute(
                select(CustomerRisk, Customer.name)
                .join(Customer, Customer.id == CustomerRisk.customer_id)
                .where(CustomerRisk.customer_id == customer_id)
            ).first()
            if found is None:
                return RiskRow(customer_id, "", 0, ())
            return _row(found[0], found[1])

    def at_risk(self, threshold: int | None = None, *, limit: int = 100) -> list[RiskRow]:
        """Customers whose score is at least ``threshold`` (the store's setting by default),
        highest first; muted ones read 0 and are left out."""
        with self._factory() as s:
            bar = StoreSettings.load(s).risk_threshold if threshold is None else threshold
            rows = s.execute(
                select(CustomerRisk, Customer.name)
                .join(Customer, Customer.id == CustomerRisk.customer_id)
                .where(CustomerRisk.score >= max(1, bar), Customer.merged_into_id.is_(None))
                .order_by(CustomerRisk.score.desc(), CustomerRisk.customer_id)
                .limit(limit)
            ).all()
            return [_row(risk, name) for risk, name in rows]

    def at_risk_case_ids(self, threshold: int | None = None) -> list[int]:
        """The open cases of the customers at risk, the riskiest customer's first (the
        window's "At risk" view)."""
        with self._factory() as s:
            bar = StoreSettings.load(s).risk_threshold if threshold is None else threshold
            return list(
                s.scalars(
                    select(Case.id)
                    .join(CustomerRisk, CustomerRisk.customer_id == Case.customer_id)
                    .where(CustomerRisk.score >= max(1, bar), Case.status != CaseStatus.RESOLVED)
                    .order_by(CustomerRisk.score.desc(), Case.last_message_at.desc(), Case.id.desc())
                )
            )

    def trend(self, customer_id: int, *, today: date | None = None) -> list[tuple[date, int]]:
        """(day, score) of the last 90 days that have one, oldest first."""
        first = (today or utcnow().date()) - timedelta(days=TREND_DAYS - 1)
        with self._factory() as s:
            return [
                (day, score)
                for day, score in s.execute(
                    select(CustomerRiskDay.day, CustomerRiskDay.score)
                    .where(CustomerRiskDay.customer_id == customer_id, CustomerRiskDay.day >= first)
                    .order_by(CustomerRiskDay.day)
                )
            ]

    def mute(self, customer_id: int, *, actor: str | None, reason: str) -> RiskRow:
        """An agent's "not at risk" (audited): the score reads 0 until the customer writes again."""
        reason = reason.strip()
        if not reason:
            raise RiskError("say why the customer is not at risk (--reason)")
        with self._factory() as s, s.begin():
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise RiskError(f"no customer with id {customer_id}")
            if customer.merged_into_id is not None:
                raise RiskError(f"customer {customer_id} was merged into {customer.merged_into_id}")
            risk_store.mute(s, customer_id, actor=actor, reason=reason[:1000])
            row = s.get(CustomerRisk, customer_id)
            assert row is not None
            result = _row(row, customer.name)
        self._bus.publish(CustomersChanged((customer_id,)))
        return result

    def refresh_waiting(self, *, now: datetime | None = None) -> int:
        """Recompute the customers waiting for an answer now (their waiting grows with time,
        with nothing else happening) and those with a score (an answer, or the 90 days
        passing, takes it down); the sync worker's housekeeping calls this."""
        with self._factory() as s, s.begin():
            ids = set(
                s.scalars(
                    select(Case.customer_id).where(
                        Case.status == CaseStatus.OPEN, Case.waiting_since.is_not(None)
                    )
                )
            )
            ids |= set(s.scalars(select(CustomerRisk.customer_id).where(CustomerRisk.computed_score > 0)))
            risk_store.recompute(s, ids, now=now)
        return len(ids)


def _row(row: CustomerRisk, name: str) -> RiskRow:
    return RiskRow(
        row.customer_id,
        name,
        row.score,
        tuple(row.factors or ()),
        aware(row.updated_at),
        aware(row.muted_at),
        row.muted_by,
        row.muted_reason,
        row.computed_score,
    )
