"""The status area: every channel account's sync state, first-sync progress, last error in words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from inbox_app.core.accounts import AccountRow
from inbox_app.core.vocab import AccountStatus
from inbox_app.ui import labels
from inbox_app.ui.workspace import Workspace

# The mark before each account's name in the status tooltip.
MARKS: dict[str, str] = {
    AccountStatus.IDLE: "●",
    AccountStatus.SYNCING: "◐",
    AccountStatus.ERROR: "▲",
    AccountStatus.AUTH_ERROR: "▲",
}
FAILING = (AccountStatus.ERROR, AccountStatus.AUTH_ERROR)


class SyncStatus(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.setObjectName("syncStatus")
        self.setAccessibleName(self.tr("Sync status"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.error = QLabel(self)
        self.error.setObjectName("syncError")
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(True)
        self.progress.setAccessibleName(self.tr("First sync progress"))
        self.progress.hide()
        self.summary = QLabel(self)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        self.accounts: list[AccountRow] = []
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.refresh)
        self._poll = QTimer(self, interval=1500)
        self._poll.timeout.connect(self.refresh)
        ws.bridge.accountsChanged.connect(lambda _e: self._timer.start())
        ws.bridge.messagesAdded.connect(lambda _e: self._poll_soon())
        ws.bridge.changesMissed.connect(lambda _e: self._timer.start())

    def _poll_soon(self) -> None:
        if any(a.status == AccountStatus.SYNCING for a in self.accounts):
            self._timer.start()

    def refresh(self) -> None:
        self._ws.call(self._ws.services.accounts.list, done=self.show_accounts, task="sync status")

    def show_accounts(self, accounts: list[AccountRow]) -> None:
        self.accounts = accounts
        parts, tips = [], []
        for a in accounts:
            state = AccountStatus.DISABLED if not a.enabled else a.status
            mark = MARKS.get(state, "○")
            parts.append(f"{mark} {a.name}: {labels.word(labels.ACCOUNT_STATUS, state)}")
            when = labels.when(a.last_sync_at) if a.last_sync_at else self.tr("never")
            tips.append(
                self.tr("{name} ({channel}) — last synced {when}").format(
                    name=a.name, channel=labels.word(labels.CHANNEL, a.channel), when=when
                )
                + (f"\n  {a.last_error}" if a.last_error else "")
            )
        self.summary.setText("   ".join(parts) if parts else self.tr("No channel accounts yet"))
        self.summary.setToolTip("\n".join(tips))
        failing = [a for a in accounts if a.enabled and a.status in FAILING and a.last_error]
        if failing:
            a = failing[0]
            self.error.setText(self.tr("{name}: {error}").format(name=a.name, error=_short(a.last_error)))
            self.error.setToolTip(a.last_error or "")
        self.error.setVisible(bool(failing))
        first_sync = [
            a
            for a in accounts
            if a.status == AccountStatus.SYNCING
            and a.progress_total
            and (a.progress_done or 0) < a.progress_total
        ]
        if first_sync:
            done = sum(a.progress_done or 0 for a in first_sync)
            total = sum(a.progress_total or 0 for a in first_sync)
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)
            self.progress.setFormat(self.tr("Syncing %v of %m"))
        self.progress.setVisible(bool(first_sync))
        syncing = any(a.status == AccountStatus.SYNCING for a in accounts)
        if syncing and not self._poll.isActive():
            self._poll.start()
        elif not syncing:
            self._poll.stop()


def _short(text: Any, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
