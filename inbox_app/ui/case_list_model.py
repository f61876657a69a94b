"""The case list's model: a table over case ids, rows fetched by page off the GUI thread.

The id list of a view is loaded in one cheap query (ids and sort keys only);
rows are fetched a page at a time when the view first asks for them, so
100,000 cases cost one id list and a handful of pages, however far one scrolls.
"""

from __future__ import annotations

import functools
from array import array
from collections import OrderedDict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from inbox_app.core.read.queries import CaseFilter
from inbox_app.core.read.rows import CaseRow
from inbox_app.core.service.hours import Calendar
from inbox_app.core.vocab import CaseStatus, Priority
from inbox_app.ui import labels, sla_words
from inbox_app.ui.appearance import is_dark
from inbox_app.ui.workspace import Workspace

if TYPE_CHECKING:
    from inbox_app.ui.presence_bridge import PresenceBridge

PAGE = 100
MAX_CACHED = 3_000  # rows kept in memory (30 pages, several screens), whatever the size of the view
ModelIndex = QModelIndex | QPersistentModelIndex


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_CASE_ID = int(Qt.ItemDataRole.UserRole.value) + 1
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_PRESENCE_ROLES = frozenset((_DECORATION, _TOOLTIP, _ACCESSIBLE))


@functools.cache
def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class CaseListModel(QAbstractTableModel):
    CUSTOMER, CHANNELS, SUBJECT, STATUS, PRIORITY, ASSIGNEE, WAITING, DUE = range(8)
    COLUMNS = 8
    CaseIdRole = Qt.ItemDataRole.UserRole + 1
    RowRole = Qt.ItemDataRole.UserRole + 2
    ChannelsRole = Qt.ItemDataRole.UserRole + 3

    loaded = Signal()  # a new id list is in place

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._filter = CaseFilter(status=(CaseStatus.OPEN, CaseStatus.PENDING))
        self._by_risk = False  # the agent's choice of order (the header's menu)
        self._view_by_risk = False  # the view's own order
        # Every id of the view, packed (8 bytes a case); a case's row is found by a scan
        # of the array in C, which at 250,000 cases costs less than a dict costs memory.
        self._ids: array[int] = array("q")
        self._rows: OrderedDict[int, CaseRow] = OrderedDict()
        self._cells: dict[int, tuple[tuple[Any, ...], ...]] = {}  # data()'s answers, per cached row
        self._pending: set[int] = set()
        self._holding = False
        self._held: set[int] = set()  # pages asked for while held
        self._generation = 0
        self._shown_generation = 0  # the id list in place came from this reload
        # The newest reload's result, left here by the worker as soon as it has it, so
        # the window's first paint can show it before the loop delivers it (take_landed).
        self._landed: tuple[int, tuple[array[int], dict[int, CaseRow]]] | None = None
        # Team mode: the mark and words of colleagues on a case, per case with anyone on it.
        self._marks: dict[int, tuple[QIcon, str]] = {}
        self._now = datetime.now(UTC)
        # Short: what another desktop changed should show within a second, even on a busy machine.
        self._reload_timer = QTimer(self, singleShot=True, interval=200)
        self._reload_timer.timeout.connect(self.reload)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        ws.bridge.casesChanged.connect(self._cases_changed)
        ws.bridge.customersChanged.connect(self._customers_changed)
        ws.bridge.changesMissed.connect(self._missed)
        self._headers = (
            self.tr("Customer"),
            self.tr("Channels"),
            self.tr("Subject"),
            self.tr("Status"),
            self.tr("Priority"),
            self.tr("Assignee"),
            self.tr("Waiting"),
            self.tr("Due"),
        )
        # Each SLA policy's calendar (None: calendar time), for time left in business time.
        self._calendars: dict[str, Calendar | None] = {}
        self._sort = "activity"

    # ------------------------------------------------------------ loading

    def set_filter(self, flt: CaseFilter) -> None:
        # A view that sorts by risk (the "At risk" view) or by due time does so whatever
        # the agent chose.
        self._view_by_risk = flt.by_risk
        flt = flt if flt.sort == "due" else replace(flt, sort=self._sort)
        self._filter = replace(flt, by_risk=flt.by_risk or self._by_risk)
        self.reload()

    def set_sort(self, sort: str) -> None:
        """ "due": soonest due first (time to breach), "activity": newest first."""
        self._sort = sort
        if sort == "due":
            self._by_risk = False  # one order at a time
        self.set_filter(replace(self._filter, sort=sort, by_risk=self._view_by_risk))

    @property
    def sorting(self) -> str:
        return self._filter.sort

    @property
    def sorted_by_risk(self) -> bool:
        return self._filter.by_risk

    def set_sort_by_risk(self, on: bool) -> None:
        """Customers at risk first (their cases by the customer's score, then newest activity),
        or newest activity first; kept when the agent switches views."""
        self._by_risk = on
        if on:
            self._sort = "activity"  # one order at a time
        self.set_filter(replace(self._filter, by_risk=self._view_by_risk, sort=self._sort))

    def reload(self) -> None:
        self._generation += 1
        generation, flt = self._generation, self._filter
        reads, queries, services = self._ws.reads, self._ws.services.queries, self._ws.services

        def fetch() -> tuple[array[int], dict[int, CaseRow]]:
            self._calendars = services.sla.engines()  # one swap: read by data() on the GUI thread
            # The first page comes with the ids: the list is painted once, with its rows.
            ids = reads.case_ids(flt)
            result = ids, queries.cases_by_id(ids[:PAGE]) if ids else {}
            if generation == self._generation:  # not superseded meanwhile
                self._landed = (generation, result)
            return result

        self._ws.call(fetch, task="case list", done=lambda result: self._set_ids(generation, *result))

    def take_landed(self) -> bool:
        """Put in place the cases a reload has read but the loop has not delivered yet.

        The window calls this as it is first shown: the list is read while the window is
        built, and this way the first paint has its rows instead of an empty list.
        """
        landed = self._landed
        if landed is None or landed[0] != self._generation:
            return False
        self._set_ids(landed[0], *landed[1])
        return True

    def load_now(self) -> None:
        """Load synchronously (tests and benchmarks measure the model itself)."""
        self._generation += 1
        self._calendars = self._ws.services.sla.engines()
        self._set_ids(self._generation, self._ws.reads.case_ids(self._filter))

    def _set_ids(self, generation: int, ids: array[int], first: dict[int, CaseRow] | None = None) -> None:
        if generation != self._generation:
            return  # a newer view was asked for meanwhile
        if generation == self._shown_generation:
            return  # already put in place by take_landed
        self._shown_generation = generation
        self._landed = None
        self._now = datetime.now(UTC)
        self._cells.clear()
        if ids == self._ids:
            if first:
                self._remember(first)
                self.dataChanged.emit(self.index(0, 0), self.index(len(first) - 1, self.COLUMNS - 1))
            self.loaded.emit()  # changed rows were refetched when their event came
            return
        self.beginResetModel()
        self._ids = ids
        wanted = set(self._rows).intersection(ids)
        self._rows = OrderedDict((k, v) for k, v in self._rows.items() if k in wanted)
        self._pending.clear()
        self._held.clear()
        if first:
            self._remember(first)
        self.endResetModel()
        self.loaded.emit()

    def _cases_changed(self, event: Any) -> None:
        self._refetch({i for i in event.case_ids if i in self._rows})
        self._reload_soon()

    def _customers_changed(self, event: Any) -> None:
        customers = set(event.customer_ids)
        self._refetch({r.id for r in self._rows.values() if r.customer_id in customers})

    def _missed(self, _event: Any) -> None:
        # Anything shown may have changed elsewhere: every cached row and the list itself.
        self._refetch(set(self._rows))
        self._reload_soon()

    def _reload_soon(self) -> None:
        # Within 200 ms of the first change, with whatever else came meanwhile. Not restarted
        # by each change: a steady stream of them (a busy team) must not hold the list back.
        if not self._reload_timer.isActive():
            self._reload_timer.start()

    def _refetch(self, ids: set[int]) -> None:
        rows = (self.row_of(i) for i in ids)
        for page in {row // PAGE for row in rows if row is not None}:
            self._fetch_page(page, force=True)

    def hold_pages(self, hold: bool) -> None:
        """While held, pages the view asks for wait (the case being opened reads first)."""
        self._holding = hold
        if not hold and self._held:
            held, self._held = self._held, set()
            for page in held:
                self._pending.discard(page)
                self._fetch_page(page)

    def _fetch_page(self, page: int, force: bool = False) -> None:
        if page in self._pending and not force:
            return
        self._pending.add(page)
        if self._holding:
            self._held.add(page)
            return
        ids = self._ids[page * PAGE : (page + 1) * PAGE]
        generation = self._generation

        def done(rows: dict[int, CaseRow]) -> None:
            self._pending.discard(page)
            if generation != self._generation:
                return
            self._remember(rows)
            first, last = page * PAGE, min(len(self._ids), (page + 1) * PAGE) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, self.COLUMNS - 1))

        self._ws.call(self._ws.services.queries.cases_by_id, ids, done=done, task="case page")

    def fetch_page_now(self, row: int) -> None:
        page = row // PAGE
        self._remember(self._ws.services.queries.cases_by_id(self._ids[page * PAGE : (page + 1) * PAGE]))

    def _remember(self, rows: dict[int, CaseRow]) -> None:
        """Cache fetched rows; the least recently fetched go first when the cache is full."""
        for case_id, row in rows.items():
            self._rows.pop(case_id, None)
            self._rows[case_id] = row
            self._cells.pop(case_id, None)
        while len(self._rows) > MAX_CACHED:
            self._cells.pop(self._rows.popitem(last=False)[0], None)

    def _tick(self) -> None:
        """Waiting times grow by themselves: repaint that column every minute."""
        self._now = datetime.now(UTC)
        self._cells.clear()  # waiting times and their colours are worked out again
        if self._ids:
            self.dataChanged.emit(self.index(0, self.WAITING), self.index(len(self._ids) - 1, self.DUE))

    def follow_presence(self, presence: PresenceBridge) -> None:
        """Mark the rows of cases colleagues have open (an eye, a pen while they reply)."""
        self._marks = presence.marks  # kept up to date by the bridge, read by data()
        presence.changed.connect(self._presence_changed)

    def _presence_changed(self, case_ids: tuple[int, ...]) -> None:
        for case_id in case_ids:
            row = self.row_of(case_id)
            if row is not None:
                cell = self.index(row, self.CUSTOMER)
                self.dataChanged.emit(
                    cell, cell, [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole]
                )

    # ------------------------------------------------------------ queries

    def case_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, case_id: int) -> int | None:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return None

    def case_row(self, row: int) -> CaseRow | None:
        case_id = self.case_id(row)
        return self._rows.get(case_id) if case_id is not None else None

    def cached_row(self, case_id: int) -> CaseRow | None:
        """The row of a case if it is in memory (safe from a worker thread: a dict read)."""
        return self._rows.get(case_id)

    def cached_rows(self) -> int:
        return len(self._rows)

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and 0 <= section < self.COLUMNS and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A screen of the list asks this about 2,000 times (rows x columns x roles):
        # answers come from a per-case table of cells built once, not worked out per call.
        row_number = index.row()
        if row_number < 0 or row_number >= len(self._ids):
            return None
        case_id = self._ids[row_number]
        cells = self._cells.get(case_id)
        if cells is None:
            if role == _CASE_ID:
                return case_id
            row = self._rows.get(case_id)
            if row is None:
                self._fetch_page(row_number // PAGE)
                if role == _DISPLAY and index.column() == self.CUSTOMER:
                    return "…"
                return None
            cells = self._cells[case_id] = self._make_cells(row)
        if role in _PRESENCE_ROLES and self._marks and index.column() == self.CUSTOMER:
            mark = self._marks.get(case_id)
            if mark is not None:  # kept apart from the cells: it changes far more often
                if role == _DECORATION:
                    return mark[0]
                return f"{cells[_SLOTS[role]][self.CUSTOMER]}\n{mark[1]}"
        slot = _SLOTS.get(role)
        return None if slot is None else cells[slot][index.column()]

    def _make_cells(self, row: CaseRow) -> tuple[tuple[Any, ...], ...]:
        """Every answer ``data()`` gives for one case: a tuple per role, a cell per column."""
        columns = range(self.COLUMNS)
        display = tuple(self._display(row, col) for col in columns)
        tooltips: list[Any] = [None] * self.COLUMNS
        if row.first_response_due is not None:
            tooltips[self.WAITING] = self.tr("First reply due {when}").format(
                when=labels.when(row.first_response_due)
            )
        tooltips[self.DUE] = sla_words.tooltip(row, self._now)
        tooltips[self.SUBJECT] = display[self.SUBJECT]
        tooltips[self.CUSTOMER] = display[self.CUSTOMER]
        tooltips[self.CHANNELS] = ", ".join(labels.word(labels.CHANNEL, c) for c in row.channels)
        none = QCoreApplication.translate("Labels", "none")
        fonts: list[Any] = [None] * self.COLUMNS
        if row.waiting_since:
            fonts[self.CUSTOMER] = _bold_font()
        channels: list[Any] = [None] * self.COLUMNS
        channels[self.CHANNELS] = list(row.channels)
        return (
            display,
            tuple(tooltips),
            tuple(self._foreground(row, col) for col in columns),
            tuple(fonts),
            tuple(text or none for text in display),
            (row.id,) * self.COLUMNS,
            (row,) * self.COLUMNS,
            tuple(channels),
        )

    def _display(self, row: CaseRow, col: int) -> str:
        if col == self.CUSTOMER:
            return row.customer_name
        if col == self.CHANNELS:
            return ""
        if col == self.SUBJECT:
            tags = "".join(f"  #{t}" for t in row.tags)
            return (row.subject or self.tr("(no subject)")) + tags
        if col == self.STATUS:
            if row.status == CaseStatus.SNOOZED and row.snoozed_until:
                return self.tr("Snoozed until {when}").format(when=labels.when(row.snoozed_until))
            return labels.word(labels.STATUS, row.status)
        if col == self.PRIORITY:
            return labels.word(labels.PRIORITY, row.priority)
        if col == self.ASSIGNEE:
            return row.assignee or (row.team and self.tr("{team} (team)").format(team=row.team)) or "—"
        if col == self.WAITING:
            return labels.ago(row.waiting_since, self._now) if row.status != CaseStatus.RESOLVED else ""
        if col == self.DUE:
            return sla_words.due_text(row, self._now, self._calendars)
        return ""

    def _foreground(self, row: CaseRow, col: int) -> QBrush | None:
        dark = is_dark()
        if col == self.WAITING and row.waiting_since and row.status != CaseStatus.RESOLVED:
            due = row.first_response_due
            if due is None:
                return None
            if due <= self._now:
                return QBrush(QColor("#ff7b72" if dark else "#c62828"))
            if due - self._now <= timedelta(hours=1):
                return QBrush(QColor("#e3b341" if dark else "#a86400"))
            return QBrush(QColor("#56d364" if dark else "#2e7d32"))
        if col == self.DUE:
            got = sla_words.colour(sla_words.state(row, self._now))
            return QBrush(got) if got is not None else None
        if col == self.PRIORITY and row.priority in (Priority.HIGH, Priority.URGENT):
            return QBrush(QColor("#ff7b72" if dark else "#c62828"))
        return None


# Where data() finds each role's answer in a case's cells (see CaseListModel._make_cells).
_SLOTS = {
    int(role.value) if hasattr(role, "value") else int(role): slot
    for slot, role in enumerate(
        (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.AccessibleTextRole,
            CaseListModel.CaseIdRole,
            CaseListModel.RowRole,
            CaseListModel.ChannelsRole,
        )
    )
}
