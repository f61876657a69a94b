"""Preloading a batch: one query per kind of thing instead of one per item.

A sync batch of 500 items asking the store item by item was the slowest part of
ingest; these reads fill the caches the writer then decides from.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from connectors.base import InboundItem
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers_store import live_customer_id
from inbox_app.core.identities import normalize_subject, try_normalize
from inbox_app.core.ingest_records import CaseRec, ThreadRec
from inbox_app.core.ingest_sql import SqlWriter, chunks
from inbox_app.core.models import (
    Case,
    Customer,
    Identity,
    Message,
    Thread,
)


class Preloader(SqlWriter):
    """Reads what a batch needs in a few queries: known messages, threads, cases, identities."""

    # ------------------------------------------------------------ preloading

    def _preload(self, items: list[InboundItem]) -> None:
        if not items:
            return
        ids = {i.external_id for i in items}
        refs = {r for i in items for r in (i.in_reply_to, *i.references) if r}
        known: dict[str | None, int | None] = {}
        for chunk in chunks(ids | refs):
            for ext, thread_id in self.s.execute(
                select(Message.external_id, Message.thread_id).where(
                    Message.account_id == self.account.id, Message.external_id.in_(chunk)
                )
            ):
                known[ext] = thread_id
        keys = {i.thread_key[:500] for i in items}
        thread_ids = {t for t in known.values() if t is not None}
        self._load_threads(Thread.account_id == self.account.id, Thread.external_key, keys)
        self._load_threads(None, Thread.id, thread_ids - set(self.threads))
        for ext, thread_id in known.items():
            if ext is None:
                continue
            self.msg_thread[ext] = self.threads.get(thread_id) if thread_id is not None else None
        # Our own replies seen again: one query for the whole batch instead of one per item.
        out_keys = {i.idempotency_key or i.external_id for i in items if i.direction == "out"}
        for chunk in chunks(out_keys):
            for row in self.s.execute(
                select(Message.idempotency_key, Message.id, Message.external_id, Message.delivery).where(
                    Message.idempotency_key.in_(chunk)
                )
            ):
                self.outbox[row.idempotency_key] = dict(row._mapping)
        self._preload_identities(items)
        if self.account.channel == "email":
            self._preload_subjects(items)

    def _load_threads(self, where: Any, column: Any, values: set[Any]) -> None:
        for chunk in chunks(values):
            stmt = (
                select(
                    Thread.id,
                    Thread.customer_id,
                    Thread.case_id,
                    Thread.last_message_at,
                    Thread.external_key,
                    Thread.account_id,
                    Customer.merged_into_id,
                )
                .join(Customer, Customer.id == Thread.customer_id)
                .where(column.in_(chunk))
            )
            if where is not None:
                stmt = stmt.where(where)
            self._add_threads(self.s.execute(stmt).all())

    def _add_threads(self, rows: Any) -> list[ThreadRec]:
        out = []
        case_ids = set()
        for row in rows:
            rec = self.threads.get(row.id)
            if rec is None:
                rec = ThreadRec(row.id, row.customer_id, None, aware(row.last_message_at))
                rec.case = row.case_id  # resolved to a record below
                self.threads[row.id] = rec
                if row.merged_into_id is None:
                    self.live_checked.add(row.id)
                if row.case_id is not None:
                    case_ids.add(row.case_id)
            if row.account_id == self.account.id:
                self.thread_cache.setdefault(row.external_key, rec)
            out.append(rec)
        self._load_cases(case_ids - set(self.cases))
        for rec in out:
            if isinstance(rec.case, int):
                rec.case = self.cases.get(rec.case)
        return out

    def _load_cases(self, ids: set[int]) -> None:
        for chunk in chunks(ids):
            for row in self.s.execute(
                select(Case.id, *(getattr(Case, f) for f in CaseRec.FIELDS)).where(Case.id.in_(chunk))
            ):
                values = {f: getattr(row, f) for f in CaseRec.FIELDS}
                for f in (
                    "resolved_at",
                    "snoozed_until",
                    "last_message_at",
                    "waiting_since",
                    "first_response_at",
                ):
                    values[f] = aware(values[f])
                self.cases[row.id] = CaseRec(row.id, **values)

    def _preload_identities(self, items: list[InboundItem]) -> None:
        wanted: set[tuple[str, str]] = set()
        for item in items:
            if item.direction == "in":
                norm = self._norm(item.sender.kind, item.sender.value)
                if norm:
                    wanted.add((item.sender.kind, norm))
            for extra in item.extra_identities:
                norm = self._norm(extra.kind, extra.value)
                if norm:
                    wanted.add((extra.kind, norm))
        by_kind: dict[str, set[str]] = {}
        for kind, value in wanted:
            by_kind.setdefault(kind, set()).add(value)
        for kind, values in by_kind.items():
            for chunk in chunks(values):
                for value, customer_id, merged in self.s.execute(
                    select(Identity.value, Identity.customer_id, Customer.merged_into_id)
                    .join(Customer, Customer.id == Identity.customer_id)
                    .where(Identity.kind == kind, Identity.value.in_(chunk))
                ):
                    if merged is not None:
                        customer_id = live_customer_id(self.s, customer_id)
                    self.identity_cache[(kind, value)] = customer_id
        self.identity_absent = wanted - set(self.identity_cache)

    def _preload_subjects(self, items: list[InboundItem]) -> None:
        """Threads a reply without headers may join: same customer, same subject, email."""
        customers: set[int] = set()
        subjects: set[str] = set()
        for item in items:
            if item.direction != "in" or not item.subject:
                continue
            norm = normalize_subject(item.subject)
            key = (item.sender.kind, self._norm(item.sender.kind, item.sender.value) or "")
            if norm and key in self.identity_cache:
                customers.add(self.identity_cache[key])
                subjects.add(norm)
        if not customers:
            return
        oldest = min(aware(i.sent_at) or utcnow() for i in items) - timedelta(
            days=self.settings.subject_thread_days
        )
        for chunk in chunks(customers):
            rows = self.s.execute(
                select(
                    Thread.id,
                    Thread.customer_id,
                    Thread.case_id,
                    Thread.last_message_at,
                    Thread.external_key,
                    Thread.account_id,
                    Thread.norm_subject,
                    Customer.merged_into_id,
                )
                .join(Customer, Customer.id == Thread.customer_id)
                .where(
                    Thread.customer_id.in_(chunk),
                    Thread.norm_subject.in_(subjects),
                    Thread.channel == "email",
                    Thread.last_message_at >= oldest,
                )
            ).all()
            for row, rec in zip(rows, self._add_threads(rows), strict=True):
                self._index_subject(rec, row.norm_subject)

    def _index_subject(self, rec: ThreadRec, norm: str | None) -> None:
        if norm:
            bucket = self.by_subject.setdefault((rec.customer_id, norm), [])
            if rec not in bucket:
                bucket.append(rec)

    def _norm(self, kind: str, value: str) -> str | None:
        return normalized(kind, value, self.settings.default_phone_region)


@functools.lru_cache(maxsize=65536)  # parsing phone numbers is slow; people write again
def normalized(kind: str, value: str, region: str | None) -> str | None:
    return try_normalize(kind, value, default_region=region)
