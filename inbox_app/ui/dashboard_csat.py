"""The dashboard's satisfaction tables: CSAT (answers of 4-5 / answers) per agent, team and
channel, always beside the number of answers and the response rate, so a 100 % made of one
answer reads as what it is. Figures from core/voice/csat_report.py, the same as
`inbox-app csat report`; a click on a cell lists the cases behind it (the answered ones for
CSAT and answers, every case asked for asked and response rate)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.voice.csat_report import Figures, SurveyRow, figures
from inbox_app.ui import labels

#: The columns after the group's name.
GROUP, CSAT, ANSWERS, ASKED, RATE = range(5)
GROUPINGS = ("agent", "team", "channel")


def figure_table(parent: QWidget, headers: list[str]) -> QTableWidget:
    """A read-only table of figures: the group's name stretched first, numbers after it."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return table


class CsatTables(QWidget):
    casesPicked = Signal(str, list)  # what was clicked, the case ids behind it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SurveyRow] = []
        self.groups: dict[str, list[Figures]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        title = QLabel(self.tr("Satisfaction (CSAT)"), self)
        title.setObjectName("dashboardTableTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget(self)
        self.tables: dict[str, QTableWidget] = {}
        for by, name in zip(
            GROUPINGS, (self.tr("Agents"), self.tr("Teams"), self.tr("Channels")), strict=True
        ):
            headers = [self._header(by), self.tr("CSAT"), self.tr("Answers"), self.tr("Asked")]
            table = figure_table(self, [*headers, self.tr("Response rate")])
            table.cellClicked.connect(lambda r, c, by=by: self._clicked(by, r, c))
            self.tables[by] = table
            self.tabs.addTab(table, name)
        layout.addWidget(self.tabs, 1)
        self.empty = QLabel(self.tr("Nobody was asked in this period (Settings > Teams turns it on)."), self)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

    def _header(self, by: str) -> str:
        return {"agent": self.tr("Agent"), "team": self.tr("Team"), "channel": self.tr("Channel")}[by]

    def show_rows(self, rows: list[SurveyRow]) -> None:
        """The surveys asked in the period."""
        self.rows = rows
        self.empty.setVisible(not rows)
        for by, table in self.tables.items():
            found = figures(rows, by)[1]
            self.groups[by] = found
            table.setRowCount(len(found))
            for r, f in enumerate(found):
                cells = [
                    self._name(f.name, by),
                    "–" if f.csat is None else f"{f.csat:.1f} %",
                    str(f.answers),
                    str(f.asked),
                    "–" if f.response_rate is None else f"{f.response_rate:.1f} %",
                ]
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(r, c, item)

    def _name(self, name: str | None, by: str) -> str:
        if name is None:
            return self.tr("Unassigned") if by == "agent" else self.tr("No team") if by == "team" else "—"
        if by == "channel":
            return labels.word(labels.CHANNEL, name) if name in labels.CHANNEL else name.capitalize()
        return name

    def cases_of(self, by: str, row: int, column: int) -> list[int]:
        """The cases behind a cell: answered ones for CSAT and answers, all asked otherwise."""
        group = self.groups[by][row]
        if column in (CSAT, ANSWERS, GROUP):
            return sorted(set(group.cases))
        return sorted({r.case_id for r in self.rows if getattr(r, by) == group.name})

    def _clicked(self, by: str, row: int, column: int) -> None:
        table = self.tables[by]
        cases = self.cases_of(by, row, column)
        header, group = table.horizontalHeaderItem(column), table.item(row, GROUP)
        if cases:
            self.casesPicked.emit(
                f"{group.text() if group else ''} · {header.text() if header else ''}", cases
            )

    def csv_rows(self, period: str) -> list[list[str]]:
        """figure, day, group, value, cases: as the SLA rows of the board's export."""
        out: list[list[str]] = []
        for by, found in self.groups.items():
            for f in found:
                label = f"{by}:{f.name or ''}"
                for name, value, cases in (
                    ("csat_pct", f.csat, f.cases),
                    ("csat_answers", f.answers, f.cases),
                    ("csat_asked", f.asked, None),
                    ("csat_response_rate_pct", f.response_rate, None),
                ):
                    behind = len(set(cases)) if cases is not None else f.asked
                    out.append([name, period, label, "" if value is None else str(value), str(behind)])
        return out
