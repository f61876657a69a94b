"""Settings, Teams tab: an admin turns a team's automatic assignment on and sets its capacity.

The same settings as ``inbox-app teams set TEAM --assign ... --capacity N`` (core/assign.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QPushButton, QSpinBox, QWidget

from inbox_app.core.agents import TeamRow
from inbox_app.core.vocab import AssignMode
from inbox_app.ui import labels
from inbox_app.ui.workspace import Workspace


class TeamAssignForm(QGroupBox):
    """Automatic assignment of the team chosen in the list above."""

    saved = Signal(str)  # what was set, in words
    failed = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._team: TeamRow | None = None
        self.setTitle(self.tr("Automatic assignment"))
        form = QFormLayout(self)
        self.mode = QComboBox(self)
        self.mode.setAccessibleName(self.tr("Automatic assignment"))
        for mode in AssignMode:
            self.mode.addItem(labels.word(labels.ASSIGN_MODE, mode), str(mode))
        self.mode.setToolTip(self.tr("New and reopened cases of the team go to its available agents"))
        self.capacity = QSpinBox(self)
        self.capacity.setAccessibleName(self.tr("Capacity"))
        self.capacity.setRange(0, 999)
        self.capacity.setSpecialValueText(self.tr("No limit"))  # 0
        self.capacity.setSuffix(self.tr(" open cases per agent"))
        self.capacity.setToolTip(self.tr("Automatic assignment gives nobody more open cases than this"))
        self.save = QPushButton(self.tr("Save assignment"), self)
        self.capacity.setMaximumWidth(self.fontMetrics().horizontalAdvance(self.capacity.suffix()) * 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        form.addRow(self.tr("Hand out cases"), self.mode)
        form.addRow(self.tr("Capacity"), self.capacity)
        form.addRow(buttons)
        self.save.clicked.connect(self._save)
        self.show_team(None)
        if not ws.is_admin:
            self.setEnabled(False)
            self.setToolTip(self.tr("Only admins change automatic assignment"))

    def show_team(self, team: TeamRow | None) -> None:
        self._team = team
        self.save.setEnabled(team is not None)
        if team is None:
            self.setTitle(self.tr("Automatic assignment"))
            return
        self.setTitle(self.tr("Automatic assignment of {team}").format(team=team.name))
        self.mode.setCurrentIndex(max(0, self.mode.findData(team.assign)))
        self.capacity.setValue(team.capacity or 0)

    def _save(self) -> None:
        team = self._team
        if team is None:
            return
        mode, capacity = self.mode.currentData(), self.capacity.value() or None

        def done(row: dict[str, Any]) -> None:
            words = labels.word(labels.ASSIGN_MODE, row["assign"])
            limit = self.tr("no limit") if row["capacity"] is None else str(row["capacity"])
            self.saved.emit(
                self.tr("{team}: {mode}; capacity {limit}.").format(team=row["name"], mode=words, limit=limit)
            )

        self._ws.call(
            self._ws.services.assign.set_team,
            team.name,
            mode,
            capacity,
            actor=self._ws.actor,
            task="team assignment",
            done=done,
            failed=lambda exc: self.failed.emit(str(exc)),
        )
