"""Settings > Service levels: admins keep business-hours calendars and the ordered SLA policies.

The same services as `inbox-app hours` and `inbox-app sla`: every change is audited and, for
policies and holidays, moves the due times of open cases not reached yet.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.vocab import Channel, Priority
from inbox_app.ui import labels
from inbox_app.ui.workspace import Workspace


def _table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))


class ServiceLevelsTab(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        layout = QVBoxLayout(self)
        layout.addWidget(self._calendars_box())
        layout.addWidget(self._policies_box(), 1)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.refresh()

    # ------------------------------------------------------------ building

    def _calendars_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Business hours"), self)
        layout = QVBoxLayout(box)
        self.calendars = _table(
            box,
            [self.tr("Name"), self.tr("Time zone"), self.tr("Working hours"), self.tr("Holidays")],
            self.tr("Calendars"),
        )
        layout.addWidget(self.calendars)
        form = QHBoxLayout()
        self.cal_name = QLineEdit(box)
        self.cal_name.setPlaceholderText(self.tr("Name"))
        self.cal_zone = QLineEdit("Europe/Rome", box)
        self.cal_zone.setToolTip(self.tr("Time zone, e.g. Europe/Rome or America/New_York"))
        self.cal_days = QLineEdit("mon-fri=09:00-13:00,14:00-18:00", box)
        self.cal_days.setToolTip(
            self.tr("Working hours per day, e.g. mon-fri=09:00-13:00,14:00-18:00; sat=09:00-12:00")
        )
        self.cal_region = QLineEdit(box)
        self.cal_region.setPlaceholderText(self.tr("Holidays (IT, IT-RM)"))
        add = QPushButton(self.tr("Add calendar"), box)
        for w, stretch in (
            (self.cal_name, 1),
            (self.cal_zone, 1),
            (self.cal_days, 3),
            (self.cal_region, 1),
            (add, 0),
        ):
            form.addWidget(w, stretch)
        layout.addLayout(form)
        more = QHBoxLayout()
        self.holiday = QDateEdit(QDate.currentDate(), box)
        self.holiday.setCalendarPopup(True)
        self.holiday.setDisplayFormat("yyyy-MM-dd")
        add_holiday = QPushButton(self.tr("Close the selected calendar on this date"), box)
        remove = QPushButton(self.tr("Remove calendar"), box)
        more.addWidget(self.holiday)
        more.addWidget(add_holiday)
        more.addStretch(1)
        more.addWidget(remove)
        layout.addLayout(more)
        add.clicked.connect(self._add_calendar)
        add_holiday.clicked.connect(self._add_holiday)
        remove.clicked.connect(self._remove_calendar)
        return box

    def _policies_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("SLA policies (the first that matches a case applies)"), self)
        layout = QVBoxLayout(box)
        self.policies = _table(
            box,
            [
                self.tr("Name"),
                self.tr("First reply"),
                self.tr("Next reply"),
                self.tr("Resolution"),
                self.tr("Counted in"),
                self.tr("Team"),
                self.tr("Channel"),
                self.tr("Priority"),
            ],
            self.tr("SLA policies"),
        )
        layout.addWidget(self.policies, 1)
        form = QHBoxLayout()
        self.pol_name = QLineEdit(box)
        self.pol_name.setPlaceholderText(self.tr("Name"))
        self.first = QLineEdit(box)
        self.nxt = QLineEdit(box)
        self.resolution = QLineEdit(box)
        for w, words in (
            (self.first, self.tr("First reply")),
            (self.nxt, self.tr("Next reply")),
            (self.resolution, self.tr("Resolution")),
        ):
            w.setPlaceholderText(words)
            w.setToolTip(self.tr("30m, 4h or 2d (days are business days when counted in a calendar)"))
        self.hours = QComboBox(box)
        self.team = QComboBox(box)
        for combo in (self.hours, self.team):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.channel = QComboBox(box)
        self.channel.addItem(self.tr("Any channel"), None)
        for ch in (Channel.EMAIL, Channel.CHAT, Channel.SOCIAL, Channel.REVIEW):
            self.channel.addItem(labels.word(labels.CHANNEL, ch), str(ch))
        self.priority = QComboBox(box)
        self.priority.addItem(self.tr("Any priority"), None)
        for p in Priority:
            self.priority.addItem(labels.word(labels.PRIORITY, p), str(p))
        add = QPushButton(self.tr("Add policy"), box)
        widget: QWidget
        for widget in (
            self.pol_name,
            self.first,
            self.nxt,
            self.resolution,
            self.hours,
            self.team,
            self.channel,
            self.priority,
            add,
        ):
            form.addWidget(widget)
        layout.addLayout(form)
        order = QHBoxLayout()
        up, down = QPushButton(self.tr("Move up"), box), QPushButton(self.tr("Move down"), box)
        remove = QPushButton(self.tr("Remove policy"), box)
        order.addWidget(up)
        order.addWidget(down)
        order.addStretch(1)
        order.addWidget(remove)
        layout.addLayout(order)
        add.clicked.connect(self._add_policy)
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        remove.clicked.connect(self._remove_policy)
        return box

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        services = self._ws.services
        self._ws.call(
            lambda: (services.hours.list(), services.sla.list(), services.agents.teams()),
            done=self._show,
            task="service levels",
        )

    def _show(self, result: tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[int, str]]]) -> None:
        calendars, policies, teams = result
        _fill(
            self.calendars,
            [
                [
                    c["name"],
                    c["timezone"],
                    _week_text(c["days"]),
                    ", ".join(x for x in [c["holidays"]["region"] or "", *c["holidays"]["dates"]] if x),
                ]
                for c in calendars
            ],
        )
        calendar_time = self.tr("calendar time")
        _fill(
            self.policies,
            [
                [
                    p["name"],
                    p["first_reply"] or "—",
                    p["next_reply"] or "—",
                    p["resolution"] or "—",
                    p["hours"] or calendar_time,
                    p["team"] or "",
                    labels.word(labels.CHANNEL, p["channel"]) if p["channel"] else "",
                    labels.word(labels.PRIORITY, p["priority"]) if p["priority"] else "",
                ]
                for p in policies
            ],
        )
        self.hours.clear()
        self.hours.addItem(calendar_time, None)
        for c in calendars:
            self.hours.addItem(c["name"], c["name"])
        self.team.clear()
        self.team.addItem(self.tr("Any team"), None)
        for _tid, name in teams:
            self.team.addItem(name, name)

    @staticmethod
    def _selected(table: QTableWidget) -> str | None:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    # ------------------------------------------------------------ changing

    def _run(self, fn: Any, *args: Any, words: str, **kwargs: Any) -> None:
        self._ws.call(
            fn,
            *args,
            actor=self._ws.actor,
            task="service levels",
            done=lambda _r: self._done(words),
            failed=lambda exc: self.result.setText(str(exc)),
            **kwargs,
        )

    def _done(self, words: str) -> None:
        self.result.setText(words)
        self.refresh()

    def _add_calendar(self) -> None:
        days = _expand_days(self.cal_days.text())
        self._run(
            self._ws.services.hours.add,
            self.cal_name.text(),
            self.cal_zone.text().strip(),
            days,
            self.cal_region.text().strip() or None,
            words=self.tr("Calendar added."),
        )

    def _add_holiday(self) -> None:
        name = self._selected(self.calendars)
        if name is None:
            self.result.setText(self.tr("Select a calendar first."))
            return
        day = self.holiday.date().toString("yyyy-MM-dd")
        self._run(
            self._ws.services.hours.add_holiday,
            name,
            day,
            words=self.tr("{name} is closed on {day}.").format(name=name, day=day),
        )

    def _remove_calendar(self) -> None:
        name = self._selected(self.calendars)
        if name is not None:
            self._run(self._ws.services.hours.remove, name, words=self.tr("Calendar removed."))

    def _add_policy(self) -> None:
        self._run(
            self._ws.services.sla.add,
            self.pol_name.text(),
            first_reply=self.first.text().strip() or None,
            next_reply=self.nxt.text().strip() or None,
            resolution=self.resolution.text().strip() or None,
            hours=self.hours.currentData(),
            team=self.team.currentData(),
            channel=self.channel.currentData(),
            priority=self.priority.currentData(),
            words=self.tr("Policy added; open cases follow it from now on."),
        )

    def _move(self, step: int) -> None:
        name, row = self._selected(self.policies), self.policies.currentRow()
        if name is None or not 0 <= row + step < self.policies.rowCount():
            return
        self._run(self._ws.services.sla.move, name, row + 1 + step, words=self.tr("Order changed."))
        self.policies.selectRow(row + step)

    def _remove_policy(self) -> None:
        name = self._selected(self.policies)
        if name is not None:
            self._run(self._ws.services.sla.remove, name, words=self.tr("Policy removed."))


_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _week_text(days: dict[str, list[str]]) -> str:
    """Days with the same hours in a row said once: 'mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00'."""
    runs: list[tuple[int, int, str]] = []
    for i, day in enumerate(_WEEK):
        hours = ",".join(days.get(day) or [])
        if not hours:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], i, hours)
        else:
            runs.append((i, i, hours))
    return "; ".join(
        f"{_WEEK[a]}-{_WEEK[b]} {hours}" if b > a else f"{_WEEK[a]} {hours}" for a, b, hours in runs
    )


def _expand_days(text: str) -> list[str]:
    """'mon-fri=09:00-18:00; sat=09:00-12:00' -> one 'day=...' per day (what hours.add takes)."""
    out = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        days, sep, spans = part.partition("=")
        first, dash, last = days.strip().lower().partition("-")
        if sep and dash and first[:3] in _WEEK and last[:3] in _WEEK:
            a, b = _WEEK.index(first[:3]), _WEEK.index(last[:3])
            out += [f"{_WEEK[i]}={spans.strip()}" for i in range(a, b + 1)]
        else:
            out.append(part)
    return out
