"""The words for the core's codes (statuses, priorities, channels), in the user's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STATUS = {
    "open": QT_TRANSLATE_NOOP("Labels", "Open"),
    "pending": QT_TRANSLATE_NOOP("Labels", "Pending"),
    "snoozed": QT_TRANSLATE_NOOP("Labels", "Snoozed"),
    "resolved": QT_TRANSLATE_NOOP("Labels", "Resolved"),
}
PRIORITY = {
    "low": QT_TRANSLATE_NOOP("Labels", "Low"),
    "normal": QT_TRANSLATE_NOOP("Labels", "Normal"),
    "high": QT_TRANSLATE_NOOP("Labels", "High"),
    "urgent": QT_TRANSLATE_NOOP("Labels", "Urgent"),
}
CHANNEL = {
    "email": QT_TRANSLATE_NOOP("Labels", "Email"),
    "chat": QT_TRANSLATE_NOOP("Labels", "Chat"),
    "social": QT_TRANSLATE_NOOP("Labels", "Social"),
    "review": QT_TRANSLATE_NOOP("Labels", "Review"),
    "phone": QT_TRANSLATE_NOOP("Labels", "Phone"),
    "note": QT_TRANSLATE_NOOP("Labels", "Note"),
}
# The channel each kind of identity is reached on.
CHANNEL_OF_IDENTITY = {
    "email": "email",
    "phone": "phone",
    "matrix": "chat",
    "telegram": "chat",
    "mastodon": "social",
    "review": "review",
}
DELIVERY = {
    "queued": QT_TRANSLATE_NOOP("Labels", "Queued"),
    "sending": QT_TRANSLATE_NOOP("Labels", "Sending…"),
    "sent": QT_TRANSLATE_NOOP("Labels", "Sent"),
    "failed": QT_TRANSLATE_NOOP("Labels", "Failed"),
    "bounced": QT_TRANSLATE_NOOP("Labels", "Bounced"),
}
OUTCOME = {
    "answered": QT_TRANSLATE_NOOP("Labels", "Answered"),
    "no_answer": QT_TRANSLATE_NOOP("Labels", "No answer"),
    "voicemail": QT_TRANSLATE_NOOP("Labels", "Voicemail"),
    "busy": QT_TRANSLATE_NOOP("Labels", "Busy"),
    "callback": QT_TRANSLATE_NOOP("Labels", "Call back"),
}
IDENTITY = {
    "email": QT_TRANSLATE_NOOP("Labels", "Email"),
    "phone": QT_TRANSLATE_NOOP("Labels", "Phone"),
    "matrix": QT_TRANSLATE_NOOP("Labels", "Matrix"),
    "telegram": QT_TRANSLATE_NOOP("Labels", "Telegram"),
    "mastodon": QT_TRANSLATE_NOOP("Labels", "Mastodon"),
    "review": QT_TRANSLATE_NOOP("Labels", "Reviews"),
}
ACCOUNT_STATUS = {
    "idle": QT_TRANSLATE_NOOP("Labels", "up to date"),
    "syncing": QT_TRANSLATE_NOOP("Labels", "syncing"),
    "error": QT_TRANSLATE_NOOP("Labels", "error"),
    "auth_error": QT_TRANSLATE_NOOP("Labels", "sign-in refused"),
    "disabled": QT_TRANSLATE_NOOP("Labels", "disabled"),
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
