"""The list of views on the left (Mine, Unassigned, ..., saved searches), each with a live count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QContextMenuEvent, QFont, QFontMetrics, QIcon, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from inbox_app.core.read.queries import OPEN_STATES, CaseFilter
from inbox_app.core.read.saved_searches import SavedSearchRow, SavedSearchService
from inbox_app.core.vocab import CaseStatus
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.workspace import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex
WORKING = (CaseStatus.OPEN, CaseStatus.PENDING)
APPROVALS = "approvals"  # the key of the leads' "Awaiting approval" view
OVERDUE = "overdue"
AT_RISK = "at_risk"


@dataclass(frozen=True)
class View:
    key: str
    label: str
    filter: CaseFilter
    icon: str
    saved_id: int | None = None  # set on the agent's saved searches, which can be deleted


def standard_views(ws: Workspace, channels: list[str]) -> list[View]:
    agent, team_id = ws.agent, ws.team_id
    views = [
        View(
            "mine",
            QCoreApplication.translate("Views", "Mine"),
            CaseFilter(status=WORKING, assignee_id=agent.id if agent else -1),
            "view-mine",
        ),
        View(
            "unassigned",
            QCoreApplication.translate("Views", "Unassigned"),
            CaseFilter(status=WORKING, unassigned=True),
            "view-unassigned",
        ),
    ]
    if team_id is not None:
        views.append(
            View(
                "team",
                QCoreApplication.translate("Views", "My team"),
                CaseFilter(status=WORKING, team_id=team_id),
                "view-team",
            )
        )
    views += [
        View(
            "open", QCoreApplication.translate("Views", "All open"), CaseFilter(status=WORKING), "view-open"
        ),
        # A service-level target past its due time, soonest-missed first.
        View(
            OVERDUE,
            QCoreApplication.translate("Views", "Overdue"),
            CaseFilter(status=OPEN_STATES, overdue=True, sort="due"),
            "view-overdue",
        ),
        View(
            "pending",
            QCoreApplication.translate("Views", "Pending"),
            CaseFilter(status=(CaseStatus.PENDING,)),
            "view-pending",
        ),
        View(
            "snoozed",
            QCoreApplication.translate("Views", "Snoozed"),
            CaseFilter(status=(CaseStatus.SNOOZED,)),
            "view-snoozed",
        ),
        View(
            "resolved",
            QCoreApplication.translate("Views", "Resolved"),
            CaseFilter(status=(CaseStatus.RESOLVED,)),
            "view-resolved",
        ),
    ]
    views.append(
        View(
            AT_RISK,
            QCoreApplication.translate("Views", "At risk"),
            # The open cases of customers whose at-risk score reaches the admin's threshold,
            # the riskiest customer's first (core/voice).
            CaseFilter(status=WORKING, at_risk=ws.risk_threshold, by_risk=True),
            "view-at-risk",
        )
    )
    if ws.is_lead:
        # Replies held for a lead, whatever their case's status: a lead opens the case and
        # decides on the reply from its card (ui/dialogs/approvals.py).
        views.append(
            View(
                APPROVALS,
                QCoreApplication.translate("Views", "Awaiting approval"),
                CaseFilter(awaiting_approval=True),
                "view-approval",
            )
        )
    for channel in channels:
        views.append(
            View(
                f"channel:{channel}",
                labels.word(labels.CHANNEL, channel),
                CaseFilter(status=WORKING, channel=channel),
                f"channel-{channel}",
            )
        )
    return views


def saved_views(saved: list[SavedSearchRow]) -> list[View]:
    return [View(f"search:{s.id}", s.name, s.filter, "search", s.id) for s in saved]


class ViewsModel(QAbstractListModel):
    KeyRole = Qt.ItemDataRole.UserRole + 1
    CountRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._views: list[View] = []
        self._counts: dict[str, int] = {}
        self._saved: list[SavedSearchRow] = []
        self._generation = 0  # the newest refresh: an older one landing late is dropped
        self.saved_searches = SavedSearchService(ws.services.factory)
        self._timer = QTimer(self, singleShot=True, interval=500)
        self._timer.timeout.connect(self.refresh)
        ws.bridge.casesChanged.connect(lambda _e: self._timer.start())
        ws.bridge.accountsChanged.connect(lambda _e: self._timer.start())
        ws.bridge.changesMissed.connect(lambda _e: self._timer.start())
        # Cases become overdue with nobody writing anything: the counts follow the clock.
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.refresh)
        self._clock.start()

    def refresh(self) -> None:
        """Work out which views exist (channels and saved searches come and go) and count each,
        off the GUI thread."""
        agent_id, saved_searches = self._ws.agent_id, self.saved_searches
        self._generation += 1
        generation = self._generation

        def compute() -> tuple[list[str], list[SavedSearchRow], dict[str, int]]:
            self._ws.risk_threshold = self._ws.services.risk.threshold()
            accounts = self._ws.services.accounts.list()
            channels = sorted({a.channel for a in accounts})
            saved = saved_searches.list(agent_id)
            views = standard_views(self._ws, channels) + saved_views(saved)
            return channels, saved, self._ws.reads.view_counts({v.key: v.filter for v in views})

        self._ws.call(compute, done=lambda r: self._apply(r, generation), task="view counts")

    def _apply(
        self, result: tuple[list[str], list[SavedSearchRow], dict[str, int]], generation: int | None = None
    ) -> None:
        if generation is not None and generation != self._generation:
            # Two refreshes overlapped (a saved view's, the first counts'): the older one's
            # list would hide the view just saved and drop the wish to show it.
            return
        channels, saved, counts = result
        views = standard_views(self._ws, channels) + saved_views(saved)
        if [(v.key, v.label) for v in views] != [(v.key, v.label) for v in self._views]:
            self.beginResetModel()
            self._views, self._saved, self._counts = views, saved, counts
            self.endResetModel()
        else:
            self._views, self._saved, self._counts = views, saved, counts
            if views:
                self.dataChanged.emit(self.index(0), self.index(len(views) - 1))

    def set_views_now(self, channels: list[str]) -> None:
        self.beginResetModel()
        self._views = standard_views(self._ws, channels) + saved_views(self._saved)
        self.endResetModel()

    def view(self, row: int) -> View | None:
        return self._views[row] if 0 <= row < len(self._views) else None

    def row_of(self, key: str) -> int | None:
        return next((i for i, v in enumerate(self._views) if v.key == key), None)

    def count(self, key: str) -> int | None:
        return self._counts.get(key)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._views)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._views)):
            return None
        view = self._views[index.row()]
        count = self._counts.get(view.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return view.label
        if role == Qt.ItemDataRole.DecorationRole:
            return icon(view.icon)
        if role == self.KeyRole:
            return view.key
        if role == self.CountRole:
            return count
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.tr("{view}: {n} cases").format(view=view.label, n=count if count is not None else "…")
        return None


class CountDelegate(QStyledItemDelegate):
    """The view name, with its count on the right."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        count = index.data(ViewsModel.CountRole)
        if count is None:
            super().paint(painter, option, index)
            return
        # The name gets what the count leaves free, elided if the pane is narrow.
        label = QStyleOptionViewItem(option)
        self.initStyleOption(label, index)
        bold = QFont(option.font)
        bold.setBold(True)
        room = QFontMetrics(bold).horizontalAdvance(str(count)) + 16
        full = QRect(option.rect)
        label.rect = QRect(full).adjusted(0, 0, -room, 0)
        style = option.widget.style() if option.widget else None
        if style is not None:
            background = QStyleOptionViewItem(option)
            self.initStyleOption(background, index)
            background.text = ""
            background.icon = QIcon()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, option.widget)
            label.state &= ~QStyle.StateFlag.State_HasFocus
            label.backgroundBrush = QBrush()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, label, painter, option.widget)
        painter.save()
        font = QFont(option.font)
        font.setBold(bool(count))
        painter.setFont(font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = option.palette.ColorRole.HighlightedText if selected else option.palette.ColorRole.Text
        painter.setPen(option.palette.color(role))
        rect = QRect(option.rect).adjusted(0, 0, -10, 0)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(count))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 40, max(hint.height(), option.fontMetrics.height() + 12))


