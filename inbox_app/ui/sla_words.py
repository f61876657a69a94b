"""A case's service level in words and colours: the list's Due column, the case header.

Time left is business time when the case's policy counts with a calendar: "2h 10m left" on a
Friday evening means two working hours, not two hours of the weekend.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from inbox_app.core.read.rows import CaseRow
from inbox_app.core.service.hours import Calendar
from inbox_app.ui import labels
from inbox_app.ui.appearance import is_dark

BREACHED, AT_RISK, ON_TRACK, PAUSED = "breached", "at_risk", "on_track", "paused"


def target_word(target: str) -> str:
    return {
        "first_reply": QCoreApplication.translate("Sla", "first reply"),
        "next_reply": QCoreApplication.translate("Sla", "next reply"),
        "resolution": QCoreApplication.translate("Sla", "resolution"),
    }.get(target, target)


def span(left: timedelta) -> str:
    """3d 4h, 2h 05m, 12m: how long, rounded down to the minute."""
    minutes = int(abs(left.total_seconds()) // 60)
    if minutes >= 24 * 60 * 3:
        return QCoreApplication.translate("Sla", "{d}d {h}h").format(
            d=minutes // 1440, h=minutes % 1440 // 60
        )
    if minutes >= 60:
        return QCoreApplication.translate("Sla", "{h}h {m:02d}m").format(h=minutes // 60, m=minutes % 60)
    return QCoreApplication.translate("Sla", "{m}m").format(m=minutes)


def state(row: CaseRow, now: datetime) -> str | None:
    """breached, at_risk (past 75 %), on_track, paused, or None (no policy, nothing due)."""
    sla = row.sla
    if sla is None:
        return None
    if row.due_at is None:
        return PAUSED if sla.paused else None
    if row.due_at <= now:
        return BREACHED
    if sla.warn_at is not None and now >= sla.warn_at:
        return AT_RISK
    return ON_TRACK


def left(row: CaseRow, now: datetime, calendars: Mapping[str, Calendar | None]) -> timedelta | None:
    """Time to the first due target (negative once overdue), in the policy's business time."""
    if row.due_at is None or row.sla is None:
        return None
    calendar = calendars.get(row.sla.policy or "")
    if calendar is None:
        return row.due_at - now
    return calendar.measure(now, row.due_at)


def due_text(row: CaseRow, now: datetime, calendars: Mapping[str, Calendar | None]) -> str:
    """The Due column: '2h 05m left', '40m overdue', 'Paused', or nothing."""
    got = left(row, now, calendars)
    if got is None:
        return QCoreApplication.translate("Sla", "Paused") if state(row, now) == PAUSED else ""
    if row.due_at is not None and row.due_at <= now:
        return QCoreApplication.translate("Sla", "{span} overdue").format(span=span(got))
    return QCoreApplication.translate("Sla", "{span} left").format(span=span(got))


def first_target(row: CaseRow) -> str | None:
    sla = row.sla
    if sla is None or row.due_at is None:
        return None
    for target, at in (
        ("first_reply", sla.first_reply_due),
        ("next_reply", sla.next_reply_due),
        ("resolution", sla.resolution_due),
    ):
        if at == row.due_at:
            return target
    return None


def tooltip(row: CaseRow, now: datetime) -> str | None:
    """Which target is due when, under which policy, and what was missed."""
    sla = row.sla
    if sla is None:
        return None
    lines = []
    target = first_target(row)
    if target is not None and row.due_at is not None:
        lines.append(
            QCoreApplication.translate("Sla", "{target} due {when}").format(
                target=target_word(target).capitalize(), when=labels.when(row.due_at)
            )
        )
    elif sla.paused:
        lines.append(QCoreApplication.translate("Sla", "Resolution clock paused while the case waits"))
    if sla.breached:
        lines.append(
            QCoreApplication.translate("Sla", "Missed: {targets}").format(
                targets=", ".join(target_word(t) for t in sla.breached)
            )
        )
    lines.append(QCoreApplication.translate("Sla", "Policy: {name}").format(name=sla.policy))
    return "\n".join(lines)


def colour(which: str | None) -> QColor | None:
    """Red when breached, amber past 75 %; the rest in the text's own colour."""
    dark = is_dark()
    if which == BREACHED:
        return QColor("#ff7b72" if dark else "#c62828")
    if which == AT_RISK:
        return QColor("#e3b341" if dark else "#a86400")
    return None


def header_text(row: CaseRow, now: datetime, calendars: Mapping[str, Calendar | None]) -> str:
    """The case header's line: 'First reply: 2h 05m left · Email'."""
    sla = row.sla
    if sla is None:
        return ""
    target = first_target(row)
    parts = []
    if target is not None:
        parts.append(
            QCoreApplication.translate("Sla", "{target}: {due}").format(
                target=target_word(target).capitalize(), due=due_text(row, now, calendars)
            )
        )
    elif sla.paused:
        parts.append(QCoreApplication.translate("Sla", "Resolution clock paused"))
    if sla.breached and (target is None or target not in sla.breached or len(sla.breached) > 1):
        parts.append(
            QCoreApplication.translate("Sla", "missed: {targets}").format(
                targets=", ".join(target_word(t) for t in sla.breached)
            )
        )
    if not parts:
        return ""
    return " · ".join([*parts, sla.policy or ""]).rstrip(" ·")
