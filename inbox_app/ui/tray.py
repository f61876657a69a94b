"""The app's icon in the desktop's tray, and its notices for this agent: new messages, and
service-level warnings (75 % of a target's time, and its breach), and a low satisfaction answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from inbox_app import APP_NAME
from inbox_app.core.read.queries import OPEN_STATES, CaseFilter, NotFound
from inbox_app.core.read.rows import CaseRow
from inbox_app.core.service.hours import Calendar
from inbox_app.core.service.warnings import BREACH, Notice, Warner
from inbox_app.core.vocab import Direction
from inbox_app.ui import labels, sla_words
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
        # Service levels: 75 % and breach of this agent's cases and the team's free ones,
        # decided in core (warnings.Warner: working hours only, once per target).
        self._calendars: dict[str, Calendar | None] = {}
        self.warner = Warner(lambda policy: self._calendars.get(policy or ""))
        self._checking = False
        self._sla_timer = QTimer(self, interval=60_000)
        self._sla_timer.timeout.connect(self.check_service_levels)

    def show(self) -> None:
        # After the first paint: a desktop's tray is asked over D-Bus or X, which the
        # window's first screen does not need to wait for.
        if self.icon is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(icon("unisono"), self._window)
            self.icon.setToolTip(APP_NAME)
            self.icon.activated.connect(self._bring_back)
            self.icon.show()
            self._sla_timer.start()

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

        title = self.tr("Low satisfaction: case reopened")
        self._tell(relevant, title, QSystemTrayIcon.MessageIcon.Warning, 8000, "notify low satisfaction")

    def check_service_levels(self) -> None:
        """Once a minute: the warnings now due, shown in the tray."""
        me, team = self._ws.agent, self._ws.team_id
        if self._checking or me is None:
            return
        self._checking = True
        services = self._ws.services

        def compute() -> list[Notice]:
            self._calendars = services.sla.engines()
            mine = services.queries.cases_by_due(CaseFilter(status=OPEN_STATES, assignee_id=me.id), limit=200)
            free: list[CaseRow] = []
            if team is not None:
                flt = CaseFilter(status=OPEN_STATES, unassigned=True, team_id=team)
                free = services.queries.cases_by_due(flt, limit=200)
            team_name = free[0].team if free else None
            return self.warner.due([*mine, *free], datetime.now(UTC), me.name, team_name)

        def show(notices: list[Notice]) -> None:
            self._checking = False
            if notices and self.icon is not None:
                self.icon.showMessage(
                    self.tr("Service levels"),
                    "\n".join(self._words(n) for n in notices[:4]),
                    QSystemTrayIcon.MessageIcon.Warning,
                    8000,
                )

        def failed(_exc: Exception) -> None:
            self._checking = False

        self._ws.call(compute, done=show, failed=failed, task="sla warnings")

    def _words(self, notice: Notice) -> str:
        what = sla_words.target_word(notice.target)
        if notice.level == BREACH:
            line = self.tr("{customer}: {target} overdue (due {when})")
        else:
            line = self.tr("{customer}: {target} due {when}")
        return line.format(customer=notice.customer, target=what, when=labels.when(notice.due))

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

        self._tell(relevant, self.tr("New messages"), QSystemTrayIcon.MessageIcon.Information, 5000, "notify")

    def _tell(
        self,
        relevant: Callable[[], list[str]],
        title: str,
        kind: QSystemTrayIcon.MessageIcon,
        ms: int,
        task: str,
    ) -> None:
        """The first lines ``relevant`` finds (read off the event loop), as one notice."""

        def show(lines: list[str]) -> None:
            if lines and self.icon is not None:
                self.icon.showMessage(title, "\n".join(lines[:3]), kind, ms)

        self._ws.call(relevant, done=show, task=task)
