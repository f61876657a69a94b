"""Report rows read from a real store on both backends, from a day of work done through the
services (report_seed.py says what happened when)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from inbox_app.app import Services, build
from inbox_app.core.service.report import COLUMNS, rows
from inbox_app.core.service.report_series import board, day_bounds
from inbox_app.core.service.report_store import ReportRefused, ReportService
from tests.integration.store.report_seed import seed

DAY = datetime(2026, 3, 2, tzinfo=UTC)
NEXT = DAY + timedelta(days=1)


@pytest.fixture
def store(
    any_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> Iterator[tuple[Services, dict[str, int]]]:
    services = build(any_url, migrate=True)
    try:
        ids = seed(services, monkeypatch, tmp_path)
        yield services, ids
    finally:
        services.close()


def table(
    s: Services, by: str | None, *, business: bool, actor: str | None = "Lea Neri"
) -> dict[str, list[Any]]:
    loaded = ReportService(s.read_factory).load(DAY, NEXT, actor=actor)
    found = rows(loaded.facts(business=business), DAY, NEXT, by, loaded.names(by))
    return {r.group: [r.to_json()[c] for c in COLUMNS[1:]] for r in found}


def test_report_rows_of_a_day_on_both_backends(store: tuple[Services, dict[str, int]]) -> None:
    s, _ids = store
    #                                opened resolved fr_med fr_p90 res_med res_p90 targets met backlog
    assert table(s, None, business=False) == {"all": [3, 1, 1200, 3600, 7200, 7200, 2, 1, 2]}
    # Business time on the store's only calendar (Roma, 09-18): C's reply came after closing.
    assert table(s, None, business=True) == {"all": [3, 1, 1200, 1800, 7200, 7200, 2, 1, 2]}
    assert table(s, "agent", business=False) == {
        "Lea Neri": [0, 0, 3600, 3600, None, None, 0, 0, 0],
        "Sara Conti": [1, 1, 1200, 1200, 7200, 7200, 1, 1, 0],
        "(unassigned)": [2, 0, None, None, None, None, 1, 0, 2],
    }
    assert table(s, "team", business=False) == {
        "Vendite": [1, 0, 3600, 3600, None, None, 0, 0, 1],
        "(no team)": [2, 1, 1200, 1200, 7200, 7200, 2, 1, 1],
    }
    assert table(s, "channel", business=False) == {"email": [3, 1, 1200, 3600, 7200, 7200, 2, 1, 2]}


def test_the_days_before_and_after_count_what_is_still_open(store: tuple[Services, dict[str, int]]) -> None:
    s, ids = store
    service = ReportService(s.read_factory)
    before = DAY - timedelta(days=1)
    loaded = service.load(before, DAY)
    assert [r.to_json() for r in rows(loaded.facts(business=False), before, DAY)] == []
    after = NEXT + timedelta(days=1)
    loaded = service.load(NEXT, after)
    (row,) = rows(loaded.facts(business=False), NEXT, after)
    assert row.to_json()["backlog_end"] == 2 and row.figures["backlog_end"].cases == sorted(
        [ids["B"], ids["C"]]
    )


def test_the_board_names_the_cases_behind_each_figure(store: tuple[Services, dict[str, int]]) -> None:
    s, ids = store
    bounds = day_bounds(date(2026, 3, 1), date(2026, 3, 2), UTC)
    loaded = ReportService(s.read_factory).load(bounds[0], bounds[-1])
    got = board(loaded.facts(business=False), bounds, UTC, loaded.agents, loaded.teams)
    assert got.days == [date(2026, 3, 1), date(2026, 3, 2)]
    assert [f.value for f in got.volume["email"]] == [0, 3]
    assert got.volume["email"][1].cases == sorted(ids[c] for c in "ABC")
    assert [f.value for f in got.times["first_reply_p90_s"]] == [None, 3600]
    assert got.times["first_reply_p90_s"][1].cases == sorted([ids["A"], ids["C"]])
    assert [f.value for f in got.backlog] == [0, 2]
    assert [
        (r.group, r.figures["sla_met"].value, r.figures["sla_targets"].value) for r in got.sla["agent"]
    ] == [
        ("Sara Conti", 1, 1),
        ("(unassigned)", 0, 1),
    ]


def test_agents_are_refused_reports(store: tuple[Services, dict[str, int]]) -> None:
    s, _ids = store
    with pytest.raises(ReportRefused, match="only leads and admins"):
        table(s, None, business=False, actor="Sara Conti")


@pytest.fixture
def engine_store(
    any_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> Iterator[tuple[Services, dict[str, int]]]:
    services = build(any_url, migrate=True)
    try:
        yield services, seed(services, monkeypatch, tmp_path, policy=True)
    finally:
        services.close()


def test_sla_met_counts_what_the_sla_engine_recorded(engine_store: tuple[Services, dict[str, int]]) -> None:
    """The policy (Roma 09-18, first reply 30 min, resolution 4 h) on the same day: A answered
    in 20 min and resolved in 2 h (both met); B never answered (first reply breached at 11:00,
    resolution at 14:30); C written at 17:30 Rome time, due 18:00, answered 18:30 (breached)."""
    s, ids = engine_store
    #                 opened resolved fr_med fr_p90 res_med res_p90 targets met backlog
    assert table(s, None, business=True) == {"all": [3, 1, 1200, 1800, 7200, 7200, 5, 2, 2]}
    loaded = ReportService(s.read_factory).load(DAY, NEXT)
    (row,) = rows(loaded.facts(business=True), DAY, NEXT)
    assert row.figures["sla_met"].case_ids == (ids["A"], ids["A"])
    assert sorted(row.figures["sla_breached"].case_ids) == sorted([ids["B"], ids["B"], ids["C"]])
