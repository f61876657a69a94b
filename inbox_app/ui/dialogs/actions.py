"""Small dialogs for case actions: snooze until, assign to an agent or a team, tags."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.agents import AgentRow


class SnoozeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Snooze until"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The case comes back as open at:"), self))
        self.when = QDateTimeEdit(self)
        self.when.setCalendarPopup(True)
        self.when.setAccessibleName(self.tr("Snooze until"))
        self.when.setMinimumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.when.setDateTime(QDateTime.currentDateTime().addSecs(3600))
        layout.addWidget(self.when)
        quick = QHBoxLayout()
        tomorrow = QDateTime(QDateTime.currentDateTime().date().addDays(1), QTime(9, 0))
        monday = QDateTime.currentDateTime().date()
        monday = monday.addDays(8 - monday.dayOfWeek())
        for text, value in (
            (self.tr("In 1 hour"), QDateTime.currentDateTime().addSecs(3600)),
            (self.tr("In 4 hours"), QDateTime.currentDateTime().addSecs(4 * 3600)),
            (self.tr("Tomorrow 9:00"), tomorrow),
            (self.tr("Next Monday"), QDateTime(monday, QTime(9, 0))),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _c=False, v=value: self._choose(v))
            quick.addWidget(button)
        layout.addLayout(quick)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choose(self, when: QDateTime) -> None:
        self.when.setDateTime(when)
        self.accept()

    def until(self) -> datetime:
        return datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch()).astimezone()


class AssignDialog(QDialog):
    """Choose an agent (type to filter, Enter to assign) or a team."""

    def __init__(
        self, agents: list[AgentRow], teams: list[tuple[int, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assign case"))
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Agents and teams"))
        none = QListWidgetItem(self.tr("Nobody (unassign)"))
        none.setData(Qt.ItemDataRole.UserRole, ("agent", None))
        self.list.addItem(none)
        for agent in agents:
            item = QListWidgetItem(
                self.tr("{name} — {team}").format(name=agent.name, team=agent.team or self.tr("no team"))
            )
            item.setData(Qt.ItemDataRole.UserRole, ("agent", agent.name))
            self.list.addItem(item)
        for _tid, team in teams:
            item = QListWidgetItem(self.tr("Team: {team}").format(team=team))
            item.setData(Qt.ItemDataRole.UserRole, ("team", team))
            self.list.addItem(item)
        self.list.setCurrentRow(1 if agents else 0)
        self.list.itemActivated.connect(lambda _i: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(360, 320)

    def choice(self) -> tuple[str, str | None]:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ("agent", None)
