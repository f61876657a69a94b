"""A first import on a terminal says how far it is: the real `inbox-app sync --once` and
`inbox-app sync` against Dovecot, with standard error on a pseudo-terminal; a pipe and
--json get nothing of it."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.email import servers
from tests.integration.email.test_email_end_to_end import Cli, _command

pytestmark = pytest.mark.dovecot

COUNT = 1000  # four batches of 250
CLEAR = "\r\x1b[K"


def _mailbox_with_mail(tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any) -> Cli:
    servers.append_all(imap, "INBOX", [servers.make_message(n) for n in range(1, COUNT + 1)])
    cli = Cli(tmp_path)
    settings = servers.settings_for(dovecot, mailbox[0])
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    cli("accounts", "add", "email", "mail", *sets, "--secret-stdin", stdin=mailbox[1] + "\n")
    return cli


def _on_a_terminal(cli: Cli, *args: str, until: str | None = None) -> tuple[str, str, int]:
    """Runs the command with standard error on a pty; returns (stdout, terminal, exit code).

    With ``until``, the command (the worker) is stopped with SIGINT once the terminal shows it.
    """
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*_command(), "--database", cli.database, *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env={**cli.env, "COLUMNS": "200"},
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 120
    stopped = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed its side
                    break
                if not chunk:
                    break
                seen += chunk
            if until is not None and not stopped and until in seen.decode(errors="replace"):
                proc.send_signal(signal.SIGINT)
                stopped = True
            if proc.poll() is not None and not ready:
                break
        assert proc.stdout is not None
        with proc.stdout:
            out = proc.stdout.read().decode()
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        os.close(master)
    # The pty turns "\n" into "\r\n" on the way out.
    return out, seen.decode().replace("\r\n", "\n"), code


def _progress_lines(terminal: str) -> list[str]:
    """What the live line showed, each time it was drawn."""
    return [part for part in terminal.split(CLEAR)[1:]]


def test_sync_once_on_a_terminal_shows_fetched_and_stored_of_the_total_in_place(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    cli = _mailbox_with_mail(tmp_path, dovecot, mailbox, imap)
    out, terminal, code = _on_a_terminal(cli, "sync", "--once")
    assert code == 0, terminal
    assert out.startswith(f"mail: {COUNT} fetched, {COUNT} new, 0 already stored"), out
    assert "Traceback" not in terminal
    drawn = _progress_lines(terminal)
    # The first batch is drawn as soon as it is stored, on a line rewritten in place.
    assert drawn[0] == "mail: 250 of 1,000 fetched, 250 stored", drawn
    live = [d for d in drawn if d and not d.endswith("\n")]
    for line in live:
        match = re.fullmatch(
            r"mail: ([\d,]+) of 1,000 fetched, ([\d,]+) stored(, [\d,]+ messages/s, \d+ s left)?", line
        )
        assert match, line
        assert int(match[1].replace(",", "")) < COUNT and match[1] == match[2]
    # Every message read: the account's line stays, with how long the import took.
    (final,) = [d for d in drawn if d.endswith("\n")]
    assert re.fullmatch(
        r"mail: 1,000 of 1,000 fetched, 1,000 stored in \d+ s \([\d,]+ messages/s\)\n", final
    ), final
    # Nothing after it: the live line is gone with the last account.
    assert drawn[-1] == final and terminal.endswith(final)

    # A second round finds nothing waiting: nothing is drawn.
    out, terminal, code = _on_a_terminal(cli, "sync", "--once")
    assert code == 0 and out.startswith("mail: 0 fetched, 0 new")
    assert "fetched" not in terminal


def test_not_a_terminal_or_json_gets_no_progress(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    cli = _mailbox_with_mail(tmp_path, dovecot, mailbox, imap)
    # --json on a terminal: the report on standard output, nothing on the terminal.
    out, terminal, code = _on_a_terminal(cli, "sync", "--once", "--json")
    assert code == 0
    assert '"stored": 1000' in out
    assert terminal == ""
    imap.append("INBOX", servers.make_message(COUNT + 1))
    # Standard error a pipe: nothing extra on it.
    done = subprocess.run(
        [*_command(), "--database", cli.database, "sync", "--once"],
        capture_output=True,
        text=True,
        env=cli.env,
        timeout=120,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("mail: 1 fetched, 1 new")
    assert done.stderr == ""


def test_the_worker_on_a_terminal_shows_progress_and_its_status_lines_apart(
    tmp_path: Path, dovecot: Any, mailbox: tuple[str, str], imap: Any
) -> None:
    cli = _mailbox_with_mail(tmp_path, dovecot, mailbox, imap)
    out, terminal, code = _on_a_terminal(cli, "sync", until="mail: 1,000 of 1,000 fetched, 1,000 stored in")
    assert code == 0, terminal
    assert out == ""
    assert "Traceback" not in terminal
    lines = terminal.replace(CLEAR, "\n").split("\n")
    assert "syncing 1 account(s); stop with Ctrl+C" in lines
    assert "mail: syncing" in lines  # a status line, on a line of its own
    assert any(re.fullmatch(r"mail: 1,000 of 1,000 fetched, 1,000 stored in \d+ s .*", ln) for ln in lines)
    assert "mail: 250 of 1,000 fetched, 250 stored" in lines
    assert len(cli.json("search", "ordine")) >= 1
