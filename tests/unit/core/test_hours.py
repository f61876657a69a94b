"""The business-hours engine on worked examples: DST days, lunch breaks, holidays, days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from inbox_app.core.service.hours import Calendar, HoursError, parse_day

H = timedelta(hours=1)
WEEK = {d: ((540, 780), (840, 1080)) for d in range(5)}  # 09-13, 14-18 Mon-Fri


def rome(*args: int) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Rome"))  # type: ignore[misc]


def test_lunch_break_and_weekend_are_skipped() -> None:
    cal = Calendar("Roma", "Europe/Rome", WEEK)
    assert cal.is_open(rome(2026, 12, 7, 9, 0)) and not cal.is_open(rome(2026, 12, 7, 13, 30))
    # Friday 16:00 + 4h business -> Monday 11:00.
    assert cal.add(rome(2026, 12, 4, 16, 0), 4 * H) == rome(2026, 12, 7, 11, 0)
    assert cal.measure(rome(2026, 12, 4, 16, 0), rome(2026, 12, 7, 11, 0)) == 4 * H
    assert cal.measure(rome(2026, 12, 7, 11, 0), rome(2026, 12, 4, 16, 0)) == -4 * H


def test_holidays_of_the_region_and_of_the_admin_close_the_day() -> None:
    cal = Calendar("Roma", "Europe/Rome", WEEK, "IT-RM", frozenset({date(2026, 12, 24)}))
    assert not cal.is_open(rome(2026, 6, 29, 10))  # Saints Peter and Paul, Rome only
    assert Calendar("Italia", "Europe/Rome", WEEK, "IT").is_open(rome(2026, 6, 29, 10))
    assert not cal.is_open(rome(2026, 12, 24, 10)) and not cal.is_open(rome(2026, 12, 25, 10))
    # Wednesday 23 Dec 17:00 + 2h: 24, 25 closed, 26-27 weekend -> Monday 28 Dec 10:00.
    assert cal.add(rome(2026, 12, 23, 17), 2 * H) == rome(2026, 12, 28, 10)


def test_daylight_saving_days_count_the_hours_the_clock_shows() -> None:
    night = Calendar("Notte", "Europe/Rome", {6: ((60, 240),)})  # Sundays 01:00-04:00
    spring = datetime(2026, 3, 29, 0, tzinfo=UTC)
    autumn = datetime(2026, 10, 24, 23, tzinfo=UTC)
    assert night.measure(spring, spring + 5 * H) == 2 * H  # 02:00-03:00 never happens
    assert night.measure(autumn, autumn + 5 * H) == 4 * H  # 02:00-03:00 happens twice
    ny = Calendar("NY", "America/New_York", {6: ((0, 24 * 60),)})
    assert ny.measure(datetime(2026, 3, 8, 5, tzinfo=UTC), datetime(2026, 3, 9, 5, tzinfo=UTC)) == 23 * H
    assert ny.measure(datetime(2026, 11, 1, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC)) == 25 * H


def test_pauses_stop_the_clock() -> None:
    cal = Calendar("Roma", "Europe/Rome", WEEK)
    pause = [(rome(2026, 12, 7, 10), rome(2026, 12, 7, 15))]  # 4 working hours of it (10-13, 14-15)
    assert cal.measure(rome(2026, 12, 7, 9), rome(2026, 12, 7, 18), pause) == 4 * H


def test_business_days() -> None:
    cal = Calendar("Roma", "Europe/Rome", WEEK)
    assert cal.add_days(rome(2026, 12, 4, 10, 30), 1) == rome(2026, 12, 7, 10, 30)  # Fri -> Mon
    assert cal.add_days(rome(2026, 12, 4, 20, 0), 1) == rome(2026, 12, 7, 18, 0)  # after closing
    assert cal.add_days(rome(2026, 12, 5, 12, 0), 2) == rome(2026, 12, 8, 18, 0)  # Saturday
    assert cal.add_days(rome(2026, 12, 7, 15, 0), 0) == rome(2026, 12, 7, 15, 0)


def test_a_year_of_deadlines_is_fast() -> None:
    import time

    cal = Calendar("Roma", "Europe/Rome", WEEK, "IT")
    start = rome(2026, 1, 1, 8)
    began = time.perf_counter()
    for i in range(2000):
        at = start + timedelta(hours=4 * i)
        assert cal.measure(at, cal.add(at, 4 * H)) == 4 * H
    assert time.perf_counter() - began < 2.0


def test_parse_day() -> None:
    assert parse_day("Mon=09:00-13:00, 14:00-18:00") == (0, ((540, 780), (840, 1080)))
    assert parse_day("sun=closed") == (6, ())
    with pytest.raises(HoursError, match="overlap"):
        parse_day("tue=09:00-13:00,12:59-18:00")
