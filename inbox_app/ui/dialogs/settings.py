"""Admin settings: channel accounts (with Test connection), agents, teams and templates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from connectors.base import ExplainsSecret, SettingSpec
from inbox_app.core.accounts import AccountRow
from inbox_app.core.agents import TeamRow
from inbox_app.core.vocab import AccountStatus, Channel, Role
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.dialogs.team_assign import TeamAssignForm
from inbox_app.ui.workspace import Workspace

# The channels a template has variants for (a call and a note are no reply).
CHANNELS = (Channel.EMAIL, Channel.CHAT, Channel.SOCIAL, Channel.REVIEW)


class AccountsTab(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._fields: dict[str, QWidget] = {}
        self._current: AccountRow | None = None
        self._teams: list[tuple[int, str]] = []
        self.team: QComboBox | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Channel accounts"))
        left.addWidget(self.list)
        self.new_button = QPushButton(self.tr("New account"), self)
        left.addWidget(self.new_button)
        layout.addLayout(left, 1)
        right = QVBoxLayout()
        self.form = QFormLayout()
        self.kind = QComboBox(self)
        for kind in sorted(ws.services.registry):
            self.kind.addItem(kind, kind)
        self.name = QLineEdit(self)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Name"), self.name)
        right.addLayout(self.form)
        self.secret: QLineEdit | None = None
        self.enabled: QCheckBox | None = None
        buttons = QHBoxLayout()
        self.save = QPushButton(self.tr("Save"), self)
        self.test = QPushButton(self.tr("Test connection"), self)
        self.remove = QPushButton(self.tr("Remove"), self)
        for b in (self.save, self.test, self.remove):
            buttons.addWidget(b)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        right.addLayout(buttons)
        right.addWidget(self.result)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self.kind.currentIndexChanged.connect(lambda _i: self._build_fields({}))
        self.list.currentItemChanged.connect(self._picked)
        self.new_button.clicked.connect(self._new)
        self.save.clicked.connect(self._save)
        self.test.clicked.connect(self._test)
        self.remove.clicked.connect(self._remove)
        self.refresh()

    def _done(self, words: str) -> None:
        self.result.setText(words)
        self.refresh()

    def _removed(self) -> None:
        self.refresh()
        self._new()

    def refresh(self) -> None:
        accounts, agents = self._ws.services.accounts, self._ws.services.agents
        self._ws.call(lambda: (accounts.list(), agents.teams()), done=self._fill, task="accounts")

    def _fill(self, found: tuple[list[AccountRow], list[tuple[int, str]]]) -> None:
        accounts, self._teams = found
        # Reopen on the account shown before this refresh (or the one just added), else
        # the first: an empty form would look like a new account.
        wanted = self._current.name if self._current is not None else self.name.text().strip()
        self.list.blockSignals(True)  # refilling is no choice of the admin's
        self.list.clear()
        for a in accounts:
            item = QListWidgetItem(
                icon(f"channel-{a.channel}"),
                f"{a.name} · {labels.word(labels.ACCOUNT_STATUS, a.status if a.enabled else AccountStatus.DISABLED)}",
            )
            item.setData(Qt.ItemDataRole.UserRole, a)
            self.list.addItem(item)
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        if not accounts:
            self._new()
            return
        names = [a.name for a in accounts]
        self.list.setCurrentRow(names.index(wanted) if wanted in names else 0)

    def _schema(self) -> tuple[SettingSpec, ...]:
        cls = self._ws.services.registry.get(self.kind.currentData())
        return tuple(cls.settings_schema) if cls is not None else ()

    def _build_fields(self, values: dict[str, Any], enabled: bool | None = None) -> None:
        """The form for the chosen kind of channel; ``enabled`` None keeps the box as it was."""
        if enabled is None:
            enabled = self.enabled.isChecked() if self.enabled is not None else True
        while self.form.rowCount() > 2:
            self.form.removeRow(2)
        self._fields = {}
        for spec in self._schema():
            value = values.get(spec.key, spec.default)
            widget: QWidget
            if spec.choices:
                widget = QComboBox(self)
                for choice in spec.choices:
                    widget.addItem(choice)
                if value in spec.choices:
                    widget.setCurrentText(str(value))
            elif spec.type == "int":
                widget = QSpinBox(self)
                widget.setRange(0, 10_000_000)
                widget.setValue(int(value or 0))
            elif spec.type == "bool":
                widget = QCheckBox(self)
                widget.setChecked(bool(value))
            else:
                widget = QLineEdit(self)
                widget.setText(", ".join(value) if isinstance(value, list) else str(value or ""))
            widget.setToolTip(spec.help)
            widget.setAccessibleName(spec.key)
            self._fields[spec.key] = widget
            self.form.addRow(spec.key + (" *" if spec.required else ""), widget)
        # Every kind: the team the account's new cases belong to (core/routing.py).
        self.team = QComboBox(self)
        self.team.addItem(self.tr("No team"), "")
        for _team_id, team_name in self._teams:
            self.team.addItem(team_name, team_name)
        current_team = self._current.team if self._current is not None else None
        self.team.setCurrentIndex(max(0, self.team.findData(current_team or "")))
        self.team.setAccessibleName(self.tr("Team of new cases"))
        self.team.setToolTip(self.tr("New cases from this account belong to this team."))
        self.form.addRow(self.tr("Team of new cases"), self.team)
        cls = self._ws.services.registry.get(self.kind.currentData())
        self.secret = None
        if cls is not None and cls.needs_secret:
            self.secret = QLineEdit(self)
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret.setAccessibleName(self.tr("Password or token"))
            self.secret.setPlaceholderText(self.tr("kept in the system keyring; leave empty to keep"))
            # What the secret is, from the channel itself (a review location's is a line of JSON).
            self.secret.setToolTip(cls.secret_help if isinstance(cls, ExplainsSecret) else "")
            self.form.addRow(self.tr("Password or token"), self.secret)
        self.enabled = QCheckBox(self.tr("Enabled"), self)
        self.enabled.setChecked(enabled)
        self.form.addRow("", self.enabled)

    def _values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self._fields.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentText()
            elif isinstance(w, QSpinBox):
                out[key] = w.value()
            elif isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QLineEdit):
                out[key] = w.text()
        if self.team is not None:
            out["team"] = self.team.currentData() or ""
        return out

    def _new(self) -> None:
        self._current = None
        self.list.clearSelection()
        self.name.setEnabled(True)
        self.kind.setEnabled(True)
        self.name.clear()
        self._build_fields({}, enabled=True)
        self.result.clear()

    def _picked(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is None:
            return
        account: AccountRow = item.data(Qt.ItemDataRole.UserRole)
        self._current = account
        self.kind.setCurrentIndex(max(0, self.kind.findData(account.kind)))
        self.kind.setEnabled(False)
        self.name.setText(account.name)
        self.name.setEnabled(False)
        self._build_fields(account.settings, enabled=account.enabled)
        self.result.setText(account.last_error or "")

    def _save(self) -> None:
        accounts, values = self._ws.services.accounts, self._values()
        secret = (self.secret.text() or None) if self.secret is not None else None
        current, actor = self._current, self._ws.actor
        kind, name = self.kind.currentData(), self.name.text().strip()
        enabled = self.enabled.isChecked() if self.enabled is not None else True

        def save() -> None:
            if current is None:
                accounts.add(kind, name, values, secret, actor=actor)
            else:
                accounts.update_settings(current.name, values, secret, actor=actor)
                if current.enabled != enabled:
                    accounts.set_enabled(current.name, enabled, actor=actor)

        if self.secret is not None:
            self.secret.clear()
        self._ws.call(
            save,
            done=lambda _r: self._done(self.tr("Saved.")),
            failed=lambda exc: self.result.setText(str(exc)),
            task="save account",
        )

    def _test(self) -> None:
        if self._current is None:
            self.result.setText(self.tr("Save the account first, then test it."))
            return
        self.result.setText(self.tr("Testing…"))
        supervisor = self._ws.services.supervisor()

        async def run() -> None:
            try:
                await supervisor.check(self._current.name)  # type: ignore[union-attr]
            except Exception as exc:  # noqa: BLE001 - every failure is shown in words
                self.result.setText(self.tr("Connection failed: {reason}").format(reason=str(exc)))
            else:
                self.result.setText(self.tr("Connection works."))

        self._ws.spawn(run(), "test connection")

    def _remove(self) -> None:
        if self._current is None:
            return
        name = self._current.name
        self._ws.call(
            self._ws.services.accounts.remove,
            name,
            actor=self._ws.actor,
            done=lambda _r: self._removed(),
            failed=lambda exc: self.result.setText(str(exc)),
            task="remove account",
        )


class AgentsTab(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName(self.tr("Agents"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Email"), self.tr("Role"), self.tr("Team")]
        )
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
        self.refresh()

    def _done(self, words: str) -> None:
        self.result.setText(words)
        self.refresh()

    def refresh(self) -> None:
        agents = self._ws.services.agents
        self._ws.call(lambda: (agents.list(), agents.teams()), done=self._fill, task="agents")

    def _fill(self, result: tuple[list[Any], list[tuple[int, str]]]) -> None:
        rows, teams = result
        self.table.setRowCount(len(rows))
        for r, a in enumerate(rows):
            for c, value in enumerate((a.name, a.email, a.role, a.team or "")):
                self.table.setItem(r, c, QTableWidgetItem(value))
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
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self._rows: dict[int, TeamRow] = {}
        self.list.currentItemChanged.connect(self._picked)
        self.add.clicked.connect(self._add)
        self.rename.clicked.connect(self._rename)
        self.assignment.saved.connect(lambda words: self._done(words, self._current_id()))
        self.assignment.failed.connect(self.result.setText)
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
        self.tabs.addTab(TemplatesTab(ws, self), self.tr("Templates"))
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 540)
