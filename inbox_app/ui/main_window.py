"""The agent workspace: views | case list | timeline with composer | customer panel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from inbox_app import APP_NAME
from inbox_app.core.cases import PRIORITIES
from inbox_app.core.read.queries import NotFound
from inbox_app.core.read.rows import CaseRow, CustomerRow
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.case_actions import CaseActions
from inbox_app.ui.case_list import CaseListModel, CaseListView
from inbox_app.ui.composer import Composer
from inbox_app.ui.context import Workspace
from inbox_app.ui.customer_panel import CustomerPanel
from inbox_app.ui.dialogs.actions import AssignDialog, SnoozeDialog
from inbox_app.ui.dialogs.call import CallDialog
from inbox_app.ui.dialogs.merge import MergeDialog
from inbox_app.ui.dialogs.shortcuts import ShortcutsDialog
from inbox_app.ui.search import SearchModel, SearchResults
from inbox_app.ui.status import SyncStatus
from inbox_app.ui.timeline import TimelineModel
from inbox_app.ui.timeline_view import TimelineView
from inbox_app.ui.views import View, ViewsList, ViewsModel

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    caseShown = Signal(int)  # the case now in the middle and right panes
    ready = Signal()  # the first cases are painted: background work may start

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.case: CaseRow | None = None
        self.customer: CustomerRow | None = None
        self._switch = 0  # counts case switches: late work for an earlier case is dropped
        self._waiting_for_timeline: list[Callable[[], None]] = []
        self._waiting_for_paint = False
        self._paint_fallback = QTimer(self, singleShot=True, interval=150)
        self._paint_fallback.timeout.connect(self._run_after_timeline)
        self._hold_limit = QTimer(self, singleShot=True, interval=400)  # whatever happens
        self._hold_limit.timeout.connect(self._release_list)
        self._timeline_limit = QTimer(self, singleShot=True, interval=1500)
        self._timeline_limit.timeout.connect(self._run_after_timeline)
        self.setObjectName("mainWindow")
        who = ws.agent.name if ws.agent else self.tr("local agent")
        self.setWindowTitle(self.tr("{app} — {agent}").format(app=APP_NAME, agent=who))
        # The first view's cases are read while the rest of the window is built, so that
        # the window's first paint already has them.
        self.views_model = ViewsModel(ws, self)
        self.views_model.set_views_now([])
        self.views_model_initial = self.views_model.view(self.views_model.row_of("open") or 0)
        self.case_model = CaseListModel(ws, self)
        self.case_model.loaded.connect(self._first_cases_loaded)
        self.case_model.set_filter(self.views_model_initial.filter)
        self.actions_ = CaseActions(ws, self)
        self._build_panes()
        self._build_toolbar()
        self._build_shortcuts()
        self.status = SyncStatus(ws, self)
        self.statusBar().addPermanentWidget(self.status)
        self.actions_.done.connect(lambda words: self.statusBar().showMessage(words, 6000))
        self.actions_.refused.connect(lambda words: self.statusBar().showMessage(words, 10000))
        self.actions_.undoChanged.connect(self.undo_action.setEnabled)
        ws.bridge.messagesAdded.connect(self._notify)
        ws.bridge.customersChanged.connect(self._customers_changed)
        self.tray: QSystemTrayIcon | None = None  # made once the first cases are painted
        self._restore_layout()
        # The cases come first; the views' counts and the channels' state are read once
        # the list has its rows, so they do not share the worker threads with it.
        self._awaiting_first_paint = False
        self._ready_emitted = False
        self._ready_fallback = QTimer(self, singleShot=True, interval=500)
        self._ready_fallback.timeout.connect(self._first_paint_done)
        # Whatever becomes of the first list (a failed read, say), counts and sync start.
        QTimer.singleShot(3000, self, self._first_paint_done)
        self.cases.viewport().installEventFilter(self)

    def _first_cases_loaded(self) -> None:
        self.case_model.loaded.disconnect(self._first_cases_loaded)
        self._awaiting_first_paint = True
        self._ready_fallback.start()  # a window started minimized paints nothing

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # The first cases were read while the window was built: if they are in by the
        # loop's first turn, the first paint shows them (not an empty list, then the list).
        QTimer.singleShot(0, self, self.case_model.take_landed)
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Paint
            and self._awaiting_first_paint
            and watched is self.cases.viewport()
        ):
            self._awaiting_first_paint = False
            QTimer.singleShot(0, self, self._first_paint_done)
        return super().eventFilter(watched, event)

    def _first_paint_done(self) -> None:
        """The first cases are on screen: now the rest of the window's reading starts."""
        if self._ready_emitted:
            return
        self._ready_emitted = True
        self._awaiting_first_paint = False
        self._ready_fallback.stop()
        self.views_model.refresh()
        self.status.refresh()
        self._make_tray()
        self.ready.emit()

    def _make_tray(self) -> None:
        # After the first paint: a desktop's tray is asked over D-Bus or X, which the
        # window's first screen does not need to wait for.
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("unisono"), self)
            self.tray.setToolTip(APP_NAME)
            self.tray.activated.connect(lambda _r: (self.showNormal(), self.activateWindow()))
            self.tray.show()

    # ------------------------------------------------------------ building

    def _build_panes(self) -> None:
        ws = self.ws
        self.views = ViewsList(self.views_model, self)
        self.views.choose("open")
        self.views.viewChosen.connect(self.show_view)
        self.views.deleteRequested.connect(self.delete_view)
        self.cases = CaseListView(self.case_model, self)
        self.cases.caseSelected.connect(self.open_case)
        self.search_model = SearchModel(ws, self)
        self.search_results = SearchResults(self.search_model, self)
        self.search_results.hitChosen.connect(self._open_hit)
        self.left = QStackedWidget(self)
        self.left.addWidget(self.cases)
        self.left.addWidget(self.search_results)

        self.timeline_model = TimelineModel(ws, self)
        self.timeline = TimelineView(ws, self.timeline_model, self)
        self.timeline_model.loaded.connect(self._timeline_loaded)
        self.timeline.painted.connect(self._timeline_painted)
        center_top = QWidget(self)
        top_layout = QVBoxLayout(center_top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(8, 6, 8, 0)
        self.title = QLabel(self.tr("No case selected"), center_top)
        self.title.setObjectName("caseTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.case_only = QCheckBox(self.tr("This case only"), center_top)
        self.case_only.setToolTip(self.tr("Show only the messages of the selected case"))
        self.case_only.toggled.connect(self._reload_timeline)
        header.addWidget(self.title, 1)
        header.addWidget(self.case_only)
        top_layout.addLayout(header)
        top_layout.addWidget(self.timeline, 1)
        self.composer = Composer(ws, self)
        self.center = QSplitter(Qt.Orientation.Vertical, self)
        self.center.setObjectName("centerSplitter")
        self.center.addWidget(center_top)
        self.center.addWidget(self.composer)
        self.center.setStretchFactor(0, 3)
        self.center.setStretchFactor(1, 1)
        self.center.setSizes([620, 290])
        self.customer_panel = CustomerPanel(ws, self)
        self.customer_panel.caseRequested.connect(self.jump_to_case)
        self.customer_panel.mergeRequested.connect(self.merge_customer)
        self.customer_panel.callRequested.connect(self.log_call)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for widget in (self.views, self.left, self.center, self.customer_panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setStretchFactor(3, 1)
        for widget, minimum in (
            (self.views, 110),
            (self.left, 300),
            (self.center, 340),
            (self.customer_panel, 230),
        ):
            widget.setMinimumWidth(minimum)
        self.splitter.setSizes([160, 740, 470, 310])
        self.setCentralWidget(self.splitter)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Actions"), self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        self.search = QLineEdit(self)
        self.search.setObjectName("globalSearch")
        self.search.setPlaceholderText(self.tr("Search messages and customers  (/ or Ctrl+K)"))
        self.search.setAccessibleName(self.tr("Search"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_enter)
        self.save_view_action = QAction(icon("view-open"), self.tr("Save as view"), self.search)
        self.save_view_action.setToolTip(self.tr("Keep this search as a view of the case list (Ctrl+S)"))
        self.save_view_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_view_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.save_view_action.setEnabled(False)
        self.save_view_action.triggered.connect(lambda: self.save_search_as_view())
        self.search.addAction(self.save_view_action, QLineEdit.ActionPosition.TrailingPosition)
        bar.addWidget(self.search)
        bar.addSeparator()

        def action(name: str, text: str, tip: str, slot: Any) -> QAction:
            act = QAction(icon(name), text, self)
            act.setToolTip(tip)
            act.triggered.connect(slot)
            bar.addAction(act)
            return act

        action("reply", self.tr("Reply"), self.tr("Reply (r)"), lambda: self.composer_start(False))
        action("note", self.tr("Note"), self.tr("Internal note (n)"), lambda: self.composer_start(True))
        action("resolve", self.tr("Resolve"), self.tr("Resolve (e)"), self.resolve)
        action("assign", self.tr("Assign"), self.tr("Assign (a)"), self.assign)
        action("snooze", self.tr("Snooze"), self.tr("Snooze (s)"), self.snooze)
        more = QMenu(self)
        more.addAction(self.tr("Assign to me"), self.assign_to_me)
        more.addAction(self.tr("Mark pending"), lambda: self._status("pending"))
        more.addAction(self.tr("Reopen"), lambda: self._status("open"))
        more.addAction(self.tr("Priority…"), self.priority)
        more.addAction(self.tr("Tags…"), self.tags)
        more.addSeparator()
        more.addAction(self.tr("Log a call…"), self.log_call)
        more.addAction(self.tr("Merge customer…"), self.merge_customer)
        more.addSeparator()
        more.addAction(self.tr("Settings…"), self.open_settings)
        more.addAction(self.tr("Workload…"), self.open_workload)
        more.addAction(self.tr("Keyboard shortcuts"), self.show_shortcuts)
        more_action = QAction(icon("more"), self.tr("More"), self)
        more_action.setMenu(more)
        bar.addAction(more_action)
        self.more_menu = more
        self.undo_action = action(
            "undo", self.tr("Undo"), self.tr("Undo the last case action (Ctrl+Z)"), self.actions_.undo
        )
        self.undo_action.setEnabled(False)

    def shortcut_table(self) -> list[tuple[str, str]]:
        return [
            ("j / k", self.tr("Next / previous case")),
            ("r", self.tr("Reply")),
            ("n", self.tr("Internal note")),
            ("Ctrl+Enter", self.tr("Send the reply or note")),
            ("Ctrl+Shift+A", self.tr("Attach files to the reply or note")),
            ("e", self.tr("Resolve the case")),
            ("a", self.tr("Assign the case")),
            ("m", self.tr("Assign to me")),
            ("s", self.tr("Snooze until…")),
            ("p", self.tr("Priority")),
            ("t", self.tr("Tags")),
            ("/ , Ctrl+K", self.tr("Search")),
            ("Ctrl+S", self.tr("Save the search as a view (in the search field)")),
            ("Delete", self.tr("Delete the saved view (in the list of views)")),
            ("Esc", self.tr("Back to the case list")),
            ("Ctrl+Z", self.tr("Undo the last case action")),
            ("c", self.tr("Show only this case / whole history")),
            ("l", self.tr("Log a call")),
            ("1 … 9", self.tr("Switch view")),
            ("?", self.tr("This list")),
        ]

    def _build_shortcuts(self) -> None:
        keys = {
            "j": lambda: self.cases.step(1),
            "k": lambda: self.cases.step(-1),
            "r": lambda: self.composer_start(False),
            "n": lambda: self.composer_start(True),
            "e": self.resolve,
            "a": self.assign,
            "m": self.assign_to_me,
            "s": self.snooze,
            "p": self.priority,
            "t": self.tags,
            "/": self.focus_search,
            "Ctrl+K": self.focus_search,
            "?": self.show_shortcuts,
            "Ctrl+Z": self.actions_.undo,
            "Esc": self.back_to_list,
            "c": lambda: self.case_only.toggle(),
            "l": self.log_call,
        }
        for n in range(1, 10):
            keys[str(n)] = lambda n=n: self._view_by_number(n)
        self.shortcuts: dict[str, QShortcut] = {}
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut

    # ------------------------------------------------------------ layout memory

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1600, int(screen.width() * 0.92)), min(960, int(screen.height() * 0.9)))
        restored = False
        for splitter, key in ((self.splitter, "window/main"), (self.center, "window/center")):
            state = settings.value(key)
            if state is not None:
                restored = splitter.restoreState(state) or restored
        if not restored:
            self.default_splits(self.width())

    def default_splits(self, width: int) -> None:
        """Pane widths for a first start: small screens give the conversation more room."""
        shares = (0.09, 0.39, 0.33, 0.19) if width >= 1500 else (0.1, 0.33, 0.37, 0.2)
        views = min(round(width * 0.16), max(round(width * shares[0]), self.views.wanted_width()))
        rest = (width - views) / sum(shares[1:])
        self.splitter.setSizes([views, *(round(rest * f) for f in shares[1:])])

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/main", self.splitter.saveState())
        settings.setValue("window/center", self.center.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        self.composer.set_case(None, None)
        # Work waiting for the timeline is for a window nobody looks at any more; run
        # late, it would ask worker threads the closing app has already let go.
        self._waiting_for_timeline = []
        self._waiting_for_paint = False
        self._timeline_limit.stop()
        self._paint_fallback.stop()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    # ------------------------------------------------------------ navigation

    def show_view(self, view: View) -> None:
        self.back_to_list()
        self.case_model.set_filter(view.filter)

    def _view_by_number(self, n: int) -> None:
        view = self.views_model.view(n - 1)
        if view is not None:
            self.views.choose(view.key)

    def open_case(self, case_id: int) -> None:
        if not case_id:
            return
        self._wanted_case = case_id
        self._switch += 1
        # Rows of the list that scrolled into view wait for the timeline: a page of 100
        # cases read and painted meanwhile would hold up the conversation the agent opened.
        self.case_model.hold_pages(True)
        self._hold_limit.start()
        queries, timeline = self.ws.services.queries, self.timeline_model
        case_only = self.case_only.isChecked()
        shown_customer = timeline.customer_id
        asked = timeline.live_reads  # the page read below is newer than these live reads

        def gather() -> tuple[CaseRow, CustomerRow, Any]:
            # One job, the timeline first: the case list's page and the panel would
            # otherwise share the GIL with it while the agent waits for the messages.
            known = self.case_model.cached_row(case_id)
            first = None
            if known is not None and not case_only and known.customer_id != shown_customer:
                first = (known.customer_id, timeline.first_page(known.customer_id), asked)
            case = queries.case(case_id)
            customer = queries.customer(case.customer_id)
            if (first is None or first[0] != customer.id) and (case_only or customer.id != shown_customer):
                first = (customer.id, timeline.first_page(customer.id, case.id if case_only else None), asked)
            return case, customer, first

        def failed(exc: Exception) -> None:
            self._release_list()
            self.statusBar().showMessage(str(exc), 8000)

        self.ws.call(gather, done=self._show_case, task="open case", failed=failed)

    def _release_list(self) -> None:
        self._hold_limit.stop()
        self.case_model.hold_pages(False)

    def _show_case(self, result: tuple[CaseRow, CustomerRow, Any]) -> None:
        case, customer, first = result
        if case.id != getattr(self, "_wanted_case", case.id):
            return  # the agent has moved on to another case meanwhile
        self.case, self.customer = case, customer
        case_only = case.id if self.case_only.isChecked() else None
        if first is not None and first[0] == customer.id:
            self.timeline_model.show(customer.id, case_only, first[1], first[2])
        elif self.timeline_model.customer_id != customer.id or case_only is not None:
            self._reload_timeline()
        self.title.setText(
            self.tr("{customer} · #{id} {subject}").format(
                customer=customer.name, id=case.id, subject=case.subject or self.tr("(no subject)")
            )
        )
        # The timeline is what the agent reads first: the panel and the composer's
        # accounts, templates and draft are read once it is on screen, so the three
        # do not share the worker threads and the GIL while it loads.
        self.composer.set_case(case, customer, load=False)
        self._after_timeline(lambda: self.customer_panel.load(customer.id))
        self._after_timeline(self.composer.load)
        self.caseShown.emit(case.id)

    def _after_timeline(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the timeline being loaded is on screen, unless the agent moved on."""
        switch = self._switch

        def run() -> None:
            if switch == self._switch:
                fn()

        self._waiting_for_timeline.append(run)
        if not self.timeline_model.loading:
            self._timeline_loaded()
        else:
            self._timeline_limit.start()  # a timeline that never comes holds up nothing

    def _timeline_loaded(self) -> None:
        if self._waiting_for_timeline:
            self._waiting_for_paint = True
            self._paint_fallback.start()  # a hidden or minimized window paints nothing

    def _timeline_painted(self) -> None:
        if self._waiting_for_paint:
            self._waiting_for_paint = False
            self._paint_fallback.stop()
            QTimer.singleShot(0, self, self._run_after_timeline)

    def _run_after_timeline(self) -> None:
        self._timeline_limit.stop()
        self._release_list()
        self._waiting_for_paint = False
        waiting, self._waiting_for_timeline = self._waiting_for_timeline, []
        for fn in waiting:
            fn()

    def _customers_changed(self, event: Any) -> None:
        # A rename or a merge: the title and the composer's variables follow.
        if self.case is not None and self.customer is not None and self.customer.id in event.customer_ids:
            self.open_case(self.case.id)

    def _reload_timeline(self) -> None:
        if self.customer is None:
            return
        case_only = self.case.id if self.case is not None and self.case_only.isChecked() else None
        self.timeline_model.load(self.customer.id, case_only)

    def jump_to_case(self, case_id: int) -> None:
        if not self.cases.select_case(case_id):
            self.open_case(case_id)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def back_to_list(self) -> None:
        if self.left.currentWidget() is self.search_results:
            self.search.clear()
        self.left.setCurrentWidget(self.cases)
        self.cases.setFocus()

    def _search_changed(self, text: str) -> None:
        self.left.setCurrentWidget(self.search_results if text.strip() else self.cases)
        self.save_view_action.setEnabled(bool(text.strip()))
        self.search_model.set_query(text)

    def save_search_as_view(self, name: str | None = None) -> None:
        """Keep the search text as a view listing the open cases whose subject or customer matches it."""
        query = self.search.text().strip()
        if not query:
            self.statusBar().showMessage(self.tr("Type something to search for first, then save it."), 8000)
            return
        if name is None:
            name, ok = QInputDialog.getText(
                self,
                self.tr("Save as view"),
                self.tr("Name of the view (it lists the open cases whose subject or customer matches):"),
                text=query,
            )
            if not ok:
                return

        def saved(row: Any) -> None:
            self.statusBar().showMessage(self.tr("View “{name}” saved.").format(name=row.name), 6000)
            self.views.choose(f"search:{row.id}")
            self.views_model.refresh()

        self.ws.call(
            self.views_model.saved_searches.save,
            self.ws.agent_id,
            name,
            query,
            done=saved,
            failed=lambda exc: self.statusBar().showMessage(str(exc), 10000),
            task="save view",
        )

    def delete_view(self, view: View) -> None:
        if view.saved_id is None:
            return
        self.ws.call(
            self.views_model.saved_searches.delete,
            view.saved_id,
            done=lambda _r: (
                self.statusBar().showMessage(self.tr("View “{name}” deleted.").format(name=view.label), 6000),
                self.views_model.refresh(),
            ),
            failed=lambda exc: (self.statusBar().showMessage(str(exc), 10000), self.views_model.refresh()),
            task="delete view",
        )

    def _search_enter(self) -> None:
        if self.search_model.rowCount():
            self.search_results.setFocus()
            self.search_results.setCurrentIndex(self.search_model.index(0))

    def _open_hit(self, hit: Any) -> None:
        if hit.case_id:
            self.jump_to_case(hit.case_id)
        else:
            self.customer = None
            self.timeline_model.load(hit.customer_id)
            self.customer_panel.load(hit.customer_id)

    # ------------------------------------------------------------ actions

    def composer_start(self, note: bool) -> None:
        if self.case is not None:
            self.composer.start(note)

    def resolve(self) -> None:
        self._status("resolved")

    def _status(self, status: str) -> None:
        if self.case is not None:
            self.actions_.set_status(self.case.id, status)

    def assign_to_me(self) -> None:
        if self.case is not None:
            self.actions_.assign_to_me(self.case.id)

    def assign(self) -> None:
        if self.case is None:
            return
        case_id, agents = self.case.id, self.ws.services.agents

        def choose(people_and_teams: tuple[list[Any], list[tuple[int, str]]]) -> None:
            dialog = AssignDialog(*people_and_teams, self)
            if dialog.exec():
                kind, who = dialog.choice()
                if kind == "team":
                    self.actions_.assign_team(case_id, who)
                else:
                    self.actions_.assign(case_id, who)

        self.ws.call(lambda: (agents.list(), agents.teams()), done=choose, task="assign")

    def snooze(self) -> None:
        if self.case is None:
            return
        dialog = SnoozeDialog(self)
        if dialog.exec():
            self.actions_.set_status(self.case.id, "snoozed", dialog.until())

    def priority(self) -> None:
        if self.case is None:
            return
        names = [labels.word(labels.PRIORITY, p) for p in PRIORITIES]
        current = PRIORITIES.index(self.case.priority) if self.case.priority in PRIORITIES else 1
        chosen, ok = QInputDialog.getItem(
            self, self.tr("Priority"), self.tr("Priority of the case:"), names, current, False
        )
        if ok:
            self.actions_.set_priority(self.case.id, PRIORITIES[names.index(chosen)])

    def tags(self) -> None:
        if self.case is None:
            return
        text, ok = QInputDialog.getText(
            self, self.tr("Tags"), self.tr("Tags, separated by commas:"), text=", ".join(self.case.tags)
        )
        if ok:
            self.actions_.set_tags(self.case.id, [t for t in text.split(",")])

    def merge_customer(self) -> None:
        if self.customer is None:
            return
        dialog = MergeDialog(self.ws, self.customer, self)
        if dialog.exec() and dialog.chosen() is not None:
            self.customer_panel.merge_from(dialog.chosen())  # type: ignore[arg-type]

    def log_call(self) -> None:
        if self.case is None or self.customer is None:
            return
        dialog = CallDialog(self.customer, self)
        if dialog.exec():
            self.ws.call(
                self.ws.calls.log,
                self.case.id,
                dialog.call_log(),
                agent_id=self.ws.agent_id,
                done=lambda _m: self.statusBar().showMessage(self.tr("Call logged."), 5000),
                failed=lambda exc: self.statusBar().showMessage(str(exc), 10000),
                task="log call",
            )

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_table(), self).exec()

    def open_settings(self) -> None:
        from inbox_app.ui.dialogs.settings import SettingsDialog

        SettingsDialog(self.ws, self).exec()

    def open_workload(self) -> None:
        from inbox_app.ui.dialogs.workload import WorkloadDialog

        WorkloadDialog(self.ws, self).exec()

    # ------------------------------------------------------------ live

    def _notify(self, event: Any) -> None:
        if self.tray is None or not event.case_ids:
            return
        services, me = self.ws.services, self.ws.agent

        def relevant() -> list[str]:
            out = []
            cases = services.queries.cases_by_id(event.case_ids)
            for message_id in event.message_ids[:20]:
                try:
                    message = services.queries.message(message_id)
                except NotFound:
                    continue  # erased meanwhile
                case = cases.get(message.case_id or -1)
                if message.direction != "in" or case is None:
                    continue
                if case.assignee is None or (me is not None and case.assignee == me.name):
                    out.append(f"{case.customer_name}: {message.text[:80]}")
            return out

        def show(lines: list[str]) -> None:
            if lines and self.tray is not None:
                self.tray.showMessage(
                    self.tr("New messages"),
                    "\n".join(lines[:3]),
                    QSystemTrayIcon.MessageIcon.Information,
                    5000,
                )

        self.ws.call(relevant, done=show, task="notify")

    def start_sync(self) -> None:
        """Run every enabled channel account on this window's loop, if this login may
        (team mode: an agent's or lead's desktop leaves that to the worker)."""
        from inbox_app.core.team.roles import may_sync

        def start() -> None:
            if may_sync(self.ws.services.engine):
                self.ws.services.supervisor().start(self.ws.tasks.spawn)

        QTimer.singleShot(0, start)
