"""The form of one channel account, in words: each setting with its label, a line of help
and its default, in the user's language; the few settings an admin knows first, the
rest found by the channel (an email's servers from its address, a Matrix homeserver from
the Matrix ID) and shown to confirm or correct; rarely touched settings folded away.

The words come from the connector (``SettingSpec.label``, ``.help``, ``.choice_labels``,
English and Qt-free) and are translated here in the context ``ConnectorSettings`` of the
translation file. A setting's key is never shown: it is the widget's object name only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from connectors.base import Discovery, ExplainsSecret, Identifies, SettingSpec, secret_label
from inbox_app.ui.dialogs.sign_in_row import SignInRow
from inbox_app.ui.workspace import Workspace

CONTEXT = "ConnectorSettings"

#: Where found settings came from, in words (the codes of connectors' Discovery.source).
SOURCES = {
    "autoconfig": QT_TRANSLATE_NOOP("AccountForm", "the domain's own mail configuration"),
    "well-known": QT_TRANSLATE_NOOP("AccountForm", "the well-known file of the domain"),
    "ispdb": QT_TRANSLATE_NOOP("AccountForm", "Thunderbird's database of mail providers"),
    "ispdb-mx": QT_TRANSLATE_NOOP(
        "AccountForm", "Thunderbird's database, for the provider that receives the domain's mail"
    ),
    "srv": QT_TRANSLATE_NOOP("AccountForm", "the domain's DNS records (SRV)"),
    "guess": QT_TRANSLATE_NOOP("AccountForm", "trying the usual server names"),
    "server name": QT_TRANSLATE_NOOP("AccountForm", "the server name in the ID"),
}
#: What failed during "Test connection", and what to try (connectors' error ``step``).
STEPS = {
    "lookup": (
        QT_TRANSLATE_NOOP("AccountForm", "The server's name was not found."),
        QT_TRANSLATE_NOOP(
            "AccountForm", "Check the server name for typing errors, and that this computer is online."
        ),
    ),
    "connect": (
        QT_TRANSLATE_NOOP("AccountForm", "The server did not accept a connection."),
        QT_TRANSLATE_NOOP(
            "AccountForm", "Check the port and the security, or whether a firewall blocks the connection."
        ),
    ),
    "tls": (
        QT_TRANSLATE_NOOP("AccountForm", "The server's TLS certificate is not trusted."),
        QT_TRANSLATE_NOOP(
            "AccountForm",
            "Check the server name; a server with a certificate of its own needs it under More settings.",
        ),
    ),
    "signin": (
        QT_TRANSLATE_NOOP("AccountForm", "The sign-in was refused."),
        QT_TRANSLATE_NOOP(
            "AccountForm", "Check the login name and the password; some providers want an app password."
        ),
    ),
    "capability": (
        QT_TRANSLATE_NOOP("AccountForm", "The server lacks something this app needs."),
        QT_TRANSLATE_NOOP(
            "AccountForm", "Try the other security choice, or ask the provider which server to use."
        ),
    ),
    "folder": (
        QT_TRANSLATE_NOOP("AccountForm", "The folder was not found."),
        QT_TRANSLATE_NOOP("AccountForm", "Check the folder names under More settings."),
    ),
}


def words(text: str) -> str:
    """A connector's English words in the user's language."""
    return QCoreApplication.translate(CONTEXT, text) if text else ""


def _tr(text: str) -> str:
    return QCoreApplication.translate("AccountForm", text)


#: What to try when the sign-in failed for an account that signs in on the provider's page.
SIGN_IN_AGAIN = QT_TRANSLATE_NOOP(
    "AccountForm", "Sign in again; if it keeps failing, check the client ID under More settings."
)


def failure_words(exc: BaseException, schema: tuple[SettingSpec, ...], *, oauth: bool = False) -> str:
    """A failed check in words: the step that failed and what to try, then the detail with
    settings named by their labels. ``oauth``: the account signs in on the provider's page."""
    detail = str(exc)
    for spec in schema:
        detail = detail.replace(f"'{spec.key}'", f"“{words(spec.label)}”").replace(
            f"{spec.key} ", f"“{words(spec.label)}” "
        )
    step = getattr(exc, "step", None)
    if step in STEPS:
        heading, hint = STEPS[step]
        if step == "signin" and oauth:
            hint = SIGN_IN_AGAIN
        return f"{_tr(str(heading))} {_tr(str(hint))}\n{detail}"
    return detail


