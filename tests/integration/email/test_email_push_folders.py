"""The headless worker (`inbox-app sync`) gets new mail pushed from every configured
folder, not only the first, and within seconds (polling is set far too rare to help)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from connectors.email import push
from tests.integration.email import servers
from tests.integration.email.test_email_end_to_end import Cli, _command

pytestmark = pytest.mark.dovecot


def _stored(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            rows = conn.execute(
                "SELECT external_id FROM messages WHERE direction = 'in' ORDER BY external_id"
            ).fetchall()
    except sqlite3.OperationalError:
        return []
    return [r[0] for r in rows]


def _wait_for(db: Path, count: int, seconds: float, worker: subprocess.Popen[bytes], log: Path) -> float:
    started = time.monotonic()
    while len(_stored(db)) < count:
        assert worker.poll() is None, "the worker stopped: " + log.read_text(errors="replace")
        assert time.monotonic() - started < seconds, (
            f"{len(_stored(db))} of {count} messages after {seconds} s"
        )
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.slow
def test_the_worker_gets_mail_pushed_from_every_folder(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    folders = ["INBOX", "Reclami", "Ordini"]
    for folder in folders[1:]:
        imap.create_folder(folder)
    for index, folder in enumerate(folders):
        imap.append(folder, servers.make_message(index))
    cli = Cli(tmp_path)
    settings = servers.settings_for(dovecot, mailbox[0], folders=",".join(folders), poll_interval=300)
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    cli("accounts", "add", "email", "support-mail", *sets, "--secret-stdin", stdin=mailbox[1] + "\n")
    db = tmp_path / "inbox.db"
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [*_command(), "--database", cli.database, "sync"],
            env=cli.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(db, 3, 60, worker, log)
        time.sleep(1.0)  # the worker is back to waiting on every folder
        # New mail in each folder, the last configured one first, while the worker waits.
        delays = []
        for n, folder in zip((10, 11, 12), reversed(folders), strict=True):
            imap.append(folder, servers.make_message(n))
            delays.append(_wait_for(db, len(_stored(db)) + 1, 10, worker, log))
            time.sleep(0.5)
        assert _stored(db) == sorted(f"<msg-{n}@example.org>" for n in (0, 1, 2, 10, 11, 12))
        assert max(delays) < 5, delays
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(5)
    assert worker.returncode == 0, log.read_text(errors="replace")
    assert len(folders) <= push.MAX_IDLE_FOLDERS  # every folder here had its own IDLE


@pytest.mark.slow
def test_folders_past_the_idle_limit_are_polled(
    dovecot: Any, mailbox: tuple[str, str], imap: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from connectors.email import EmailConnector

    monkeypatch.setattr(push, "MAX_IDLE_FOLDERS", 1)
    imap.create_folder("Archivio")
    settings = servers.settings_for(dovecot, mailbox[0], folders="INBOX,Archivio", poll_interval=1)

    async def go() -> tuple[bool, float, list[str], int]:
        connector = EmailConnector(settings, mailbox[1])
        try:
            _, cursor, _ = await servers.collect(connector, None)
            assert await connector.wait_for_changes(cursor, 1.5) is False
            appended = asyncio.get_running_loop().call_later(
                0.3, imap.append, "Archivio", servers.make_message(3)
            )
            started = time.monotonic()
            woke = await connector.wait_for_changes(cursor, 10)
            elapsed = time.monotonic() - started
            appended.cancel()
            items, _, _ = await servers.collect(connector, cursor)
            return woke, elapsed, [i.external_id for i in items], len(connector._push.watches)
        finally:
            await connector.close()

    woke, elapsed, items, watches = servers.run(go())
    assert woke is True and elapsed < 4
    assert items == ["<msg-3@example.org>"]
    assert watches == 1  # one waiting connection; the other folder by STATUS


@pytest.mark.slow
def test_a_cancelled_or_answered_wait_keeps_every_folder_logged_in(
    dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    import asyncio

    from connectors.email import EmailConnector

    imap.create_folder("Reclami")
    settings = servers.settings_for(dovecot, mailbox[0], folders="INBOX,Reclami", poll_interval=300)

    async def go() -> tuple[list[Any], list[Any], list[Any], bool, bool]:
        connector = EmailConnector(settings, mailbox[1])
        try:
            _, cursor, _ = await servers.collect(connector, None)

            def lines() -> list[Any]:
                return [w.session for w in connector._push.watches.values() if w.session]

            # The worker cancels a wait to send a reply.
            waiting = asyncio.ensure_future(connector.wait_for_changes(cursor, 60))
            await asyncio.sleep(1.0)
            first = lines()
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            # New mail in one folder ends the next wait.
            later = asyncio.get_running_loop().call_later(
                0.5, imap.append, "Reclami", servers.make_message(1)
            )
            woke = await connector.wait_for_changes(cursor, 10)
            later.cancel()
            second = lines()
            _, cursor, _ = await servers.collect(connector, cursor)
            # And the wait after that, with nothing new, runs out on the same lines.
            quiet = await connector.wait_for_changes(cursor, 1.5)
            return first, second, lines(), woke, quiet
        finally:
            await connector.close()

    first, second, third, woke, quiet = servers.run(go())
    assert len(first) == 2 and woke is True and quiet is False
    # No connection was dropped and opened again.
    assert all(a is b is c for a, b, c in zip(first, second, third, strict=True))
