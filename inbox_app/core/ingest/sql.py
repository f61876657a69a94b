"""Writing a batch: multi-row SQL and, on SQLite, id allocation under the write lock.

Per-row ORM flushes cost more than all the rest of ingest together; this module is
where a batch's new rows become a handful of statements.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.ingest.records import (
    CASES,
    CUSTOMERS,
    IDENTITIES,
    MESSAGES,
    THREADS,
    CaseRec,
    ThreadRec,
)
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.service import events
from inbox_app.core.service.events import Kind
from inbox_app.core.store import rawpack, textpack
from inbox_app.core.store.coltypes import to_micros
from inbox_app.core.store.models import (
    Attachment,
    AttachmentBlob,
    AuditEvent,
    MessageRaw,
)


class SqlWriter:
    """Writes what a batch decided in multi-row statements; hands out ids on SQLite."""

    def __init__(self, state: BatchState) -> None:
        self.state = state

    def next_id(self, table: Any) -> int:
        """The next free id of ``table`` on SQLite, where this transaction holds the only
        write lock (BEGIN IMMEDIATE) and ids are max + 1: no round trip per new row."""
        return self.reserve(table, 1)[0]

    def reserve(self, table: Any, count: int) -> range:
        """The next ``count`` free ids of ``table`` on SQLite (see :meth:`next_id`)."""
        next_ids = self.state.next_ids
        first = next_ids.get(table.name)
        if first is None:
            # Plain SQL to the driver: compiling the ORM's select(max) each batch cost as
            # much as SQLite's answer, which is one step to the end of the table's b-tree.
            conn = self.state.session.connection()
            first = (conn.exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar() or 0) + 1
        next_ids[table.name] = first + count
        return range(first, first + count)

    def flush(self) -> None:
        """Write everything decided so far: new cases, threads, changes, audit, messages."""
        st = self.state
        s = st.session
        if st.new_customers:
            sqlite_insert_rows(s, CUSTOMERS, st.new_customers)
            st.new_customers.clear()
        if st.new_identities:
            sqlite_insert_rows(s, IDENTITIES, st.new_identities)
            st.new_identities.clear()
        if st.new_cases:
            rows = [
                {**c.insert, **{f: getattr(c, f) for f in CaseRec.FIELDS}}  # type: ignore[dict-item]
                for c in st.new_cases
            ]
            ids = self._insert(CASES, rows)
            for case, case_id in zip(st.new_cases, ids, strict=True):
                case.id, case.insert, case.changed = case_id, None, set()
                st.cases[case_id] = case
                st.result.case_ids.add(case_id)
            st.new_cases.clear()
        if st.new_threads:
            rows = [
                {
                    **(t.insert or {}),
                    "customer_id": t.customer_id,
                    "case_id": t.case.id if t.case else None,
                    "last_message_at": t.last_message_at,
                }
                for t in st.new_threads
            ]
            ids = self._insert(THREADS, rows)
            for thread, thread_id in zip(st.new_threads, ids, strict=True):
                thread.id, thread.insert, thread.changed = thread_id, None, set()
                st.threads[thread_id] = thread
                st.live_checked.add(thread_id)
            st.new_threads.clear()
        self._write_changes()
        if st.audits:
            now = utcnow()
            self._rows(
                AuditEvent,
                [
                    {
                        "at": now,
                        "actor": audit.SYSTEM,
                        "action": action,
                        "object_type": "case",
                        "object_id": case.id,
                        "data": {k: (v.id if isinstance(v, ThreadRec) else v) for k, v in data.items()},
                    }
                    for action, case, data in st.audits
                ],
            )
            st.audits.clear()
        if st.case_events:
            events.record_many(
                s,
                [
                    events.row(c.id, kind, at, detail=d)
                    for c, kind, at, d in st.case_events
                    if c.id is not None
                ],
            )
            st.case_events.clear()
        if not st.pending:
            return
        rows = []
        dictionary = self._text_dictionary()
        for row, _item, thread, message_case in st.pending:
            row["thread_id"] = thread.id
            row["case_id"] = message_case.id if message_case is not None else None
            row["customer_id"] = thread.customer_id
            if st.sqlite:
                row["text"] = textpack.pack(row["text"] or "", dictionary)
                if row.get("html"):
                    row["html"] = textpack.pack(row["html"], dictionary)
            rows.append(row)
        ids = self._insert(MESSAGES, rows)
        raws = []
        blobs: dict[str, bytes] = {}
        atts: list[dict[str, Any]] = []
        for message_id, (_row, item, _t, _c) in zip(ids, st.pending, strict=True):
            if item.raw:
                # zstd level 1 (store/rawpack.py): the copy is for re-parsing and export,
                # rarely read; zlib took half of an email import's store time.
                raws.append({"message_id": message_id, "data": rawpack.pack(item.raw)})
            for att in item.attachments:
                digest = hashlib.sha256(att.data).hexdigest()
                blobs.setdefault(digest, att.data)
                atts.append(
                    {
                        "message_id": message_id,
                        "sha256": digest,
                        "filename": att.filename[:255],
                        "content_type": att.content_type[:200],
                        "size": len(att.data),
                        "content_id": att.content_id,
                        "inline": att.inline,
                    }
                )
        if raws:
            self._rows(MessageRaw, raws)
        if blobs:
            # One statement for the batch's files (each stored once, by content) and one
            # for their attachment rows, instead of two per attachment.
            s.execute(
                insert_ignore(s),
                [{"sha256": d, "size": len(data), "data": data} for d, data in blobs.items()],
            )
            self._rows(Attachment, atts)
        # The case history: each customer message and public reply, at its arrival time.
        # Channel echoes never get here (matched to the outbox), auto-replies do not count.
        self._events(
            [
                events.row(
                    case.id,
                    Kind.INBOUND if item.direction == "in" else Kind.OUTBOUND,
                    row["sent_at"],
                    message_id=message_id,
                )
                for message_id, (row, item, _t, case) in zip(ids, st.pending, strict=True)
                if case is not None and case.id is not None and not item.is_auto
            ],
        )
        st.result.message_ids += ids
        st.result.stored += len(ids)
        st.pending.clear()

    def _events(self, rows: list[dict[str, Any]]) -> None:
        """The batch's case history rows (one multi-row write)."""
        events.record_many(self.state.session, rows)

    def _text_dictionary(self) -> int | None:
        """The store's dictionary for packing message text (SQLite), trained from its
        newest messages once it has enough of them; None until then."""
        st = self.state
        if not st.sqlite:
            return None
        conn = st.session.connection()
        # The id alone each batch; the 64 KB dictionary only the first time it is met.
        key = conn.exec_driver_sql("SELECT dict_id FROM text_dictionaries ORDER BY id DESC LIMIT 1").scalar()
        if key is not None:
            if not textpack.is_registered(key):
                data = conn.exec_driver_sql(
                    "SELECT data FROM text_dictionaries WHERE dict_id = ?", (key,)
                ).scalar_one()
                textpack.register(bytes(data))
            return int(key)
        newest = conn.exec_driver_sql("SELECT max(id) FROM messages").scalar() or 0
        if newest < textpack.TRAIN_AFTER:
            return None
        samples = conn.exec_driver_sql(
            "SELECT text FROM messages ORDER BY id DESC LIMIT ?", (textpack.TRAIN_AFTER,)
        ).scalars()
        data = textpack.train([textpack.unpack(t) or "" for t in samples])
        if data is None:
            return None
        key = textpack.register(data)
        conn.exec_driver_sql(
            "INSERT INTO text_dictionaries (dict_id, data, created_at) VALUES (?, ?, ?)",
            (key, data, to_micros(utcnow())),
        )
        return key

    def _rows(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Rows whose ids nobody asks for, every column given: on SQLite straight to the
        driver (the ORM's bulk insert looked at every row's every column first)."""
        if self.state.sqlite:
            sqlite_insert_rows(self.state.session, model.__table__, rows)
        else:
            self.state.session.execute(insert(model), rows)

    def _insert(self, table: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in multi-row statements; returns their ids in order."""
        st = self.state
        if not st.sqlite:
            return list(
                st.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
            )
        # SQLite cannot promise RETURNING order for a multi-row insert, and SQLAlchemy
        # then inserts row by row (and the search index is updated row by row, several
        # times slower). The write lock is ours since BEGIN IMMEDIATE, so the next ids
        # are known: give them explicitly and insert a few hundred rows per statement.
        ids = list(self.reserve(table, len(rows)))
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id
        sqlite_insert_rows(st.session, table, rows)
        return ids

    def _write_changes(self) -> None:
        """Changed columns of existing threads and cases, grouped into executemany updates."""
        st = self.state
        groups: dict[tuple[Any, tuple[str, ...]], list[dict[str, Any]]] = {}
        for thread in st.threads.values():
            if thread.changed:
                cols = tuple(sorted(thread.changed))
                values = {
                    "_id": thread.id,
                    "customer_id": thread.customer_id,
                    "case_id": thread.case.id if thread.case else None,
                    "last_message_at": thread.last_message_at,
                }
                groups.setdefault((THREADS, cols), []).append({c: values[c] for c in ("_id", *cols)})
                thread.changed = set()
        for case in st.cases.values():
            if case.changed:
                cols = tuple(sorted(case.changed))
                row = {"_id": case.id, **{c: getattr(case, c) for c in cols}}
                groups.setdefault((CASES, cols), []).append(row)
                case.changed = set()
        for (table, cols), rows in groups.items():
            # A case reopened by the customer's message: a change made before it was
            # seen must be refused (core/versions.py).
            bump = table is CASES and "status" in cols
            if st.sqlite:
                sqlite_update_rows(st.session, table, cols, rows, bump_version=bump)
                continue
            sets: dict[str, Any] = {c: bindparam(c) for c in cols}
            if bump:
                sets["version"] = CASES.c.version + 1
            st.session.execute(update(table).where(table.c.id == bindparam("_id")).values(sets), rows)


def sqlite_update_rows(
    session: Session, table: Any, cols: tuple[str, ...], rows: list[dict[str, Any]], *, bump_version: bool
) -> None:
    """``UPDATE table SET cols WHERE id = _id`` for every row, one prepared statement
    sent straight to the driver (the ORM's executemany update compiled and processed
    every batch's rows first); values through their column types, as the ORM would."""
    conn = session.connection()
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    convert = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
    sets = [f"{quote(c)} = ?" for c in cols]
    if bump_version:
        sets.append("version = version + 1")
    sql = f"UPDATE {table.name} SET {', '.join(sets)} WHERE id = ?"
    params = []
    for row in rows:
        values = [row[c] for c in cols]
        for i, fn in enumerate(convert):
            if fn is not None and values[i] is not None:
                values[i] = fn(values[i])
        params.append((*values, row["_id"]))
    conn.exec_driver_sql(sql, params)


def sqlite_insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs sent straight to the driver (SQLAlchemy compiles such a
    statement anew for every batch, which costs more than SQLite's work). Values go
    through each column type's own conversion, so rows read back exactly as if the
    ORM had written them."""
    conn = session.connection()
    dialect = conn.dialect
    cols = [table.c[name] for name in rows[0]]
    convert = [col.type.dialect_impl(dialect).bind_processor(dialect) for col in cols]
    names = ", ".join(dialect.identifier_preparer.quote(col.name) for col in cols)
    one = "(" + ", ".join("?" * len(cols)) + ")"
    per_statement = max(1, 30000 // len(cols))  # SQLite's limit on bound values
    # Only columns whose type converts values pay for a call per value. None stays
    # None, for metadata too: SQL NULL, not the JSON text "null" (smaller, and reading
    # a 5,000-message timeline then skips 5,000 JSON decodes).
    steps = [(col.name, fn) for col, fn in zip(cols, convert, strict=True)]
    for i in range(0, len(rows), per_statement):
        chunk = rows[i : i + per_statement]
        params: list[Any] = []
        add = params.append
        for row in chunk:
            for name, fn in steps:
                value = row[name]
                if fn is None or value is None:
                    add(value)
                else:
                    add(fn(value))
        sql = f"INSERT INTO {table.name} ({names}) VALUES " + ", ".join([one] * len(chunk))
        conn.exec_driver_sql(sql, tuple(params))


def chunks(values: set[Any], size: int = 500) -> list[list[Any]]:
    """IN lists in slices: SQLite allows a limited number of bound values per statement."""
    items = list(values)
    return [items[i : i + size] for i in range(0, len(items), size)]


def insert_ignore(session: Session):  # type: ignore[no-untyped-def]
    """INSERT of attachment files that skips a file already stored (same sha256)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(AttachmentBlob).on_conflict_do_nothing(index_elements=["sha256"])
