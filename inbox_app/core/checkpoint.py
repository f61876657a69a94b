"""Copying SQLite's write-ahead log into the database file beside the writer.

SQLite commits by appending to its log; from time to time the log is copied into
the database file (a checkpoint), and with ``synchronous=NORMAL`` that copy is where
the disk is flushed. Done by the connection that commits, a sync batch now and
then waits for the disk: measured at 400,000 messages, 7 % of ingest's wall time.
Here a thread of its own does it, at most once a second while batches arrive, so
the next batch is written meanwhile. The connections keep SQLite's own automatic
checkpoint as a backstop (``db._sqlite_pragmas``) for the times this one lags.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

logger = logging.getLogger(__name__)

#: Seconds between checkpoints while batches keep arriving: a page that many
#: batches change is copied once a second, not once a batch.
PAUSE = 1.0


class Checkpointer:
    def __init__(self, path: str) -> None:
        self._path = path
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        """A batch was committed: checkpoint soon."""
        with self._lock:
            if self._stop.is_set():
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()
        self._wanted.set()

    def close(self) -> None:
        with self._lock:
            self._stop.set()
            thread = self._thread
        self._wanted.set()
        if thread is not None:
            thread.join(timeout=30)

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, timeout=30)
        try:
            while not self._stop.is_set():
                self._wanted.wait()
                if self._stop.wait(PAUSE):
                    break
                self._wanted.clear()
                try:
                    # PASSIVE: copies what no reader still needs, never blocks a writer.
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # the next poke tries again
                    logger.debug("checkpoint of %s failed: %s", self._path, exc)
        finally:
            conn.close()
