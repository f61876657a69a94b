"""Preloading a batch: one query per kind of thing instead of one per item.

A sync batch of 500 items asking the store item by item was the slowest part of
ingest; these reads fill the caches the writer then decides from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from connectors.base import InboundItem
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.identities import normalize_subject
from inbox_app.core.customers.store import live_customer_id
from inbox_app.core.ingest.identity import SEPARATOR, variant_ids
from inbox_app.core.ingest.records import CASES, THREADS, CaseRec, ThreadRec
from inbox_app.core.ingest.sql import chunks
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.store.coltypes import EPOCH_UTC
from inbox_app.core.vocab import Channel


class Preloader:
    """Reads what a batch needs in a few queries: known messages, threads, cases, identities.

    The queries go to the driver as plain SQL: compiling SQLAlchemy statements with
    IN lists of a few hundred values took a quarter of ingest's time. Timestamps still
    pass through their column type, so they read back exactly as through the ORM.
    """

    def __init__(self, state: BatchState) -> None:
        self.state = state
        self._ts_reader: Any = None

    def preload(self, items: list[InboundItem]) -> None:
        if not items:
            return
        st = self.state
        ids = {i.external_id for i in items}
        refs = {r for i in items for r in (i.in_reply_to, *i.references) if r}
        known: dict[str | None, int | None] = {}
        for chunk in chunks(ids | refs):
            sql = f"SELECT external_id, thread_id FROM messages WHERE account_id = ? AND external_id IN ({_marks(chunk)})"
            for ext, thread_id in self._rows(sql, [st.account.id, *chunk]):
                known[ext] = thread_id
        if st.email:
            # Another message under a Message-ID the store has (or this one seen again):
            # asked only for those, so a first import pays nothing for it.
            again = variant_ids([i for i in items if i.external_id in known])
            for chunk in chunks(again):
                sql = f"SELECT external_id, thread_id FROM messages WHERE account_id = ? AND external_id IN ({_marks(chunk)})"
                for ext, thread_id in self._rows(sql, [st.account.id, *chunk]):
                    known[ext] = thread_id
        if st.email:
            self._preload_shared({r for r in refs if r in known})
        keys = {i.thread_key[:500] for i in items}
        thread_ids = {t for t in known.values() if t is not None}
        self._load_threads("t.account_id = ? AND t.external_key", [st.account.id], keys)
        self._load_threads("t.id", [], thread_ids - set(st.threads))
        for ext, thread_id in known.items():
            if ext is None:
                continue
            st.msg_thread[ext] = st.threads.get(thread_id) if thread_id is not None else None
        # Our own replies seen again: one query for the whole batch instead of one per item.
        out_keys = {i.idempotency_key or i.external_id for i in items if i.direction == "out"}
        for chunk in chunks(out_keys):
            sql = (
                "SELECT idempotency_key, id, external_id, delivery FROM messages "
                f"WHERE idempotency_key IN ({_marks(chunk)})"
            )
            for key, message_id, external_id, delivery in self._rows(sql, chunk):
                st.outbox[key] = {
                    "idempotency_key": key,
                    "id": message_id,
                    "external_id": external_id,
                    "delivery": delivery,
                }
        self._preload_identities(items)
        if st.email:
            self._preload_subjects(items)

    def _preload_shared(self, refs: set[str]) -> None:
        """Which of the stored Message-IDs the batch's replies name are shared by another
        message (stored under ``ID#digest``): one probe of the unique index per ID, in one
        query, so the replies to unshared IDs (nearly all) are asked nothing more."""
        st = self.state
        # SQLite's CROSS JOIN keeps the IDs as the outer loop: one range probe each. (The
        # ranges OR-ed in one WHERE read every message of the account: a fifth of ingest.)
        join = "CROSS JOIN" if st.sqlite else "JOIN"
        for chunk in chunks(refs, 250):
            values = ", ".join(["(CAST(? AS VARCHAR), CAST(? AS VARCHAR))"] + ["(?, ?)"] * (len(chunk) - 1))
            # Every key starting with "ID#" sorts between "ID#" and "ID$" ('$' follows '#').
            sql = (
                f"SELECT m.external_id FROM (VALUES {values}) AS r {join} messages m "
                "WHERE m.account_id = ? AND m.external_id > r.column1 AND m.external_id < r.column2"
            )
            params: list[Any] = [v for ref in chunk for v in (ref + SEPARATOR, ref + "$")]
            for (ext,) in self._rows(sql, [*params, st.account.id]):
                st.shared_ids.add(ext.rpartition(SEPARATOR)[0])

    def thread(self, thread_id: int) -> ThreadRec | None:
        """One stored thread as this batch sees it."""
        if thread_id not in self.state.threads:
            self._load_threads("t.id", [], {thread_id})
        return self.state.threads.get(thread_id)

    def timestamp(self, value: Any) -> Any:
        """A timestamp as the driver returned it, as an aware UTC datetime (or None)."""
        return self._timestamps()(value)

    def rows(self, sql: str, params: list[Any]) -> list[Any]:
        return self._rows(sql, params)

    def _rows(self, sql: str, params: list[Any]) -> list[Any]:
        conn = self.state.session.connection()
        if conn.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        return list(conn.exec_driver_sql(sql, tuple(params)).fetchall())

    def _timestamps(self) -> Any:
        """A stored timestamp (the driver's value) as an aware UTC datetime, or None.

        SQLite's integer microseconds are converted here in one step: the column
        type's own conversion and ``aware`` after it were a twentieth of ingest.
        """
        if self._ts_reader is None:
            dialect = self.state.session.get_bind().dialect
            fn = CASES.c.last_message_at.type.dialect_impl(dialect).result_processor(dialect, None)
            general = fn or (lambda v: v)

            def read(value: Any) -> Any:
                if type(value) is int:
                    return EPOCH_UTC + timedelta(microseconds=value)
                return None if value is None else aware(general(value))

            self._ts_reader = read
        return self._ts_reader

    def _load_threads(self, where: str, params: list[Any], values: set[Any], extra: str = "") -> None:
        for chunk in chunks(values):
            sql = (
                "SELECT t.id, t.customer_id, t.case_id, t.last_message_at, t.external_key, "
                "t.account_id, c.merged_into_id FROM threads t JOIN customers c ON c.id = t.customer_id "
                f"WHERE {where} IN ({_marks(chunk)}){extra}"
            )
            self._add_threads(self._rows(sql, [*params, *chunk]))

    def _add_threads(self, rows: Any) -> list[ThreadRec]:
        st = self.state
        out = []
        case_ids = set()
        ts = self._timestamps()
        for row in rows:
            thread_id, customer_id, case_id, last, external_key, account_id, merged = row[:7]
            rec = st.threads.get(thread_id)
            if rec is None:
                rec = ThreadRec(thread_id, customer_id, None, ts(last))
                rec.case = case_id  # resolved to a record below
                st.threads[thread_id] = rec
                if merged is None:
                    st.live_checked.add(thread_id)
                if case_id is not None:
                    case_ids.add(case_id)
            if account_id == st.account.id:
                st.thread_cache.setdefault(external_key, rec)
            out.append(rec)
        self._load_cases(case_ids - set(st.cases))
        for rec in out:
            if isinstance(rec.case, int):
                rec.case = st.cases.get(rec.case)
        return out

    def _load_cases(self, ids: set[int]) -> None:
        ts = self._timestamps()
        for chunk in chunks(ids):
            sql = f"SELECT id, {', '.join(CaseRec.FIELDS)} FROM cases WHERE id IN ({_marks(chunk)})"
            for case_id, customer_id, status, *times in self._rows(sql, chunk):
                self.state.cases[case_id] = CaseRec.stored(
                    case_id, customer_id, status, [ts(t) for t in times]
                )

    def _preload_identities(self, items: list[InboundItem]) -> None:
        st = self.state
        wanted: set[tuple[str, str]] = set()
        for item in items:
            if item.direction == "in":
                norm = st.norm(item.sender.kind, item.sender.value)
                if norm:
                    wanted.add((item.sender.kind, norm))
            for extra in item.extra_identities:
                norm = st.norm(extra.kind, extra.value)
                if norm:
                    wanted.add((extra.kind, norm))
        by_kind: dict[str, set[str]] = {}
        for kind, value in wanted:
            by_kind.setdefault(kind, set()).add(value)
        for kind, values in by_kind.items():
            for chunk in chunks(values):
                sql = (
                    "SELECT i.value, i.customer_id, c.merged_into_id FROM identities i "
                    "JOIN customers c ON c.id = i.customer_id "
                    f"WHERE i.kind = ? AND i.value IN ({_marks(chunk)})"
                )
                for value, customer_id, merged in self._rows(sql, [kind, *chunk]):
                    if merged is not None:
                        customer_id = live_customer_id(st.session, customer_id)
                    st.identity_cache[(kind, value)] = customer_id
        st.identity_absent = wanted - set(st.identity_cache)

    def _preload_subjects(self, items: list[InboundItem]) -> None:
        """Threads a reply without headers may join: same customer, same subject, email."""
        st = self.state
        pairs: set[tuple[int, str]] = set()
        for item in items:
            if item.direction != "in" or not item.subject:
                continue
            norm = normalize_subject(item.subject)
            key = (item.sender.kind, st.norm(item.sender.kind, item.sender.value) or "")
            if norm and key in st.identity_cache:
                pairs.add((st.identity_cache[key], norm))
        if not pairs:
            return
        oldest = min(aware(i.sent_at) or utcnow() for i in items) - timedelta(
            days=st.settings.subject_thread_days
        )
        dialect = st.session.get_bind().dialect
        bind = THREADS.c.last_message_at.type.dialect_impl(dialect).bind_processor(dialect)
        since = bind(oldest) if bind else oldest
        # Each (customer, subject) pair is one probe of their index. Two IN lists
        # (customers x subjects) probed every combination and loaded the threads of
        # other customers' subjects: 25 ms a batch at a million messages, against 2.
        # SQLite's CROSS JOIN keeps the pairs as the outer loop.
        join = "CROSS JOIN" if dialect.name == "sqlite" else "JOIN"
        for chunk in chunks(pairs, 250):
            values = ", ".join(["(CAST(? AS BIGINT), CAST(? AS VARCHAR))"] + ["(?, ?)"] * (len(chunk) - 1))
            sql = (
                "SELECT t.id, t.customer_id, t.case_id, t.last_message_at, t.external_key, "
                f"t.account_id, c.merged_into_id, t.norm_subject FROM (VALUES {values}) AS p "
                f"{join} threads t ON t.customer_id = p.column1 AND t.norm_subject = p.column2 "
                "JOIN customers c ON c.id = t.customer_id "
                f"WHERE t.channel = '{Channel.EMAIL.value}' AND t.last_message_at >= ?"
            )
            rows = self._rows(sql, [*(v for pair in chunk for v in pair), since])
            for row, rec in zip(rows, self._add_threads(rows), strict=True):
                st.index_subject(rec, row[7])


def _marks(values: Any) -> str:
    return ", ".join("?" * len(values))
