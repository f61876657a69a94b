"""For leads: open cases per agent, and reassigning them in a few keystrokes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
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


class WorkloadDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.setWindowTitle(self.tr("Workload"))
        layout = QVBoxLayout(self)
        if not ws.is_lead:
            layout.addWidget(QLabel(self.tr("Only team leads and admins reassign cases."), self))
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName(self.tr("Cases per agent"))
        self.table.setHorizontalHeaderLabels([self.tr("Agent"), self.tr("Open"), self.tr("Pending")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The names get the room; the counts are narrow numbers.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        layout.addWidget(QLabel(self.tr("Cases of the selected agent:"), self))
        self.cases = QListWidget(self)
        self.cases.setAccessibleName(self.tr("Cases of the selected agent"))
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.cases.setTextElideMode(Qt.TextElideMode.ElideRight)  # long subjects: no sideways scrolling
        self.cases.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.cases)
        row = QHBoxLayout()
        self.target = QComboBox(self)
        self.target.setAccessibleName(self.tr("Reassign to"))
        self.reassign = QPushButton(self.tr("Reassign selected"), self)
        self.reassign.setEnabled(ws.is_lead)
        row.addWidget(QLabel(self.tr("Reassign to"), self))
        row.addWidget(self.target, 1)
        row.addWidget(self.reassign)
        layout.addLayout(row)
        self.outcome = QLabel(self)
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_cases(r))
        self.reassign.clicked.connect(self._reassign)
        self._agents: list[AgentRow | None] = []  # None: the unassigned cases
        self._asked = -1
        self.refresh()
        self.resize(560, 560)

    def refresh(self) -> None:
        services = self._ws.services

        def gather() -> list[tuple[AgentRow | None, int, int]]:
            out: list[tuple[AgentRow | None, int, int]] = []
            for agent in services.agents.list():
                out.append(
                    (
                        agent,
                        services.queries.count_cases(
                            CaseFilter(status=(CaseStatus.OPEN,), assignee_id=agent.id)
                        ),
                        services.queries.count_cases(
                            CaseFilter(status=(CaseStatus.PENDING,), assignee_id=agent.id)
                        ),
                    )
                )
            out.append(
                (
                    None,
                    services.queries.count_cases(CaseFilter(status=(CaseStatus.OPEN,), unassigned=True)),
                    services.queries.count_cases(CaseFilter(status=(CaseStatus.PENDING,), unassigned=True)),
                )
            )
            return out

        self._ws.call(gather, done=self._fill, task="workload")

    def _fill(self, rows: list[tuple[AgentRow | None, int, int]]) -> None:
        self._agents = [agent for agent, _o, _p in rows]
        self.table.setRowCount(len(rows))
        for r, (agent, open_, pending) in enumerate(rows):
            name = agent.name if agent else self.tr("Unassigned")
            for c, value in enumerate((name, str(open_), str(pending))):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.target.clear()
        for agent in self._agents:
            if agent is not None:
                self.target.addItem(agent.name, agent.name)
        self.target.addItem(self.tr("Nobody (unassign)"), None)
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def _show_cases(self, row: int) -> None:
        if not (0 <= row < len(self._agents)):
            return
        agent = self._agents[row]
        self._asked = row  # only the newest question's answer is shown
        flt = (
            CaseFilter(status=WORKING, assignee_id=agent.id)
            if agent
            else CaseFilter(status=WORKING, unassigned=True)
        )

        def fill(cases: list[Any]) -> None:
            if self._asked != row:
                return
            self.cases.clear()
            for case in cases:
                item = QListWidgetItem(
                    f"#{case.id} {case.customer_name} — {case.subject or ''} · "
                    f"{labels.word(labels.STATUS, case.status)}"
                )
                item.setData(Qt.ItemDataRole.UserRole, case.id)
                self.cases.addItem(item)

        self._ws.call(self._ws.services.queries.cases, flt, limit=500, done=fill, task="agent cases")

    def _reassign(self) -> None:
        ids = [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.cases.selectedItems()]
        target = self.target.currentData()
        if not ids:
            self.outcome.setText(self.tr("Select one or more cases first."))
            return
        cases, actor = self._ws.services.cases, self._ws.actor

        def move() -> int:
            for case_id in ids:
                cases.assign(case_id, target, actor=actor)
            return len(ids)

        def moved(n: int) -> None:
            self.outcome.setText(self.tr("{n} cases reassigned.").format(n=n))
            self.refresh()
            self._show_cases(self.table.currentRow())

        def failed(exc: Exception) -> None:
            from inbox_app.ui.case_actions import refusal_words

            self.outcome.setText(refusal_words(exc))
            self.refresh()  # the cases moved before the refusal are shown where they are now

        self._ws.call(move, task="reassign", failed=failed, done=moved)
