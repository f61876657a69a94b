"""The agents' screen shows service levels: the Due column (time left or overdue, red once
missed, amber past 75 %), sorting by time to breach, the Overdue view with its count, the
case header's line. Drawn offscreen and saved as a PNG to look at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from connectors.base import Address, Batch, InboundItem
from inbox_app.core.read.queries import CaseFilter
from inbox_app.ui.case_list_model import CaseListModel
from inbox_app.ui.event_bridge import Bridge
from inbox_app.ui.views_list import ViewsModel
from inbox_app.ui.workspace import Workspace, pick_agent

RED, AMBER = "#c62828", "#a86400"


def _arrive(services, minutes_ago: dict[str, int]) -> dict[str, int]:
    """New customers write by email; the case id of each, by name."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    items = tuple(
        InboundItem(
            external_id=f"sla-{name}",
            thread_key=f"sla-{name}",
            sender=Address("email", f"{name.lower()}@example.it", name),
            sent_at=now - timedelta(minutes=ago),
            text=f"Buongiorno, sono {name}",
            subject=f"Richiesta di {name}",
        )
        for name, ago in minutes_ago.items()
    )
    services.ingest.store_batch(services.accounts.get("posta").id, Batch(items, "sla"))
    return {
        c.customer_name: c.id for c in services.queries.cases(limit=500) if c.customer_name in minutes_ago
    }


def _setup(services) -> dict[str, int]:
    # Calendar time (the test runs on the real clock): a first reply within an hour.
    services.sla.add("Email", first_reply="1h", next_reply="1h", resolution="2d", channel="email")
    return _arrive(services, {"Ora": 10, "Rischio": 50, "Tardi": 120})


def _row_of(model: CaseListModel, case_id: int) -> int:
    row = model.row_of(case_id)
    assert row is not None
    return row


def test_due_column_colours_and_sorting(services, qtbot, qtmodeltester) -> None:
    ids = _setup(services)
    ws = Workspace(services, Bridge(services.bus), pick_agent(services, None))
    model = CaseListModel(ws)
    model.set_filter(CaseFilter(status=("open", "pending")))
    qtbot.waitUntil(lambda: model.row_of(ids["Ora"]) is not None)
    for name in ids:
        model.fetch_page_now(_row_of(model, ids[name]))

    def cell(name: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole):
        return model.index(_row_of(model, ids[name]), CaseListModel.DUE).data(role)

    assert model.headerData(CaseListModel.DUE, Qt.Orientation.Horizontal) == "Due"
    assert cell("Ora") in ("50m left", "49m left")
    assert cell("Rischio") in ("10m left", "9m left")
    assert cell("Tardi") in ("1h 00m overdue", "1h 01m overdue")
    assert cell("Ora", Qt.ItemDataRole.ForegroundRole) is None
    assert cell("Rischio", Qt.ItemDataRole.ForegroundRole).color().name() == AMBER  # past 75 %
    assert cell("Tardi", Qt.ItemDataRole.ForegroundRole).color().name() == RED
    assert cell("Tardi", Qt.ItemDataRole.ToolTipRole).startswith("First reply due ")
    qtmodeltester.check(model)
    # Sorted by time to breach: the seed's older email cases (long overdue) first, then ours
    # in order, and the chat cases (no policy: nothing due) last.
    before = [model.case_id(r) for r in range(model.rowCount())]
    model.set_sort("due")
    qtbot.waitUntil(lambda: [model.case_id(r) for r in range(model.rowCount())] != before)
    order = [model.case_id(r) for r in range(model.rowCount())]
    rows = services.queries.cases_by_id(order)
    dues = [rows[i].due_at for i in order]
    due_count = sum(d is not None for d in dues)
    assert dues[:due_count] == sorted(d for d in dues if d is not None) and all(
        d is None for d in dues[due_count:]
    )
    assert order[due_count - 3 : due_count] == [ids["Tardi"], ids["Rischio"], ids["Ora"]]
    assert 0 < due_count < len(order)
    # The Overdue view counts exactly the open cases past their due time.
    views = ViewsModel(ws)
    views.refresh()
    overdue = services.queries.count_cases(CaseFilter(overdue=True))
    qtbot.waitUntil(lambda: views.count("overdue") == overdue)
    assert overdue == due_count - 2  # every case with a due time but the two not due yet
    ws.bridge.close()


def test_the_window_shows_the_overdue_view_and_the_case_header(
    make_window, services, qtbot, tmp_path: Path
) -> None:
    ids = _setup(services)
    window = make_window()
    window.resize(1400, 700)
    qtbot.waitUntil(lambda: window.views_model.count("overdue") is not None)
    window.views.choose("overdue")
    model = window.case_model
    # Only what is past due (not "Ora", due in 50 minutes), soonest missed first.
    qtbot.waitUntil(lambda: model.row_of(ids["Ora"]) is None and model.row_of(ids["Tardi"]) is not None)
    assert model.sorting == "due" and model.rowCount() == window.views_model.count("overdue")
    window.cases.select_case(ids["Tardi"])
    qtbot.waitUntil(lambda: window.case is not None and window.case.id == ids["Tardi"])
    qtbot.waitUntil(lambda: window.sla_badge.isVisible() and "overdue" in window.sla_badge.text())
    assert window.sla_badge.text().startswith("First reply: 1h 0")
    assert window.sla_badge.text().endswith("overdue · Email")
    window.grab().save(str(Path("/tmp") / "sla-window.png"))
    window.grab().save(str(tmp_path / "sla-window.png"))


def test_the_tray_warns_of_my_overdue_case_once(services, qtbot) -> None:
    from inbox_app.ui.tray import Tray

    ids = _setup(services)
    services.cases.assign(ids["Tardi"], "Giulia Rossi")
    services.cases.assign(ids["Rischio"], "Marco Bianchi")  # a colleague's: not Giulia's business
    ws = Workspace(services, Bridge(services.bus), pick_agent(services, "Giulia Rossi"))
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    tray = Tray(ws, window)
    shown: list[tuple[str, str]] = []

    class Icon:
        def showMessage(self, title: str, text: str, *_args: object) -> None:  # noqa: N802
            shown.append((title, text))

    tray.icon = Icon()  # type: ignore[assignment]
    tray.check_service_levels()
    qtbot.waitUntil(lambda: not tray._checking)
    assert len(shown) == 1 and shown[0][0] == "Service levels"
    assert shown[0][1].startswith("Tardi: first reply overdue (due ")
    tray.check_service_levels()
    qtbot.waitUntil(lambda: not tray._checking)
    assert len(shown) == 1  # never twice
    ws.bridge.close()
