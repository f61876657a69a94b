"""Admin settings: channel accounts (with Test connection; ui/dialogs/accounts_tab.py), agents,
teams and templates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.agents import TeamRow
from inbox_app.core.vocab import Channel, Role
from inbox_app.ui import labels
from inbox_app.ui.dialogs.accounts_tab import AccountsTab
from inbox_app.ui.dialogs.service_levels_tab import ServiceLevelsTab
from inbox_app.ui.dialogs.team_assign import TeamAssignForm
from inbox_app.ui.dialogs.team_csat import TeamCsatForm
from inbox_app.ui.workspace import Workspace

# The channels a template has variants for (a call and a note are no reply).
CHANNELS = (Channel.EMAIL, Channel.CHAT, Channel.SOCIAL, Channel.REVIEW)


class AgentsTab(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5, self)
        self.table.setAccessibleName(self.tr("Agents"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Email"), self.tr("Role"), self.tr("Team"), self.tr("Trainee")]
        )
        trainee_header = self.table.horizontalHeaderItem(4)
        if trainee_header is not None:
            trainee_header.setToolTip(self.tr("Every reply of a trainee waits for a lead's approval."))
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # addresses are the long ones
        layout.addWidget(self.table)
        form = QHBoxLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Name"))
        self.email = QLineEdit(self)
        self.email.setPlaceholderText(self.tr("Email"))
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(labels.word(labels.ROLE, role), str(role))
        self.team = QComboBox(self)
        self.team.setEditable(True)
        self.add = QPushButton(self.tr("Add agent"), self)
        for w in (self.name, self.email, self.role, self.team, self.add):
            form.addWidget(w)
        layout.addLayout(form)
        self.result = QLabel(self)
        layout.addWidget(self.result)
        self.add.clicked.connect(self._add)
        self.table.itemChanged.connect(self._trainee_changed)
        self.refresh()

    def _trainee_changed(self, item: QTableWidgetItem) -> None:
        who = self.table.item(item.row(), 0)
        if item.column() != 4 or who is None:
            return
        name = who.text()
        trainee = item.checkState() == Qt.CheckState.Checked
        words = (
            self.tr("{name} is a trainee: every reply of theirs waits for a lead's approval.")
            if trainee
            else self.tr("{name} is no longer a trainee.")
        ).format(name=name)
        self._ws.call(
            self._ws.services.agents.set_trainee,
            name,
            trainee,
            actor=self._ws.actor,
            task="trainee",
            done=lambda _r: self._done(words),
            failed=lambda exc: self._done(str(exc)),
        )

    def _done(self, words: str) -> None:
        self.result.setText(words)
        self.refresh()

    def refresh(self) -> None:
        agents = self._ws.services.agents
        self._ws.call(lambda: (agents.list(), agents.teams()), done=self._fill, task="agents")

    def _fill(self, result: tuple[list[Any], list[tuple[int, str]]]) -> None:
        rows, teams = result
        self.table.blockSignals(True)  # filling is no change of anyone's trainee mark
        self.table.setRowCount(len(rows))
        for r, a in enumerate(rows):
            for c, value in enumerate((a.name, a.email, labels.word(labels.ROLE, a.role), a.team or "")):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
            mark = QTableWidgetItem()
            mark.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            mark.setCheckState(Qt.CheckState.Checked if a.trainee else Qt.CheckState.Unchecked)
            mark.setData(Qt.ItemDataRole.AccessibleTextRole, self.tr("Trainee"))
            self.table.setItem(r, 4, mark)
        self.table.blockSignals(False)
        self.team.clear()
        self.team.addItem("")
        for _tid, name in teams:
            self.team.addItem(name)

    def _add(self) -> None:
        self._ws.call(
            self._ws.services.agents.add,
            self.name.text(),
            self.email.text(),
            self.role.currentData(),
            self.team.currentText().strip() or None,
            actor=self._ws.actor,
            task="add agent",
            done=lambda _r: self._done(self.tr("Agent added.")),
            failed=lambda exc: self.result.setText(str(exc)),
        )


class TeamsTab(QWidget):
    """Every team with its members; an admin adds teams and renames them."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Teams"))
        layout.addWidget(self.list)
        form = QHBoxLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Team name"))
        self.name.setAccessibleName(self.tr("Team name"))
        self.add = QPushButton(self.tr("Add team"), self)
        self.rename = QPushButton(self.tr("Rename team"), self)
        self.rename.setToolTip(self.tr("Give the selected team the name typed here"))
        self.rename.setEnabled(False)
        for w in (self.name, self.add, self.rename):
            form.addWidget(w)
        layout.addLayout(form)
        self.assignment = TeamAssignForm(ws, self)
        layout.addWidget(self.assignment)
        self.satisfaction = TeamCsatForm(ws, self)
        layout.addWidget(self.satisfaction)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self._rows: dict[int, TeamRow] = {}
        self.list.currentItemChanged.connect(self._picked)
        self.add.clicked.connect(self._add)
        self.rename.clicked.connect(self._rename)
        self.assignment.saved.connect(lambda words: self._done(words, self._current_id()))
        self.assignment.failed.connect(self.result.setText)
        self.satisfaction.saved.connect(lambda words: self._done(words, self._current_id()))
        self.satisfaction.failed.connect(self.result.setText)
        self.refresh()

    def _current_id(self) -> int:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)[0]) if item is not None else -1

    def _done(self, words: str, select: int) -> None:
        self.result.setText(words)
        self.refresh(select)

    def refresh(self, select: int | None = None) -> None:
        agents = self._ws.services.agents

        def gather() -> list[tuple[int, str, list[str]]]:
            people = agents.list()
            self._rows = {t.id: t for t in agents.team_rows()}
            return [(tid, name, [a.name for a in people if a.team == name]) for tid, name in agents.teams()]

        self._ws.call(gather, done=lambda teams: self._fill(teams, select), task="teams")

    def _fill(self, teams: list[tuple[int, str, list[str]]], select: int | None) -> None:
        self.assignment.show_team(None)
        self.satisfaction.show_team(None)
        self.list.clear()
        for tid, name, members in teams:
            text = f"{name}: {', '.join(members)}" if members else name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (tid, name))
            self.list.addItem(item)
            if tid == select:
                self.list.setCurrentItem(item)
        self.rename.setEnabled(self.list.currentItem() is not None)

    def _picked(self, item: QListWidgetItem | None, _previous: Any) -> None:
        self.rename.setEnabled(item is not None)
        if item is not None:
            self.name.setText(item.data(Qt.ItemDataRole.UserRole)[1])
        self.assignment.show_team(self._rows.get(self._current_id()) if item is not None else None)
        self.satisfaction.show_team(self._rows.get(self._current_id()) if item is not None else None)

    def _add(self) -> None:
        self._ws.call(
            self._ws.services.agents.add_team,
            self.name.text(),
            actor=self._ws.actor,
            task="add team",
            done=lambda team: self._done(self.tr("Team “{name}” added.").format(name=team[1]), team[0]),
            failed=lambda exc: self.result.setText(str(exc)),
        )

    def _rename(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        team_id, old = item.data(Qt.ItemDataRole.UserRole)
        self._ws.call(
            self._ws.services.agents.rename_team,
            team_id,
            self.name.text(),
            actor=self._ws.actor,
            task="rename team",
            done=lambda team: self._done(
                self.tr("Team “{old}” is now “{name}”.").format(old=old, name=team[1]), team[0]
            ),
            failed=lambda exc: self.result.setText(str(exc)),
        )


class TemplatesTab(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._variants: dict[str, str] = {}
        layout = QHBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Templates"))
        layout.addWidget(self.list, 1)
        right = QFormLayout()
        self.name = QLineEdit(self)
        self.shortcut = QLineEdit(self)
        self.body = QPlainTextEdit(self)
        self.body.setAccessibleName(self.tr("Template text"))
        self.channel = QComboBox(self)
        for ch in CHANNELS:
            self.channel.addItem(labels.word(labels.CHANNEL, ch), str(ch))
        self.variant = QPlainTextEdit(self)
        self.variant.setAccessibleName(self.tr("Variant for the channel"))
        self.variant.setPlaceholderText(self.tr("Empty: the main text is used on this channel"))
        right.addRow(self.tr("Name"), self.name)
        right.addRow(self.tr("Shortcut"), self.shortcut)
        right.addRow(self.tr("Text"), self.body)
        right.addRow(self.tr("Variant for"), self.channel)
        right.addRow("", self.variant)
        hint = QLabel(
            self.tr("Variables: {customer.first_name} {customer.name} {agent.name} {case.id}"), self
        )
        hint.setWordWrap(True)
        right.addRow(hint)
        row = QHBoxLayout()
        self.new = QPushButton(self.tr("New template"), self)
        self.save = QPushButton(self.tr("Save template"), self)
        row.addWidget(self.new)
        row.addWidget(self.save)
        right.addRow(row)
        self.result = QLabel(self)
        right.addRow(self.result)
        layout.addLayout(right, 2)
        self._channel = str(CHANNELS[0])
        self.list.currentItemChanged.connect(self._picked)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.new.clicked.connect(self._new)
        self.save.clicked.connect(self._save)
        self.refresh()

    def _done(self, words: str) -> None:
        self.result.setText(words)
        self.refresh()

    def refresh(self) -> None:
        self._ws.call(self._ws.services.templates.list, done=self._fill, task="templates")

    def _fill(self, templates: list[Any]) -> None:
        self.list.clear()
        for t in templates:
            item = QListWidgetItem(t.name)
            item.setData(Qt.ItemDataRole.UserRole, t)
            self.list.addItem(item)

    def _picked(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is None:
            return
        t = item.data(Qt.ItemDataRole.UserRole)
        self.name.setText(t.name)
        self.shortcut.setText(t.shortcut or "")
        self.body.setPlainText(t.body)
        self._variants = dict(t.variants)
        self.variant.setPlainText(self._variants.get(self._channel, ""))

    def _channel_changed(self, _index: int) -> None:
        self._variants[self._channel] = self.variant.toPlainText()
        self._channel = self.channel.currentData()
        self.variant.setPlainText(self._variants.get(self._channel, ""))

    def _new(self) -> None:
        self.list.clearSelection()
        for w in (self.name, self.shortcut):
            w.clear()
        self.body.clear()
        self.variant.clear()
        self._variants = {}

    def _save(self) -> None:
        self._variants[self._channel] = self.variant.toPlainText()
        variants = {k: v for k, v in self._variants.items() if v.strip()}
        self._ws.call(
            self._ws.services.templates.save,
            self.name.text().strip(),
            self.body.toPlainText(),
            variants,
            self.shortcut.text().strip() or None,
            task="save template",
            done=lambda _r: self._done(self.tr("Template saved.")),
            failed=lambda exc: self.result.setText(str(exc)),
        )


class SettingsDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        if ws.is_admin:
            self.tabs.addTab(AccountsTab(ws, self), self.tr("Channel accounts"))
            self.tabs.addTab(AgentsTab(ws, self), self.tr("Agents"))
            self.tabs.addTab(TeamsTab(ws, self), self.tr("Teams"))
            self.tabs.addTab(ServiceLevelsTab(ws, self), self.tr("Service levels"))
        self.tabs.addTab(TemplatesTab(ws, self), self.tr("Templates"))
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 540)
