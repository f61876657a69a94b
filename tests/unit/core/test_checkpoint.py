"""Stored batches reach the database file beside the writer, not only its log."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from inbox_app.app import build
from tests.unit.core.helpers import account, batch, item


def _in_file(path: Path) -> int:
    """Messages in the database file itself, ignoring the write-ahead log."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.OperationalError:  # the schema itself is still only in the log
        return -1
    finally:
        conn.close()


def test_a_stored_batch_is_copied_into_the_file_soon_and_close_stops_the_copier(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    services = build(f"sqlite:///{path}", migrate=True)
    acc = account(services)
    services.ingest.store_batch(acc, batch(*(item(f"<m{i}@x>", f"c{i % 7}@example.it", minutes=i) for i in range(120))))
    # SQLite alone would copy only after 10,000 pages of log: far more than this batch.
    deadline = time.monotonic() + 10
    while _in_file(path) < 120 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _in_file(path) == 120
    services.close()
    assert not [t for t in threading.enumerate() if t.name == "sqlite-checkpoint"]
    # Nothing is lost or doubled by the copies: the store reads the same after reopening.
    services = build(f"sqlite:///{path}")
    assert len(services.queries.timeline(services.queries.customers()[0].id)) > 0
    assert sum(len(services.queries.timeline(c.id)) for c in services.queries.customers()) == 120
    services.close()
