"""One runner per channel account, whichever desktop or worker starts it.

PostgreSQL: a session advisory lock held on a dedicated connection (a pooled
connection would keep it after return). SQLite: an exclusive file lock beside
the database file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from sqlalchemy import Connection, Engine, text

# The lock space of account runners, apart from any other advisory lock user.
_KEY = int.from_bytes(hashlib.sha1(b"inbox_app.account").digest()[:4], "big") >> 1


class AccountLock:
    def __init__(self, engine: Engine, account_id: int) -> None:
        self._engine = engine
        self._account_id = account_id
        self._conn: Connection | None = None
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._engine.dialect.name == "postgresql":
            conn = self._engine.connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:k, :a)"), {"k": _KEY, "a": self._account_id}
            ).scalar()
            conn.commit()
            if got:
                self._conn = conn
            else:
                conn.close()
            return bool(got)
        path = self._lock_path()
        if path is None:
            return True
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def verify(self) -> None:
        """Raise if the lock was lost with its connection (a restarted or unreachable server
        ends the session, and the server frees a session's locks): a runner checks this
        before it writes, so after an outage it never works on beside whoever took over."""
        if self._conn is not None:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()

    def _lock_path(self) -> Path | None:
        database = self._engine.url.database
        if not database or database == ":memory:":
            return None
        return Path(f"{database}.account-{self._account_id}.lock")

    def release(self) -> None:
        if self._conn is not None:
            # A pooled connection outlives close(): unlock explicitly, and if that
            # fails drop the connection so its session (and lock) really ends.
            try:
                self._conn.execute(
                    text("SELECT pg_advisory_unlock(:k, :a)"), {"k": _KEY, "a": self._account_id}
                )
                self._conn.commit()
            except Exception:  # noqa: BLE001
                self._conn.invalidate()
            self._conn.close()
            self._conn = None
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
