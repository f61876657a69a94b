"""The SLA engine: which policy applies to a case, and where each of its clocks stands.

Computed from the case history (core/service/events.py) alone, so a clock can always be
recomputed and explained. A case's current *segment* begins at its latest ``opened`` event
(a reopened case is a new segment). In it:

- **first reply**: from the segment's start to the first public reply;
- **next reply**: after that, from the oldest customer message not yet answered to the
  next public reply; it starts again with each unanswered message;
- **resolution**: from the segment's start to its resolution, standing still while the
  case is pending or snoozed.

Resolving a case ends its segment: reply clocks still running then stop (they are neither
met nor missed unless their due time had already passed). Durations count business time
when the policy names a calendar (the hours engine, core/service/hours.py), else calendar
time. Clocks start when the customer's message reached the business, as the history says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from inbox_app.core.service.events import Event, Kind
from inbox_app.core.service.hours import Calendar, Interval

TARGETS = ("first_reply", "next_reply", "resolution")
#: The share of a target's time after which it is "at risk": amber in the list, a warning.
WARN = 0.75
_PAUSING = ("pending", "snoozed")
_DURATION = re.compile(r"^\s*(\d{1,5})\s*([mhd])\s*$", re.IGNORECASE)


class SlaError(ValueError):
    """An SLA policy refused, in words."""


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # m, h or d

    @property
    def text(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_duration(text: str) -> Duration:
    """``30m``, ``4h``, ``2d`` (d: business days with a calendar, else calendar days)."""
    m = _DURATION.match(text or "")
    if m is None or int(m.group(1)) == 0:
        raise SlaError(f"a duration is written like 30m, 4h or 2d (more than zero), not {text!r}")
    return Duration(int(m.group(1)), m.group(2).lower())


@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    position: int
    targets: dict[str, Duration | None]
    calendar: Calendar | None = None
    team_id: int | None = None
    channel: str | None = None
    priority: str | None = None

    @property
    def business(self) -> bool:
        return self.calendar is not None

    def matches(self, team_id: int | None, channels: Iterable[str], priority: str | None) -> bool:
        if self.team_id is not None and self.team_id != team_id:
            return False
        if self.channel is not None and self.channel.lower() not in {c.lower() for c in channels}:
            return False
        return self.priority is None or self.priority == priority

    def due(self, target: str, start: datetime, pauses: Sequence[Interval] = ()) -> datetime | None:
        """When ``target`` is due for a clock started at ``start`` that stood still during
        ``pauses`` (closed intervals); None when the policy sets no such target."""
        duration = self.targets.get(target)
        if duration is None:
            return None
        # A busy case is refreshed with each batch of its messages: its clocks' starts and
        # pauses rarely change, so neither does the answer.
        key = (self.id, id(self.calendar), duration, start, tuple(pauses))
        got = _DUE_CACHE.get(key)
        if got is None:
            if len(_DUE_CACHE) > 50_000:
                _DUE_CACHE.clear()
            got = _DUE_CACHE[key] = self._due(duration, start, pauses)
        return got

    def _due(self, duration: Duration, start: datetime, pauses: Sequence[Interval]) -> datetime:
        cal = self.calendar
        if duration.unit == "d":
            if cal is not None:
                if not pauses:
                    return cal.add_days(start, duration.amount)
                length = cal.measure(start, cal.add_days(start, duration.amount))
            else:
                length = timedelta(days=duration.amount)
        else:
            length = timedelta(**{"minutes" if duration.unit == "m" else "hours": duration.amount})
        return self._run(start, length, pauses)

    def warn_at(
        self, start: datetime, due: datetime, pauses: Sequence[Interval] = (), share: float = WARN
    ) -> datetime:
        """When a clock from ``start`` to ``due`` has used ``share`` of its time (business
        time with a calendar), not counting ``pauses``."""
        cal = self.calendar
        if cal is not None:
            length = cal.measure(start, due, pauses)
        else:
            length = due - start
            for a, b in pauses:
                if a < due and start < b:
                    length -= min(b, due) - max(a, start)
        return self._run(start, length * share, pauses)

    def _run(self, start: datetime, left: timedelta, pauses: Sequence[Interval]) -> datetime:
        cal, t = self.calendar, start
        for a, b in sorted(pauses):
            if b <= t:
                continue
            if a > t:
                got = cal.measure(t, a) if cal is not None else a - t
                if got >= left:
                    break
                left -= got
            t = max(t, b)
        return cal.add(t, left) if cal is not None else t + left


_DUE_CACHE: dict[tuple[object, ...], datetime] = {}


def first_match(
    policies: Sequence[Policy], team_id: int | None, channels: Iterable[str], priority: str | None
) -> Policy | None:
    """The first policy (by position) that matches the case, or None."""
    chans = list(channels)
    for policy in sorted(policies, key=lambda p: p.position):
        if policy.matches(team_id, chans, priority):
            return policy
    return None


@dataclass
class Clock:
    """One target's clock in the current segment (for next reply: its current cycle)."""

    target: str
    start: datetime
    due: datetime | None  # None while it stands still (paused)
    fulfilled_at: datetime | None = None
    stopped_at: datetime | None = None  # the segment ended (resolved) before it was met
    paused_since: datetime | None = None
    resumed_at: datetime | None = None  # when it last started running again
    breached: bool = False
    warn_at: datetime | None = None  # when 75 % of its time is used (running clocks)

    @property
    def running(self) -> bool:
        return self.fulfilled_at is None and self.stopped_at is None

    @property
    def pending_due(self) -> datetime | None:
        """The due time while the target is still to be met, else None."""
        return self.due if self.running else None


