"""The leads' dashboard: volume, reply and resolution times, backlog and SLA met of a period.

Every number is computed by core/service/report*.py from the case history, the same as
`inbox-app report`; each bar, point and table cell opens the main window's case list on
exactly the cases behind it (``casesPicked``), and the CSV export writes the numbers shown.
The period and the business-hours switch apply to every figure.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta, tzinfo
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.service.report import NO_TEAM, NOBODY, Figure, Row
from inbox_app.core.service.report_series import Board, board, day_bounds, met_pct
from inbox_app.core.service.report_store import Loaded, ReportService, local_zone
from inbox_app.core.voice.csat_report import SurveyRow
from inbox_app.ui import labels
from inbox_app.ui.dashboard_charts import BarChart, LineChart
from inbox_app.ui.dashboard_csat import CsatTables, figure_table
from inbox_app.ui.workspace import Workspace

PRESETS = (7, 30, 90)
#: The SLA table's columns after the group's name: (figure, header).
GROUP, TARGETS, MET, BREACHED, PCT = range(5)


class Dashboard(QMainWindow):
    casesPicked = Signal(str, list)  # what was clicked, the case ids behind it
    drawn = Signal()  # the figures of the period on screen

    def __init__(
        self,
        ws: Workspace,
        parent: QWidget | None = None,
        *,
        tz: tzinfo | None = None,
        period: tuple[date, date] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = ws
        self._tz = tz or local_zone()
        self._loaded: tuple[tuple[date, date], Loaded] | None = None
        self._asked = 0  # drops answers to a period or switch changed meanwhile
        self.board: Board | None = None
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(500)
        self._typing.timeout.connect(self.refresh)
        self.setWindowTitle(self.tr("Service levels"))
        self.setObjectName("dashboard")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addLayout(self._controls())
        grid = QGridLayout()
        self.volume = BarChart(self.tr("Cases opened per day, by channel"), body)
        self.first_reply = LineChart(self.tr("First reply time"), body)
        self.resolution = LineChart(self.tr("Resolution time"), body)
        self.backlog = BarChart(self.tr("Backlog at the end of each day"), body)
        for n, chart in enumerate((self.volume, self.first_reply, self.resolution, self.backlog)):
            grid.addWidget(chart, n // 2, n % 2)
            chart.picked.connect(self.casesPicked)
        charts = QWidget(body)
        charts.setLayout(grid)
        row = QHBoxLayout()
        row.addWidget(charts, 3)
        side = QWidget(body)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._sla_tables(side), 1)
        # Satisfaction of the same period, by the same groups (core/voice/csat_report.py).
        self.csat = CsatTables(side)
        self.csat.casesPicked.connect(self.casesPicked)
        column.addWidget(self.csat, 1)
        side.setMaximumWidth(520)
        row.addWidget(side, 2)
        layout.addLayout(row, 1)
        self.setCentralWidget(body)
        self.resize(1400, 860)
        self.set_period(*(period or (date.today() - timedelta(days=29), date.today())))

    # ------------------------------------------------------------ building

    def _controls(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.preset = QComboBox(self)
        for days in PRESETS:
            self.preset.addItem(self.tr("Last {n} days").format(n=days), days)
        self.preset.addItem(self.tr("Chosen dates"), 0)
        self.preset.setAccessibleName(self.tr("Period"))
        self.preset.activated.connect(self._preset_chosen)
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit, name in ((self.start, self.tr("From")), (self.end, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._dates_changed)
        self.business = QCheckBox(self.tr("Business hours"), self)
        self.business.setChecked(True)
        self.business.setToolTip(
            self.tr(
                "Measure times in each case's business hours (its SLA policy's calendar); off: calendar time"
            )
        )
        self.business.toggled.connect(lambda _on: self.refresh())
        self.reload = QPushButton(self.tr("Refresh"), self)
        self.reload.setToolTip(self.tr("Read the period again, with what happened since"))
        self.reload.clicked.connect(self.read_again)
        self.export = QPushButton(self.tr("Export CSV…"), self)
        self.export.clicked.connect(self._export_clicked)
        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")
        bar.addWidget(QLabel(self.tr("Period:"), self))
        bar.addWidget(self.preset)
        bar.addWidget(QLabel(self.tr("From"), self))
        bar.addWidget(self.start)
        bar.addWidget(QLabel(self.tr("To"), self))
        bar.addWidget(self.end)
        bar.addSpacing(12)
        bar.addWidget(self.business)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.reload)
        bar.addWidget(self.export)
        return bar

    def _sla_tables(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("SLA targets met"), box)
        title.setObjectName("dashboardTableTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget(box)
        self.sla: dict[str, QTableWidget] = {}
        for by, name in (
            ("agent", self.tr("Agents")),
            ("team", self.tr("Teams")),
            ("channel", self.tr("Channels")),
        ):
            headers = [self._group_header(by), self.tr("Targets"), self.tr("Met"), self.tr("Breached")]
            table = figure_table(box, [*headers, self.tr("% met")])
            table.cellClicked.connect(lambda r, c, by=by: self._cell_clicked(by, r, c))
            table.setAccessibleName(
                self.tr("SLA targets met per {group}").format(group=self._group_header(by))
            )
            self.sla[by] = table
            self.tabs.addTab(table, name)
        layout.addWidget(self.tabs, 1)
        self.no_targets = QLabel(
            self.tr("No SLA target was met or missed in this period (targets come from the SLA policies)."),
            box,
        )
        self.no_targets.setWordWrap(True)
        layout.addWidget(self.no_targets)
        return box

    def _group_header(self, by: str) -> str:
        return {"agent": self.tr("Agent"), "team": self.tr("Team"), "channel": self.tr("Channel")}[by]

    # ------------------------------------------------------------ the period

    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def set_period(self, first: date, last: date) -> None:
        for edit, day in ((self.start, first), (self.end, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        days = (last - first).days + 1
        found = self.preset.findData(days) if last == date.today() else -1
        self.preset.setCurrentIndex(found if found >= 0 else self.preset.findData(0))
        self.refresh()

    def _preset_chosen(self, index: int) -> None:
        days = int(self.preset.itemData(index) or 0)
        if days:
            self.set_period(date.today() - timedelta(days=days - 1), date.today())

    def _dates_changed(self) -> None:
        first, last = self.period()
        if last < first:
            self._typing.stop()
            self.status.setText(self.tr("The period ends before it starts."))
            return
        self.preset.setCurrentIndex(self.preset.findData(0))
        # A date typed digit by digit changes several times: read the period it ends on.
        self._typing.start()

    def read_again(self) -> None:
        self._loaded = None
        self.refresh()

    def refresh(self) -> None:
        """Read (or reuse) the period's history and draw every figure from it."""
        first, last = self.period()
        if last < first:
            return
        self._asked += 1
        asked, business, tz = self._asked, self.business.isChecked(), self._tz
        cached = self._loaded[1] if self._loaded is not None and self._loaded[0] == (first, last) else None
        service, actor = ReportService(self._ws.services.read_factory), self._ws.actor
        self.status.setText(self.tr("Counting…"))

        surveys = self._ws.services.csat_reports

        def compute() -> tuple[Loaded, Board, list[SurveyRow]]:
            bounds = day_bounds(first, last, tz)
            loaded = cached or service.load(bounds[0], bounds[-1], actor=actor)
            drawn = board(loaded.facts(business=business), bounds, tz, loaded.agents, loaded.teams)
            return loaded, drawn, surveys.surveys(bounds[0], bounds[-1])

        def done(result: tuple[Loaded, Board, list[SurveyRow]]) -> None:
            if asked == self._asked:
                self._loaded = ((first, last), result[0])
                self.csat.show_rows(result[2])
                self.show_board(result[1])

        def failed(exc: Exception) -> None:
            if asked == self._asked:
                self.status.setText(str(exc))

        self._ws.call(compute, done=done, failed=failed, task="dashboard")

    # ------------------------------------------------------------ drawing

    def show_board(self, b: Board) -> None:
        self.board = b
        self.volume.show_bars(b.days, b.volume, _channel, self.tr("cases"))
        self.backlog.show_bars(
            b.days, {"backlog": b.backlog}, lambda _k: self.tr("Not resolved"), self.tr("cases")
        )
        names = {
            "first_reply_median_s": self.tr("Median"),
            "first_reply_p90_s": self.tr("90th percentile"),
            "resolution_median_s": self.tr("Median"),
            "resolution_p90_s": self.tr("90th percentile"),
        }
        for chart, prefix in ((self.first_reply, "first_reply"), (self.resolution, "resolution")):
            lines = {k: v for k, v in b.times.items() if k.startswith(prefix)}
            chart.show_lines(b.days, lines, lambda k: names[k], self._unit)
        for by, table in self.sla.items():
            self._fill(table, b.sla.get(by, []), by)
        self.no_targets.setVisible(not any(b.sla.values()))
        opened = sum(f.value or 0 for figs in b.volume.values() for f in figs)
        self.status.setText(
            self.tr("1 case opened in the period")
            if opened == 1
            else self.tr("{n} cases opened in the period").format(n=opened)
        )
        self.drawn.emit()

    def _unit(self, top_seconds: float) -> tuple[float, str]:
        # Business time stays in hours: a "day" of 24 business hours is nobody's day.
        business = self.business.isChecked()
        if top_seconds >= 2 * 86400 and not business:
            return 86400.0, self.tr("days")
        if top_seconds >= 2 * 3600:
            return 3600.0, self.tr("business hours") if business else self.tr("hours")
        return 60.0, self.tr("business minutes") if business else self.tr("minutes")

    def _fill(self, table: QTableWidget, found: list[Row], by: str) -> None:
        table.setRowCount(len(found))
        for r, row in enumerate(found):
            pct = met_pct(row)
            cells = [
                self._group_name(row.group, by),
                str(row.figures["sla_targets"].value),
                str(row.figures["sla_met"].value),
                str(row.figures["sla_breached"].value),
                "–" if pct is None else f"{pct:.1f} %",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.setProperty("rows", found)

    def _group_name(self, group: str, by: str) -> str:
        if by == "channel":
            return _channel(group)
        return {NOBODY: self.tr("Unassigned"), NO_TEAM: self.tr("No team")}.get(group, group)

    def figure_of(self, by: str, row: int, column: int) -> Figure:
        """The figure a table cell shows (% met: the targets it is a share of)."""
        found: list[Row] = self.sla[by].property("rows") or []
        name = {TARGETS: "sla_targets", MET: "sla_met", BREACHED: "sla_breached"}.get(column, "sla_targets")
        return found[row].figures[name]

    def _cell_clicked(self, by: str, row: int, column: int) -> None:
        figure = self.figure_of(by, row, column)
        table = self.sla[by]
        header, group = table.horizontalHeaderItem(max(column, TARGETS)), table.item(row, GROUP)
        label = f"{group.text() if group else ''} · {header.text() if header else ''}"
        if figure.case_ids:
            self.casesPicked.emit(label, figure.cases)

    # ------------------------------------------------------------ export

    def _export_clicked(self) -> None:
        first, last = self.period()
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export CSV"), f"service-levels-{first}-{last}.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if self.board is None:
            return
        try:
            with path.open("w", newline="", encoding="utf-8") as f:
                first, last = self.period()
                writer = csv.writer(f)
                writer.writerows(self.board.csv_rows())
                writer.writerows(self.csat.csv_rows(f"{first.isoformat()}/{last.isoformat()}"))
        except OSError as exc:
            self.status.setText(
                self.tr("Could not write {path}: {reason}").format(path=path, reason=exc.strerror)
            )
            return
        self.status.setText(self.tr("Exported to {path}.").format(path=path.name))


def _channel(code: str) -> str:
    return labels.word(labels.CHANNEL, code) or code