class AccountForm(QWidget):
    """The settings of one kind; ``new`` accounts of a kind that finds its settings ask
    only what the admin knows until it has looked (or the admin fills in by hand)."""

    changed = Signal()
    #: The sign-in button just appeared (the admin chose OAuth 2): worth scrolling to.
    sign_in_offered = Signal()

    def __init__(
        self, ws: Workspace, kind: str, values: Mapping[str, Any], *, new: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ws = ws
        self.kind = kind
        self.cls = ws.services.registry.get(kind)
        self.schema: tuple[SettingSpec, ...] = tuple(self.cls.settings_schema) if self.cls is not None else ()
        self.fields: dict[str, QWidget] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        self._follow: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.main = QFormLayout()
        layout.addLayout(self.main)
        self.discovers_from = ws.services.setup.discovers_from(kind)
        self.secret: QLineEdit | None = None
        self.find_button: QPushButton | None = None
        self.by_hand: QPushButton | None = None
        # What was found and whose a secret is: said right under the fields they are about,
        # and hidden while empty so they leave no gap.
        self.found = QLabel(self)
        self.identity = QLabel(self)
        for said in (self.found, self.identity):
            said.setWordWrap(True)
            said.setVisible(False)
        # The secret comes after what it belongs to: the setting the rest is found from, else
        # the last required one, else first of all (a Telegram bot: its token is the account).
        required = [s.key for s in self.schema if s.required and not s.advanced]
        anchor = self.discovers_from or (required[-1] if required else None)
        if anchor is None:
            self._add_secret()
        for spec in self.schema:
            if not spec.advanced:
                self._add_row(self.main, spec, values)
            if spec.key == anchor:
                self._add_secret()
                if spec.key == self.discovers_from:
                    self._add_find_row()
        self.main.addRow(self.identity)
        # OAuth sign-in, for the kinds and settings that use it (email with auth=oauth2).
        self.sign_in = SignInRow(ws, self)
        self.sign_in.button.clicked.connect(self.start_sign_in)
        self.sign_in.picked.connect(self.set_value)
        self.main.addRow(self.sign_in)
        self.needs_sign_in_again = False
        advanced = [s for s in self.schema if s.advanced]
        self.more = QToolButton(self)
        self.more.setText(self.tr("More settings"))
        self.more.setCheckable(True)
        self.more.setVisible(bool(advanced))
        layout.addWidget(self.more)
        self.advanced = QWidget(self)
        more_form = QFormLayout(self.advanced)
        more_form.setContentsMargins(0, 0, 0, 0)
        for spec in advanced:
            self._add_row(more_form, spec, values)
        self.advanced.setVisible(False)
        self.more.toggled.connect(self.advanced.setVisible)
        layout.addWidget(self.advanced)
        # A new account of a kind that finds its settings shows them once it has looked.
        self.show_found(not (new and self.discovers_from is not None))
        for widget in self.fields.values():
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i: self.refresh_sign_in())
            elif isinstance(widget, QLineEdit):
                widget.editingFinished.connect(self.refresh_sign_in)
        self.refresh_sign_in()

    # ------------------------------------------------------------------ building

    def _add_row(self, form: QFormLayout, spec: SettingSpec, values: Mapping[str, Any]) -> None:
        value = values.get(spec.key)
        if value in (None, ""):
            value = spec.default_for(values)
        widget: QWidget
        if spec.choices:
            widget = QComboBox(self)
            for choice in spec.choices:
                widget.addItem(words(spec.choice_label(choice)), choice)
            widget.setCurrentIndex(max(0, widget.findData(value)))
            widget.currentIndexChanged.connect(lambda _i, key=spec.key: self._chosen(key))
        elif spec.type == "int":
            widget = QSpinBox(self)
            widget.setRange(0, 10_000_000)
            widget.setValue(int(value or 0))
        elif spec.type == "bool":
            widget = QCheckBox(words(spec.label), self)
            widget.setChecked(bool(value))
        else:
            widget = QLineEdit(self)
            widget.setText(", ".join(value) if isinstance(value, list) else str(value or ""))
            widget.setPlaceholderText(spec.placeholder)
        label_text = words(spec.label) + (" *" if spec.required else "")
        widget.setObjectName(spec.key)  # for tests and for finding it; never shown
        widget.setAccessibleName(words(spec.label))
        widget.setToolTip(words(spec.help))
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        help_line = QLabel(words(spec.help), box)
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        help_line.setStyleSheet("color: palette(mid); font-size: small;")
        column.addWidget(help_line)
        label = QLabel("" if spec.type == "bool" else label_text, self)
        label.setBuddy(widget)
        form.addRow(label, box)
        self.fields[spec.key] = widget
        self._rows[spec.key] = (label, box)
        if spec.follows:
            self._follow[spec.key] = self._value_of(spec.follows, values)

    def _add_secret(self) -> None:
        if self.cls is None or not self.cls.needs_secret or self.secret is not None:
            return
        self.secret = QLineEdit(self)
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        name = words(secret_label(self.cls)) or self.tr("Password or token")
        self.secret.setAccessibleName(name)
        self.secret.setPlaceholderText(self.tr("kept in the system keyring; leave empty to keep"))
        help_text = words(self.cls.secret_help) if isinstance(self.cls, ExplainsSecret) else ""
        help_text = help_text[:1].upper() + help_text[1:]  # written to follow "secret:" on the command line
        self.secret.setToolTip(help_text)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(self.secret)
        self._secret_words = (name, help_text)
        self.secret_help = QLabel(help_text, box)
        self.secret_help.setWordWrap(True)
        self.secret_help.setStyleSheet("color: palette(mid); font-size: small;")
        self.secret_help.setVisible(bool(help_text))
        column.addWidget(self.secret_help)
        self.secret_label = QLabel(name, self)
        self.main.addRow(self.secret_label, box)
        if isinstance(self.cls, type) and issubclass(self.cls, Identifies):
            # A pasted token is checked at once: the admin sees whose it is before saving.
            self.secret.editingFinished.connect(self.identify)

    def _add_find_row(self) -> None:
        self.find_button = QPushButton(self.tr("Find settings"), self)
        self.find_button.setToolTip(self.tr("Look up the servers of this account from what you typed above"))
        self.by_hand = QPushButton(self.tr("Fill in by hand"), self)
        self.by_hand.setFlat(True)
        row = QHBoxLayout()
        row.addWidget(self.find_button)
        row.addWidget(self.by_hand)
        row.addStretch(1)
        self.main.addRow(row)
        self.main.addRow(self.found)
        self.find_button.clicked.connect(self.look)
        self.by_hand.clicked.connect(lambda: self.show_found(True))

    def _value_of(self, key: str, values: Mapping[str, Any]) -> Any:
        spec = next(s for s in self.schema if s.key == key)
        return values.get(key) or spec.default

    def _chosen(self, key: str) -> None:
        """A choice changed: settings whose default follows it move along, unless the admin
        had typed a value of their own (the port follows the security chosen)."""
        new = self.fields[key].currentData()  # type: ignore[attr-defined]
        for spec in self.schema:
            if spec.follows != key:
                continue
            defaults = dict(spec.by_choice)
            widget = self.fields[spec.key]
            old = defaults.get(str(self._follow.get(spec.key)))
            if isinstance(widget, QSpinBox) and widget.value() in (0, old) and new in defaults:
                widget.setValue(int(defaults[new]))
            self._follow[spec.key] = new

    # ------------------------------------------------------------------ OAuth sign-in

    def sign_in_provider(self) -> str | None:
        """With whom these settings sign in ("Google", "Microsoft", "" unnamed), None when
        they take a password or token."""
        try:
            return self._ws.services.signin.title(self.kind, self.values())
        except Exception:  # noqa: BLE001 - half-typed settings: no button yet
            return None

    def refresh_sign_in(self) -> None:
        provider = self.sign_in_provider()
        was_hidden = self.sign_in.isHidden()
        self.sign_in.offer(provider, again=self.needs_sign_in_again)
        if was_hidden and not self.sign_in.isHidden():
            self.sign_in_offered.emit()
        if self.secret is None:
            return
        # Signing in on the provider's page needs no password; the field then takes the
        # client secret some providers hand out with the client ID.
        name, help_text = self._secret_words
        placeholder = self.tr("kept in the system keyring; leave empty to keep")
        if self.asks_client_secret():
            placeholder = self.tr("only if the provider gave you one; kept in the system keyring")
            name = self.tr("OAuth client secret")
            help_text = self.tr(
                "Signing in needs no password here. Only if the provider gave you a client secret "
                "with the client ID, type it here."
            )
        self.secret_label.setText(name)
        self.secret.setAccessibleName(name)
        self.secret.setPlaceholderText(placeholder)
        self.secret_help.setText(help_text)
        self.secret_help.setVisible(bool(help_text))

    def asks_client_secret(self) -> bool:
        """Whether the secret's field now holds an OAuth client secret (email signing in
        with OAuth), rather than the account's own password or token."""
        return bool(getattr(self.cls, "asks_client_secret", False)) and self.sign_in_provider() is not None

    def start_sign_in(self) -> None:
        client_secret = (self.secret.text() or None) if self.secret is not None else None
        self.sign_in.run(
            self.kind, self.values(), client_secret, lambda exc: failure_words(exc, self.schema, oauth=True)
        )

    # ------------------------------------------------------------------ found settings

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def show_found(self, shown: bool) -> None:
        """Show (or keep back) the settings the kind finds by itself."""
        for spec in self.schema:
            if spec.discovered and not spec.advanced:
                label, box = self._rows[spec.key]
                label.setVisible(shown)
                box.setVisible(shown)
        if self.by_hand is not None:
            self.by_hand.setVisible(not shown)

    def look(self) -> None:
        """Look up the settings from what the admin typed, then show them to confirm."""
        if self.discovers_from is None:
            return
        self._say(self.found, self.tr("Looking…"))
        if self.find_button is not None:
            self.find_button.setEnabled(False)
        setup, kind, given = self._ws.services.setup, self.kind, self.values()

        async def run() -> None:
            try:
                found = await setup.discover(kind, given)
            except Exception as exc:  # noqa: BLE001 - shown in words, the form stays usable
                self._say(self.found, str(exc))
            else:
                self.apply(found)
            finally:
                if self.find_button is not None:
                    self.find_button.setEnabled(True)

        self._ws.spawn(run(), "find account settings")

    def apply(self, found: Discovery) -> None:
        if not found.settings:
            self._say(
                self.found,
                self.tr(
                    "Nothing was found for this account. Fill in the settings below by hand; your provider's help pages give them."
                ),
            )
            self.show_found(True)
            return
        for key, value in found.settings.items():
            self.set_value(key, value)
        where = SOURCES.get(found.source)
        text = self.tr(
            "Found through {source}. Check the settings below and correct anything that is wrong."
        ).format(source=_tr(str(where)) if where else found.source)
        if found.found.get("auth") == "oauth2":
            text += " " + self.tr(
                "This provider prefers signing in on its own page (OAuth); a password may work only as an app password."
            )
        self._say(self.found, text)
        self.show_found(True)
        self.refresh_sign_in()

    def identify(self) -> None:
        secret = self.secret.text() if self.secret is not None else ""
        if not secret:
            return
        self._say(self.identity, self.tr("Checking…"))
        setup, kind, values = self._ws.services.setup, self.kind, self.values()

        async def run() -> None:
            try:
                who = await setup.identify(kind, values, secret)
            except Exception as exc:  # noqa: BLE001 - a refused token is said in words
                self._say(
                    self.identity,
                    self.tr("Not accepted: {reason}").format(reason=failure_words(exc, self.schema)),
                )
            else:
                self._say(self.identity, self.tr("This is {who}.").format(who=who) if who else "")

        self._ws.spawn(run(), "check the secret")

    # ------------------------------------------------------------------ values

    def set_value(self, key: str, value: Any) -> None:
        widget = self.fields.get(key)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value or 0))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(", ".join(value) if isinstance(value, list) else str(value or ""))
        spec = next((s for s in self.schema if s.follows == key), None)
        if spec is not None:
            self._follow[spec.key] = value

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.fields.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentData()
            elif isinstance(w, QSpinBox):
                out[key] = w.value()
            elif isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QLineEdit):
                out[key] = w.text()
        return out
