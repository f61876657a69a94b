"""Team mode: a window shows which colleagues have a case open, and who is replying, live.

Desktop A is the real window in a process of its own (``tests/ui/presence_desktop.py``,
offscreen); desktop B is the window of this test process. Both on one real PostgreSQL.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from sqlalchemy import create_engine, text

from inbox_app.app import Services, build
from inbox_app.sync.presence import EXPIRY
from tests.ui.seed import seed

ROOT = Path(__file__).resolve().parents[2]
SHOWN_WITHIN = 1.0  # the figure: presence travels in milliseconds, this is slack
START_WITHIN = 90.0  # a window starting in another process on a busy 2-core machine


@pytest.fixture()
def team_store(pg_url: str, tmp_path: Path, loop) -> Iterator[Services]:  # noqa: ARG001
    services = build(pg_url, migrate=True)
    services.extra["seed"] = seed(services, tmp_path)
    yield services
    services.close()


@pytest.fixture()
def window(team_store: Services, qtbot, loop):
    from inbox_app.ui.launch import build_window

    win = build_window(team_store, "Giulia Rossi")
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    yield win
    if shiboken6.isValid(win):
        win.close()
    win.ws.bridge.close()
    task = loop.create_task(win.ws.tasks.cancel_all())
    qtbot.waitUntil(task.done, timeout=15000)


class Desktop:
    """Desktop A: the real window in another process, driven line by line."""

    def __init__(self, url: str, agent: str, heartbeat: float | None = None) -> None:
        extra = ["--heartbeat", str(heartbeat)] if heartbeat is not None else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ui.presence_desktop", url, agent, *extra],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.strip()))

    def say(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def expect(self, qtbot, words: str, seconds: float = 30.0) -> float:
        """Waits (the window here keeps running) for the line ``words``; returns when it came."""
        got: list[tuple[float, str]] = []

        def came() -> bool:
            while not self.lines.empty():
                got.append(self.lines.get())
            assert self.proc.poll() is None or got, self._died()
            return any(line == words for _t, line in got)

        qtbot.waitUntil(came, timeout=int(seconds * 1000))
        return next(t for t, line in got if line == words)

    def _died(self) -> str:
        assert self.proc.stderr is not None
        return f"desktop A ended with {self.proc.returncode}: {self.proc.stderr.read()[-3000:]}"

    def end(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture()
def desktops() -> Iterator[Callable[..., Desktop]]:
    started: list[Desktop] = []

    def start(url: str, agent: str, heartbeat: float | None = None) -> Desktop:
        started.append(Desktop(url, agent, heartbeat))
        return started[-1]

    yield start
    for desk in started:
        desk.end()


def _shown(qtbot, check: Callable[[], bool], since: float, seconds: float) -> float:
    qtbot.waitUntil(check, timeout=int(seconds * 1000) + 3000)
    took = time.monotonic() - since
    assert took <= seconds, f"shown {took:.2f} s later; the promise is {seconds} s"
    return took


def _list_words(window, case_id: int) -> str | None:
    """What the case list's row says of colleagues on the case (the customer cell), if marked."""
    model = window.case_model
    row = model.row_of(case_id)
    cell = model.index(row, model.CUSTOMER)
    if model.data(cell, Qt.ItemDataRole.DecorationRole) is None:
        return None
    return str(model.data(cell, Qt.ItemDataRole.ToolTipRole)).split("\n", 1)[1]


def _strip_words(window) -> str | None:
    strip = window.presence_strip
    return strip.text.text() if strip.isVisibleTo(window) else None


