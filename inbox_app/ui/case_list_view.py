"""The case list's view: the table, its columns fitted to the width, and the channels' icons."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.case_list_model import CaseListModel, ModelIndex


class ChannelsDelegate(QStyledItemDelegate):
    """Channel icons side by side, readable at a glance."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        channels = index.data(CaseListModel.ChannelsRole) or []
        size = min(16, option.rect.height() - 6)
        x = option.rect.x() + 6
        y = option.rect.y() + (option.rect.height() - size) // 2
        for channel in channels:
            icon(f"channel-{channel}").paint(painter, QRect(x, y, size, size))
            x += size + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        return QSize(64, 24)


class CustomerDelegate(QStyledItemDelegate):
    """The customer's name, and at its right end a colleague's mark (team mode): names stay
    aligned down the column whether or not someone has their case open."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.decorationPosition = QStyleOptionViewItem.Position.Right  # type: ignore[attr-defined]


class CaseListView(QTableView):
    caseSelected = Signal(int)  # case id (0: none)

    def __init__(self, model: CaseListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setObjectName("caseList")
        self.setAccessibleName(self.tr("Cases"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CaseListModel.SUBJECT, QHeaderView.ResizeMode.Stretch)
        # The order of the list: newest activity (the default) or the riskiest customers first.
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._sort_menu)
        fm = self.fontMetrics()
        em = fm.averageCharWidth()

        def widest(*texts: str) -> int:
            return max(fm.horizontalAdvance(t) for t in texts) + 18

        self.setColumnWidth(CaseListModel.CUSTOMER, 16 * em + 16)
        self.setColumnWidth(CaseListModel.CHANNELS, 62)
        self.setColumnWidth(
            CaseListModel.STATUS,
            widest(
                model.headerData(CaseListModel.STATUS, Qt.Orientation.Horizontal),
                *(labels.word(labels.STATUS, s) for s in labels.STATUS),
            ),
        )
        self.setColumnWidth(
            CaseListModel.PRIORITY,
            widest(
                model.headerData(CaseListModel.PRIORITY, Qt.Orientation.Horizontal),
                *(labels.word(labels.PRIORITY, p) for p in labels.PRIORITY),
            ),
        )
        self.setColumnWidth(CaseListModel.ASSIGNEE, 13 * em + 16)
        self.setColumnWidth(
            CaseListModel.WAITING,
            widest(model.headerData(CaseListModel.WAITING, Qt.Orientation.Horizontal), "99 min"),
        )
        self.setColumnWidth(
            CaseListModel.DUE,
            widest(model.headerData(CaseListModel.DUE, Qt.Orientation.Horizontal), "23h 59m overdue"),
        )
        # Clicking "Due" sorts by time to breach (overdue first); again, back to newest first.
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)
        self.setItemDelegateForColumn(CaseListModel.CHANNELS, ChannelsDelegate(self))
        self.setItemDelegateForColumn(CaseListModel.CUSTOMER, CustomerDelegate(self))
        # Widths as set or as the agent dragged them; a hidden column's section says 0.
        self._widths = {c: header.sectionSize(c) for c in range(CaseListModel.COLUMNS)}
        header.sectionResized.connect(self._resized)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self._selected_id = 0
        self._restore_id = 0
        self._anchor = -1
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)

    def sort_menu(self) -> QMenu:
        """The header's menu: which cases come first."""
        menu = QMenu(self)
        newest = menu.addAction(self.tr("Newest activity first"))
        risky = menu.addAction(self.tr("Customers at risk first"))
        for action, on in ((newest, False), (risky, True)):
            action.setCheckable(True)
            action.setChecked(self._model.sorted_by_risk == on)
            action.triggered.connect(lambda _checked=False, on=on: self._model.set_sort_by_risk(on))
        return menu

    def _sort_menu(self, at: QPoint) -> None:
        self.sort_menu().exec(self.horizontalHeader().mapToGlobal(at))

    #: Columns given up, in this order, when the pane is too narrow for all of them (a
    #: 1366-pixel laptop): views already sort cases by owner and state, and the subject
    #: must keep room to be read. They come back when the pane is wide enough again.
    NARROW_DROPS = (
        CaseListModel.ASSIGNEE,
        CaseListModel.STATUS,
        CaseListModel.PRIORITY,
        CaseListModel.CHANNELS,
    )

    def _header_clicked(self, section: int) -> None:
        if section != CaseListModel.DUE:
            return
        by_due = self._model.sorting != "due"
        self._model.set_sort("due" if by_due else "activity")
        header = self.horizontalHeader()
        header.setSortIndicatorShown(by_due)
        header.setSortIndicator(CaseListModel.DUE, Qt.SortOrder.AscendingOrder)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()

    def _resized(self, column: int, _old: int, new: int) -> None:
        if new > 0 and column != CaseListModel.SUBJECT:
            self._widths[column] = new

    def _fit_columns(self) -> None:
        room = self.viewport().width() - 14 * self.fontMetrics().averageCharWidth()
        needed = sum(w for c, w in self._widths.items() if c != CaseListModel.SUBJECT)
        dropped = set()
        for column in self.NARROW_DROPS:
            if needed <= room:
                break
            dropped.add(column)
            needed -= self._widths[column]
        for column in self.NARROW_DROPS:
            if self.isColumnHidden(column) != (column in dropped):
                self.setColumnHidden(column, column in dropped)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case_id = self._model.case_id(current.row()) if current.isValid() else None
        if current.isValid():
            self._anchor = current.row()
        if (case_id or 0) != self._selected_id:
            self._selected_id = case_id or 0
            self.caseSelected.emit(self._selected_id)

    def _remember(self) -> None:
        self._restore_id = self._selected_id
        current = self.currentIndex()
        self._anchor = current.row() if current.isValid() else self._anchor

    def _restore(self) -> None:
        row = self._model.row_of(self._restore_id) if self._restore_id else None
        if row is not None:
            self.select_row(row)
            self._anchor = row
        # A case that left the view (resolved, snoozed) stays open in the other panes;
        # j then goes to the case that took its place, k to the one above it.

    def select_row(self, row: int) -> None:
        if 0 <= row < self._model.rowCount():
            self.setCurrentIndex(self._model.index(row, CaseListModel.CUSTOMER))
            self.scrollTo(self._model.index(row, 0))

    def select_case(self, case_id: int) -> bool:
        row = self._model.row_of(case_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def step(self, delta: int) -> None:
        if self.currentIndex().isValid():
            target = self.currentIndex().row() + delta
        elif self._anchor >= 0:
            target = self._anchor if delta > 0 else self._anchor - 1
        else:
            target = 0
        self.select_row(max(0, min(self._model.rowCount() - 1, target)))

    def selected_case_id(self) -> int:
        return self._selected_id
