"""Customers who may be the same person: suggested to the agent, never merged by themselves.

Exact identifiers (the same address, the same phone) merge customers at ingest. What is
left is a person who shares nothing exact with herself: a Google reviewer, a Mastodon
account and an email address under one name. Those are offered as suggestions beside the
customer; the agent merges them or says they are two people, and a pair told apart is
not suggested again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.customers_store import CustomerError
from inbox_app.core.models import Customer, CustomerDistinction

#: Why a customer is suggested; the UI and the CLI word it.
SAME_NAME = "same_name"
#: A name more customers than this share (a Mario Rossi) tells nobody apart: suggesting
#: five of them at random would be noise, so such a name suggests no one.
COMMON_NAME = 10


def similar_ids(s: Session, customer_id: int, limit: int) -> list[int]:
    """Other live customers under the same name key, newest first, less those an agent
    told apart from this one; none when the name is too common to say anything."""
    row = s.execute(
        select(Customer.name_key, Customer.merged_into_id, Customer.erased_at).where(
            Customer.id == customer_id
        )
    ).first()
    if row is None:
        raise CustomerError(f"no customer with id {customer_id}")
    key, merged_into, erased = row
    if key is None or merged_into is not None or erased is not None:
        return []
    told_apart = set(
        s.scalars(select(CustomerDistinction.high_id).where(CustomerDistinction.low_id == customer_id))
    ) | set(s.scalars(select(CustomerDistinction.low_id).where(CustomerDistinction.high_id == customer_id)))
    # coalesce(): not "IS NULL", which SQLite would answer from the index of merged
    # customers instead of the name key's.
    candidates = s.scalars(
        select(Customer.id)
        .where(
            Customer.name_key == key,
            Customer.id != customer_id,
            func.coalesce(Customer.merged_into_id, 0) == 0,
            Customer.erased_at.is_(None),
        )
        .order_by(Customer.id.desc())
        .limit(COMMON_NAME + 1 + len(told_apart))
    ).all()
    others = [cid for cid in candidates if cid not in told_apart]
    return [] if len(others) > COMMON_NAME else others[:limit]


def distinguish(s: Session, a: int, b: int, *, actor: str | None, reason: str = "agent") -> bool:
    """Record that customers ``a`` and ``b`` are two people; False if it was known."""
    if a == b:
        raise CustomerError("a customer is always the same person as themself")
    low, high = min(a, b), max(a, b)
    found = s.scalars(select(Customer.id).where(Customer.id.in_((low, high)))).all()
    for cid in (low, high):
        if cid not in found:
            raise CustomerError(f"no customer with id {cid}")
    known = s.scalar(
        select(CustomerDistinction.id).where(
            CustomerDistinction.low_id == low, CustomerDistinction.high_id == high
        )
    )
    if known is not None:
        return False
    s.add(CustomerDistinction(low_id=low, high_id=high, actor=actor or "system", created_at=utcnow()))
    audit.record(s, actor, "customer.distinguished", "customer", low, other_id=high, reason=reason)
    return True


def forget_distinctions(s: Session, ids: Sequence[int]) -> None:
    """Drop what was said about these customers' pairs (erasure)."""
    s.execute(
        delete(CustomerDistinction).where(
            or_(CustomerDistinction.low_id.in_(ids), CustomerDistinction.high_id.in_(ids))
        )
    )