class ViewsList(QListView):
    viewChosen = Signal(object)  # View
    deleteRequested = Signal(object)  # View: a saved search the agent no longer wants

    def __init__(self, model: ViewsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setObjectName("views")
        self.setAccessibleName(self.tr("Views"))
        self.setItemDelegate(CountDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformItemSizes(True)
        self._key = "open"
        self._wanted: str | None = None  # a view chosen before it is listed (a search just saved)
        self.selectionModel().currentRowChanged.connect(self._changed)
        model.modelReset.connect(self._restore)

    def wanted_width(self) -> int:
        """Room for the longest view name with its icon and a three-digit count, so a first
        start does not cut "Unassigned" or an Italian "Tutti gli aperti" short."""
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        names = (str(self._model.index(row, 0).data() or "") for row in range(self._model.rowCount()))
        longest = max((metrics.horizontalAdvance(name) for name in names), default=0)
        frame = 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()
        return longest + self.iconSize().width() + metrics.horizontalAdvance("999") + 16 + 24 + frame

    def _changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        view = self._model.view(current.row())
        if view is not None and view.key != self._key:
            self._key = view.key
            self.viewChosen.emit(view)

    def leave(self) -> None:
        """No view chosen: the case list shows cases picked elsewhere (the dashboard's)."""
        self._key = ""
        self.selectionModel().blockSignals(True)
        self.setCurrentIndex(QModelIndex())
        self.selectionModel().blockSignals(False)
        self.viewport().update()

    def _restore(self) -> None:
        if not self._key:
            return  # showing picked cases: a refresh of the counts keeps them
        wanted, self._wanted = self._wanted, None
        if wanted is not None and self._model.row_of(wanted) is not None:
            self.choose(wanted)
            return
        row = self._model.row_of(self._key)
        if row is None:
            # The view shown is gone (a saved search deleted): back to all open cases.
            self.choose("open")
            return
        self.selectionModel().blockSignals(True)
        self.setCurrentIndex(self._model.index(row))
        self.selectionModel().blockSignals(False)
        self.viewport().update()

    def choose(self, key: str) -> None:
        """Show the view ``key``; one not listed yet is shown as soon as it is."""
        row = self._model.row_of(key)
        if row is None:
            self._wanted = key
        else:
            self.setCurrentIndex(self._model.index(row))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        view = self._model.view(self.indexAt(event.pos()).row())
        if event.reason() != QContextMenuEvent.Reason.Mouse:
            view = self._model.view(self.currentIndex().row())
        if view is None or view.saved_id is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.tr("Delete view “{name}”").format(name=view.label), lambda: self._delete(view))
        menu.popup(event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        view = self._model.view(self.currentIndex().row())
        if event.key() == Qt.Key.Key_Delete and view is not None and view.saved_id is not None:
            self._delete(view)
            return
        super().keyPressEvent(event)

    def _delete(self, view: View) -> None:
        self.deleteRequested.emit(view)

    def current_key(self) -> str:
        return self._key
