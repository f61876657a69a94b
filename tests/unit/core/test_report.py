"""Report figures from case events, worked by hand: segments, nearest-rank quantiles, SLA
outcomes, backlog, groups, business time and the day-by-day series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from inbox_app.core.service.hours import Calendar
from inbox_app.core.service.report import (
    COLUMNS,
    CaseInfo,
    EventRow,
    collect,
    nearest_rank,
    rows,
)
from inbox_app.core.service.report_series import day_bounds, series

ANNA, BRUNO = 10, 11
SUPPORT, SALES = 1, 2
NAMES = {ANNA: "Anna", BRUNO: "Bruno"}
TEAMS = {SUPPORT: "Support", SALES: "Sales"}
DAY1 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY2 + timedelta(days=1)


def t(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 3, day, hh, mm, tzinfo=UTC)


def ev(case_id: int, at: datetime, kind: str, actor: int | None = None, **detail: Any) -> EventRow:
    return EventRow(case_id, at, kind, actor, detail or None)


CASES = {
    1: CaseInfo("email", agent_id=BRUNO, team_id=SUPPORT),
    2: CaseInfo("chat", agent_id=None, team_id=SALES),
    3: CaseInfo("email", agent_id=BRUNO, team_id=None),
    4: CaseInfo("email", agent_id=ANNA, team_id=SUPPORT),
}
EVENTS = [
    # 1: replied in 30 min, resolved in 2 h, reopened the next day and answered by Bruno.
    ev(1, t(2, 9), "opened"),
    ev(1, t(2, 9), "inbound"),
    ev(1, t(2, 9), "sla_started", target="first_reply"),
    ev(1, t(2, 9, 5), "assigned", ANNA, **{"from": None, "to": ANNA}),
    ev(1, t(2, 9, 30), "outbound", ANNA),
    ev(1, t(2, 9, 30), "sla_fulfilled", target="first_reply"),
    ev(1, t(2, 11), "status", ANNA, **{"from": "open", "to": "resolved"}),
    ev(1, t(2, 11), "sla_fulfilled", target="resolution"),
    ev(1, t(3, 8), "inbound"),  # the customer writes again: stored before the reopen
    ev(1, t(3, 8), "status", **{"from": "resolved", "to": "open"}),
    ev(1, t(3, 8), "opened", reopen=True),
    ev(1, t(3, 8, 5), "assigned", ANNA, **{"from": ANNA, "to": BRUNO}),
    ev(1, t(3, 8, 10), "outbound", BRUNO),
    # 2: breached, then answered late (counted once, breached); left pending.
    ev(2, t(2, 10), "opened"),
    ev(2, t(2, 10), "inbound"),
    ev(2, t(2, 10, 5), "sla_breached", target="first_reply"),
    ev(2, t(2, 10, 20), "outbound", ANNA),
    ev(2, t(2, 10, 20), "sla_fulfilled", target="first_reply"),
    ev(2, t(2, 10, 30), "status", ANNA, **{"from": "open", "to": "pending"}),
    # 3: opened the evening before the period, replied and resolved inside it.
    ev(3, t(1, 23), "opened"),
    ev(3, t(1, 23), "inbound"),
    ev(3, t(2, 1), "outbound", BRUNO),
    ev(3, t(2, 2), "status", BRUNO, **{"from": "open", "to": "resolved"}),
    # 4: an agent wrote first: no first reply to measure; resolved in 30 min.
    ev(4, t(2, 12), "opened"),
    ev(4, t(2, 12), "outbound", ANNA),
    ev(4, t(2, 12, 30), "status", ANNA, **{"from": "open", "to": "resolved"}),
]


def table(by: str | None, start: datetime = DAY1, end: datetime = DAY2, **kw: Any) -> dict[str, list[Any]]:
    facts = collect(CASES, EVENTS, **kw)
    names = NAMES if by == "agent" else TEAMS
    return {r.group: [r.to_json()[c] for c in COLUMNS[1:]] for r in rows(facts, start, end, by, names)}


def test_nearest_rank_takes_a_real_sample() -> None:
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank([4, 1, 3, 2], 0.5) == 2
    assert nearest_rank([5], 0.9) == 5
    assert nearest_rank([], 0.5) is None


def test_whole_period_in_one_row() -> None:
    #                 opened resolved fr_med fr_p90 res_med res_p90 targets met backlog
    assert table(None) == {"all": [3, 3, 1800, 7200, 7200, 10800, 3, 2, 1]}


def test_reopen_is_a_new_segment_not_a_slow_first_reply() -> None:
    # Day 2: the reopened case's first reply took 10 minutes, not a day.
    assert table(None, DAY2, DAY3) == {"all": [1, 0, 600, 600, None, None, 0, 0, 2]}


def test_by_agent_each_figure_goes_to_who_held_or_did_it() -> None:
    assert table("agent") == {
        "Anna": [2, 2, 1200, 1800, 1800, 7200, 2, 2, 0],
        "Bruno": [0, 1, 7200, 7200, 10800, 10800, 0, 0, 0],
        "(unassigned)": [1, 0, None, None, None, None, 1, 0, 1],
    }
    assert table("agent", DAY2, DAY3) == {
        "Bruno": [1, 0, 600, 600, None, None, 0, 0, 1],
        "(unassigned)": [0, 0, None, None, None, None, 0, 0, 1],
    }


def test_by_team_and_by_channel() -> None:
    assert table("team") == {
        "Sales": [1, 0, 1200, 1200, None, None, 1, 0, 1],
        "Support": [2, 2, 1800, 1800, 1800, 7200, 2, 2, 0],
        "(no team)": [0, 1, 7200, 7200, 10800, 10800, 0, 0, 0],
    }
    assert table("channel") == {
        "chat": [1, 0, 1200, 1200, None, None, 1, 0, 1],
        "email": [2, 3, 1800, 7200, 7200, 10800, 2, 2, 0],
    }


def test_figures_name_the_cases_behind_them() -> None:
    facts = collect(CASES, EVENTS)
    (row,) = rows(facts, DAY1, DAY2)
    f = row.figures
    assert f["cases_opened"].cases == [1, 2, 4]
    assert f["cases_resolved"].cases == [1, 3, 4]
    assert sorted(f["first_reply_median_s"].case_ids) == [1, 2, 3]
    assert f["sla_targets"].case_ids == (1, 1, 2) and f["sla_met"].cases == [1]
    assert f["sla_breached"].cases == [2]
    assert f["backlog_end"].cases == [2]


def test_business_time_uses_each_case_s_calendar_unless_calendar_time_is_asked() -> None:
    rome = ZoneInfo("Europe/Rome")
    cal = Calendar("Roma", "Europe/Rome", {d: ((540, 1020),) for d in range(5)})  # 09-17 Mon-Fri
    friday_4pm, monday_10am = datetime(2026, 3, 6, 16, tzinfo=rome), datetime(2026, 3, 9, 10, tzinfo=rome)
    cases = {7: CaseInfo("email", calendar=cal), 8: CaseInfo("email")}
    events = [
        *(ev(c, friday_4pm, k) for c in (7, 8) for k in ("opened", "inbound")),
        *(ev(c, monday_10am, "outbound", ANNA) for c in (7, 8)),
    ]
    start, end = datetime(2026, 3, 9, tzinfo=rome), datetime(2026, 3, 10, tzinfo=rome)
    business = rows(collect(cases, events), start, end)[0].figures["first_reply_p90_s"]
    assert business.value == 66 * 3600  # case 8 has no calendar: calendar time
    two = sorted(f.seconds or 0 for f in collect(cases, events).first_reply)
    assert two == [2 * 3600, 66 * 3600]
    forced = sorted(f.seconds or 0 for f in collect(cases, events, business=False).first_reply)
    assert forced == [66 * 3600, 66 * 3600]


def test_series_days_are_the_report_of_each_day() -> None:
    facts = collect(CASES, EVENTS)
    days = series(facts, day_bounds(date(2026, 3, 2), date(2026, 3, 3), UTC), "channel")
    assert [d.day for d in days] == [date(2026, 3, 2), date(2026, 3, 3)]
    for day, (start, end) in zip(days, ((DAY1, DAY2), (DAY2, DAY3)), strict=True):
        expected = {r.group: r.figures for r in rows(facts, start, end, "channel")}
        assert {str(g): f for g, f in day.figures.items()} == expected


def test_local_days_follow_the_clock_change() -> None:
    rome = ZoneInfo("Europe/Rome")
    bounds = day_bounds(date(2026, 3, 28), date(2026, 3, 30), rome)
    assert [(b - a) / timedelta(hours=1) for a, b in zip(bounds, bounds[1:], strict=False)] == [24, 23, 24]
    with pytest.raises(ValueError):
        day_bounds(date(2026, 3, 2), date(2026, 3, 1), rome)


def test_grouping_is_checked() -> None:
    with pytest.raises(ValueError):
        rows(collect(CASES, EVENTS), DAY1, DAY2, "priority")
