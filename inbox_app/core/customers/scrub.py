"""What an erasure leaves on disk, removed: no byte of the person's words stays in the store.

Deleting rows is not enough. SQLite leaves deleted content in freed pages and in
the write-ahead log, and its FTS5 index keeps a deleted message's terms in its
segments until they are merged; a compression dictionary trained on stored text
may hold whole phrases of it. PostgreSQL keeps dead tuples until VACUUM. So an
erasure runs its deletes with SQLite's ``secure_delete`` on (deleted cells and
freed pages are overwritten with zeros), then, once committed:

- SQLite: FTS5 ``optimize`` (the index rewritten as one segment without the
  deleted rows; a contentless index cannot be rebuilt from its table), the text
  dictionary retrained without the person if it holds a word of theirs that no
  one else in the store uses, and the WAL checkpointed and truncated;
- PostgreSQL: the touched tables vacuumed.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from inbox_app.core.store import textpack
from inbox_app.core.store.database import SEARCH_WORDS

logger = logging.getLogger(__name__)

#: The tables an erasure deletes from or rewrites (PostgreSQL vacuums these).
TOUCHED = (
    "messages",
    "message_raw",
    "attachments",
    "attachment_blobs",
    "threads",
    "cases",
    "drafts",
    "identities",
    "customers",
    "customer_merges",
    "customer_distinctions",
    "audit_events",
    "approvals",
    "csat_surveys",
    "customer_risk",
    "customer_risk_days",
)
#: Words this short are everybody's; the dictionary check looks at longer ones.
_MIN_WORD = 5
_WORD = re.compile(r"\w+")


@dataclass
class ScrubReport:
    """What was done after the rows were gone, and how long it took."""

    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0


def secure_delete_on(conn: Connection) -> None:
    """Deleted content is overwritten with zeros (SQLite; call before the deletes)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete=ON")


def words_of(texts: Iterable[str | None]) -> set[str]:
    """The words of a person's texts, addresses and file names, as the search index spells them."""
    out: set[str] = set()
    for value in texts:
        for word in _WORD.findall(value or ""):
            if len(word) >= _MIN_WORD:
                out.add(_fold(word))
    return out


def scrub(engine: Engine, words: set[str]) -> ScrubReport:
    """Run after the erasure committed; ``words`` are the erased person's (see words_of)."""
    started = time.perf_counter()
    report = ScrubReport()
    if engine.dialect.name == "sqlite":
        _sqlite(engine, words, report)
    else:
        report.steps.append(_vacuum(engine))
    report.seconds = time.perf_counter() - started
    return report


def _vacuum(engine: Engine) -> str:
    """VACUUM of the touched tables, after the erasure committed (PostgreSQL).

    Only a table's owner may vacuum it: an admin's own login leaves it to autovacuum
    (the owner's ``inbox-app db compact`` does it at once), and says so.
    """
    with engine.connect() as conn:
        auto = conn.execution_options(isolation_level="AUTOCOMMIT")
        mine = [
            name
            for name in TOUCHED
            if auto.exec_driver_sql(
                "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename = %s",
                (name,),
            ).scalar()
        ]
        if mine:
            # FULL: a plain VACUUM only marks dead tuples' space reusable and leaves their
            # bytes in the table's and its indexes' pages; FULL writes the live rows into
            # new files and removes the old ones (holding each table's lock while it does).
            auto.exec_driver_sql(f"VACUUM (FULL) {', '.join(mine)}")
    left = len(TOUCHED) - len(mine)
    return f"{len(mine)} tables rewritten (VACUUM FULL)" + (
        f"; {left} left to autovacuum (only the store's owner may vacuum them)" if left else ""
    )


