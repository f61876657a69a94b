"""Business hours: is an instant inside working hours, add and measure business time.

A :class:`Calendar` is a time zone, the working intervals of each weekday (several per day:
lunch breaks, split shifts) and the days off (national/regional holidays from the
``holidays`` package, plus dates an admin adds). Qt-free and store-free: the SLA clocks get
one from ``services.hours.calendar(name)`` and call :meth:`Calendar.add`,
:meth:`Calendar.measure` and :meth:`Calendar.add_days`.

What a wall-clock interval means on a day the clocks change: an instant is working time when
the local clock then shows a working day and a time inside one of its intervals. So on the
spring-forward day a 01:00-04:00 shift lasts two real hours (02:00-03:00 never happens), on
the fall-back day three... or four, since 02:00-03:00 happens twice and is worked twice; an
interval starting inside the repeated hour is open during both passes of it. The engine
computes, once per local date, the UTC intervals that satisfy exactly that (one piece per
UTC offset in force that day), so nothing walks minute by minute; the tests compare it with
a minute-by-minute walk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
#: How far :meth:`Calendar.add` looks before saying the calendar never opens.
_HORIZON_DAYS = 3 * 366
# Every offset in use is within +-14 h of UTC: the instants of a local date lie in this window.
_REACH = timedelta(hours=14)

Interval = tuple[datetime, datetime]


class HoursError(ValueError):
    """Business hours refused, in words (a bad zone, interval, region or date)."""


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (IANA, e.g. Europe/Rome), or a refusal in words."""
    if not name or name != name.strip() or name not in _zone_names():
        raise HoursError(f"unknown time zone {name!r} (an IANA name such as Europe/Rome or America/New_York)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HoursError(f"unknown time zone {name!r}") from exc


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_day(text: str) -> tuple[int, tuple[tuple[int, int], ...]]:
    """``mon=09:00-13:00,14:00-18:00`` -> (0, ((540, 780), (840, 1080))); minutes of the day,
    end 24:00 allowed. ``sat=`` or ``sat=closed`` says the day is closed."""
    name, sep, spans = text.partition("=")
    name = name.strip().lower()[:3]
    if not sep or name not in DAY_NAMES:
        raise HoursError(f"a day is written like mon=09:00-13:00,14:00-18:00, not {text!r}")
    spans = spans.strip()
    if spans.lower() in ("", "closed", "-"):
        return DAY_NAMES.index(name), ()
    out = []
    for part in spans.split(","):
        m = _SPAN.match(part.strip())
        if m is None:
            raise HoursError(f"{name}: an interval is written like 09:00-13:00, not {part.strip()!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise HoursError(f"{name}: {part.strip()} is not a time of day")
        out.append((h1 * 60 + m1, h2 * 60 + m2))
    return DAY_NAMES.index(name), check_intervals(name, out)


def check_intervals(name: str, spans: Iterable[Sequence[int]]) -> tuple[tuple[int, int], ...]:
    """The intervals sorted, or a refusal when one ends before it starts or two overlap."""
    ordered = sorted((int(a), int(b)) for a, b in spans)
    for a, b in ordered:
        if not 0 <= a < b <= DAY_MINUTES:
            raise HoursError(f"{name}: {_hm(a)}-{_hm(b)} ends before it starts")
    for (a1, b1), (a2, b2) in zip(ordered, ordered[1:], strict=False):
        if a2 < b1:
            raise HoursError(f"{name}: {_hm(a1)}-{_hm(b1)} and {_hm(a2)}-{_hm(b2)} overlap")
    return tuple(ordered)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_text(spans: Sequence[tuple[int, int]]) -> str:
    """(540, 780), (840, 1080) -> '09:00-13:00,14:00-18:00'."""
    return ",".join(f"{_hm(a)}-{_hm(b)}" for a, b in spans)


@functools.lru_cache(maxsize=64)
def holiday_source(region: str | None) -> Any:
    """The ``holidays`` package's calendar for 'IT' or 'IT-RM' (country, subdivision), or a
    refusal naming what it supports."""
    if not region:
        return None
    import holidays

    country, _, subdiv = region.strip().upper().partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdiv or None)
    except NotImplementedError as exc:
        supported = holidays.list_supported_countries()
        if country not in supported:
            raise HoursError(
                f"no holidays known for country {country!r} (ISO codes such as IT, US, DE)"
            ) from exc
        subs = ", ".join(supported[country]) or "none"
        raise HoursError(f"{country} has no region {subdiv!r} (known: {subs})") from exc


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise HoursError(f"not a date (YYYY-MM-DD): {text!r}") from exc


@dataclass
class Calendar:
    """A named working calendar. ``days`` maps weekday (0 Monday) to sorted, disjoint
    intervals in minutes of the local day; ``region`` e.g. 'IT' or 'IT-RM'."""

    name: str
    timezone: str
    days: Mapping[int, tuple[tuple[int, int], ...]]
    region: str | None = None
    extra: frozenset[date] = frozenset()
    _tz: ZoneInfo = field(init=False, repr=False)
    _source: Any = field(init=False, repr=False)
    _cache: dict[date, tuple[Interval, ...]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._tz = zone(self.timezone)
        self.days = {d: check_intervals(DAY_NAMES[d], s) for d, s in self.days.items() if s}
        self._source = holiday_source(self.region)

    # -- days -------------------------------------------------------------------------------
    def is_holiday(self, day: date) -> bool:
        return day in self.extra or (self._source is not None and day in self._source)

    def is_business_day(self, day: date) -> bool:
        return bool(self.days.get(day.weekday())) and not self.is_holiday(day)

    def day_intervals(self, day: date) -> tuple[Interval, ...]:
        """The UTC intervals of working time on the local date ``day`` (cached)."""
        got = self._cache.get(day)
        if got is None:
            got = self._cache[day] = self._compute(day) if self.is_business_day(day) else ()
        return got

    def _compute(self, day: date) -> tuple[Interval, ...]:
        midnight = datetime.combine(day, time())
        out: list[Interval] = []
        for lo, hi, offset in self._pieces(midnight):
            for a, b in self.days[day.weekday()]:
                # The UTC instants whose local clock, under this offset, shows day a..b.
                s = max(lo, (midnight + timedelta(minutes=a) - offset).replace(tzinfo=UTC))
                e = min(hi, (midnight + timedelta(minutes=b) - offset).replace(tzinfo=UTC))
                if s < e:
                    out.append((s, e))
        return tuple(_merge(out))

    def _pieces(self, midnight: datetime) -> list[tuple[datetime, datetime, timedelta]]:
        """The stretches of UTC time around a local date with one UTC offset each."""
        lo = (midnight - _REACH).replace(tzinfo=UTC)
        hi = (midnight + timedelta(days=1) + _REACH).replace(tzinfo=UTC)
        cuts = [lo]
        self._transitions(lo, hi, cuts)
        cuts.append(hi)
        return [(a, b, self._offset(a)) for a, b in zip(cuts, cuts[1:], strict=False)]

    def _transitions(self, lo: datetime, hi: datetime, cuts: list[datetime]) -> None:
        # Sampled every 6 hours (real zones never change twice within that), then bisected
        # to the second where the offset changes.
        step = timedelta(hours=6)
        a = lo
        while a < hi:
            b = min(a + step, hi)
            if self._offset(a) != self._offset(b):
                x, y = a, b  # offset(x) differs from offset(y): the change is in (x, y]
                while y - x > timedelta(seconds=1):
                    mid = x + timedelta(seconds=int((y - x).total_seconds()) // 2)
                    x, y = (mid, y) if self._offset(mid) == self._offset(x) else (x, mid)
                cuts.append(y)
            a = b

    def _offset(self, at: datetime) -> timedelta:
        return at.astimezone(self._tz).utcoffset() or timedelta(0)

    # -- instants ---------------------------------------------------------------------------
    def local_date(self, at: datetime) -> date:
        return _utc(at).astimezone(self._tz).date()

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` is inside working hours."""
        at = _utc(at)
        return any(s <= at < e for s, e in self.day_intervals(self.local_date(at)))

    def intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """The working intervals between two instants, clipped, in order."""
        start, end = _utc(start), _utc(end)
        day = self.local_date(start) - timedelta(days=1)
        last = self.local_date(end) + timedelta(days=1)
        while day <= last:
            for s, e in self.day_intervals(day):
                s, e = max(s, start), min(e, end)
                if s < e:
                    yield s, e
            day += timedelta(days=1)

    def measure(self, start: datetime, end: datetime, pauses: Iterable[Interval] = ()) -> timedelta:
        """Business time from ``start`` to ``end`` (negative when end is earlier), less the
        ``pauses`` (intervals when the clock stood still: pending, snoozed)."""
        if _utc(end) < _utc(start):
            return -self.measure(end, start, pauses)
        stops = _merge([(_utc(a), _utc(b)) for a, b in pauses if _utc(a) < _utc(b)])
        total = timedelta(0)
        for s, e in self.intervals(start, end):
            total += e - s
            for a, b in stops:
                if a < e and s < b:
                    total -= min(b, e) - max(a, s)
        return total

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant with ``duration`` of business time since ``start``."""
        start = _utc(start)
        if duration <= timedelta(0):
            if duration < timedelta(0):
                raise HoursError("a business duration to add cannot be negative")
            return start
        left = duration
        day = self.local_date(start) - timedelta(days=1)
        for _ in range(_HORIZON_DAYS):
            for s, e in self.day_intervals(day):
                if e <= start:
                    continue
                s = max(s, start)
                if e - s >= left:
                    return s + left
                left -= e - s
            day += timedelta(days=1)
        raise HoursError(f"calendar {self.name!r} has no working time within three years")

    def add_days(self, start: datetime, days: int) -> datetime:
        """``days`` business days after ``start``: as far into the n-th next business day as
        ``start`` is into its own (the day's length at most). A start outside working hours
        counts from the end of the last business day before it, so a Friday-evening case due
        in one day is due Monday at closing time, not Tuesday at opening."""
        start = _utc(start)
        if days < 0:
            raise HoursError("business days to add cannot be negative")
        day = self.local_date(start)
        for _ in range(_HORIZON_DAYS):
            got = self.day_intervals(day)
            if got and got[0][0] <= start:
                break
            day -= timedelta(days=1)
        else:
            raise HoursError(f"calendar {self.name!r} has no working time within three years")
        into = self.measure(got[0][0], min(start, got[-1][1]))
        for _ in range(days):
            day += timedelta(days=1)
            for _ in range(_HORIZON_DAYS):
                if self.day_intervals(day):
                    break
                day += timedelta(days=1)
        target = self.day_intervals(day)
        length = sum((e - s for s, e in target), timedelta(0))
        if days == 0:
            return start
        return self.add(target[0][0], min(into, length))


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise HoursError("an instant needs its time zone (aware datetime)")
    return at.astimezone(UTC)


def _merge(spans: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
