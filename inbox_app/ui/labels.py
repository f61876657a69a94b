"""The words for the core's codes (statuses, priorities, roles, channels...), in the user's language.

Each table is keyed by the members of one vocabulary of ``core/vocab.py``; a test checks that
every member has words, in English and in Italian.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from inbox_app.core.vocab import (
    AccountStatus,
    AssignMode,
    CallOutcome,
    CaseStatus,
    Channel,
    Delivery,
    IdentityKind,
    Priority,
    Role,
)

STATUS: dict[str, str] = {
    CaseStatus.OPEN: QT_TRANSLATE_NOOP("Labels", "Open"),
    CaseStatus.PENDING: QT_TRANSLATE_NOOP("Labels", "Pending"),
    CaseStatus.SNOOZED: QT_TRANSLATE_NOOP("Labels", "Snoozed"),
    CaseStatus.RESOLVED: QT_TRANSLATE_NOOP("Labels", "Resolved"),
}
PRIORITY: dict[str, str] = {
    Priority.LOW: QT_TRANSLATE_NOOP("Labels", "Low"),
    Priority.NORMAL: QT_TRANSLATE_NOOP("Labels", "Normal"),
    Priority.HIGH: QT_TRANSLATE_NOOP("Labels", "High"),
    Priority.URGENT: QT_TRANSLATE_NOOP("Labels", "Urgent"),
}
ROLE: dict[str, str] = {
    Role.AGENT: QT_TRANSLATE_NOOP("Labels", "agent"),
    Role.LEAD: QT_TRANSLATE_NOOP("Labels", "lead"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Labels", "admin"),
}
ASSIGN_MODE: dict[str, str] = {
    AssignMode.OFF: QT_TRANSLATE_NOOP("Labels", "Off: cases wait for someone to take them"),
    AssignMode.BALANCED: QT_TRANSLATE_NOOP("Labels", "Balanced: to whoever has the fewest open cases"),
    AssignMode.ROUND_ROBIN: QT_TRANSLATE_NOOP("Labels", "Round robin: to each in turn"),
}
CHANNEL: dict[str, str] = {
    Channel.EMAIL: QT_TRANSLATE_NOOP("Labels", "Email"),
    Channel.CHAT: QT_TRANSLATE_NOOP("Labels", "Chat"),
    Channel.SOCIAL: QT_TRANSLATE_NOOP("Labels", "Social"),
    Channel.REVIEW: QT_TRANSLATE_NOOP("Labels", "Review"),
    Channel.PHONE: QT_TRANSLATE_NOOP("Labels", "Phone"),
    Channel.NOTE: QT_TRANSLATE_NOOP("Labels", "Note"),
}
DELIVERY: dict[str, str] = {
    Delivery.QUEUED: QT_TRANSLATE_NOOP("Labels", "Queued"),
    Delivery.SENDING: QT_TRANSLATE_NOOP("Labels", "Sending…"),
    Delivery.SENT: QT_TRANSLATE_NOOP("Labels", "Sent"),
    Delivery.FAILED: QT_TRANSLATE_NOOP("Labels", "Failed"),
    Delivery.AWAITING_APPROVAL: QT_TRANSLATE_NOOP("Labels", "Awaiting approval"),
    Delivery.REJECTED: QT_TRANSLATE_NOOP("Labels", "Rejected"),
}
OUTCOME: dict[str, str] = {
    CallOutcome.ANSWERED: QT_TRANSLATE_NOOP("Labels", "Answered"),
    CallOutcome.NO_ANSWER: QT_TRANSLATE_NOOP("Labels", "No answer"),
    CallOutcome.VOICEMAIL: QT_TRANSLATE_NOOP("Labels", "Voicemail"),
    CallOutcome.BUSY: QT_TRANSLATE_NOOP("Labels", "Busy"),
    CallOutcome.CALLBACK: QT_TRANSLATE_NOOP("Labels", "Call back"),
}
IDENTITY: dict[str, str] = {
    IdentityKind.EMAIL: QT_TRANSLATE_NOOP("Labels", "Email"),
    IdentityKind.PHONE: QT_TRANSLATE_NOOP("Labels", "Phone"),
    IdentityKind.MATRIX: QT_TRANSLATE_NOOP("Labels", "Matrix"),
    IdentityKind.TELEGRAM: QT_TRANSLATE_NOOP("Labels", "Telegram"),
    IdentityKind.MASTODON: QT_TRANSLATE_NOOP("Labels", "Mastodon"),
    IdentityKind.REVIEW: QT_TRANSLATE_NOOP("Labels", "Reviews"),
}
ACCOUNT_STATUS: dict[str, str] = {
    AccountStatus.IDLE: QT_TRANSLATE_NOOP("Labels", "up to date"),
    AccountStatus.SYNCING: QT_TRANSLATE_NOOP("Labels", "syncing"),
    AccountStatus.ERROR: QT_TRANSLATE_NOOP("Labels", "error"),
    AccountStatus.AUTH_ERROR: QT_TRANSLATE_NOOP("Labels", "sign-in refused"),
    AccountStatus.DISABLED: QT_TRANSLATE_NOOP("Labels", "disabled"),
}


def word(table: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    source = table.get(code)
    return QCoreApplication.translate("Labels", source) if source else code


def tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def ago(since: datetime | None, now: datetime) -> str:
    """A short waiting time: 5 min, 3 h, 2 d."""
    if since is None:
        return ""
    delta = max(timedelta(0), now - since)
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return QCoreApplication.translate("Labels", "{n} min").format(n=minutes)
    if minutes < 48 * 60:
        return QCoreApplication.translate("Labels", "{n} h").format(n=minutes // 60)
    return QCoreApplication.translate("Labels", "{n} d").format(n=minutes // (24 * 60))


def when(value: datetime | None) -> str:
    """A local date and time, short."""
    if value is None:
        return ""
    from PySide6.QtCore import QDate, QDateTime, QLocale

    local = QDateTime.fromSecsSinceEpoch(int(value.timestamp()))
    today = QDate.currentDate()
    if local.date() == today:
        pattern = "HH:mm"
    elif local.date().year() == today.year():
        pattern = "d MMM HH:mm"
    else:
        pattern = "d MMM yyyy HH:mm"
    return QLocale().toString(local, pattern)
