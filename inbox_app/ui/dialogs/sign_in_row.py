""" "Sign in with Google" / "Sign in with Microsoft" / "Sign in" in an account's form: the
system browser opens the provider's page (never a browser inside the app), the form waits
for it without holding up the window, then says who signed in. The grant obtained is the
account's secret; it goes to the keyring when the account is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from connectors.oauth import open_browser
from inbox_app.core.signin import PendingSignIn, SignedIn
from inbox_app.ui.workspace import Workspace


class SignInRow(QWidget):
    """The sign-in button; what the sign-in has to say goes out through ``said`` (the
    accounts tab shows it in its status line, always in view), the result through
    ``signed_in``."""

    signed_in = Signal(object)
    said = Signal(str)
    #: A setting picked from what the sign-in reaches (a Google manager's locations): key, value.
    picked = Signal(str, str)

    #: Opens the authorization URL; the tests play the browser here.
    opener: Callable[[str], bool] = staticmethod(open_browser)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.result: SignedIn | None = None
        self._pending: PendingSignIn | None = None
        self._provider: str | None = None
        self.last = ""  # what it said last
        self.button = QPushButton(self)
        self.button.setObjectName("sign_in")
        # What the sign-in reaches, to pick from; shown once signed in.
        self.choice = QComboBox(self)
        # Long names and addresses must not widen the form past its scroll area.
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(16)
        self.choice.setVisible(False)
        self._choice_key = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.choice, 1)
        row.addStretch(0)
        self.setVisible(False)
        self.choice.currentIndexChanged.connect(self._chosen)

    def offer(self, provider: str | None, *, again: bool = False) -> None:
        """Show the button for ``provider`` ("Google", "Microsoft", "" unnamed), or hide it
        (None, or ``again``: the accounts tab then offers "Sign in again" beside Save)."""
        self._provider = provider
        self.setVisible(provider is not None and not again)
        if provider:
            self.button.setText(self.tr("Sign in with {provider}").format(provider=provider))
        else:
            self.button.setText(self.tr("Sign in"))

    def say(self, text: str) -> None:
        self.last = text
        self.said.emit(text)

    def run(
        self,
        kind: str,
        values: dict[str, object],
        client_secret: str | None,
        failed: Callable[[BaseException], str],
    ) -> None:
        """Sign in with the settings ``values`` of an account of ``kind``."""
        if self._pending is not None:
            return  # one sign-in at a time; the browser tab is still open
        signin = self._ws.services.signin
        self.button.setEnabled(False)
        self.say(self.tr("Opening your browser…"))

        async def flow() -> None:
            try:
                self._pending = await signin.start(kind, values, client_secret)
                if self.opener(self._pending.url):
                    self.say(self.tr("Waiting for you to sign in in your browser…"))
                else:
                    self.say(
                        self.tr(
                            "No browser could be opened. Open this address in your browser to sign in:\n{url}"
                        ).format(url=self._pending.url)
                    )
                done = await self._pending.finish()
            except Exception as exc:  # noqa: BLE001 - shown in words, the form stays usable
                self.say(self.tr("Not signed in: {reason}").format(reason=failed(exc)))
            else:
                self.result = done
                if done.identity:
                    self.say(self.tr("Signed in as {who}.").format(who=done.identity))
                else:
                    self.say(self.tr("Signed in."))
                self.signed_in.emit(done)
                self.offer_choices(done.choices)
            finally:
                if self._pending is not None:
                    self._pending.cancel()
                self._pending = None
                self.button.setEnabled(True)

        self._ws.spawn(flow(), "sign in")

    def offer_choices(self, choices: Mapping[str, list[tuple[str, str]]], current: str = "") -> None:
        """The first setting the sign-in offers choices for, as a list to pick from."""
        key, options = next(((k, o) for k, o in choices.items() if o), ("", []))
        self._choice_key = key
        self.choice.blockSignals(True)
        self.choice.clear()
        for value, words in options:
            self.choice.addItem(words, value)
        self.choice.setAccessibleName(self.tr("Choose what this account reads"))
        self.choice.blockSignals(False)
        self.choice.setVisible(bool(options))
        if options:
            self.choice.setCurrentIndex(max(0, self.choice.findData(current)))
            self._chosen(self.choice.currentIndex())

    def _chosen(self, index: int) -> None:
        if index >= 0 and self._choice_key:
            self.picked.emit(self._choice_key, str(self.choice.itemData(index)))

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
