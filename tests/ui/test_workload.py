"""The workload view: availability, capacity and open cases per agent; leads move cases by
dragging them onto an agent and in bulk, through the same claims rules as everywhere."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from inbox_app.core.read.queries import CaseFilter
from inbox_app.core.vocab import AssignMode
from inbox_app.ui.dialogs.workload import AGENT, AVAILABILITY, CAPACITY, OPEN, WorkloadDialog


def _row(dialog: WorkloadDialog, name: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, AGENT).text() == name)


def _drop(dialog: WorkloadDialog, items: list, row: int) -> None:
    """What Qt sends along a drag: the list's data for the dragged items entering the agents'
    table, moving over a row and dropped there."""
    data = dialog.cases.mimeData(items)
    at = dialog.table.visualItemRect(dialog.table.item(row, AGENT)).center()
    how = (Qt.DropAction.MoveAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    for event in (QDragEnterEvent(at, *how), QDragMoveEvent(at, *how), QDropEvent(QPointF(at), *how)):
        QApplication.sendEvent(dialog.table.viewport(), event)
        assert event.isAccepted()


def test_shows_availability_capacity_and_open_cases_and_moves_by_drag_and_in_bulk(
    make_window, services, qtbot
) -> None:
    services.assign.set_team("Supporto", AssignMode.BALANCED, 4)
    services.assign.set_availability("Marco Bianchi", False)
    window = make_window()  # Giulia Rossi, an admin
    dialog = WorkloadDialog(window.ws, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4)
    marco, sara, free = _row(dialog, "Marco Bianchi"), _row(dialog, "Sara Conti"), _row(dialog, "Unassigned")
    cell = dialog.table.item
    assert [cell(marco, c).text() for c in (AVAILABILITY, OPEN, CAPACITY)] == ["Away", "0", "4"]
    assert [cell(sara, c).text() for c in (AVAILABILITY, OPEN, CAPACITY)] == ["Available", "0", "no limit"]
    assert cell(free, OPEN).text() == "5"

    # Drag two unassigned cases onto Sara.
    dialog.table.setCurrentCell(free, 0)
    qtbot.waitUntil(lambda: dialog.cases.count() == 5)
    dragged = [dialog.cases.item(0), dialog.cases.item(1)]
    ids = sorted(int(i.data(Qt.ItemDataRole.UserRole)) for i in dragged)
    _drop(dialog, dragged, sara)
    qtbot.waitUntil(lambda: dialog.outcome.text() == "2 cases assigned to Sara Conti.")
    qtbot.waitUntil(lambda: cell(_row(dialog, "Sara Conti"), OPEN).text() == "2")
    sara_id = services.agents.find("Sara Conti").id
    assert sorted(c.id for c in services.queries.cases(CaseFilter(assignee_id=sara_id))) == ids

    # In bulk: the other three to Marco, though away (a lead's choice), from the list.
    qtbot.waitUntil(lambda: dialog.cases.count() == 3)
    for n in range(3):
        dialog.cases.item(n).setSelected(True)
    dialog.target.setCurrentIndex(dialog.target.findData("Marco Bianchi"))
    dialog.reassign.click()
    qtbot.waitUntil(lambda: cell(_row(dialog, "Unassigned"), OPEN).text() == "0")
    marco_id = services.agents.find("Marco Bianchi").id
    assert services.queries.count_cases(CaseFilter(assignee_id=marco_id)) == 3

    # A case dragged from Sara back to nobody.
    dialog.table.setCurrentCell(_row(dialog, "Sara Conti"), 0)
    qtbot.waitUntil(lambda: dialog.cases.count() == 2)
    _drop(dialog, [dialog.cases.item(0)], _row(dialog, "Unassigned"))
    qtbot.waitUntil(lambda: cell(_row(dialog, "Unassigned"), OPEN).text() == "1")

    # Marco back from away, from the view.
    dialog.table.setCurrentCell(_row(dialog, "Marco Bianchi"), 0)
    assert dialog.availability.text() == "Mark available"
    dialog.availability.click()
    qtbot.waitUntil(lambda: cell(_row(dialog, "Marco Bianchi"), AVAILABILITY).text() == "Available")
    assert services.agents.find("Marco Bianchi").available is True


def test_an_agent_sees_the_view_but_a_move_is_refused_by_the_claims_rules(
    make_window, services, qtbot
) -> None:
    window = make_window(actor="Marco Bianchi")
    dialog = WorkloadDialog(window.ws, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4)
    assert not dialog.reassign.isEnabled() and not dialog.cases.dragEnabled()
    free = _row(dialog, "Unassigned")
    dialog.table.setCurrentCell(free, 0)
    qtbot.waitUntil(lambda: dialog.cases.count() == 5)
    dialog._move([int(dialog.cases.item(0).data(Qt.ItemDataRole.UserRole))], "Sara Conti")
    qtbot.waitUntil(lambda: "Only leads and admins" in dialog.outcome.text())
    assert services.queries.count_cases(CaseFilter(unassigned=True)) == 5


def test_the_view_renders_for_the_eye(make_window, services, qtbot, tmp_path) -> None:
    """Rendered offscreen to a PNG (looked at while building it); kept as a smoke test."""
    services.assign.set_team("Supporto", AssignMode.BALANCED, 2)
    services.assign.set_availability("Marco Bianchi", False)
    first = services.queries.cases(CaseFilter(unassigned=True))[:2]
    for case in first:
        services.cases.assign(case.id, "Giulia Rossi")
    window = make_window()
    dialog = WorkloadDialog(window.ws, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4 and dialog.cases.count() > 0)
    path = tmp_path / "workload.png"
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 5000


def test_a_window_that_syncs_hands_out_a_teams_waiting_case(make_window, services, qtbot) -> None:
    import time

    services.assign.set_team("Supporto", AssignMode.BALANCED, 3)
    window = make_window()
    window.start_sync()
    qtbot.waitUntil(lambda: "assigner" in services.extra, timeout=5000)
    waiting = services.queries.cases(CaseFilter(unassigned=True))[0]
    started = time.monotonic()
    services.cases.assign_team(waiting.id, "Supporto")  # now a case of a team that assigns
    qtbot.waitUntil(lambda: services.queries.case(waiting.id).assignee is not None, timeout=5000)
    assert time.monotonic() - started < 5
    assert services.queries.case(waiting.id).assignee in ("Giulia Rossi", "Marco Bianchi")
