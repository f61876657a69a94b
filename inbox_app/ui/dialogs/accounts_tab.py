"""Settings > Channel accounts: the list of accounts and the chosen one's form, with Save,
Test connection and Remove. The form itself, in words, is ui/dialogs/account_form.py."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from connectors.base import kind_title
from inbox_app.core.accounts import AccountRow
from inbox_app.core.vocab import AccountStatus
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon
from inbox_app.ui.dialogs.account_form import AccountForm, failure_words, words
from inbox_app.ui.workspace import Workspace


class AccountsTab(QWidget):
    """The channel accounts: a list, and the chosen account's form (ui/dialogs/account_form.py)."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._current: AccountRow | None = None
        self._teams: list[tuple[int, str]] = []
        self._offered: list[str] = []
        self.account_form: AccountForm | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Channel accounts"))
        left.addWidget(self.list)
        self.new_button = QPushButton(self.tr("New account"), self)
        left.addWidget(self.new_button)
        layout.addLayout(left, 1)
        # The form may be long (an email account's servers): it scrolls, the buttons stay.
        scroll = self.form_scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget(scroll)
        right = QVBoxLayout(page)
        self.form = QFormLayout()
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Kind"))
        self.name = QLineEdit(self)
        self.name.setAccessibleName(self.tr("Account name"))
        self.name.setPlaceholderText(self.tr("e.g. Support mail"))
        self.name.setToolTip(self.tr("A short name of your choice; lists and reports show it."))
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Account name"), self.name)
        right.addLayout(self.form)
        self.holder = QVBoxLayout()
        right.addLayout(self.holder)
        self.bottom = QFormLayout()
        self.team = QComboBox(self)
        self.team.setAccessibleName(self.tr("Team of new cases"))
        self.team.setToolTip(self.tr("New cases from this account belong to this team."))
        self.bottom.addRow(self.tr("Team of new cases"), self.team)
        # Which public replies wait for a lead (core/approval_rules.py): only for kinds that
        # answer in public (reviews, public posts).
        self.hold_stars = QSpinBox(self)
        self.hold_stars.setRange(0, 5)
        self.hold_stars.setSpecialValueText(self.tr("No reply to a review"))
        self.hold_stars.setPrefix(self.tr("Replies to reviews of "))
        self.hold_stars.setSuffix(self.tr(" stars or fewer"))
        self.hold_stars.setAccessibleName(self.tr("Lead's approval for"))
        self.hold_stars.setToolTip(
            self.tr("A reply to a review of this many stars or fewer waits for a lead's approval.")
        )
        self.bottom.addRow(self.tr("Lead's approval for"), self.hold_stars)
        self.hold_public = QCheckBox(self.tr("Every public reply waits for a lead's approval"), self)
        self.bottom.addRow("", self.hold_public)
        self.enabled = QCheckBox(self.tr("Enabled"), self)
        self.enabled.setChecked(True)
        self.bottom.addRow("", self.enabled)
        right.addLayout(self.bottom)
        right.addStretch(1)
        scroll.setWidget(page)
        column = QVBoxLayout()
        column.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.save = QPushButton(self.tr("Save"), self)
        self.test = QPushButton(self.tr("Test connection"), self)
        self.remove = QPushButton(self.tr("Remove"), self)
        # Offered when the provider withdrew the account's OAuth sign-in.
        self.sign_in_again = QPushButton(self.tr("Sign in again"), self)
        self.sign_in_again.setVisible(False)
        for b in (self.sign_in_again, self.save, self.test, self.remove):
            buttons.addWidget(b)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        column.addLayout(buttons)
        column.addWidget(self.result)
        layout.addLayout(column, 2)
        self.kind.currentIndexChanged.connect(lambda _i: self._build_fields({}))
        self.list.currentItemChanged.connect(self._picked)
        self.new_button.clicked.connect(self._new)
        self.save.clicked.connect(self._save)
        self.test.clicked.connect(self._test)
        self.remove.clicked.connect(self._remove)
        self.sign_in_again.clicked.connect(self._sign_in_again)
        self.refresh()

    @property
    def _fields(self) -> dict[str, QWidget]:
        return self.account_form.fields if self.account_form is not None else {}

    @property
    def secret(self) -> QLineEdit | None:
        return self.account_form.secret if self.account_form is not None else None

    def _done(self, words: str) -> None:
        self.result.setText(words)
        self.refresh()

    def _removed(self) -> None:
        self.refresh()
        self._new()

    def refresh(self) -> None:
        accounts, agents, setup = (
            self._ws.services.accounts,
            self._ws.services.agents,
            self._ws.services.setup,
        )
        self._ws.call(
            lambda: (accounts.list(), agents.teams(), setup.offered_kinds()), done=self._fill, task="accounts"
        )

    def _set_kinds(self, kinds: list[str]) -> None:
        """The kinds in the chooser, in words; email first (the one most admins want)."""
        registry = self._ws.services.registry
        ordered = sorted(kinds, key=lambda k: (k != "email", words(kind_title(registry[k])).lower()))
        if ordered == [self.kind.itemData(i) for i in range(self.kind.count())]:
            return
        current = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind in ordered:
            self.kind.addItem(words(kind_title(registry[kind])), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        self.kind.blockSignals(False)

    def _fill(self, found: tuple[list[AccountRow], list[tuple[int, str]], list[str]]) -> None:
        accounts, self._teams, self._offered = found
        self._set_kinds(self._offered)
        self.team.clear()
        self.team.addItem(self.tr("No team"), "")
        for _team_id, team_name in self._teams:
            self.team.addItem(team_name, team_name)
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

    def _build_fields(self, values: dict[str, Any], enabled: bool | None = None) -> None:
        """The form for the chosen kind of channel; ``enabled`` None keeps the box as it was."""
        if self.account_form is not None:
            self.holder.removeWidget(self.account_form)
            self.account_form.hide()  # deleted only when the event loop comes round
            self.account_form.deleteLater()
            self.account_form = None
        kind = self.kind.currentData()
        if kind is not None:
            self.account_form = AccountForm(self._ws, kind, values, new=self._current is None, parent=self)
            self.account_form.sign_in.signed_in.connect(self._signed_in)
            self.account_form.sign_in.said.connect(self.result.setText)
            form = self.account_form
            # Once the layout has placed the button, bring it into view.
            form.sign_in_offered.connect(
                lambda: QTimer.singleShot(0, lambda: self.form_scroll.ensureWidgetVisible(form.sign_in))
            )
            self.holder.addWidget(self.account_form)
            self.account_form.show()  # else only once the event loop comes round
        current_team = self._current.team if self._current is not None else None
        self.team.setCurrentIndex(max(0, self.team.findData(current_team or "")))
        rules = self._current.approvals if self._current is not None else None
        self.hold_stars.setValue(rules.stars_max or 0 if rules is not None else 0)
        self.hold_public.setChecked(bool(rules is not None and rules.public))
        capabilities = self._ws.services.capabilities_of
        public = kind is not None and capabilities is not None and capabilities(kind, values).public
        self.bottom.setRowVisible(self.hold_stars, public)
        self.bottom.setRowVisible(self.hold_public, public)
        if enabled is not None:
            self.enabled.setChecked(enabled)
        self.sign_in_again.setVisible(False)

    def _values(self) -> dict[str, Any]:
        out = self.account_form.values() if self.account_form is not None else {}
        out["team"] = self.team.currentData() or ""
        if self.hold_stars.isVisibleTo(self):
            out["approve_stars_max"] = self.hold_stars.value() or "none"
            out["approve_public"] = self.hold_public.isChecked()
        return out

    def _new(self) -> None:
        self._current = None
        self.list.clearSelection()
        self.name.setEnabled(True)
        self.kind.setEnabled(True)
        self._set_kinds(self._offered)
        self.name.clear()
        self._build_fields({}, enabled=True)
        self.result.clear()

    def _picked(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is None:
            return
        account: AccountRow = item.data(Qt.ItemDataRole.UserRole)
        # The same account again after a refresh: what was just said about it ("Saved.") stays.
        again = self._current is not None and self._current.name == account.name
        self._current = account
        # An account of a kind no longer offered (a testing account) still opens.
        self._set_kinds(sorted(set(self._offered) | {account.kind}))
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(account.kind)))
        self.kind.blockSignals(False)
        self.kind.setEnabled(False)
        self.name.setText(account.name)
        self.name.setEnabled(False)
        self._build_fields(account.settings, enabled=account.enabled)
        if account.last_error or not again:
            self.result.setText(self._words(account.last_error or ""))
        form = self.account_form
        provider = form.sign_in_provider() if form is not None else None
        if form is not None and provider is not None and account.status == AccountStatus.AUTH_ERROR:
            # A sign-in the provider withdrew (or that expired for good): said in words,
            # with the one thing to do about it.
            form.needs_sign_in_again = True
            form.refresh_sign_in()
            self.sign_in_again.setVisible(True)
            who = provider or self.tr("The provider")
            self.result.setText(
                self.tr(
                    "{provider} no longer accepts this account's sign-in. Press “Sign in again” to resume syncing."
                ).format(provider=who)
            )

    def _sign_in_again(self) -> None:
        if self.account_form is not None:
            self.account_form.start_sign_in()

    def _signed_in(self, _done: object) -> None:
        """An existing account signed in again: kept at once (the admin's intent is plain);
        a new one waits for Save with the rest of its settings."""
        if self._current is not None:
            self._save()

    def _words(self, text: str) -> str:
        """A message with the settings named by their labels, not their keys."""
        schema = self.account_form.schema if self.account_form is not None else ()
        return failure_words(Exception(text), schema) if text else ""

    def _save(self) -> None:
        accounts, values = self._ws.services.accounts, self._values()
        secret = (self.secret.text() or None) if self.secret is not None else None
        form = self.account_form
        signed = form.sign_in.result if form is not None else None
        if signed is not None:
            secret = signed.secret
            values.update(signed.settings)
        elif form is not None and form.asks_client_secret():
            # The field held the OAuth client secret, which travels inside the grant.
            secret = None
            if self._current is None:
                self.result.setText(
                    self.tr("Sign in first: press “{button}” and finish in your browser.").format(
                        button=form.sign_in.button.text()
                    )
                )
                return
        current, actor = self._current, self._ws.actor
        kind, name = self.kind.currentData(), self.name.text().strip()
        enabled = self.enabled.isChecked()

        def save() -> None:
            if current is None:
                accounts.add(kind, name, values, secret, actor=actor)
            else:
                accounts.update_settings(current.name, values, secret, actor=actor)
                if current.enabled != enabled:
                    accounts.set_enabled(current.name, enabled, actor=actor)

        if self.secret is not None:
            self.secret.clear()
        supervisor = self._ws.services.supervisor()

        def saved(_result: object) -> None:
            if signed is not None:
                self.sign_in_again.setVisible(False)
            if signed is not None and signed.identity:
                self._done(self.tr("Signed in as {who}. Saved.").format(who=signed.identity))
            else:
                self._done(self.tr("Saved."))
            if current is not None:
                supervisor.resume(current.name)  # it may have stopped on refused credentials

        self._ws.call(
            save,
            done=saved,
            failed=lambda exc: self.result.setText(self._words(str(exc))),
            task="save account",
        )

    def _test(self) -> None:
        if self._current is None:
            self.result.setText(self.tr("Save the account first, then test it."))
            return
        self.result.setText(self.tr("Testing…"))
        supervisor = self._ws.services.supervisor()
        schema = self.account_form.schema if self.account_form is not None else ()
        oauth = self.account_form is not None and self.account_form.sign_in_provider() is not None

        async def run() -> None:
            try:
                await supervisor.check(self._current.name)  # type: ignore[union-attr]
            except Exception as exc:  # noqa: BLE001 - every failure is shown in words
                self.result.setText(
                    self.tr("Connection failed: {reason}").format(
                        reason=failure_words(exc, schema, oauth=oauth)
                    )
                )
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
