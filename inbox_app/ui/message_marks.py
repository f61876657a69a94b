"""What happened to a message after it arrived, in words on its card.

The store keeps it in the message's metadata: an edit or a removal by the
channel (chat), and for email the flags other mail programs set on the
server. An agent needs to see that a customer changed what they wrote, that a
message was taken back, or that a colleague already answered it from their
own mail program, before replying again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from inbox_app.core.vocab import Delivery, Direction
from inbox_app.ui import labels

# IMAP system flags and the common keywords, lower-cased. \Seen is left out: a
# colleague reading a mail elsewhere is no news, and most mail is read somewhere.
_REPLY_FLAGS = (
    ("\\answered", QT_TRANSLATE_NOOP("MessageMarks", "answered from another mail program")),
    ("$forwarded", QT_TRANSLATE_NOOP("MessageMarks", "forwarded from another mail program")),
)
_ANY_FLAGS = (
    ("\\flagged", QT_TRANSLATE_NOOP("MessageMarks", "flagged")),
    ("\\deleted", QT_TRANSLATE_NOOP("MessageMarks", "deleted on the mail server, kept here")),
)


def marks(meta: dict[str, Any] | None, direction: str) -> list[str]:
    """The marks to show under a message's header, most important first."""
    meta = meta or {}
    out: list[str] = []
    if meta.get("redacted"):
        reason = str(meta.get("redaction_reason") or "").strip()
        removed = QCoreApplication.translate("MessageMarks", "removed: {reason}")
        out.append(
            removed.format(reason=reason) if reason else QCoreApplication.translate("MessageMarks", "removed")
        )
    elif meta.get("edited"):
        when = _time(meta.get("edited_at"))
        edited = QCoreApplication.translate("MessageMarks", "edited {when}")
        out.append(edited.format(when=when) if when else QCoreApplication.translate("MessageMarks", "edited"))
    flags = {str(flag).lower() for flag in meta.get("flags") or ()}
    for flag, text in (*(_REPLY_FLAGS if direction == Direction.IN else ()), *_ANY_FLAGS):
        if flag in flags:
            out.append(QCoreApplication.translate("MessageMarks", text))
    return out


def approval(meta: dict[str, Any] | None, delivery: str | None, error: str | None) -> list[str]:
    """A held reply's state for its author: waiting for a lead, or the lead's decision
    (core/approvals.py keeps it in the message's metadata, a rejection's reason in its error)."""
    if delivery == Delivery.AWAITING_APPROVAL:
        return [QCoreApplication.translate("MessageMarks", "waits for a lead's approval before it is sent")]
    decided = (meta or {}).get("approval")
    if not isinstance(decided, dict):
        return []
    who = str(decided.get("by") or "") or QCoreApplication.translate("MessageMarks", "a lead")
    if decided.get("state") == "rejected":
        words = QCoreApplication.translate("MessageMarks", "rejected by {who}: {reason}")
        return [words.format(who=who, reason=(error or "").strip() or "—")]
    if decided.get("edited"):
        return [
            QCoreApplication.translate("MessageMarks", "approved by {who}, with their edit").format(who=who)
        ]
    return [QCoreApplication.translate("MessageMarks", "approved by {who}").format(who=who)]


def removed_text() -> str:
    """What a removed message's card says in place of the text it no longer has."""
    return QCoreApplication.translate("MessageMarks", "This message was removed on its channel.")


def _time(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return labels.when(datetime.fromisoformat(value))
    except ValueError:
        return ""
