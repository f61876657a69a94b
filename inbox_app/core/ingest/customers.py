"""Finding the customer of an inbound message, or creating one.

Exact identifier matches (the same address, the same phone) merge customers
automatically, as the design asks; anything fuzzier is left to the agent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from connectors.base import InboundItem
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.identities import name_key
from inbox_app.core.customers.store import live_customer_id, merge
from inbox_app.core.ingest.records import CUSTOMERS, IDENTITIES, IngestError
from inbox_app.core.ingest.sql import SqlWriter
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.store.models import Identity
from inbox_app.core.vocab import IdentityKind


class CustomerResolver:
    """Which customer a message belongs to; new customers and identities; automatic merges.

    Merging writes what the batch holds first (``sql.flush``): rows still pending
    belong to the old customer and must move with it.
    """

    def __init__(self, state: BatchState, sql: SqlWriter) -> None:
        self.state = state
        self.sql = sql

    def sender_identity(self, item: InboundItem) -> tuple[str, str] | None:
        st = self.state
        if item.direction == "out":
            recipients = item.meta.get("to") or ()
            for value in recipients:
                norm = st.norm(IdentityKind.EMAIL, str(value))
                if norm:
                    return (IdentityKind.EMAIL, norm)
            return None
        norm = st.norm(item.sender.kind, item.sender.value)
        if norm is None:
            raise IngestError(f"sender {item.sender.value!r} is not a valid {item.sender.kind} identifier")
        return (item.sender.kind, norm)

    def lookup_identity(self, kind: str, value: str) -> int | None:
        st = self.state
        key = (kind, value)
        if key in st.identity_cache:
            return st.identity_cache[key]
        if key in st.identity_absent:
            return None
        customer_id = st.session.scalar(
            select(Identity.customer_id).where(Identity.kind == kind, Identity.value == value)
        )
        if customer_id is not None:
            customer_id = live_customer_id(st.session, customer_id)
            st.identity_cache[key] = customer_id
        else:
            st.identity_absent.add(key)
        return customer_id

    def customer_for(self, item: InboundItem) -> int | None:
        ident = self.sender_identity(item)
        if ident is None:
            return None
        customer_id = self.lookup_identity(*ident)
        if customer_id is None:
            # A new address that brings an identifier we already know (the phone in a
            # signature, a WhatsApp bridge) is that person's: no stranger to merge later.
            for extra in item.extra_identities:
                norm = self.state.norm(extra.kind, extra.value)
                known = self.lookup_identity(extra.kind, norm) if norm else None
                if known is not None:
                    self._add_identity(known, ident, item.sender.display_name)
                    return known
            name = item.sender.display_name if item.direction == "in" else None
            # "First seen" is when the person first wrote, not when we fetched it.
            first_seen = min(aware(item.sent_at) or utcnow(), utcnow())
            customer_id = self._create_customer(name or ident[1], first_seen)
            self._add_identity(customer_id, ident, item.sender.display_name)
        return customer_id

    def _create_customer(self, name: str, first_seen: datetime) -> int:
        st = self.state
        name = name[:300] or "Unknown"
        values: dict[str, Any] = {
            "name": name,
            "name_key": name_key(name),
            "details": {},
            "created_at": first_seen,
        }
        if not st.sqlite:
            return int(
                st.session.execute(insert(CUSTOMERS).values(**values).returning(CUSTOMERS.c.id)).scalar_one()
            )
        # SQLite: the id is known (see SqlWriter.next_id); the row is written with the batch.
        customer_id = self.sql.next_id(CUSTOMERS)
        st.new_customers.append({"id": customer_id, **values})
        return customer_id

    def _add_identity(self, customer_id: int, ident: tuple[str, str], display: str | None) -> None:
        st = self.state
        values = {
            "customer_id": customer_id,
            "kind": ident[0],
            "value": ident[1],
            "display": display,
            "created_at": utcnow(),
        }
        if st.sqlite:
            st.new_identities.append({"id": self.sql.next_id(IDENTITIES), **values})
        else:
            st.session.execute(insert(IDENTITIES).values(**values))
        st.identity_cache[ident] = customer_id
        st.identity_absent.discard(ident)

    def extra_identities(self, item: InboundItem, customer_id: int) -> None:
        """Identifiers the message brings besides its sender's: added to the customer,
        or, when another customer has one of them, that customer merged into this one."""
        st = self.state
        for extra in item.extra_identities:
            norm = st.norm(extra.kind, extra.value)
            if norm is None:
                continue
            owner = self.lookup_identity(extra.kind, norm)
            if owner is None:
                self._add_identity(customer_id, (extra.kind, norm), extra.display_name)
            elif owner != customer_id:
                # The same exact identifier on two customers is the same person. Rows
                # still pending belong to the old customer: write them so they move too.
                self.sql.flush()
                merge(st.session, owner, customer_id, actor=None, reason=f"same {extra.kind} {norm}")
                self._moved(owner, customer_id)
                st.result.customer_ids.add(owner)

    def _moved(self, source: int, target: int) -> None:
        """A merge moved the source's threads and cases in the store: follow in memory."""
        st = self.state
        for rec in st.threads.values():
            if rec.customer_id == source:
                rec.customer_id = target
        for thread in st.new_threads:  # all written by the flush before the merge
            if thread.customer_id == source:
                thread.customer_id = target
        for case in st.cases.values():
            if case.customer_id == source:
                case.customer_id = target
        st.identity_cache = {k: (target if v == source else v) for k, v in st.identity_cache.items()}
        for (customer_id, norm), bucket in list(st.by_subject.items()):
            if customer_id == source:
                del st.by_subject[(customer_id, norm)]
                for rec in bucket:
                    st.index_subject(rec, norm)
        st.customer_ids.discard(source)
        st.customer_ids.add(target)
