"""The case header's service-level line: which target is due next and how long is left (in
business time), red once missed, amber past 75 %; kept current every minute."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from inbox_app.core.read.rows import CaseRow
from inbox_app.core.service.hours import Calendar
from inbox_app.ui import sla_words
from inbox_app.ui.workspace import Workspace


class SlaBadge(QLabel):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseSla")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._ws = ws
        self._row: CaseRow | None = None
        self._calendars: dict[str, Calendar | None] = {}
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._paint)
        self.hide()

    def show_case(self, row: CaseRow | None) -> None:
        self._row = row
        if row is None or row.sla is None:
            self._clock.stop()
            self.hide()
            return
        self._ws.call(self._ws.services.sla.engines, done=self._have_calendars, task="sla calendars")

    def _have_calendars(self, calendars: dict[str, Calendar | None]) -> None:
        self._calendars = calendars
        self._paint()
        self._clock.start()

    def _paint(self, now: datetime | None = None) -> None:
        row = self._row
        now = now or datetime.now(UTC)
        text = sla_words.header_text(row, now, self._calendars) if row is not None else ""
        if not text or row is None:
            self.hide()
            return
        self.setText(text)
        self.setToolTip(sla_words.tooltip(row, now) or "")
        colour = sla_words.colour(sla_words.state(row, now))
        self.setStyleSheet(f"color: {colour.name()}; font-weight: bold" if colour is not None else "")
        self.show()
