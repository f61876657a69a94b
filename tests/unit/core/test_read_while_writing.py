"""The window keeps reading while a sync batch holds the store's write lock (SQLite)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from inbox_app.core.read.queries import Queries
from inbox_app.core.store import database as db
from inbox_app.core.store.models import Customer


@pytest.fixture
def engine(tmp_path: Path):
    engine = db.open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _add_customer(session, name: str) -> None:
    session.execute(
        text("INSERT INTO customers (name, details, created_at) VALUES (:n, '{}', '2026-01-01 00:00:00')"),
        {"n": name},
    )


def test_a_read_proceeds_while_a_write_transaction_is_open(engine) -> None:
    write = db.session_factory(engine)
    read = db.read_session_factory(engine)
    with write() as s, s.begin():
        _add_customer(s, "before")
    with write() as writer, writer.begin():
        _add_customer(writer, "not yet committed")  # holds the write lock from here on
        with ThreadPoolExecutor(1) as pool:
            # Another thread, so another pooled connection: a locked read would wait
            # the full busy timeout (30 s) and then fail; the limit below is far shorter.
            seen = pool.submit(lambda: [c.name for c in Queries(read).customers()]).result(timeout=10)
        assert seen == ["before"]
    with read() as s:
        assert s.scalar(select(func.count(Customer.id))) == 2


def test_a_second_writer_still_waits_for_the_lock(engine) -> None:
    """Writes keep BEGIN IMMEDIATE: ingest takes new ids as max + 1 under that lock."""
    write = db.session_factory(engine)
    with write() as writer, writer.begin():
        _add_customer(writer, "first")

        def second_writer() -> None:
            with engine.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA busy_timeout=50")
                try:
                    with conn.begin():
                        pass
                finally:
                    conn.invalidate()  # back to the pool's normal timeout

        with ThreadPoolExecutor(1) as pool, pytest.raises(OperationalError, match="locked"):
            pool.submit(second_writer).result(timeout=10)
