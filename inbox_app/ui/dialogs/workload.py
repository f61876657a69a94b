"""For leads: every agent's availability, capacity and open cases, and moving cases between them.

A lead picks an agent (or *Unassigned*), sees their cases, and moves some: drag them onto
another agent's row, or select several and *Assign selected to*. Moves go through the case
service with the lead as the actor, so the claims rules hold here as everywhere (core/claims.py).
The view follows every change as it happens (automatic assignment, other desktops).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.agents import AgentRow
from inbox_app.core.read.queries import CaseFilter
from inbox_app.core.vocab import CaseStatus
from inbox_app.ui import labels
from inbox_app.ui.workspace import Workspace

WORKING = (CaseStatus.OPEN, CaseStatus.PENDING)
#: What a dragged case carries: its id, one per line.
CASES_MIME = "application/x-unisono-case-ids"
AGENT, AVAILABILITY, OPEN, CAPACITY, PENDING = range(5)


class CaseList(QListWidget):
    """The chosen agent's cases; dragging takes the selected ones along."""

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        data.setData(CASES_MIME, "\n".join(str(i.data(Qt.ItemDataRole.UserRole)) for i in items).encode())
        return data

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CASES_MIME]


class AgentTable(QTableWidget):
    """One row per agent (and *Unassigned*); cases dropped on a row go to that agent."""

    casesDropped = Signal(list, int)  # case ids, row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(CASES_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        row = self.rowAt(event.position().toPoint().y())
        if event.mimeData().hasFormat(CASES_MIME) and row >= 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        row = self.rowAt(event.position().toPoint().y())
        raw = bytes(event.mimeData().data(CASES_MIME).data()).decode()
        ids = [int(x) for x in raw.split() if x.strip().isdigit()]
        if row < 0 or not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        self.casesDropped.emit(ids, row)


class WorkloadDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.setWindowTitle(self.tr("Workload"))
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("Drag cases onto an agent to reassign them, or select several and choose an agent below.")
            if ws.is_lead
            else self.tr("Only team leads and admins reassign cases."),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = AgentTable(self)
        self.table.setAccessibleName(self.tr("Cases per agent"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Agent"),
                self.tr("Availability"),
                self.tr("Open"),
                self.tr("Capacity"),
                self.tr("Pending"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAcceptDrops(ws.is_lead)
        # The names get the room; the rest are short words and narrow numbers.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(AGENT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("0") * 9)  # numbers get air
        for column in (AVAILABILITY, OPEN, CAPACITY, PENDING):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 3)
        self.cases_label = QLabel(self.tr("Cases of the selected agent:"), self)
        layout.addWidget(self.cases_label)
        self.cases = CaseList(self)
        self.cases.setAccessibleName(self.tr("Cases of the selected agent"))
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.cases.setDragDropMode(
            QAbstractItemView.DragDropMode.DragOnly
            if ws.is_lead
            else QAbstractItemView.DragDropMode.NoDragDrop
        )
        self.cases.setTextElideMode(Qt.TextElideMode.ElideRight)  # long subjects: no sideways scrolling
        self.cases.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.cases, 4)
        row = QHBoxLayout()
        self.target = QComboBox(self)
        self.target.setAccessibleName(self.tr("Assign selected to"))
        self.reassign = QPushButton(self.tr("Assign"), self)
        self.reassign.setEnabled(ws.is_lead)
        self.availability = QPushButton(self.tr("Mark away"), self)
        self.availability.setToolTip(self.tr("Automatic assignment gives cases only to available agents"))
        self.availability.setEnabled(False)
        row.addWidget(QLabel(self.tr("Assign selected to"), self))
        row.addWidget(self.target, 1)
        row.addWidget(self.reassign)
        row.addSpacing(12)
        row.addWidget(self.availability)
        layout.addLayout(row)
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_cases(r))
        self.table.casesDropped.connect(self._dropped)
        self.reassign.clicked.connect(self._reassign)
        self.availability.clicked.connect(self._toggle_availability)
        self._agents: list[AgentRow | None] = []  # None: the unassigned cases
        self._asked = -1
        # Changes anywhere (automatic assignment, other desktops) show here, gathered up.
        self._later = QTimer(self, singleShot=True, interval=250)
        self._later.timeout.connect(self._reload)
        ws.bridge.casesChanged.connect(lambda _e: self._later.start())
        ws.bridge.agentsChanged.connect(lambda _e: self._later.start())
        self.refresh()
        self.resize(640, 600)

    def refresh(self) -> None:
        services = self._ws.services

        def gather() -> list[tuple[AgentRow | None, bool, int | None, int, int]]:
            capacity = {t.name: t.capacity for t in services.agents.team_rows()}
            count = services.queries.count_cases
            out: list[tuple[AgentRow | None, bool, int | None, int, int]] = []
            for agent in services.agents.list():
                mine = (
                    count(CaseFilter(status=(CaseStatus.OPEN,), assignee_id=agent.id)),
                    count(CaseFilter(status=(CaseStatus.PENDING,), assignee_id=agent.id)),
                )
                out.append((agent, agent.available, capacity.get(agent.team or ""), *mine))
            free = (
                count(CaseFilter(status=(CaseStatus.OPEN,), unassigned=True)),
                count(CaseFilter(status=(CaseStatus.PENDING,), unassigned=True)),
            )
            out.append((None, True, None, *free))
            return out

        self._ws.call(gather, done=self._fill, task="workload")

    def _reload(self) -> None:
        self.refresh()
        self._show_cases(self.table.currentRow())

    def _fill(self, rows: list[tuple[AgentRow | None, bool, int | None, int, int]]) -> None:
        current = self.table.currentRow()
        self._agents = [agent for agent, *_rest in rows]
        self.table.setRowCount(len(rows))
        muted = QBrush(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        for r, (agent, available, capacity, open_, pending) in enumerate(rows):
            if agent is None:
                cells = (self.tr("Unassigned"), "—", str(open_), "—", str(pending))
            else:
                cells = (
                    agent.name,
                    self.tr("Available") if available else self.tr("Away"),
                    str(open_),
                    self.tr("no limit") if capacity is None else str(capacity),
                    str(pending),
                )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c in (OPEN, CAPACITY, PENDING):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if agent is not None and not available:
                    item.setForeground(muted)  # away: still listed (their cases may need moving)
                if agent is None:
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                if c == OPEN and capacity is not None and open_ >= capacity:
                    item.setToolTip(self.tr("At capacity: no more cases automatically"))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        chosen = self.target.currentData()
        self.target.clear()
        for agent in self._agents:
            if agent is not None:
                self.target.addItem(agent.name, agent.name)
        self.target.addItem(self.tr("Nobody (unassign)"), None)
        if chosen is not None:
            self.target.setCurrentIndex(max(0, self.target.findData(chosen)))
        if rows:
            self.table.selectRow(current if 0 <= current < len(rows) else 0)
        self._sync_availability_button()

    def _show_cases(self, row: int) -> None:
        if not (0 <= row < len(self._agents)):
            return
        agent = self._agents[row]
        self._sync_availability_button()
        self.cases_label.setText(
            self.tr("Cases of {name}:").format(name=agent.name) if agent else self.tr("Unassigned cases:")
        )
        self._asked = row  # only the newest question's answer is shown
        flt = (
            CaseFilter(status=WORKING, assignee_id=agent.id)
            if agent
            else CaseFilter(status=WORKING, unassigned=True)
        )

        def fill(cases: list[Any]) -> None:
            if self._asked != row:
                return
            keep = {i.data(Qt.ItemDataRole.UserRole) for i in self.cases.selectedItems()}
            self.cases.clear()
            for case in cases:
                item = QListWidgetItem(
                    f"#{case.id} {case.customer_name} — {case.subject or ''} · "
                    f"{labels.word(labels.STATUS, case.status)}"
                )
                item.setData(Qt.ItemDataRole.UserRole, case.id)
                self.cases.addItem(item)
                item.setSelected(case.id in keep)

        self._ws.call(self._ws.services.queries.cases, flt, limit=500, done=fill, task="agent cases")

    def _sync_availability_button(self) -> None:
        row = self.table.currentRow()
        agent = self._agents[row] if 0 <= row < len(self._agents) else None
        mine = agent is not None and agent.id == self._ws.agent_id
        self.availability.setEnabled(agent is not None and (self._ws.is_lead or mine))
        away = agent is not None and not agent.available
        self.availability.setText(self.tr("Mark available") if away else self.tr("Mark away"))

    def _toggle_availability(self) -> None:
        row = self.table.currentRow()
        agent = self._agents[row] if 0 <= row < len(self._agents) else None
        if agent is None:
            return
        self._ws.call(
            self._ws.services.assign.set_availability,
            agent.name,
            not agent.available,
            actor=self._ws.actor,
            task="availability",
            done=lambda _row: self.refresh(),
            failed=lambda exc: self.outcome.setText(str(exc)),
        )

    def _dropped(self, ids: list[int], row: int) -> None:
        if not (0 <= row < len(self._agents)) or not self._ws.is_lead:
            return
        agent = self._agents[row]
        self._move(ids, agent.name if agent is not None else None)

    def _reassign(self) -> None:
        ids = [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.cases.selectedItems()]
        if not ids:
            self.outcome.setText(self.tr("Select one or more cases first."))
            return
        self._move(ids, self.target.currentData())

    def _move(self, ids: list[int], target: str | None) -> None:
        cases, actor = self._ws.services.cases, self._ws.actor

        def move() -> int:
            for case_id in ids:
                cases.assign(case_id, target, actor=actor)
            return len(ids)

        def moved(n: int) -> None:
            who = target if target is not None else self.tr("nobody")
            words = (
                self.tr("1 case assigned to {who}.") if n == 1 else self.tr("{n} cases assigned to {who}.")
            )
            self.outcome.setText(words.format(n=n, who=who))
            self._reload()

        def failed(exc: Exception) -> None:
            from inbox_app.ui.case_actions import refusal_words

            self.outcome.setText(refusal_words(exc))
            self._reload()  # the cases moved before the refusal are shown where they are now

        self._ws.call(move, task="reassign", failed=failed, done=moved)
