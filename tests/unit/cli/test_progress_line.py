"""The terminal's progress line: what it says at each step, with a clock the test moves."""

from __future__ import annotations

import io
import os

import pytest

from inbox_app.cli import progress
from inbox_app.cli.progress import CLEAR, TerminalProgress, wanted
from inbox_app.core.events import EventBus, SyncProgressed


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(progress.shutil, "get_terminal_size", lambda fallback: os.terminal_size((100, 30)))
    return now


def test_rate_and_time_left_follow_the_batches_and_the_finished_account_keeps_its_line(
    clock: list[float],
) -> None:
    bus, tty = EventBus(), Tty()
    live = TerminalProgress(bus, tty)
    bus.publish(SyncProgressed(1, "mail", started=True))
    assert tty.getvalue() == ""  # connecting and planning: nothing to say yet
    clock[0] += 2.0
    bus.publish(SyncProgressed(1, "mail", fetched=1000, stored=990, total=10000))
    clock[0] += 0.1  # too soon to draw again
    bus.publish(SyncProgressed(1, "mail", fetched=1500, stored=1490, total=10000))
    clock[0] += 0.9
    bus.publish(SyncProgressed(1, "mail", fetched=2000, stored=1990, total=10000))
    live.say("mail: syncing")
    clock[0] += 7.0
    bus.publish(SyncProgressed(1, "mail", fetched=10000, stored=9990, total=10000))
    bus.publish(SyncProgressed(1, "mail", fetched=10000, stored=9990, total=10000))  # a cursor-only batch
    live.close()
    assert tty.getvalue().split(CLEAR)[1:] == [
        "mail: 1,000 of 10,000 fetched, 990 stored",
        # 1,000 more in one second since the first batch: 8,000 left at that rate.
        "mail: 2,000 of 10,000 fetched, 1,990 stored, 1,000 messages/s, 8 s left",
        "mail: syncing\nmail: 2,000 of 10,000 fetched, 1,990 stored, 1,000 messages/s, 8 s left",
        "mail: 10,000 of 10,000 fetched, 9,990 stored in 10 s (1,125 messages/s)\n",
    ]


def test_two_accounts_share_the_line_and_a_long_one_is_cut_to_the_terminal(clock: list[float]) -> None:
    bus, tty = EventBus(), Tty()
    TerminalProgress(bus, tty)
    bus.publish(SyncProgressed(1, "mail", fetched=250, stored=250, total=700000))
    clock[0] += 1
    bus.publish(SyncProgressed(2, "chat", fetched=10, stored=10, total=20))
    assert tty.getvalue().split(CLEAR)[-1] == (
        "mail: 250 of 700,000 fetched, 250 stored | chat: 10 of 20 fetched, 10 stored"
    )
    clock[0] += 1
    bus.publish(SyncProgressed(1, "mail", fetched=3850, stored=3850, total=700000))
    # 3,600 in two seconds: 696,150 left is 386.75 s; the line is cut at the terminal's width.
    shown = tty.getvalue().split(CLEAR)[-1]
    assert shown == (
        "mail: 3,850 of 700,000 fetched, 3,850 stored, 1,800 messages/s, 6 min 27 s left | chat: 10 of 20 f…"
    )
    assert len(shown) == 99


def test_only_a_terminal_without_json_wants_it() -> None:
    assert wanted(Tty(), as_json=False)
    assert not wanted(Tty(), as_json=True)
    assert not wanted(io.StringIO(), as_json=False)
