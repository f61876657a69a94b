"""Opening the store: engines, sessions and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, event, inspect

# Re-exported: the command line holds an engine only to hand it back to the core, and names
# its type from here (it imports no SQLAlchemy of its own).
from sqlalchemy import Engine as Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.store import textpack

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """The store cannot be opened or used; the message says why in words."""


def unreachable_reason(exc: BaseException) -> str | None:
    """The driver's first line when ``exc`` says the database cannot be reached or used."""
    if not isinstance(exc, OperationalError):
        return None
    return str(exc.orig).splitlines()[0] if exc.orig else str(exc)


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from the database (its words may hold data: say only its kind)."""
    return isinstance(exc, SQLAlchemyError)


_PG_CONNECT = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,  # ms: data unacknowledged this long means the peer is gone
}


def open_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"not a database URL: {url!r} (expected e.g. sqlite:///path/inbox.db "
            "or postgresql+psycopg://user@host/dbname)"
        )
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise StoreError(f"folder for the database does not exist: {folder}")
        engine = create_engine(parsed, connect_args={"timeout": 30})
        if parsed.database and parsed.database != ":memory:":
            textpack.add_sqlite_source(str(Path(parsed.database).expanduser().resolve()))
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        # A lost server must show as an error soon, not as a thread waiting on a dead socket
        # for the kernel's quarter of an hour: the worker then waits it out and resumes.
        # Settings in the URL's query win.
        given = set(parsed.query)
        connect = {k: v for k, v in _PG_CONNECT.items() if k not in given}
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=connect)
    raise StoreError(f"unsupported database {backend!r}: use sqlite:// or postgresql+psycopg://")


READONLY = "inbox_readonly"
#: The search index's vocabulary on SQLite, one per connection.
SEARCH_WORDS = "temp.message_words"


def read_engine(engine: Engine) -> Engine:
    """The same store and pool, for work that only reads (lists, timelines, search).

    On SQLite its transactions start with a deferred BEGIN, so the window keeps
    reading (WAL gives it a consistent snapshot) while a sync batch holds the
    write lock, instead of queueing behind it.
    """
    return engine.execution_options(**{READONLY: True})


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite's own transaction handling would defer BEGIN for writes too; take
    # control so that a batch and its cursor really share one transaction, and
    # ingest can take new row ids as max + 1 under the write lock it holds.
    if conn.get_execution_options().get(READONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # 64 MB page cache per connection instead of SQLite's 2 MB: at a million messages
    # the message indexes no longer fit 2 MB, and every sync batch then re-reads
    # index pages from the OS (measured: ~15 % less CPU per ingested message).
    cur.execute("PRAGMA cache_size=-65536")
    # A sync batch dirties a few thousand pages (index pages all over the file): with
    # SQLite's default of a checkpoint every 1,000 WAL pages, nearly every batch
    # copied its pages into the database again. Every 10,000 pages (40 MB), a page
    # written by many batches is copied once (measured: ~4 % less CPU per message
    # at 400,000 messages, more wall time saved).
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    # The words the search index holds, for turning a prefix into those words
    # (search._vocabulary); made once per connection, it reads the index only when asked.
    cur.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_WORDS} USING fts5vocab(main, message_fts, row)")
    cur.close()
    # Message text is stored packed; the search index's triggers read it through this.
    dbapi_conn.create_function("inbox_unpack", 1, textpack.unpack, deterministic=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading only: never wait for a sync batch's write lock (SQLite)."""
    return sessionmaker(read_engine(engine), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision(engine)


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


# The newest migration. Checked against Alembic by the tests; lets an up-to-date
# store open without loading the migration machinery (a good part of start-up).
SCHEMA_HEAD = "0010"


def is_current(engine: Engine) -> bool:
    """True when the store is at SCHEMA_HEAD, read with one plain query."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    except DBAPIError:
        return False  # a new, empty store


def store_size(engine: Engine) -> int | None:
    """Bytes the store takes on disk (SQLite: the file and its log), if known."""
    from sqlalchemy import text

    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:":
            return None
        files = [Path(path), Path(f"{path}-wal")]
        return sum(f.stat().st_size for f in files if f.exists())
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)


def compact(engine: Engine) -> tuple[int | None, int | None]:
    """Give space freed by deletions and migrations back; returns the size before and after.

    SQLite keeps freed pages inside its file until VACUUM rewrites it, which needs
    the store to itself for the duration (a window or worker holding it open makes
    it wait, then fail with "database is locked"). PostgreSQL's VACUUM marks the
    space reusable and refreshes the planner's statistics while others keep working.
    """
    from sqlalchemy import text

    before = store_size(engine)
    if engine.dialect.name == "sqlite":
        # Straight on the driver's connection: VACUUM cannot run inside the BEGIN
        # that every SQLAlchemy transaction on this store starts with.
        import sqlite3

        raw = engine.raw_connection()
        try:
            # A store in use stays in use: say so after a few seconds, not after 30.
            raw.driver_connection.execute("PRAGMA busy_timeout=3000")  # type: ignore[union-attr]
            raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    "the store is in use (a window or the sync worker has it open): "
                    "close them and compact again"
                ) from exc
            raise StoreError(f"cannot compact the store: {exc}") from exc
        finally:
            raw.close()
    else:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM (ANALYZE)"))
    return before, store_size(engine)
