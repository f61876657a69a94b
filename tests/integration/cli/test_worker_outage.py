"""`inbox-app sync` on PostgreSQL rides out a lost database.

The server is stopped under a running worker (a separate process) while mail keeps
arriving: the worker must keep running, say that the database is gone and back, catch up
with every message exactly once within a minute of the return, leave the account's status
honest, and stop cleanly afterwards. Two workers on one account: after the return exactly
one of them works it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from connectors.fake import FakeServer
from tests.servers.postgres import PostgresServer

ACCOUNT = "posta"


def _app(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inbox_app", "--database", url, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _until(check: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until ``check`` holds; fails the test after ``seconds``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"{what}: not within {seconds:.0f} s"
        time.sleep(0.1)
    return time.monotonic() - started


def _counts(server: PostgresServer) -> tuple[int, int]:
    """Stored inbound messages and distinct external ids, read directly from the store."""
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=inbox", connect_timeout=3
    ) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT external_id) FROM messages WHERE direction = 'in'"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _account(url: str) -> dict[str, Any]:
    listed = _app(url, "accounts", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return next(a for a in json.loads(listed.stdout) if a["name"] == ACCOUNT)


class Mail:
    """The customer's side: numbered messages appended to the fake server's folder."""

    def __init__(self, root: Path) -> None:
        self.server = FakeServer(root)
        self.sent = 0

    def deliver(self, n: int) -> None:
        for _ in range(n):
            i = self.sent
            self.server.deliver(
                id=f"m{i}", text=f"messaggio {i}", thread=f"t{i % 4}", **{"from": f"c{i % 7}@example.it"}
            )
            self.sent += 1


def _setup(server: PostgresServer, tmp_path: Path) -> tuple[str, Mail]:
    url = server.url("inbox")
    done = _app(url, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    mail = Mail(tmp_path / "srv")
    done = _app(
        url, "accounts", "add", "fake", ACCOUNT, "--set", f"path={mail.server.root}", "--set", "batch_size=3"
    )
    assert done.returncode == 0, done.stderr
    return url, mail


def _worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own copy of the file
        return subprocess.Popen(
            # A housekeeping tick every second: the outage surely meets one.
            [sys.executable, "-m", "inbox_app", "--database", url, "sync", "--housekeeping-interval", "1"],
            stdout=subprocess.DEVNULL,
            stderr=out,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def _outage(
    server: PostgresServer, mail: Mail, seconds: float, workers: list[subprocess.Popen[bytes]]
) -> None:
    """Stop the server for ``seconds`` while mail keeps arriving; the workers stay up."""
    server.pause()
    down = time.monotonic()
    while time.monotonic() - down < seconds:
        mail.deliver(2)  # wakes a round, which meets the outage
        time.sleep(min(2.0, seconds / 5))
        for worker in workers:
            assert worker.poll() is None, "the worker exited during the outage"
    server.resume()


def _stop(worker: subprocess.Popen[bytes]) -> int:
    worker.send_signal(signal.SIGTERM)
    return worker.wait(timeout=30)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("outage", [10, 60])
def test_worker_rides_out_a_stopped_server(own_server: PostgresServer, tmp_path: Path, outage: int) -> None:
    url, mail = _setup(own_server, tmp_path)
    log = tmp_path / "worker.err"
    mail.deliver(10)
    worker = _worker(url, log)
    try:
        _until(lambda: _counts(own_server)[0] == 10, 30, "first fetch")
        mail.deliver(3)
        _until(lambda: _counts(own_server)[0] == 13, 10, "live before the outage")

        before = len(log.read_text(encoding="utf-8"))
        _outage(own_server, mail, outage, [worker])
        back = time.monotonic()
        err = log.read_text(encoding="utf-8")
        assert "database unreachable" in err, err  # the worker said so while it was down

        mail.deliver(5)  # and mail after the return
        caught_up = _until(lambda: _counts(own_server)[0] >= mail.sent, 60, "caught up")
        print(f"\noutage {outage} s: caught up {caught_up:.1f} s after the server's return")
        total, distinct = _counts(own_server)
        assert total == distinct == mail.sent  # every message exactly once

        # Honest afterwards: idle after a successful round, not stuck on a stale state.
        _until(lambda: _account(url)["status"] == "idle", 15, "account idle again")
        account = _account(url)
        assert account["last_error"] is None
        assert account["last_sync_at"] is not None
        err = log.read_text(encoding="utf-8")
        assert "database reachable again" in err, err
        assert f"{ACCOUNT}: error" in err[before:], err  # the account said so once it could
        assert worker.poll() is None

        mail.deliver(1)  # still live, not merely caught up once
        _until(lambda: _counts(own_server)[0] == mail.sent, 15, "live after the outage")
        assert time.monotonic() - back < 120
        assert _stop(worker) == 0
        assert "Traceback" not in log.read_text(encoding="utf-8")
        assert _counts(own_server) == (mail.sent, mail.sent)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def _lock_holders(server: PostgresServer) -> list[int]:
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=inbox", connect_timeout=3
    ) as conn:
        rows = conn.execute("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted").fetchall()
    return [int(r[0]) for r in rows]


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_after_the_return_one_works_the_account(
    own_server: PostgresServer, tmp_path: Path
) -> None:
    url, mail = _setup(own_server, tmp_path)
    logs = [tmp_path / "a.err", tmp_path / "b.err"]
    mail.deliver(5)
    workers = [_worker(url, logs[0])]
    try:
        _until(lambda: _counts(own_server)[0] == 5, 30, "first fetch")
        workers.append(_worker(url, logs[1]))
        _until(lambda: "synced by another" in logs[1].read_text(encoding="utf-8"), 30, "second one waits")
        # The waiting one says so in its own log only: the account's status stays its holder's.
        with psycopg.connect(
            f"host=127.0.0.1 port={own_server.port} user=postgres dbname=inbox", connect_timeout=3
        ) as conn:
            status, error = conn.execute("SELECT status, last_error FROM channel_accounts").fetchone()
        assert "another" not in (error or "") and status in ("idle", "syncing"), (status, error)
        assert logs[1].read_text(encoding="utf-8").count("synced by another") == 1

        _outage(own_server, mail, 10, workers)
        seen = [len(p.read_text(encoding="utf-8")) for p in logs]
        mail.deliver(5)
        _until(lambda: _counts(own_server)[0] >= mail.sent, 60, "caught up")
        assert _counts(own_server) == (mail.sent, mail.sent)
        for _ in range(3):  # a few more rounds after the return, each by one worker only
            mail.deliver(2)
            _until(lambda: _counts(own_server)[0] == mail.sent, 15, "live after the outage")
        assert len(_lock_holders(own_server)) == 1
        working = [
            i for i, p in enumerate(logs) if f"{ACCOUNT}: syncing" in p.read_text(encoding="utf-8")[seen[i] :]
        ]
        assert len(working) == 1, [p.read_text(encoding="utf-8") for p in logs]
        assert all(w.poll() is None for w in workers)
        assert [_stop(w) for w in workers] == [0, 0]
        assert _counts(own_server) == (mail.sent, mail.sent)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


@pytest.mark.postgres
@pytest.mark.slow
def test_worker_stopped_during_an_outage_exits_cleanly(own_server: PostgresServer, tmp_path: Path) -> None:
    url, mail = _setup(own_server, tmp_path)
    log = tmp_path / "worker.err"
    mail.deliver(2)
    worker = _worker(url, log)
    try:
        _until(lambda: _counts(own_server)[0] == 2, 30, "first fetch")
        own_server.pause()
        mail.deliver(1)
        _until(lambda: "database unreachable" in log.read_text(encoding="utf-8"), 15, "outage noticed")
        assert worker.poll() is None
        started = time.monotonic()
        assert _stop(worker) == 0
        assert time.monotonic() - started < 15
        assert "Traceback" not in log.read_text(encoding="utf-8")
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        own_server.resume()
