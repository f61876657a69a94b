"""How far a sync is, on a terminal: one line on standard error, rewritten in place.

Per account: the messages fetched and stored of those the round found waiting, the
rate and the time left, as the window's status bar shows a first sync. When an
account's round has read everything it found, its line is kept (with how long it
took) and the live line goes on with the others. Only for a terminal: a pipe, a
log file or ``--json`` gets nothing from here (see :func:`wanted`).
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass
from typing import TextIO

from inbox_app.core.events import EventBus, SyncProgressed

#: At most this often is the live line written again (a fast import sends many batches).
REDRAW = 0.2
CLEAR = "\r\x1b[K"  # back to the line's start, erase it


def wanted(stream: TextIO, as_json: bool) -> bool:
    """Progress goes to ``stream`` only when a person watches it."""
    try:
        return not as_json and stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream is nobody's terminal
        return False


@dataclass
class _Account:
    name: str
    started: float
    fetched: int = 0
    stored: int = 0
    total: int | None = None
    # The first batch's count and time: the rate is measured from there, since the time
    # before it went to connecting and planning rather than to messages.
    base: tuple[int, float] | None = None
    finished: bool = False

    def rate(self, now: float) -> float | None:
        if self.base is None or now - self.base[1] < 0.05 or self.fetched <= self.base[0]:
            return None
        return (self.fetched - self.base[0]) / (now - self.base[1])

    def line(self, now: float) -> str:
        total = f" of {self.total:,}" if self.total is not None else ""
        words = f"{self.name}: {self.fetched:,}{total} fetched, {self.stored:,} stored"
        rate = self.rate(now)
        if rate is None:
            return words
        words += f", {rate:,.0f} messages/s"
        if self.total is not None and self.total > self.fetched:
            words += f", {_duration((self.total - self.fetched) / rate)} left"
        return words

    def done_line(self, now: float) -> str:
        words = f"{self.name}: {self.fetched:,}{f' of {self.total:,}' if self.total is not None else ''} fetched, "
        words += f"{self.stored:,} stored in {_duration(now - self.started)}"
        rate = self.rate(now)
        return words + (f" ({rate:,.0f} messages/s)" if rate is not None else "")


class TerminalProgress:
    """Listens to :class:`SyncProgressed` on ``bus`` and keeps one live line on ``stream``.

    Other lines for the same terminal go through :meth:`say`, so they never land in
    the middle of the live line. Thread-safe: events come from the loop, status lines
    from the worker's printer thread.
    """

    def __init__(self, bus: EventBus, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._accounts: dict[int, _Account] = {}
        self._shown = ""
        self._drawn_at = 0.0
        self._unsubscribe = bus.subscribe(SyncProgressed, self._on_progress)

    def close(self) -> None:
        """Stop listening; the live line is erased (the report follows it)."""
        self._unsubscribe()
        with self._lock:
            self._accounts.clear()
            if self._shown:
                self._write(CLEAR)
                self._shown = ""

    def say(self, text: str) -> None:
        """A line of its own, above the live line."""
        with self._lock:
            self._write(CLEAR + text + "\n" + self._shown)

    # ------------------------------------------------------------------ events

    def _on_progress(self, event: SyncProgressed) -> None:
        now = time.monotonic()
        with self._lock:
            state = self._accounts.get(event.account_id)
            if event.started or state is None:
                state = self._accounts[event.account_id] = _Account(event.account, now)
                if event.started:
                    return
            if state.finished:
                return  # the round's closing batches (cursors only) after its last message
            state.fetched, state.stored, state.total = event.fetched, event.stored, event.total
            if state.base is None:
                state.base = (event.fetched, now)
            if state.total is not None and state.fetched >= state.total:
                state.finished = True
                if state.total:
                    # Everything found was read: this account's line stays, with its time.
                    self._write(CLEAR + state.done_line(now) + "\n")
                    self._shown = ""
                self._draw(force=True)
                return
            self._draw(force=False)

    def _draw(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW:
            return
        self._drawn_at = now
        width = max(20, shutil.get_terminal_size((100, 24)).columns - 1)
        text = " | ".join(
            a.line(now) for a in self._accounts.values() if a.base is not None and not a.finished
        )
        if len(text) > width:
            text = text[: width - 1] + "…"
        if text != self._shown:
            self._write(CLEAR + text)
            self._shown = text

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: the sync itself goes on
            pass


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