def _sqlite(engine: Engine, words: set[str], report: ScrubReport) -> None:
    with engine.connect() as conn:
        try:
            with conn.begin():
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
                # First the dictionary: messages packed again are indexed again, then merged.
                report.steps.append(_dictionaries(conn, words))
                t0 = time.perf_counter()
                conn.exec_driver_sql("INSERT INTO message_fts(message_fts) VALUES ('optimize')")
                report.steps.append(
                    f"search index rewritten without them in {time.perf_counter() - t0:.2f} s"
                )
        finally:
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")
            conn.commit()
    # Straight on the driver: every SQLAlchemy transaction here starts with BEGIN, and
    # a checkpoint inside one finds its own tables locked.
    raw = engine.raw_connection()
    try:
        busy, _log, _done = raw.driver_connection.execute(  # type: ignore[union-attr]
            "PRAGMA wal_checkpoint(TRUNCATE)"
        ).fetchone()
    finally:
        raw.close()
    if busy:
        # Another process reads the store: the log keeps old pages until it is done.
        logger.warning("the store's log could not be emptied now (in use); it is at the next checkpoint")
        report.steps.append("log in use by another program: emptied at its next checkpoint")
    else:
        report.steps.append("log checkpointed and emptied")


def _dictionaries(conn: Connection, words: set[str]) -> str:
    rows = conn.exec_driver_sql("SELECT id, dict_id, data FROM text_dictionaries ORDER BY id").all()
    if not rows:
        return "no text dictionary"
    # zstd dictionaries are mostly raw text: read as the index would spell it.
    folded = [_fold(bytes(r.data).decode("utf-8", "replace")) for r in rows]
    held = {w for w in words if any(w in d for d in folded)}
    # A word others still write is not theirs: it may stay in a dictionary.
    theirs = [w for w in held if not _still_used(conn, w)]
    if not theirs:
        return "text dictionary holds none of their words"
    samples = [
        textpack.unpack(t) or ""
        for t in conn.exec_driver_sql(
            "SELECT text FROM messages ORDER BY id DESC LIMIT ?", (textpack.TRAIN_AFTER,)
        ).scalars()
    ]
    data = textpack.train(samples)
    new_key = textpack.register(data) if data is not None else None
    if data is not None:
        from inbox_app.core.clock import utcnow
        from inbox_app.core.store.coltypes import to_micros

        conn.exec_driver_sql(
            "INSERT INTO text_dictionaries (dict_id, data, created_at) VALUES (?, ?, ?)",
            (new_key, data, to_micros(utcnow())),
        )
    repacked = 0
    # Packing again changes the bytes, not the words: the search index's update trigger
    # would delete and index every such message again (most of the time spent). It is
    # set aside inside this transaction, which holds the store's write lock meanwhile.
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages' "
        "AND sql LIKE '%UPDATE OF%'"
    ).all()
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for row in rows:
        marker = b"\x02" + int(row.dict_id).to_bytes(4, "big")
        found = conn.exec_driver_sql(
            "SELECT id, text, html FROM messages WHERE substr(text, 1, 5) = ? OR substr(html, 1, 5) = ?",
            (marker, marker),
        ).all()
        for message_id, packed_text, packed_html in found:
            values = _repack(packed_text, new_key), _repack(packed_html, new_key)
            conn.exec_driver_sql("UPDATE messages SET text = ?, html = ? WHERE id = ?", (*values, message_id))
            repacked += 1
        conn.exec_driver_sql("DELETE FROM text_dictionaries WHERE id = ?", (row.id,))
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)
    return f"text dictionary retrained without them ({repacked} messages packed again)"


def _repack(value: Any, key: int | None) -> Any:
    if value is None or isinstance(value, str):
        return value
    return textpack.pack(textpack.unpack(value) or "", key)


def _still_used(conn: Connection, word: str) -> bool:
    return (
        conn.execute(text(f"SELECT 1 FROM {SEARCH_WORDS} WHERE term = :w"), {"w": word}).first() is not None
    )


def _fold(word: str) -> str:
    # The index's tokenizer: lower case, diacritics removed (unicode61 remove_diacritics 2).
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