def _rows_written_since(url: str, xid: int) -> int:
    """Row versions any transaction since ``xid`` wrote, in every table of the store (exact,
    at once: the statistics views lag behind by up to seconds)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables")
            ).scalars()
            return sum(
                conn.execute(
                    text(f"SELECT count(*) FROM {t} WHERE xmin::text::bigint >= :x"),  # noqa: S608
                    {"x": xid % 2**32},
                ).scalar_one()
                for t in list(tables)
            )
    finally:
        engine.dispose()


def _current_xid(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
    finally:
        engine.dispose()


def _open_here(window, qtbot, case_id: int) -> None:
    window.jump_to_case(case_id)
    qtbot.waitUntil(lambda: window.case is not None and window.case.id == case_id, timeout=10000)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_colleague_viewing_and_replying_shows_at_once_and_a_killed_desktop_fades(
    window, team_store: Services, desktops, qtbot
) -> None:
    url = team_store.url
    model = window.case_model
    window.presence.link.tracker.expiry = 2.0  # A beats every 0.5 s: gone 2 s after it falls silent
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=10000)
    window.live.start()
    qtbot.waitUntil(lambda: window.live.live, timeout=10000)
    case_id, other = model.case_id(0), model.case_id(1)
    _open_here(window, qtbot, case_id)
    assert _strip_words(window) is None and _list_words(window, case_id) is None

    a = desktops(url, "Marco Bianchi", heartbeat=0.5)
    a.expect(qtbot, "ready", START_WITHIN)
    a.say(f"open {case_id}")
    opened = a.expect(qtbot, f"opened {case_id}")
    _shown(qtbot, lambda: _strip_words(window) == "Marco Bianchi is viewing", opened, SHOWN_WITHIN)
    assert _list_words(window, case_id) == "Marco Bianchi is viewing"
    assert _list_words(window, other) is None
    assert window.presence_strip.property("replying") is False

    # A types a reply: "replying" at once, and back to "viewing" once the keys stop a while.
    a.say("type Buongiorno, ci penso io")
    typed = a.expect(qtbot, "typed")
    _shown(qtbot, lambda: _strip_words(window) == "Marco Bianchi is replying", typed, SHOWN_WITHIN)
    assert _list_words(window, case_id) == "Marco Bianchi is replying"
    assert window.presence_strip.property("replying") is True
    _shown(qtbot, lambda: _strip_words(window) == "Marco Bianchi is viewing", typed, 5.0 + 2.0)

    # Presence flowing both ways (B views the case too) writes no row anywhere.
    since = _current_xid(url)
    heard = window.presence.link.heard
    qtbot.waitUntil(lambda: window.presence.link.heard >= heard + 6, timeout=10000)
    assert window.presence.link.sent >= 1
    assert _rows_written_since(url, since) == 0
    # ... and the count would have seen one: a real change by another process is counted.
    subprocess.run(
        [sys.executable, "-m", "inbox_app", "--database", url, "cases", "assign", str(other), "Sara Conti"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert _rows_written_since(url, since) >= 1

    # A moves to another case: the mark follows it.
    a.say(f"open {other}")
    moved = a.expect(qtbot, f"opened {other}")
    _shown(qtbot, lambda: _list_words(window, other) == "Marco Bianchi is viewing", moved, SHOWN_WITHIN)
    assert _list_words(window, case_id) is None and _strip_words(window) is None
    _open_here(window, qtbot, other)
    assert _strip_words(window) == "Marco Bianchi is viewing"

    # A crashes: nothing more is said, and A fades from B's screen once its silence is too long.
    a.proc.kill()
    killed = time.monotonic()
    _shown(qtbot, lambda: _list_words(window, other) is None, killed, 2.0 + 0.5)
    assert _strip_words(window) is None
    assert window.presence.by_case() == {}


@pytest.mark.postgres
@pytest.mark.slow
def test_a_closed_window_leaves_at_once_and_a_crashed_one_within_30_seconds_by_default(
    window, team_store: Services, desktops, qtbot
) -> None:
    url = team_store.url
    model = window.case_model
    assert window.presence.link.tracker.expiry == EXPIRY <= 30
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=10000)
    window.live.start()
    qtbot.waitUntil(lambda: window.live.live, timeout=10000)
    case_id = model.case_id(2)
    # Two desktops start together (the machine is small): one will close, one will crash.
    closing = desktops(url, "Marco Bianchi")
    crashing = desktops(url, "Sara Conti")
    closing.expect(qtbot, "ready", START_WITHIN)
    crashing.expect(qtbot, "ready", START_WITHIN)
    closing.say(f"open {case_id}")
    crashing.say(f"open {case_id}")
    opened = max(closing.expect(qtbot, f"opened {case_id}"), crashing.expect(qtbot, f"opened {case_id}"))
    _shown(
        qtbot,
        lambda: _list_words(window, case_id) == "Marco Bianchi is viewing · Sara Conti is viewing",
        opened,
        SHOWN_WITHIN,
    )

    closing.say("close")
    closed = closing.expect(qtbot, "closed")
    _shown(qtbot, lambda: _list_words(window, case_id) == "Sara Conti is viewing", closed, SHOWN_WITHIN)
    assert closing.proc.wait(timeout=30) == 0

    # Killed right after a heartbeat at worst: still gone within 30 s, by the default expiry.
    crashing.proc.kill()
    killed = time.monotonic()
    took = _shown(qtbot, lambda: _list_words(window, case_id) is None, killed, 30.0)
    assert took > 1.0  # it went by expiry (nothing can say "left" for a killed process)


def test_the_embedded_store_has_no_presence_and_no_errors(make_window, qtbot) -> None:
    window = make_window()
    model = window.case_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10000)
    window.live.start()
    assert window.presence.enabled is False
    case_id = model.case_id(0)
    _open_here(window, qtbot, case_id)
    qtbot.waitUntil(lambda: window.composer.isEnabled(), timeout=10000)
    window.composer.editor.setFocus()
    window.composer.editor.insertPlainText("ciao")
    window.presence.typed()
    assert window.presence.link._task is None  # nothing runs, nothing is sent
    assert window.presence.link.sent == 0
    assert _strip_words(window) is None and _list_words(window, case_id) is None
