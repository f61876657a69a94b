"""Customers who may be the same person: suggested to the agent, never merged by themselves.

Exact identifiers (the same address, the same phone) merge customers at ingest. What is
left is a person who shares nothing exact with herself: a Google reviewer, a Mastodon
account and an email address under one name; or the same mailbox name at two providers
(a private and a work address, or a new provider). Those are offered as suggestions beside the
customer; the agent merges them or says they are two people, and a pair told apart is
not suggested again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.customers.store import CustomerError
from inbox_app.core.store.models import Customer, CustomerDistinction, Identity
from inbox_app.core.vocab import IdentityKind

#: Why a customer is suggested; the UI and the CLI word it.
SAME_NAME = "same_name"
#: The same mailbox name at another provider: mario.rossi@gmail.com, mario.rossi@libero.it.
SAME_ADDRESS_NAME = "same_address_name"
#: Mailbox names that tell nobody apart: a role or a department, not a person.
ROLE_MAILBOXES = frozenset(
    {
        "admin",
        "amministrazione",
        "assistenza",
        "billing",
        "ciao",
        "contact",
        "contatti",
        "contabilita",
        "customerservice",
        "email",
        "fatture",
        "hello",
        "help",
        "info",
        "mail",
        "noreply",
        "no-reply",
        "office",
        "orders",
        "ordini",
        "reception",
        "sales",
        "segreteria",
        "service",
        "shop",
        "store",
        "support",
        "supporto",
        "team",
        "ufficio",
        "vendite",
    }
)
#: A mailbox name shorter than this ("mr", "a.b") says too little to suggest anyone.
MIN_ADDRESS_NAME = 5
#: A name more customers than this share (a Mario Rossi) tells nobody apart: suggesting
#: five of them at random would be noise, so such a name suggests no one.
COMMON_NAME = 10


def suggestions(s: Session, customer_id: int, limit: int) -> list[tuple[int, str]]:
    """(customer id, reason) of the customers who may be this one: the same name first,
    then the same mailbox name at another provider; none for a merged or erased one."""
    row = s.execute(
        select(Customer.name_key, Customer.merged_into_id, Customer.erased_at).where(
            Customer.id == customer_id
        )
    ).first()
    if row is None:
        raise CustomerError(f"no customer with id {customer_id}")
    key, merged_into, erased = row
    if merged_into is not None or erased is not None:
        return []
    told_apart = _told_apart(s, customer_id)
    by_name = _same_name_ids(s, customer_id, key, told_apart, limit) if key is not None else []
    found = [(cid, SAME_NAME) for cid in by_name]
    if len(found) < limit:
        skip = set(by_name) | told_apart | {customer_id}
        twins = address_twin_ids(s, customer_id, skip, limit - len(found))
        found += [(cid, SAME_ADDRESS_NAME) for cid in twins]
    return found


def address_twin_ids(s: Session, customer_id: int, skip: set[int], limit: int) -> list[int]:
    """Live customers with an email address of the same mailbox name as one of this
    customer's (plus-addressing aside), newest first; none for a role mailbox, a short
    name, or a name more than ``COMMON_NAME`` customers share."""
    addresses = s.scalars(
        select(Identity.value).where(Identity.customer_id == customer_id, Identity.kind == IdentityKind.EMAIL)
    ).all()
    out: list[int] = []
    for address in addresses:
        name = address.split("@", 1)[0].split("+", 1)[0]
        if len(name) < MIN_ADDRESS_NAME or name in ROLE_MAILBOXES or name.replace(".", "").isdigit():
            continue
        # Two ranges of the (kind, value) index: "name@..." and "name+tag@...". Compared
        # byte by byte: a PostgreSQL database in a language's collation would sort "@" and
        # "+" by other rules (it then reads the identities instead of the index), and
        # every address found is checked again below whatever the collation.
        value = Identity.value if s.get_bind().dialect.name == "sqlite" else Identity.value.collate("C")
        ranges = [and_(value >= name + stop, value < name + stop + "\U0010ffff") for stop in "@+"]
        rows = s.execute(
            select(Identity.customer_id, Identity.value)
            .join(Customer, Customer.id == Identity.customer_id)
            .where(
                Identity.kind == IdentityKind.EMAIL,
                or_(*ranges),
                func.coalesce(Customer.merged_into_id, 0) == 0,
                Customer.erased_at.is_(None),
            )
            .order_by(Identity.customer_id.desc())
            .limit(COMMON_NAME + 2 + len(skip))
        ).all()
        owners = [cid for cid, found in rows if found.split("@", 1)[0].split("+", 1)[0] == name]
        others = list(dict.fromkeys(cid for cid in owners if cid != customer_id))
        if len(others) > COMMON_NAME:
            continue
        out += [cid for cid in others if cid not in skip and cid not in out]
    return sorted(out, reverse=True)[:limit]


def _told_apart(s: Session, customer_id: int) -> set[int]:
    return set(
        s.scalars(select(CustomerDistinction.high_id).where(CustomerDistinction.low_id == customer_id))
    ) | set(s.scalars(select(CustomerDistinction.low_id).where(CustomerDistinction.high_id == customer_id)))


def _same_name_ids(s: Session, customer_id: int, key: str, told_apart: set[int], limit: int) -> list[int]:
    """Other live customers under the name key ``key``, newest first, less those an agent
    told apart from this one; none when the name is too common to say anything."""
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
