"""The customer panel's at-risk block: the score, a chip per factor with its share, the
90-day trend, and the agent's "Not at risk…" (kept and audited by core/voice)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QSize, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from inbox_app.core.voice.risk_service import TREND_DAYS, RiskRow
from inbox_app.ui import labels

# PySide6 types QT_TRANSLATE_NOOP as object; it returns the text it is given.
FACTOR: dict[str, Any] = {
    "tone": QT_TRANSLATE_NOOP("Risk", "Tone"),
    "waiting": QT_TRANSLATE_NOOP("Risk", "Waiting"),
    "sla": QT_TRANSLATE_NOOP("Risk", "Service levels"),
    "reopened": QT_TRANSLATE_NOOP("Risk", "Reopened"),
    "csat": QT_TRANSLATE_NOOP("Risk", "Satisfaction"),
    "reviews": QT_TRANSLATE_NOOP("Risk", "Bad reviews"),
    "channel_hopping": QT_TRANSLATE_NOOP("Risk", "Channel hopping"),
    "repeat_contact": QT_TRANSLATE_NOOP("Risk", "Repeat contact"),
}
# A score from here up is drawn in the warning colour (the admin's threshold when known).
HIGH = 60


def _tr(text: str) -> str:
    return QCoreApplication.translate("Risk", text)


def factor_name(code: str) -> str:
    source = FACTOR.get(code)
    return _tr(source) if source else code


def _hours(minutes: int) -> str:
    if minutes < 60:
        return QCoreApplication.translate("Risk", "{n} min").format(n=max(0, minutes))
    if minutes < 48 * 60:
        return QCoreApplication.translate("Risk", "{n} h").format(n=round(minutes / 60))
    return QCoreApplication.translate("Risk", "{n} days").format(n=minutes // (24 * 60))


def factor_detail(factor: dict[str, Any]) -> str:
    """What the factor's numbers say, in the agent's language."""
    facts = factor.get("facts") or {}
    name = factor.get("name")
    if name == "tone":
        return QCoreApplication.translate(
            "Risk", "{negative} of the last {count} messages in a negative tone (average {average})"
        ).format(
            negative=facts.get("negative", 0),
            count=facts.get("count", 0),
            average=f"{facts.get('average', 0):+.2f}",
        )
    if name == "waiting":
        text = (
            QCoreApplication.translate("Risk", "Waiting for an answer for {time}")
            if not facts.get("business")
            else QCoreApplication.translate("Risk", "Waiting for an answer for {time} of business hours")
        )
        return text.format(time=_hours(int(facts.get("minutes", 0))))
    if name == "sla":
        return QCoreApplication.translate(
            "Risk", "Service-level targets missed: {targets}, on {cases} cases"
        ).format(targets=facts.get("targets", 0), cases=facts.get("cases", 0))
    if name == "reopened":
        return QCoreApplication.translate("Risk", "Cases reopened in the last 90 days: {count}").format(
            count=facts.get("count", 0)
        )
    if name == "csat":
        return QCoreApplication.translate("Risk", "Satisfaction answers out of 5: {scores}").format(
            scores=", ".join(str(s) for s in facts.get("scores", ()))
        )
    if name == "reviews":
        return QCoreApplication.translate("Risk", "Reviews with 1 or 2 stars: {stars}").format(
            stars=", ".join("★" * int(s) for s in facts.get("stars", ()))
        )
    if name == "channel_hopping":
        return QCoreApplication.translate(
            "Risk", "Wrote on {first} and then on {second} within {time}"
        ).format(
            first=labels.word(labels.CHANNEL, facts.get("first")),
            second=labels.word(labels.CHANNEL, facts.get("second")),
            time=_hours(int(facts.get("minutes", 0))),
        )
    if name == "repeat_contact":
        return QCoreApplication.translate(
            "Risk", "Came back within 7 days of a case being resolved: {count}"
        ).format(count=facts.get("count", 0))
    return str(factor.get("detail", ""))


class RiskTrend(QWidget):
    """The score of each of the last 90 days as a small line; days without one carry the last."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[date, int]] = []
        self.today = date.today()
        self.threshold = HIGH
        self.setMinimumHeight(28)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(180, 28)

    def set_points(self, points: list[tuple[date, int]], today: date) -> None:
        self.points, self.today = points, today
        self.setToolTip(
            QCoreApplication.translate("Risk", "Score over the last 90 days: from {first} to {last}").format(
                first=points[0][1], last=points[-1][1]
            )
            if points
            else QCoreApplication.translate("Risk", "No score in the last 90 days")
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Inset so that today's dot at the right end is whole.
        w, h = self.width() - 10, self.height() - 8
        baseline = QPen(self.palette().mid().color(), 1)
        painter.setPen(baseline)
        painter.drawLine(4, h + 4, w + 4, h + 4)
        if not self.points:
            return
        first = self.today - timedelta(days=TREND_DAYS - 1)
        by_day = dict(self.points)
        line = QPolygonF()
        value = None
        for i in range(TREND_DAYS):
            day = first + timedelta(days=i)
            value = by_day.get(day, value)
            if value is not None:
                line.append(QPointF(4 + w * i / (TREND_DAYS - 1), 4 + h * (1 - value / 100)))
        colour = QColor("#c0392b") if (value or 0) >= self.threshold else self.palette().highlight().color()
        painter.setPen(QPen(colour, 1.6))
        painter.drawPolyline(line)
        if line.size():
            # Today's score as a dot: a first day's score is a point, not yet a line.
            painter.setBrush(colour)
            painter.drawEllipse(line.at(line.size() - 1), 2.5, 2.5)


class RiskBox(QWidget):
    """Heading, score, chips and trend; ``notAtRiskRequested`` when the agent disagrees."""

    notAtRiskRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskBox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        top = QHBoxLayout()
        heading = QLabel(self.tr("At risk"), self)
        heading.setObjectName("panelHeading")
        top.addWidget(heading)
        self.score = QLabel(self)
        self.score.setObjectName("riskScore")
        self.score.setAccessibleName(self.tr("At-risk score"))
        top.addWidget(self.score)
        top.addStretch(1)
        self.not_at_risk = QPushButton(self.tr("Not at risk…"), self)
        self.not_at_risk.setToolTip(
            self.tr(
                "Say the score is wrong: it reads 0 until the customer writes again (kept in the audit trail)"
            )
        )
        top.addWidget(self.not_at_risk)
        layout.addLayout(top)
        self.chips_row = QWidget(self)
        self.chips = QVBoxLayout(self.chips_row)
        self.chips.setContentsMargins(0, 0, 0, 0)
        self.chips.setSpacing(2)
        layout.addWidget(self.chips_row)
        self.muted = QLabel(self)
        self.muted.setWordWrap(True)
        self.muted.setObjectName("riskMuted")
        layout.addWidget(self.muted)
        trend_row = QHBoxLayout()
        caption = QLabel(self.tr("90 days"), self)
        caption.setObjectName("riskTrendCaption")
        trend_row.addWidget(caption)
        self.trend = RiskTrend(self)
        self.trend.setAccessibleName(self.tr("At-risk score over the last 90 days"))
        trend_row.addWidget(self.trend, 1)
        layout.addLayout(trend_row)
        self.not_at_risk.clicked.connect(self.notAtRiskRequested)

    def show_risk(
        self, risk: RiskRow, trend: list[tuple[date, int]], today: date, threshold: int = HIGH
    ) -> None:
        self.score.setText(self.tr("{score} / 100").format(score=risk.score))
        self.trend.threshold = threshold
        high = risk.score >= threshold
        self.score.setStyleSheet("font-weight: bold; color: #c0392b;" if high else "font-weight: bold;")
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        muted = risk.muted_at is not None
        for factor in () if muted else risk.factors:
            chip = QLabel(f"{factor_name(factor['name'])} · {factor['share']} %", self.chips_row)
            chip.setObjectName("riskChip")
            chip.setToolTip(factor_detail(factor))
            chip.setAccessibleDescription(chip.toolTip())
            chip.setStyleSheet("border: 1px solid palette(mid); border-radius: 8px; padding: 1px 8px;")
            chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            self.chips.addWidget(chip)
        self.chips_row.setVisible(self.chips.count() > 0)
        if muted:
            self.muted.setText(
                self.tr("Marked not at risk by {who}: {why}").format(
                    who=risk.muted_by or "-", why=risk.muted_reason
                )
            )
        elif not risk.factors:
            self.muted.setText(self.tr("Nothing puts this customer at risk now."))
        self.muted.setVisible(muted or not risk.factors)
        self.not_at_risk.setEnabled(not muted and risk.score > 0)
        self.trend.set_points(trend, today)
