"""The leads' dashboard drawn from a known day (tests/integration/store/report_seed.py): its
figures, a click on each opening the main window's list on exactly the cases behind it, and
for each figure the chart or table value, the report's value, the CSV value and the
drill-down count being the same."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt

from inbox_app.app import Services, build
from inbox_app.core.service.report import rows
from inbox_app.core.service.report_store import ReportService
from inbox_app.ui.dashboard import MET, PCT, TARGETS, Dashboard
from inbox_app.ui.dashboard_charts import Chart, Hit
from tests.integration.store.report_seed import seed

FIRST, LAST = date(2026, 3, 1), date(2026, 3, 3)
MONDAY = 1  # 2 March, the day everything happened, is the second day drawn
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture
def known(
    tmp_path: Path, loop: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Services, dict[str, int]]]:
    services = build(f"sqlite:///{tmp_path / 'store.db'}", migrate=True)
    ids = seed(services, monkeypatch, tmp_path)
    yield services, ids
    services.close()


@pytest.fixture
def board(
    known: tuple[Services, dict[str, int]], qtbot: Any
) -> Iterator[tuple[Any, Dashboard, dict[str, int]]]:
    from inbox_app.ui.launch import build_window

    services, ids = known
    window = build_window(services, "Lea Neri")
    qtbot.addWidget(window)
    window.show()
    dash = Dashboard(window.ws, window, tz=UTC, period=(FIRST, LAST))
    dash.casesPicked.connect(window.show_cases)
    dash.show()
    qtbot.waitUntil(lambda: dash.board is not None, timeout=10000)
    yield window, dash, ids
    if shiboken6.isValid(window):
        window.close()
    window.ws.bridge.close()


def click(qtbot: Any, chart: Chart, hit: Hit) -> None:
    """A real mouse click where the bar or point is drawn."""
    at = chart.mapFromScene(chart.scene_point(hit))
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(at.x(), at.y()))


def listed(qtbot: Any, window: Any, expected: list[int]) -> list[int]:
    model = window.case_model
    qtbot.waitUntil(
        lambda: sorted(model.case_id(r) for r in range(model.rowCount())) == expected, timeout=5000
    )
    return sorted(model.case_id(r) for r in range(model.rowCount()))


def exported(dash: Dashboard, tmp_path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    path = tmp_path / "board.csv"
    dash.export_to(path)
    with path.open(newline="", encoding="utf-8") as f:
        found = list(csv.reader(f))
    assert found[0] == ["figure", "day", "group", "value", "cases"]
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in found[1:]}


def reported(services: Services, by: str | None, *, business: bool = True) -> dict[str, dict[str, Any]]:
    """What `inbox-app report` says of 2 March."""
    start = datetime(2026, 3, 2, tzinfo=UTC)
    loaded = ReportService(services.read_factory).load(start, start + timedelta(days=1))
    found = rows(loaded.facts(business=business), start, start + timedelta(days=1), by, loaded.names(by))
    return {r.group: r.to_json() for r in found}


def test_drawn_from_known_data(board: Any, qtbot: Any, tmp_path: Path) -> None:
    window, dash, ids = board
    assert [h.figure.value for h in dash.volume.hits] == [3]
    assert [(h.x, h.y0, h.y1) for h in dash.volume.hits] == [(MONDAY, 0.0, 3.0)]
    assert [(h.x, h.y1) for h in dash.backlog.hits] == [(MONDAY, 2.0), (2, 2.0)]
    # First reply in business time: 20 min (A) and 30 min (C after closing) -> median 20, p90 30.
    assert sorted(h.figure.value for h in dash.first_reply.hits) == [1200, 1800]
    assert dash.first_reply.getAxis("left").labelText == "business minutes"
    assert [dash.sla["agent"].item(r, 0).text() for r in range(dash.sla["agent"].rowCount())] == [
        "Sara Conti",
        "Unassigned",
    ]
    assert dash.sla["agent"].item(0, PCT).text() == "100.0 %"
    assert dash.sla["channel"].item(0, 0).text() == "Email"
    dash.resize(1400, 860)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dash.grab().save(str(SHOTS / "dashboard.png"))
    # Calendar time: the switch redraws every figure.
    with qtbot.waitSignal(dash.drawn, timeout=10000):
        dash.business.setChecked(False)
    assert sorted(h.figure.value for h in dash.first_reply.hits) == [1200, 3600]
    assert dash.first_reply.getAxis("left").labelText == "minutes"
    assert dash.no_targets.isHidden()


def test_a_click_on_a_bar_lists_exactly_its_cases(board: Any, qtbot: Any) -> None:
    window, dash, ids = board
    (bar,) = dash.volume.hits
    click(qtbot, dash.volume, bar)
    assert listed(qtbot, window, sorted(ids[c] for c in "ABC")) == sorted(ids[c] for c in "ABC")
    assert "3 cases behind" in window.statusBar().currentMessage()
    backlog = dash.backlog.hits[0]
    click(qtbot, dash.backlog, backlog)
    listed(qtbot, window, sorted([ids["B"], ids["C"]]))
    # Back to a view: the list is the view's again.
    window.views.choose("resolved")
    listed(qtbot, window, [ids["A"]])


CHARTS = {
    "cases_opened": ("volume", "email", None),
    "first_reply_median_s": ("first_reply", "all", 0),
    "first_reply_p90_s": ("first_reply", "all", 1),
    "resolution_median_s": ("resolution", "all", 0),
    "resolution_p90_s": ("resolution", "all", 1),
    "backlog_end": ("backlog", "all", None),
}


@pytest.mark.parametrize("figure", list(CHARTS))
def test_chart_figure_report_csv_and_drill_down_agree(
    figure: str, board: Any, qtbot: Any, tmp_path: Path, known: Any
) -> None:
    window, dash, _ids = board
    services, _ = known
    chart_name, group, line = CHARTS[figure]
    chart: Chart = getattr(dash, chart_name)
    hits = [h for h in chart.hits if h.x == MONDAY]
    if line is not None:  # median first, then p90, at the same day
        hits = sorted(hits, key=lambda h: h.y0)
    hit = hits[line or 0]
    by = "channel" if group == "email" else None
    report = reported(services, by)[group if by else "all"][figure]
    csv_value, csv_cases = exported(dash, tmp_path)[(figure, "2026-03-02", group)]
    assert hit.figure.value == report == int(csv_value)
    click(qtbot, chart, hit)
    shown = listed(qtbot, window, hit.figure.cases)
    assert len(shown) == int(csv_cases) == len(hit.figure.cases)


@pytest.mark.parametrize("by", ["agent", "team", "channel"])
def test_sla_table_cell_report_csv_and_drill_down_agree(
    by: str, board: Any, qtbot: Any, tmp_path: Path, known: Any
) -> None:
    window, dash, _ids = board
    services, _ = known
    dash.tabs.setCurrentIndex(["agent", "team", "channel"].index(by))
    table = dash.sla[by]
    report = reported(services, by)
    csv_rows = exported(dash, tmp_path)
    assert table.rowCount() == len([g for g, r in report.items() if r["sla_targets"]])
    for row in range(table.rowCount()):
        group = dash.sla[by].property("rows")[row].group
        for column, figure in ((TARGETS, "sla_targets"), (MET, "sla_met")):
            value, cases = csv_rows[(figure, "2026-03-01/2026-03-03", f"{by}:{group}")]
            assert int(table.item(row, column).text()) == report[group][figure] == int(value)
            pct = csv_rows[("sla_met_pct", "2026-03-01/2026-03-03", f"{by}:{group}")][0]
            assert table.item(row, PCT).text() == f"{float(pct):.1f} %"
            figure_shown = dash.figure_of(by, row, column)
            if not figure_shown.case_ids:
                continue
            rect = table.visualItemRect(table.item(row, column))
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            shown = listed(qtbot, window, figure_shown.cases)
            assert len(shown) == int(cases)


def test_leads_open_it_from_the_menu_agents_do_not_see_it(known: Any, qtbot: Any) -> None:
    from inbox_app.ui.launch import build_window

    services, _ids = known
    windows = []
    for who in ("Lea Neri", "Sara Conti"):
        window = build_window(services, who)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
    lead, agent = (w.more_menu for w in windows)
    assert "Service levels…" in [a.text() for a in lead.actions()]
    assert "Service levels…" not in [a.text() for a in agent.actions()]
    windows[0].window_actions.open_dashboard()
    dash = windows[0].findChild(Dashboard)
    assert dash is not None and dash.isWindow() and dash.isVisible()
    windows[0].window_actions.open_dashboard()  # one at a time
    assert len(windows[0].findChildren(Dashboard)) == 1
    qtbot.waitUntil(lambda: dash.board is not None, timeout=10000)
    for window in windows:
        window.close()
        window.ws.bridge.close()


def test_refresh_reads_what_happened_since(
    board: Any, known: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.store.report_seed import at_time

    window, dash, ids = board
    services, _ = known
    assert [h.figure.value for h in dash.backlog.hits] == [2, 2]
    with at_time(monkeypatch, datetime(2026, 3, 2, 23, tzinfo=UTC)):
        services.cases.set_status(ids["B"], "resolved", actor="Lea Neri")
    with qtbot.waitSignal(dash.drawn, timeout=10000):
        dash.business.toggle()  # a switch reuses what was read: still as it was
    assert [h.figure.value for h in dash.backlog.hits] == [2, 2]
    with qtbot.waitSignal(dash.drawn, timeout=10000):
        dash.reload.click()
    assert [h.figure.value for h in dash.backlog.hits] == [1, 1]
    assert dash.backlog.hits[0].figure.cases == [ids["C"]]


def test_dates_typed_read_the_period_once_they_settle(board: Any, qtbot: Any) -> None:
    window, dash, ids = board
    with qtbot.waitSignal(dash.drawn, timeout=10000):
        dash.start.setDate(dash.start.date().addDays(1))  # 1-3 March becomes 2 March: two changes
        dash.end.setDate(dash.end.date().addDays(-1))
        asked = dash._asked
    assert dash._asked == asked + 1  # one reading for both
    assert dash.preset.currentData() == 0
    assert [h.figure.value for h in dash.volume.hits] == [3]
    dash.end.setDate(dash.start.date().addDays(-1))
    assert dash.status.text() == "The period ends before it starts."


def _surveys(services: Services, ids: dict[str, int]) -> None:
    """Three cases asked on 2 March: Sara's answered 2 and one of hers unanswered; the
    case nobody held answered 4."""
    from inbox_app.core.store.models import Case, CsatSurvey

    asked = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    given = [("A", ids["sara"], 2), ("B", ids["sara"], None), ("C", None, 4)]
    with services.factory() as s, s.begin():
        for letter, agent, score in given:
            case = s.get(Case, ids[letter])
            assert case is not None
            s.add(
                CsatSurvey(
                    case_id=case.id,
                    customer_id=case.customer_id,
                    agent_id=agent,
                    channel="email",
                    language="it",
                    asked_at=asked,
                    answered_at=None if score is None else asked + timedelta(hours=1),
                    score=score,
                )
            )


@pytest.mark.parametrize("by", ["agent", "channel"])
def test_satisfaction_cell_report_csv_and_drill_down_agree(
    by: str, board: Any, qtbot: Any, tmp_path: Path, known: Any
) -> None:
    from inbox_app.core.voice.csat_report import figures
    from inbox_app.ui.dashboard_csat import ANSWERS, ASKED, CSAT, RATE

    window, dash, ids = board
    services, _ = known
    _surveys(services, ids)
    dash.read_again()
    tables = dash.csat
    qtbot.waitUntil(lambda: tables.tables[by].rowCount() > 0, timeout=10000)
    tables.tabs.setCurrentIndex(["agent", "team", "channel"].index(by))
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC)
    report = {f.name: f for f in figures(services.csat_reports.surveys(start, end), by)[1]}
    csv_rows = exported(dash, tmp_path)
    table = tables.tables[by]
    assert table.rowCount() == len(report)
    if by == "agent":
        # Sara: a 2 of two asked (none satisfied, half answered); nobody's case: a 4 of one.
        sara = report["Sara Conti"]
        assert (sara.csat, sara.answers, sara.asked, sara.response_rate) == (0.0, 1, 2, 50.0)
        assert (report[None].csat, report[None].answers, report[None].asked) == (100.0, 1, 1)
    else:
        email = report["email"]
        assert (email.csat, email.answers, email.asked, email.response_rate) == (50.0, 2, 3, 66.7)
    for row in range(table.rowCount()):
        group = tables.groups[by][row]
        f = report[group.name]
        label = f"{by}:{group.name or ''}"
        value, cases = csv_rows[("csat_pct", "2026-03-01/2026-03-03", label)]
        assert table.item(row, CSAT).text() == f"{f.csat:.1f} %" == f"{float(value):.1f} %"
        assert int(table.item(row, ANSWERS).text()) == f.answers == int(cases)
        assert int(table.item(row, ASKED).text()) == f.asked
        rate = csv_rows[("csat_response_rate_pct", "2026-03-01/2026-03-03", label)][0]
        assert table.item(row, RATE).text() == f"{float(rate):.1f} %"
        for column, expected in ((ANSWERS, f.answers), (ASKED, f.asked)):
            rect = table.visualItemRect(table.item(row, column))
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            shown = listed(qtbot, window, tables.cases_of(by, row, column))
            assert len(shown) == expected
    dash.grab().save(str(tmp_path / "dashboard-csat.png"))
    dash.grab().save("/tmp/dashboard-csat.png")
