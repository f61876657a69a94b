"""Saved searches in the workspace: save the search text as a view, see its live count, open it, delete it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from inbox_app.core.read.queries import OPEN_STATES, CaseFilter

# The offscreen platform has no window manager to size, raise or grab the keyboard for a popup menu.
POPUP = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)"
)


def _ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 5, timeout=5000)


def _shown_ids(window) -> set[int]:
    return {window.case_model.case_id(r) for r in range(window.case_model.rowCount())}


@POPUP
def test_save_a_search_as_a_view_count_open_and_delete_it(
    make_window, services, qtbot, qtmodeltester, monkeypatch
) -> None:
    asked: list[str] = []

    def name_it(_parent, _title, _label, text=""):
        asked.append(text)
        return "Rimborsi", True

    monkeypatch.setattr("inbox_app.ui.window_actions.QInputDialog.getText", name_it)
    window = make_window()
    _ready(window, qtbot)
    assert not window.save_view_action.isEnabled()  # nothing to save yet
    matching = {c.id for c in services.queries.cases(CaseFilter(status=OPEN_STATES, text="rimb"))}
    assert len(matching) == 2  # "Rimborso" and "Il rimborso quando arriva?"

    qtbot.keyClick(window.cases, Qt.Key.Key_Slash)
    qtbot.keyClicks(window.search, "rimb")
    assert window.save_view_action.isEnabled()
    qtbot.keyClick(window.search, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["rimb"]  # the name proposed is the search text

    giulia = window.ws.agent_id
    qtbot.waitUntil(lambda: len(window.views_model.saved_searches.list(giulia)) == 1, timeout=5000)
    saved = window.views_model.saved_searches.list(giulia)[0]
    key = f"search:{saved.id}"
    assert (saved.name, saved.query) == ("Rimborsi", "rimb")
    # Saving opens the new view: its cases, in the list, with the search closed.
    qtbot.waitUntil(lambda: window.views.current_key() == key, timeout=5000)
    qtbot.waitUntil(lambda: _shown_ids(window) == matching, timeout=5000)
    assert window.left.currentWidget() is window.cases and window.search.text() == ""
    row = window.views_model.row_of(key)
    assert row is not None and row > window.views_model.row_of("resolved")  # under the fixed views
    assert window.views_model.index(row).data() == "Rimborsi"
    qtbot.waitUntil(lambda: window.views_model.count(key) == 2, timeout=5000)
    qtmodeltester.check(window.views_model)

    # The count is live: a matching case resolved elsewhere leaves the view.
    gone = min(matching)
    services.cases.set_status(gone, "resolved")
    qtbot.waitUntil(lambda: window.views_model.count(key) == 1, timeout=5000)
    qtbot.waitUntil(lambda: _shown_ids(window) == matching - {gone}, timeout=5000)

    # Away and back again.
    window.views.choose("open")
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 4, timeout=5000)
    window.views.choose(key)
    qtbot.waitUntil(lambda: _shown_ids(window) == matching - {gone}, timeout=5000)

    # A second view of the same name is refused in words.
    window.search.setText("anna")
    window.window_actions.save_search_as_view("rimborsi")
    qtbot.waitUntil(lambda: "already have a view named" in window.statusBar().currentMessage(), timeout=5000)
    assert len(window.views_model.saved_searches.list(giulia)) == 1
    window.back_to_list()

    # Delete it from the context menu of the list of views: back to all open cases.
    window.views.setCurrentIndex(window.views_model.index(window.views_model.row_of(key)))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), QPoint(5, 5))
    QApplication.sendEvent(window.views.viewport(), event)
    menu = window.views.findChild(QMenu)
    offered = [a.text() for a in menu.actions()]
    menu.actions()[0].trigger()
    menu.close()
    assert offered == ["Delete view “Rimborsi”"]
    qtbot.waitUntil(lambda: window.views_model.row_of(key) is None, timeout=5000)
    assert window.views_model.saved_searches.list(giulia) == []
    qtbot.waitUntil(lambda: window.views.current_key() == "open", timeout=5000)
    qtbot.waitUntil(lambda: window.case_model.rowCount() == 4, timeout=5000)
    assert "deleted" in window.statusBar().currentMessage()


def test_fixed_views_offer_no_delete(make_window, qtbot) -> None:
    window = make_window()
    _ready(window, qtbot)
    deleted: list[object] = []
    window.views.deleteRequested.connect(deleted.append)
    window.views.choose("mine")
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), QPoint(5, 5))
    QApplication.sendEvent(window.views.viewport(), event)
    qtbot.keyClick(window.views, Qt.Key.Key_Delete)
    assert window.views.findChild(QMenu) is None and deleted == []
    assert window.views_model.row_of("mine") is not None