@dataclass
class Segment:
    start: datetime
    clocks: dict[str, Clock] = field(default_factory=dict)
    resolved_at: datetime | None = None
    paused: bool = False


def segment(history: Sequence[Event], policy: Policy, now: datetime) -> Segment | None:
    """The current segment of a case and its clocks under ``policy`` at ``now``."""
    if not history:
        return None
    begin = 0
    for i, e in enumerate(history):
        if e.kind == Kind.OPENED:
            begin = i
    events = history[begin:]
    seg = Segment(events[0].at)
    first_reply_at: datetime | None = None
    waiting: datetime | None = None  # oldest unanswered customer message after the first reply
    cycle: tuple[datetime, datetime | None] | None = None  # next reply: (start, answered at)
    pauses: list[Interval] = []
    paused_since: datetime | None = None
    last_resume: datetime | None = None
    for e in events:
        if e.kind == Kind.OUTBOUND:
            if first_reply_at is None:
                first_reply_at = e.at
            elif waiting is not None:
                cycle = (waiting, e.at)
            waiting = None
        elif e.kind == Kind.INBOUND and first_reply_at is not None and waiting is None:
            waiting = e.at
            cycle = (e.at, None)
        elif e.kind == Kind.STATUS and e.detail and seg.resolved_at is None:
            to = e.detail.get("to")
            if to in _PAUSING and paused_since is None:
                paused_since = e.at
            elif to not in _PAUSING and paused_since is not None:
                pauses.append((paused_since, e.at))
                paused_since, last_resume = None, e.at
            if to == "resolved":
                seg.resolved_at = e.at
    end = seg.resolved_at
    if policy.targets.get("first_reply") is not None:
        clock = Clock("first_reply", seg.start, policy.due("first_reply", seg.start))
        clock.fulfilled_at = (
            first_reply_at if first_reply_at is not None and (end is None or first_reply_at <= end) else None
        )
        _close(clock, end, now)
        seg.clocks["first_reply"] = clock
    if policy.targets.get("next_reply") is not None and cycle is not None:
        clock = Clock("next_reply", cycle[0], policy.due("next_reply", cycle[0]))
        clock.fulfilled_at = cycle[1]
        _close(clock, end, now)
        seg.clocks["next_reply"] = clock
    if policy.targets.get("resolution") is not None:
        closed = list(pauses)
        if paused_since is not None and end is not None:
            closed.append((paused_since, end))  # resolved while pending: the pause ends there
        clock = Clock("resolution", seg.start, None, fulfilled_at=end, resumed_at=last_resume)
        if paused_since is not None and end is None:
            clock.paused_since = paused_since
            seg.paused = True
        else:
            clock.due = policy.due("resolution", seg.start, closed)
        _close(clock, None, now)
        seg.clocks["resolution"] = clock
    # The 75 % mark of the clock due first (the one the list and the warnings show).
    running = [c for c in seg.clocks.values() if c.running and c.due is not None]
    if running and min(c.due for c in running if c.due is not None) > now:  # past due: no 75 % to tell
        clock = min(running, key=lambda c: (c.due, c.target))
        clock.warn_at = policy.warn_at(
            clock.start, clock.due or now, pauses if clock.target == "resolution" else []
        )
    return seg


def _close(clock: Clock, end: datetime | None, now: datetime) -> None:
    """Whether the clock was missed, and whether the segment's end stopped it first."""
    if clock.fulfilled_at is None and end is not None:
        clock.stopped_at = end
    until = clock.fulfilled_at or clock.stopped_at or now
    clock.breached = clock.due is not None and (
        clock.due < until if clock.fulfilled_at or clock.stopped_at else clock.due <= until
    )
