"""The app's icon in the desktop's tray, and its notices of new messages for this agent."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from inbox_app import APP_NAME
from inbox_app.core.read.queries import NotFound
from inbox_app.core.vocab import Direction
from inbox_app.ui.appearance import icon
from inbox_app.ui.workspace import Workspace


class Tray(QObject):
    def __init__(self, ws: Workspace, window: QWidget) -> None:
        super().__init__(window)
        self._ws = ws
        self._window = window
        self.icon: QSystemTrayIcon | None = None  # made once the first cases are painted
        ws.bridge.messagesAdded.connect(self._notify)
        ws.bridge.satisfactionLow.connect(self._notify_low)

    def show(self) -> None:
        # After the first paint: a desktop's tray is asked over D-Bus or X, which the
        # window's first screen does not need to wait for.
        if self.icon is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(icon("unisono"), self._window)
            self.icon.setToolTip(APP_NAME)
            self.icon.activated.connect(self._bring_back)
            self.icon.show()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()

    def _bring_back(self, _reason: QSystemTrayIcon.ActivationReason) -> None:
        self._window.showNormal()
        self._window.activateWindow()

    def _notify_low(self, event: Any) -> None:
        """A customer of this agent's case answered the satisfaction question with 1 or 2."""
        if self.icon is None or not event.case_ids:
            return
        services, me = self._ws.services, self._ws.agent

        def relevant() -> list[str]:
            out = []
            cases = services.queries.cases_by_id(event.case_ids)
            for case_id in event.case_ids[:20]:
                case, survey = cases.get(case_id), services.csat_reports.of_case(case_id)
                if case is None or survey is None or survey.score is None:
                    continue
                if me is None or case.assignee == me.name:
                    comment = f" — {survey.comment[:80]}" if survey.comment else ""
                    out.append(f"{case.customer_name}: {survey.score}/5{comment}")
            return out

        def show(lines: list[str]) -> None:
            if lines and self.icon is not None:
                self.icon.showMessage(
                    self.tr("Low satisfaction: case reopened"),
                    "\n".join(lines[:3]),
                    QSystemTrayIcon.MessageIcon.Warning,
                    8000,
                )

        self._ws.call(relevant, done=show, task="notify low satisfaction")

    def _notify(self, event: Any) -> None:
        if self.icon is None or not event.case_ids:
            return
        services, me = self._ws.services, self._ws.agent

        def relevant() -> list[str]:
            out = []
            cases = services.queries.cases_by_id(event.case_ids)
            for message_id in event.message_ids[:20]:
                try:
                    message = services.queries.message(message_id)
                except NotFound:
                    continue  # erased meanwhile
                case = cases.get(message.case_id or -1)
                if message.direction != Direction.IN or case is None:
                    continue
                if case.assignee is None or (me is not None and case.assignee == me.name):
                    out.append(f"{case.customer_name}: {message.text[:80]}")
            return out

        def show(lines: list[str]) -> None:
            if lines and self.icon is not None:
                self.icon.showMessage(
                    self.tr("New messages"),
                    "\n".join(lines[:3]),
                    QSystemTrayIcon.MessageIcon.Information,
                    5000,
                )

        self._ws.call(relevant, done=show, task="notify")
