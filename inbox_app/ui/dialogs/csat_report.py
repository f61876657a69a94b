"""The satisfaction report: CSAT per agent, team or channel over a period, down to the cases.

The same figures as ``inbox-app csat report --from --to --by`` (core/voice/csat_report.py):
CSAT (answers of 4-5 / answers) is always shown with the number of answers and the response
rate. Choosing a line lists its answers; a double click opens the case in the window.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.voice.csat_report import Figures, SurveyRow, figures
from inbox_app.ui.workspace import Workspace

GROUP, CSAT, ANSWERS, ASKED, RATE = range(5)


class SatisfactionDialog(QDialog):
    caseChosen = Signal(int)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._rows: list[SurveyRow] = []
        self._groups: list[Figures] = []
        self.setWindowTitle(self.tr("Satisfaction"))
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-29), self)
        self.end = QDateEdit(today, self)
        for edit, name in ((self.start, self.tr("From")), (self.end, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            bar.addWidget(QLabel(name, self))
            bar.addWidget(edit)
        self.by = QComboBox(self)
        self.by.setAccessibleName(self.tr("By"))
        for key, words in (
            ("agent", self.tr("Agent")),
            ("team", self.tr("Team")),
            ("channel", self.tr("Channel")),
        ):
            self.by.addItem(words, key)
        bar.addWidget(QLabel(self.tr("By"), self))
        bar.addWidget(self.by)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QLabel(self)
        self.summary.setObjectName("csatSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            ["", self.tr("CSAT"), self.tr("Answers"), self.tr("Asked"), self.tr("Response rate")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(GROUP, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 2)
        self.answers_title = QLabel(self)
        layout.addWidget(self.answers_title)
        self.answers = QListWidget(self)
        self.answers.setAccessibleName(self.tr("Answers"))
        self.answers.setToolTip(self.tr("Double-click an answer to open its case"))
        layout.addWidget(self.answers, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 560)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self.refresh)
        self.by.currentIndexChanged.connect(self._show)
        self.table.itemSelectionChanged.connect(self._list_answers)
        self.answers.itemDoubleClicked.connect(self._open)
        self.refresh()

    def _period(self) -> tuple[datetime, datetime]:
        def local(day: date) -> datetime:
            return datetime.combine(day, time()).astimezone()

        start = self.start.date().toPython()
        end = self.end.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        return local(start), local(end) + timedelta(days=1)  # the last day included

    def refresh(self) -> None:
        start, end = self._period()

        def done(rows: list[SurveyRow]) -> None:
            self._rows = rows
            self._show()

        self._ws.call(
            self._ws.services.csat_reports.surveys, start, end, done=done, task="satisfaction report"
        )

    def _pct(self, value: float | None) -> str:
        return "—" if value is None else self.tr("{value} %").format(value=f"{value:.1f}")

    def _show(self) -> None:
        total, self._groups = figures(self._rows, self.by.currentData())
        self.summary.setText(
            self.tr(
                "CSAT {csat} · {answers} answers ({good} of 4–5) · {asked} asked · response rate {rate}"
            ).format(
                csat=self._pct(total.csat),
                answers=total.answers,
                good=total.satisfied,
                asked=total.asked,
                rate=self._pct(total.response_rate),
            )
        )
        self.table.setHorizontalHeaderItem(GROUP, QTableWidgetItem(self.by.currentText()))
        self.table.setRowCount(len(self._groups))
        for n, group in enumerate(self._groups):
            cells = (
                group.name or self.tr("(nobody)"),
                self._pct(group.csat),
                str(group.answers),
                str(group.asked),
                self._pct(group.response_rate),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != GROUP:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, item)
        self.answers.clear()
        self.answers_title.setText(self.tr("Choose a line to see its answers."))
        if self._groups:
            self.table.selectRow(0)
            self._list_answers()  # row 0 may have been selected already: no signal then

    def _list_answers(self) -> None:
        self.answers.clear()
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._groups):
            return
        group = self._groups[rows[0].row()]
        key = self.by.currentData()
        name = group.name or self.tr("(nobody)")
        self.answers_title.setText(self.tr("Answers for {name}").format(name=name))
        for row in self._rows:
            if getattr(row, key) != group.name or row.score is None:
                continue
            comment = f" — {row.comment.splitlines()[0][:100]}" if row.comment else ""
            item = QListWidgetItem(
                self.tr("{score}/5 · case #{case}{comment}").format(
                    score=row.score, case=row.case_id, comment=comment
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, row.case_id)
            self.answers.addItem(item)

    def _open(self, item: QListWidgetItem) -> None:
        self.caseChosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()
