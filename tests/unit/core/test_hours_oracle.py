"""The business-hours engine against a minute-by-minute walk, on generated calendars and
instants around the daylight-saving changes of Rome and New York."""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_app.core.service.hours import Calendar

MINUTE = timedelta(minutes=1)
WALK_LIMIT = timedelta(days=3)
# Instants near the 2026 changes (Rome: 29 Mar, 25 Oct; New York: 8 Mar, 1 Nov) and
# ordinary weeks, so the walk crosses gaps, repeated hours, weekends and holidays.
ANCHORS = [
    datetime(2026, 3, 28, 12, tzinfo=UTC),
    datetime(2026, 10, 24, 12, tzinfo=UTC),
    datetime(2026, 3, 7, 18, tzinfo=UTC),
    datetime(2026, 10, 31, 18, tzinfo=UTC),
    datetime(2026, 12, 24, 8, tzinfo=UTC),
]
ZONES = ["Europe/Rome", "America/New_York"]
_ZONE = {name: ZoneInfo(name) for name in ZONES}


def week(seed: int) -> dict[int, tuple[tuple[int, int], ...]]:
    """Up to three disjoint intervals a day on a 30-minute grid (01:00-04:00, the hours the
    clocks change, as likely as any), laid out from one drawn number: drawing seven lists of
    cut points costs Hypothesis more time than the whole minute walk."""
    rnd = random.Random(seed)
    out = {}
    for day in range(7):
        cuts = sorted(set(rnd.choices(range(49), k=rnd.choice((0, 0, 2, 2, 4, 4, 6)))))
        cuts = cuts[: len(cuts) // 2 * 2]
        out[day] = tuple((cuts[i] * 30, cuts[i + 1] * 30) for i in range(0, len(cuts), 2))
    return out


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    days = week(draw(st.integers(0, 2**32)))
    if not any(days.values()):
        days[draw(st.integers(0, 6))] = ((120, 180),)
    region = draw(st.sampled_from([None, None, "IT", "IT-RM", "US-NY"]))
    extra = frozenset(draw(st.lists(st.dates(date(2026, 3, 1), date(2027, 1, 10)), max_size=3)))
    return Calendar("c", draw(st.sampled_from(ZONES)), days, region, extra)


def instants() -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda anchor, minutes: anchor + timedelta(minutes=minutes),
        st.sampled_from(ANCHORS),
        st.integers(-24 * 60, 24 * 60),
    )


def oracle_open(cal: Calendar, at: datetime) -> bool:
    """Whether the local clock at ``at`` shows a working day and a time in one of its intervals."""
    local = at.astimezone(_ZONE[cal.timezone])
    day = local.date()
    spans = _WORKING.get((id(cal), day))
    if spans is None:
        spans = _WORKING[(id(cal), day)] = () if cal.is_holiday(day) else cal.days.get(day.weekday(), ())
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in spans)


# The day's intervals (none on a holiday), looked up once per calendar and date: the walk
# asks for every minute, and the holidays package is slow to ask.
_WORKING: dict[tuple[int, date], tuple[tuple[int, int], ...]] = {}


def oracle_walk(cal: Calendar, start: datetime, length: int, business: int) -> tuple[list[bool], int | None]:
    """Minute by minute from ``start``: whether each minute is open, for at least ``length``
    minutes, and the minutes until ``business`` open ones have passed (None when that is
    more than 3 days away: a sparse calendar; then the engine must answer later than that)."""
    flags: list[bool] = []
    at, seen, due = start, 0, None if business else 0
    limit = int(WALK_LIMIT / MINUTE)
    while len(flags) < length or (due is None and len(flags) < limit):
        is_open = oracle_open(cal, at)
        flags.append(is_open)
        seen += is_open
        if due is None and seen == business:
            due = len(flags)
        at += MINUTE
    return flags, due


@settings(
    max_examples=int(os.environ.get("HOURS_EXAMPLES", "10000")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    cal=calendars(),
    start=instants(),
    length=st.integers(0, 12 * 60),
    pause=st.tuples(st.integers(0, 12 * 60), st.integers(0, 6 * 60)),
    business=st.integers(0, 4 * 60),
)
def test_engine_agrees_with_minute_walk(
    cal: Calendar, start: datetime, length: int, pause: tuple[int, int], business: int
) -> None:
    _WORKING.clear()
    end = start + timedelta(minutes=length)
    p0, p1 = pause[0], pause[0] + pause[1]
    pauses = [(start + timedelta(minutes=p0), start + timedelta(minutes=p1))]
    flags, walked = oracle_walk(cal, start, length, business)
    assert cal.is_open(start) == oracle_open(cal, start)
    assert cal.is_open(end) == oracle_open(cal, end)
    assert cal.measure(start, end) == sum(flags[:length]) * MINUTE
    unpaused = sum(f for i, f in enumerate(flags[:length]) if not p0 <= i < p1)
    assert cal.measure(start, end, pauses) == unpaused * MINUTE
    due = cal.add(start, timedelta(minutes=business))
    if walked is not None:
        assert due == start + walked * MINUTE
    else:
        assert due > start + WALK_LIMIT
    # The same, stated as properties: exactly that much business time, and no earlier instant.
    assert cal.measure(start, due) == timedelta(minutes=business)
    if business:
        assert cal.measure(start, due - MINUTE) < timedelta(minutes=business)
