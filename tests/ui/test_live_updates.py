"""Team mode: a window shows what other processes change, and says when it cannot hear them.

The window (pytest-qt) and the changes run in separate processes on one real PostgreSQL:
`inbox-app` assigns, resolves, writes a note and sends a reply; the server is then stopped
and started again under the open window.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6

from inbox_app.app import Services, build
from tests.servers.postgres import PostgresServer
from tests.ui.seed import seed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
]
# The target is a change shown within 1 s of the other process's commit (benchmarked with
# 20 desktops); the test allows for a busy 2-core machine, and still fails if the window
# never hears of it.
SHOWN_WITHIN = 3.0


@pytest.fixture()
def server(own_server: PostgresServer) -> PostgresServer:
    """A server of its own: the test stops and starts it under the window."""
    return own_server


@pytest.fixture()
def team_store(server: PostgresServer, tmp_path: Path, loop) -> Iterator[Services]:  # noqa: ARG001
    services = build(server.url("inbox"), migrate=True)
    services.extra["seed"] = seed(services, tmp_path)
    yield services
    services.close()


@pytest.fixture()
def window(team_store: Services, qtbot, loop):
    from inbox_app.ui.launch import build_window

    win = build_window(team_store, "Giulia Rossi")
    qtbot.addWidget(win)
    win.show()
    yield win
    if shiboken6.isValid(win):
        win.close()
    win.ws.bridge.close()
    task = loop.create_task(win.ws.tasks.cancel_all())
    qtbot.waitUntil(task.done, timeout=15000)


def _inbox_app(url: str, *args: str) -> float:
    """Runs one command in a process of its own; returns when it ended (monotonic)."""
    proc = subprocess.run(
        [sys.executable, "-m", "inbox_app", "--database", url, "--as", "Marco Bianchi", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return time.monotonic()


def _within(qtbot, check, seconds: float, since: float) -> None:
    qtbot.waitUntil(check, timeout=int(seconds * 1000) + 2000)
    took = time.monotonic() - since
    assert took <= seconds, f"shown {took:.2f} s after the other process finished"


def test_window_shows_other_processes_changes_and_catches_up_after_an_outage(
    window, team_store: Services, server: PostgresServer, qtbot
) -> None:
    url = server.url("inbox")
    model = window.case_model
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=10000)
    # Listening only: the accounts are the worker's (here: `sync --once` in another process).
    window.live.start()
    qtbot.waitUntil(lambda: window.live.live, timeout=10000)
    assert not window.live.mark.isVisibleTo(window)

    case_id = model.case_id(0)
    window.jump_to_case(case_id)
    qtbot.waitUntil(lambda: window.case is not None and window.case.id == case_id)
    qtbot.waitUntil(lambda: not window.timeline_model.loading and window.timeline_model.rowCount() > 0)
    notes_before = window.timeline_model.rowCount()

    # An assignment by another process (Marco takes the case): the row names him.
    done = _inbox_app(url, "cases", "assign", str(case_id), "Marco Bianchi")
    _within(
        qtbot,
        lambda: getattr(model.cached_row(case_id), "assignee", None) == "Marco Bianchi",
        SHOWN_WITHIN,
        done,
    )

    # A note written elsewhere joins the open timeline.
    done = _inbox_app(url, "reply", str(case_id), "--note", "--text", "Chiamato il corriere")
    _within(qtbot, lambda: window.timeline_model.rowCount() == notes_before + 1, SHOWN_WITHIN, done)

    # A reply queued and then sent by another process: its delivery state follows.
    _inbox_app(url, "reply", str(case_id), "--text", "Arriva domani.")
    done = _inbox_app(url, "sync", "--once")
    _within(
        qtbot,
        lambda: any(
            window.timeline_model.message(r).delivery == "sent"
            and window.timeline_model.message(r).text == "Arriva domani."
            for r in range(window.timeline_model.rowCount())
        ),
        SHOWN_WITHIN,
        done,
    )

    # A resolution elsewhere takes the case out of "All open".
    other = model.case_id(1)
    done = _inbox_app(url, "cases", "status", str(other), "resolved")
    _within(qtbot, lambda: model.row_of(other) is None, SHOWN_WITHIN, done)

    # The server goes away: the window says it is not live.
    server.pause()
    qtbot.waitUntil(lambda: window.live.mark.isVisibleTo(window), timeout=10000)
    assert "Not live" in window.live.mark.text()
    server.resume()
    # Changed while the window's feed is still reconnecting: that notification is lost,
    # and the window must catch up by reading again once it is back.
    third = model.case_id(1)
    done = _inbox_app(url, "cases", "status", str(third), "resolved")
    qtbot.waitUntil(lambda: window.live.live and not window.live.mark.isVisibleTo(window), timeout=20000)
    qtbot.waitUntil(lambda: model.row_of(third) is None, timeout=5000)


def test_a_window_acting_on_a_case_another_process_just_changed_is_refused_then_sees_it(
    window, team_store: Services, server: PostgresServer, qtbot
) -> None:
    """No stale write from the window: an action based on the version it showed is refused,
    in words naming who changed the case, once another process changed it; the case on show
    then follows the change, and the next action, based on what is now shown, goes through."""
    url = server.url("inbox")
    model = window.case_model
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=10000)
    window.live.start()
    qtbot.waitUntil(lambda: window.live.live, timeout=10000)
    case_id = model.case_id(0)
    window.jump_to_case(case_id)
    qtbot.waitUntil(lambda: window.case is not None and window.case.id == case_id)
    shown = window.case.version

    refused: list[str] = []
    window.actions_.refused.connect(refused.append)
    # The agent decides on what was shown, whether or not Marco's change is heard by then.
    _inbox_app(url, "cases", "status", str(case_id), "resolved")
    window.actions_.set_priority(case_id, "urgent", based_on=shown)
    qtbot.waitUntil(lambda: bool(refused), timeout=10000)
    assert refused[0].startswith(f"Case #{case_id} was just resolved by Marco Bianchi at ")
    assert refused[0].endswith("Nothing was changed: look at it again and retry.")
    assert team_store.queries.case(case_id).priority != "urgent"
    assert window.statusBar().currentMessage() == refused[0]

    # Heard: the case on show follows, and an action based on it goes through.
    qtbot.waitUntil(lambda: window.case.version == shown + 1, timeout=10000)
    window.window_actions.set_status("open")
    qtbot.waitUntil(lambda: team_store.queries.case(case_id).status == "open", timeout=10000)
    assert len(refused) == 1
