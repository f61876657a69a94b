"""The reports' constant-time business time agrees with the hours engine's day walk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_app.core.service.hours import Calendar
from inbox_app.core.service.report_time import QuickMeasure

SPLIT = {d: ((480, 780), (840, 1080)) for d in range(5)} | {5: ((540, 720),)}
CALENDARS = [
    Calendar("Roma", "Europe/Rome", SPLIT, "IT-RM", frozenset({date(2026, 12, 24)})),
    Calendar("Night", "America/New_York", {6: ((60, 240),), 0: ((0, 1440),), 3: ((1320, 1440),)}, "US"),
]
QUICK = [QuickMeasure(c) for c in CALENDARS]
ORIGIN = datetime(2025, 1, 1, tzinfo=UTC)
MINUTES = 2 * 366 * 24 * 60


@settings(max_examples=3000, deadline=None)
@given(
    st.integers(0, 1), st.integers(0, MINUTES), st.integers(-MINUTES // 8, MINUTES // 8), st.integers(0, 59)
)
def test_agrees_with_the_engine(which: int, start: int, length: int, seconds: int) -> None:
    a = ORIGIN + timedelta(minutes=start, seconds=seconds)
    b = a + timedelta(minutes=length)
    assert QUICK[which].measure(a, b) == CALENDARS[which].measure(a, b)


def test_around_the_clock_changes_and_holidays() -> None:
    rome, quick = CALENDARS[0], QUICK[0]
    for a, b in (
        (datetime(2026, 3, 27, 17, tzinfo=UTC), datetime(2026, 3, 30, 9, tzinfo=UTC)),  # spring forward
        (datetime(2026, 10, 23, 7, tzinfo=UTC), datetime(2026, 10, 26, 12, tzinfo=UTC)),  # fall back
        (datetime(2026, 12, 23, 10, tzinfo=UTC), datetime(2027, 1, 7, 10, tzinfo=UTC)),  # holidays
        (datetime(2027, 1, 7, 10, tzinfo=UTC), datetime(2026, 12, 23, 10, tzinfo=UTC)),  # backwards
    ):
        assert quick.measure(a, b) == rome.measure(a, b)
