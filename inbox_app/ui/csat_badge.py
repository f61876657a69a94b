"""The satisfaction mark beside the case's title: the customer's score, or that they were asked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from inbox_app.core.voice.csat import GOOD, LOW
from inbox_app.core.voice.csat_report import SurveyRow
from inbox_app.ui.workspace import Workspace


class CsatBadge(QLabel):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._case_id: int | None = None
        self.setObjectName("csatBadge")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName(self.tr("Satisfaction"))
        self.hide()

    def show_case(self, case_id: int | None) -> None:
        """Read the case's survey off the GUI thread and show it (hidden when never asked)."""
        self._case_id = case_id
        if case_id is None:
            self.show_survey(None)
            return

        def done(row: SurveyRow | None) -> None:
            if self._case_id == case_id:
                self.show_survey(row)

        self._ws.call(
            self._ws.services.csat_reports.of_case,
            case_id,
            done=done,
            failed=lambda _e: None,
            task="satisfaction",
        )

    def show_survey(self, row: SurveyRow | None) -> None:
        if row is None:
            self.hide()
            return
        if row.score is None:
            self.setText(self.tr("Satisfaction asked"))
            self.setToolTip(
                self.tr("The customer was asked on {when}; no answer yet").format(
                    when=row.asked_at.astimezone().strftime("%Y-%m-%d %H:%M")
                )
            )
            tone = "asked"
        else:
            self.setText(self.tr("Satisfaction {score}/5").format(score=row.score))
            comment = row.comment or self.tr("(no comment)")
            self.setToolTip(self.tr("The customer's answer: {comment}").format(comment=comment))
            tone = "good" if row.score >= GOOD else "low" if row.score <= LOW else "fair"
        self.setProperty("tone", tone)
        colors = {"good": "#1b7f3b", "fair": "#8a6d00", "low": "#b3261e", "asked": "palette(mid)"}
        self.setStyleSheet(
            f"QLabel#csatBadge {{ border: 1px solid {colors[tone]}; color: {colors[tone]};"
            " border-radius: 8px; padding: 1px 8px; }"
        )
        self.show()
