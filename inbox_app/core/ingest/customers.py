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
from inbox_app.core.ingest.preload import Preloader
from inbox_app.core.ingest.records import CUSTOMERS, IDENTITIES, IngestError
from inbox_app.core.store.models import (
    Identity,
)


class CustomerResolver(Preloader):
    """Which customer a message belongs to; new customers and identities; automatic merges."""

    def _sender_identity(self, item: InboundItem) -> tuple[str, str] | None:
        if item.direction == "out":
            recipients = item.meta.get("to") or ()
            for value in recipients:
                norm = self._norm("email", str(value))
                if norm:
                    return ("email", norm)
            return None
        norm = self._norm(item.sender.kind, item.sender.value)
        if norm is None:
            raise IngestError(f"sender {item.sender.value!r} is not a valid {item.sender.kind} identifier")
        return (item.sender.kind, norm)

    def _lookup_identity(self, kind: str, value: str) -> int | None:
        key = (kind, value)
        if key in self.identity_cache:
            return self.identity_cache[key]
        if key in self.identity_absent:
            return None
        customer_id = self.s.scalar(
            select(Identity.customer_id).where(Identity.kind == kind, Identity.value == value)
        )
        if customer_id is not None:
            customer_id = live_customer_id(self.s, customer_id)
            self.identity_cache[key] = customer_id
        else:
            self.identity_absent.add(key)
        return customer_id

    def _customer_for(self, item: InboundItem) -> int | None:
        ident = self._sender_identity(item)
        if ident is None:
            return None
        customer_id = self._lookup_identity(*ident)
        if customer_id is None:
            # A new address that brings an identifier we already know (the phone in a
            # signature, a WhatsApp bridge) is that person's: no stranger to merge later.
            for extra in item.extra_identities:
                norm = self._norm(extra.kind, extra.value)
                known = self._lookup_identity(extra.kind, norm) if norm else None
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
        name = name[:300] or "Unknown"
        values: dict[str, Any] = {
            "name": name,
            "name_key": name_key(name),
            "details": {},
            "created_at": first_seen,
        }
        if not self.sqlite:
            return int(
                self.s.execute(insert(CUSTOMERS).values(**values).returning(CUSTOMERS.c.id)).scalar_one()
            )
        # SQLite: the id is known (see _next_id); the row is written with the batch.
        customer_id = self._next_id(CUSTOMERS)
        self.new_customers.append({"id": customer_id, **values})
        return customer_id

    def _add_identity(self, customer_id: int, ident: tuple[str, str], display: str | None) -> None:
        values = {
            "customer_id": customer_id,
            "kind": ident[0],
            "value": ident[1],
            "display": display,
            "created_at": utcnow(),
        }
        if self.sqlite:
            self.new_identities.append({"id": self._next_id(IDENTITIES), **values})
        else:
            self.s.execute(insert(IDENTITIES).values(**values))
        self.identity_cache[ident] = customer_id
        self.identity_absent.discard(ident)

    def _extra_identities(self, item: InboundItem, customer_id: int) -> None:
        for extra in item.extra_identities:
            norm = self._norm(extra.kind, extra.value)
            if norm is None:
                continue
            owner = self._lookup_identity(extra.kind, norm)
            if owner is None:
                self._add_identity(customer_id, (extra.kind, norm), extra.display_name)
            elif owner != customer_id:
                # The same exact identifier on two customers is the same person. Rows
                # still pending belong to the old customer: write them so they move too.
                self._flush()
                merge(self.s, owner, customer_id, actor=None, reason=f"same {extra.kind} {norm}")
                self._moved(owner, customer_id)
                self.result.customer_ids.add(owner)

    def _moved(self, source: int, target: int) -> None:
        """A merge moved the source's threads and cases in the store: follow in memory."""
        for rec in self.threads.values():
            if rec.customer_id == source:
                rec.customer_id = target
        for thread in self.new_threads:  # all written by the flush before the merge
            if thread.customer_id == source:
                thread.customer_id = target
        for case in self.cases.values():
            if case.customer_id == source:
                case.customer_id = target
        self.identity_cache = {k: (target if v == source else v) for k, v in self.identity_cache.items()}
        for (customer_id, norm), bucket in list(self.by_subject.items()):
            if customer_id == source:
                del self.by_subject[(customer_id, norm)]
                for rec in bucket:
                    self._index_subject(rec, norm)
        self.customer_ids.discard(source)
        self.customer_ids.add(target)
