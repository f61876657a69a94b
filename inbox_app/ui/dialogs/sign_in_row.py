""" "Sign in with Google" / "Sign in with Microsoft" / "Sign in" in an account's form: the
system browser opens the provider's page (never a browser inside the app), the form waits
for it without holding up the window, then says who signed in. The grant obtained is the
account's secret; it goes to the keyring when the account is saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from connectors.oauth import open_browser
from inbox_app.core.signin import PendingSignIn, SignedIn
from inbox_app.ui.workspace import Workspace


class SignInRow(QWidget):
    """The sign-in button; what the sign-in has to say goes out through ``said`` (the
    accounts tab shows it in its status line, always in view), the result through
    ``signed_in``."""

    signed_in = Signal(object)
    said = Signal(str)

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
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addStretch(1)
        self.setVisible(False)

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
            finally:
                if self._pending is not None:
                    self._pending.cancel()
                self._pending = None
                self.button.setEnabled(True)

        self._ws.spawn(flow(), "sign in")

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
