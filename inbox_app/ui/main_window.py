"""The agent workspace: views | case list | timeline with composer | customer panel."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from inbox_app import APP_NAME
from inbox_app.core.events import CasesChanged
from inbox_app.core.read.queries import CaseFilter
from inbox_app.core.read.rows import CaseRow, CustomerRow
from inbox_app.core.vocab import CaseStatus
from inbox_app.ui import window_layout
from inbox_app.ui.appearance import icon
from inbox_app.ui.availability import AvailabilityButton
from inbox_app.ui.case_actions import CaseActions
from inbox_app.ui.case_list_model import CaseListModel
from inbox_app.ui.case_list_view import CaseListView
from inbox_app.ui.composer import Composer
from inbox_app.ui.csat_badge import CsatBadge
from inbox_app.ui.customer_panel import CustomerPanel
from inbox_app.ui.first_paint import AfterTimeline, FirstPaint
from inbox_app.ui.live_feed import LiveFeed
from inbox_app.ui.presence_bridge import PresenceBridge
from inbox_app.ui.presence_strip import PresenceStrip
from inbox_app.ui.search_results import SearchModel, SearchResults
from inbox_app.ui.sla_badge import SlaBadge
from inbox_app.ui.sync_status import SyncStatus
from inbox_app.ui.timeline_model import TimelineModel
from inbox_app.ui.timeline_view import TimelineView
from inbox_app.ui.tray import Tray
from inbox_app.ui.views_list import View, ViewsList, ViewsModel
from inbox_app.ui.window_actions import WindowActions
from inbox_app.ui.workspace import Workspace

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    caseShown = Signal(int)  # the case now in the middle and right panes
    ready = Signal()  # the first cases are painted: background work may start

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.case: CaseRow | None = None
        self.customer: CustomerRow | None = None
        self._wanted_case: int | None = None
        self.setObjectName("mainWindow")
        who = ws.agent.name if ws.agent else self.tr("local agent")
        self.setWindowTitle(self.tr("{app} — {agent}").format(app=APP_NAME, agent=who))
        # The first view's cases are read while the rest of the window is built, so that
        # the window's first paint already has them.
        self.views_model = ViewsModel(ws, self)
        self.views_model.set_views_now([])
        first_view = self.views_model.view(self.views_model.row_of("open") or 0)
        assert first_view is not None  # the standard views are always there
        self.case_model = CaseListModel(ws, self)
        self.case_model.set_filter(first_view.filter)
        self.actions_ = CaseActions(ws, self)
        self.window_actions = WindowActions(self)
        self.presence = PresenceBridge(ws, self)
        self._build_panes()
        self._build_toolbar()
        self.window_actions.bind_keys()
        self.status = SyncStatus(ws, self)
        self.statusBar().addPermanentWidget(self.status)
        if ws.agent is not None:
            self.availability = AvailabilityButton(ws, self)
            self.statusBar().addPermanentWidget(self.availability)
        self.live = LiveFeed(ws, self.statusBar())
        self._follow_presence()
        self.actions_.done.connect(lambda words: self.statusBar().showMessage(words, 6000))
        self.actions_.refused.connect(lambda words: self.statusBar().showMessage(words, 10000))
        self.actions_.undoChanged.connect(self.undo_action.setEnabled)
        self.tray = Tray(ws, self)
        ws.bridge.customersChanged.connect(self._customers_changed)
        ws.bridge.casesChanged.connect(lambda event: self._case_changed(event.case_ids))
        ws.bridge.changesMissed.connect(lambda _event: self._case_changed(None))
        window_layout.restore(self)
        # The cases come first; the views' counts and the channels' state are read once
        # the list has its rows, so they do not share the worker threads with it.
        self.first_paint = FirstPaint(self.case_model, self.cases.viewport(), self)
        self.first_paint.done.connect(self._first_paint_done)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # The first cases were read while the window was built: if they are in by the
        # loop's first turn, the first paint shows them (not an empty list, then the list).
        QTimer.singleShot(0, self, self.case_model.take_landed)
        super().showEvent(event)

    def _first_paint_done(self) -> None:
        """The first cases are on screen: now the rest of the window's reading starts."""
        self.views_model.refresh()
        self.status.refresh()
        self.tray.show()
        self.ready.emit()

    # ------------------------------------------------------------ building

    def _build_panes(self) -> None:
        ws = self.ws
        self.views = ViewsList(self.views_model, self)
        self.views.choose("open")
        self.views.viewChosen.connect(self.show_view)
        self.views.deleteRequested.connect(self.window_actions.delete_view)
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
        self.after_timeline = AfterTimeline(self.timeline_model, self.timeline, self.case_model, self)
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
        self.csat_badge = CsatBadge(ws, center_top)
        self.sla_badge = SlaBadge(ws, center_top)
        header.addWidget(self.title, 1)
        header.addWidget(self.csat_badge)
        header.addWidget(self.case_only)
        top_layout.addLayout(header)
        # Its own line under the title: a long target and policy name are never cut.
        self.sla_badge.setContentsMargins(8, 0, 8, 0)
        self.sla_badge.setWordWrap(True)
        top_layout.addWidget(self.sla_badge)
        top_layout.addWidget(self.timeline, 1)
        # Right above the composer: "Sara Conti is replying" before this agent starts to.
        self.presence_strip = PresenceStrip(self.presence, center_top)
        top_layout.addWidget(self.presence_strip)
        self.composer = Composer(ws, self)
        self.composer.follow_timeline(self.timeline_model)
        self.center = QSplitter(Qt.Orientation.Vertical, self)
        self.center.setObjectName("centerSplitter")
        self.center.addWidget(center_top)
        self.center.addWidget(self.composer)
        self.center.setStretchFactor(0, 3)
        self.center.setStretchFactor(1, 1)
        self.center.setSizes([620, 290])
        self.customer_panel = CustomerPanel(ws, self)
        self.customer_panel.caseRequested.connect(self.jump_to_case)
        self.customer_panel.mergeRequested.connect(self.window_actions.merge_customer)
        self.customer_panel.callRequested.connect(self.window_actions.log_call)

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

    def _follow_presence(self) -> None:
        """Team mode: say which case this desktop shows and when its agent types a reply; show
        which colleagues are on which case (list rows, the strip above the composer)."""
        presence = self.presence
        self.case_model.follow_presence(presence)
        self.caseShown.connect(presence.view)
        self.caseShown.connect(self.presence_strip.set_case)
        self.composer.edited.connect(presence.typed)
        self.composer.sent.connect(presence.stopped_typing)
        self.live.started.connect(presence.start)

    def _build_toolbar(self) -> None:
        do = self.window_actions
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
        self.save_view_action.triggered.connect(lambda: do.save_search_as_view())
        self.search.addAction(self.save_view_action, QLineEdit.ActionPosition.TrailingPosition)
        bar.addWidget(self.search)
        bar.addSeparator()

        def action(name: str, text: str, tip: str, slot: Any) -> QAction:
            act = QAction(icon(name), text, self)
            act.setToolTip(tip)
            act.triggered.connect(slot)
            bar.addAction(act)
            return act

        action("reply", self.tr("Reply"), self.tr("Reply (r)"), lambda: do.composer_start(False))
        action("note", self.tr("Note"), self.tr("Internal note (n)"), lambda: do.composer_start(True))
        action("resolve", self.tr("Resolve"), self.tr("Resolve (e)"), do.resolve)
        action("assign", self.tr("Assign"), self.tr("Assign (a)"), do.assign)
        action("snooze", self.tr("Snooze"), self.tr("Snooze (s)"), do.snooze)
        more = QMenu(self)
        more.addAction(self.tr("Assign to me"), do.assign_to_me)
        more.addAction(self.tr("Mark pending"), lambda: do.set_status(CaseStatus.PENDING))
        more.addAction(self.tr("Reopen"), lambda: do.set_status(CaseStatus.OPEN))
        more.addAction(self.tr("Priority…"), do.priority)
        more.addAction(self.tr("Tags…"), do.tags)
        more.addSeparator()
        more.addAction(self.tr("Log a call…"), do.log_call)
        more.addAction(self.tr("Merge customer…"), do.merge_customer)
        more.addSeparator()
        more.addAction(self.tr("Settings…"), do.open_settings)
        more.addAction(self.tr("Workload…"), do.open_workload)
        if self.ws.is_lead:
            more.addAction(self.tr("Service levels…"), do.open_dashboard)
        more.addAction(self.tr("Satisfaction…"), do.open_satisfaction)
        more.addAction(self.tr("Keyboard shortcuts"), do.show_shortcuts)
        more_action = QAction(icon("more"), self.tr("More"), self)
        more_action.setMenu(more)
        bar.addAction(more_action)
        self.more_menu = more
        self.undo_action = action(
            "undo", self.tr("Undo"), self.tr("Undo the last case action (Ctrl+Z)"), self.actions_.undo
        )
        self.undo_action.setEnabled(False)

    def default_splits(self, width: int) -> None:
        window_layout.default_splits(self, width)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        window_layout.save(self)
        self.composer.set_case(None, None)
        self.presence.view(None)  # "left", for the others
        self.after_timeline.drop()  # for a window nobody looks at any more
        self.ws.closed = True
        self.tray.hide()
        super().closeEvent(event)

    # ------------------------------------------------------------ navigation

    def show_view(self, view: View) -> None:
        self.back_to_list()
        self.case_model.set_filter(view.filter)

    def show_cases(self, label: str, case_ids: list[int]) -> None:
        """The case list on exactly ``case_ids`` (what a dashboard figure is made of)."""
        self.back_to_list()
        self.views.leave()
        self.case_model.set_filter(CaseFilter(ids=tuple(case_ids)))
        words = (
            self.tr("1 case behind “{figure}”")
            if len(case_ids) == 1
            else self.tr("{n} cases behind “{figure}”")
        )
        self.statusBar().showMessage(words.format(n=len(case_ids), figure=label), 60000)
        self.activateWindow()  # from the dashboard's window to this one

    def show_view_number(self, n: int) -> None:
        view = self.views_model.view(n - 1)
        if view is not None:
            self.views.choose(view.key)

    def open_case(self, case_id: int) -> None:
        if not case_id:
            return
        self._wanted_case = case_id
        self.after_timeline.case_opening()
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
            self.after_timeline.release_list()
            self.statusBar().showMessage(str(exc), 8000)

        self.ws.call(gather, done=self._show_case, task="open case", failed=failed)

    def _show_case(self, result: tuple[CaseRow, CustomerRow, Any]) -> None:
        case, customer, first = result
        if self._wanted_case is not None and case.id != self._wanted_case:
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
        self.csat_badge.show_case(case.id)
        self.sla_badge.show_case(case)
        self.after_timeline.then(lambda: self.customer_panel.load(customer.id))
        self.after_timeline.then(self.composer.load)
        self.caseShown.emit(case.id)

    def _customers_changed(self, event: Any) -> None:
        # A rename or a merge: the title and the composer's variables follow.
        if self.case is not None and self.customer is not None and self.customer.id in event.customer_ids:
            self.open_case(self.case.id)

    def _case_changed(self, case_ids: Any) -> None:
        """The case on show changed (here, on another desktop, by the worker): keep its row
        fresh, so the next action is based on the version the agent now sees."""
        case = self.case
        if case is None or (case_ids is not None and case.id not in case_ids):
            return

        def fresh(row: CaseRow) -> None:
            if self.case is not None and self.case.id == row.id:
                self.case = row
                self.csat_badge.show_case(row.id)  # an answer may have arrived
                self.sla_badge.show_case(row)

        self.ws.call(
            self.ws.services.queries.case, case.id, done=fresh, failed=lambda _exc: None, task="case row"
        )

    def _check_breaches(self) -> None:
        def tell(ids: list[int]) -> None:
            if ids:
                self.ws.services.bus.publish(CasesChanged(tuple(ids)))

        self.ws.call(
            self.ws.services.sla.check_breaches, done=tell, failed=lambda _exc: None, task="sla breaches"
        )

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

    def start_sync(self) -> None:
        """Hear other desktops' changes (team mode), and run every enabled channel account on
        this window's loop if this login may (an agent's or lead's desktop leaves that to the
        worker)."""
        from inbox_app.core.team.roles import may_sync

        def run_accounts(allowed: bool) -> None:
            if allowed:
                self.ws.services.supervisor().start(self.ws.tasks.spawn)
                # A single-user store's window also hands out the cases of teams that assign
                # automatically (core/assign.py) until its tasks are cancelled at close; a team
                # store leaves that to the worker, so idle desktops stay quiet.
                if self.ws.services.engine.dialect.name == "sqlite":
                    self.ws.spawn(self.ws.services.assigner().run(asyncio.Event()), "automatic assignment")
                    # And asks the satisfaction questions of teams that ask (core/voice/).
                    self.ws.spawn(self.ws.services.csat_loop().run(asyncio.Event()), "satisfaction questions")
                    # And writes the breaches that happen while nobody writes (the worker's
                    # tick in team mode), once a minute.
                    self._breach_timer.start()

        self._breach_timer = QTimer(self, interval=60_000)
        self._breach_timer.timeout.connect(self._check_breaches)

        def start() -> None:
            self.live.start()
            # Asking the database whether this login may sync is a query: off the loop.
            self.ws.call(may_sync, self.ws.services.engine, done=run_accounts, task="may sync")

        QTimer.singleShot(0, start)
