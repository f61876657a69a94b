"""Finding, creating and merging customers by their identities (inside a transaction)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.customers.identities import name_key
from inbox_app.core.store.models import Case, Customer, CustomerMerge, Identity, Message, Thread


class CustomerError(Exception):
    """A customer operation was refused; the message says why."""


def live_customer_id(session: Session, customer_id: int) -> int:
    """Follow merges to the customer that owns the data now."""
    seen: set[int] = set()
    current = customer_id
    while current not in seen:
        seen.add(current)
        target = session.scalar(select(Customer.merged_into_id).where(Customer.id == current))
        if target is None:
            return current
        current = target
    return current


def create_customer(session: Session, name: str) -> int:
    name = name[:300] or "Unknown"
    customer = Customer(name=name, name_key=name_key(name), details={}, created_at=utcnow())
    session.add(customer)
    session.flush()
    return customer.id


def add_identity(
    session: Session, customer_id: int, kind: str, value: str, display: str | None = None
) -> int:
    identity = Identity(customer_id=customer_id, kind=kind, value=value, display=display, created_at=utcnow())
    session.add(identity)
    session.flush()
    return identity.id


def merge(
    session: Session, source_id: int, target_id: int, *, actor: str | None, reason: str = "manual"
) -> int:
    """Move everything of ``source`` to ``target``; returns the merge record's id."""
    if source_id == target_id:
        raise CustomerError("a customer cannot be merged into itself")
    source = session.get(Customer, source_id)
    target = session.get(Customer, target_id)
    if source is None or target is None:
        missing = source_id if source is None else target_id
        raise CustomerError(f"no customer with id {missing}")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise CustomerError("that customer is already merged into another; unmerge it first")
    moved = {
        "identities": list(session.scalars(select(Identity.id).where(Identity.customer_id == source_id))),
        "threads": list(session.scalars(select(Thread.id).where(Thread.customer_id == source_id))),
        "cases": list(session.scalars(select(Case.id).where(Case.customer_id == source_id))),
        "messages": list(session.scalars(select(Message.id).where(Message.customer_id == source_id))),
    }
    for model, key in ((Identity, "identities"), (Thread, "threads"), (Case, "cases"), (Message, "messages")):
        if moved[key]:
            session.execute(update(model).where(model.id.in_(moved[key])).values(customer_id=target_id))
    source.merged_into_id = target_id
    record = CustomerMerge(
        source_id=source_id,
        target_id=target_id,
        moved=moved,
        reason=reason,
        actor=actor or audit.SYSTEM,
        created_at=utcnow(),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "customer.merged",
        "customer",
        target_id,
        source_id=source_id,
        merge_id=record.id,
        reason=reason,
        counts={k: len(v) for k, v in moved.items()},
    )
    return record.id


def unmerge(session: Session, merge_id: int, *, actor: str | None) -> CustomerMerge:
    """Undo a merge: move back exactly what it moved (and what was still there)."""
    record = session.get(CustomerMerge, merge_id)
    if record is None:
        raise CustomerError(f"no merge with id {merge_id}")
    if record.undone_at is not None:
        raise CustomerError(f"merge {merge_id} was already undone")
    later = session.scalar(
        select(CustomerMerge.id).where(
            CustomerMerge.source_id == record.target_id, CustomerMerge.undone_at.is_(None)
        )
    )
    if later is not None:
        raise CustomerError(
            f"customer {record.target_id} was merged again later (merge {later}); undo that first"
        )
    for model, key in ((Identity, "identities"), (Thread, "threads"), (Case, "cases"), (Message, "messages")):
        ids = record.moved.get(key) or []
        if ids:
            session.execute(
                update(model)
                .where(model.id.in_(ids), model.customer_id == record.target_id)
                .values(customer_id=record.source_id)
            )
    source = session.get(Customer, record.source_id)
    assert source is not None
    source.merged_into_id = None
    record.undone_at = utcnow()
    audit.record(
        session,
        actor,
        "customer.unmerged",
        "customer",
        record.source_id,
        target_id=record.target_id,
        merge_id=merge_id,
    )
    return record


def find_merge(session: Session, customer_id: int) -> CustomerMerge | None:
    """The newest merge still in force that involves ``customer_id``."""
    return session.scalar(
        select(CustomerMerge)
        .where(
            (CustomerMerge.source_id == customer_id) | (CustomerMerge.target_id == customer_id),
            CustomerMerge.undone_at.is_(None),
        )
        .order_by(CustomerMerge.id.desc())
        .limit(1)
    )
