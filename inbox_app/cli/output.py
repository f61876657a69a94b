"""What every command shares: exit codes, the parser that exits cleanly, and how results print."""

from __future__ import annotations

import argparse
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

if TYPE_CHECKING:
    from inbox_app.core.read.rows import MessageRow

    # What ``add_subparsers`` hands back (argparse keeps its class private).
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_SYNC_FAILED = 3
EXIT_HELD = 3  # `reply --after`: newer messages arrived on the case; nothing was queued
EXIT_STALE = 75  # `--if-version`: the case changed since that version; nothing was changed
EXIT_NOT_PERMITTED = 77  # the database refused this login the action (sysexits EX_NOPERM)
EXIT_UNEXPECTED = 70


class CommandError(Exception):
    """A command cannot do what was asked; printed as one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"inbox-app: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def json_flag(p: argparse.ArgumentParser) -> None:
    # Suppressed default: a command's own --json must not undo the global one.
    p.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print machine-readable JSON"
    )


def codes(words: type[StrEnum]) -> list[str]:
    """A vocabulary's codes as argparse choices: plain strings, so an error lists 'open', not a member."""
    return [member.value for member in words]


def out(args: argparse.Namespace, data: Any, text: str) -> None:
    """``data`` as JSON when --json was given, else ``text``."""
    if getattr(args, "json", False):
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def message_line(m: MessageRow, words: str | None = None) -> str:
    """One message on one line: its first line, or, with ``words``, where they are found."""
    arrow = {"in": "<-", "out": "->", "note": "##"}.get(m.direction, "  ")
    state = f" [{m.delivery}{': ' + m.error if m.error else ''}]" if m.delivery else ""
    if words is not None:
        from inbox_app.core.read.search import highlight_spans, snippet

        body = m.text or ""
        if m.subject and not highlight_spans(body, words):
            body = f"{m.subject} — {body}"  # the words are in the subject
        first = snippet(body, words, width=90)
    else:
        first = (m.text or "").strip().splitlines()[0][:90] if (m.text or "").strip() else ""
    attachments = getattr(m, "attachments", None) or ()
    files = f" (files: {', '.join(a.filename for a in attachments)})" if attachments else ""
    return f"{m.sent_at:%Y-%m-%d %H:%M} {arrow} {m.channel:6} {m.sender or '':28} {first}{files}{state}"
