"""One path for every unexpected error: a dialog with redacted, copyable details.

sys.excepthook, threading.excepthook and the asyncio loop's handler all end
here. Sync failures never come this way: they are statuses, not crashes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from inbox_app import __version__
from inbox_app.core.team.refusals import refusal

logger = logging.getLogger(__name__)

_SECRETS = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 [redacted]"),
    (re.compile(r"(?i)(\w+://)[^/\s:@]+:[^/\s@]+@"), r"\1[redacted]@"),
    (
        re.compile(
            r"(?i)(password|passwd|pwd|secret|token|api[_-]?key|authorization)"
            r"(['\"]?\s*[=:]\s*['\"]?)(?!\[redacted|bearer|basic)([^\s'\",&]+)"
        ),
        r"\1\2[redacted]",
    ),
    (re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{20,}\b"), "[redacted bot token]"),
]


def redact(text: str) -> str:
    for pattern, repl in _SECRETS:
        text = pattern.sub(repl, text)
    return text


def details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    return redact(f"Unisono {__version__}, Python {sys.version.split()[0]}\n\n{body}")


class CrashDialog(QDialog):
    def __init__(self, text: str) -> None:
        super().__init__(QApplication.activeWindow())
        self.setWindowTitle(self.tr("Something went wrong"))
        layout = QVBoxLayout(self)
        label = QLabel(
            self.tr(
                "Unisono met an unexpected error. Your data is safe; the action "
                "that failed may need to be repeated. The details below have "
                "passwords and tokens removed, so you can send them to support."
            ),
            self,
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit(text, self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Error details"))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton(self.tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 420)

    def add(self, text: str) -> None:
        self.text.appendPlainText("\n" + "-" * 40 + "\n" + text)


class CrashReporter(QObject):
    """Collects errors from any thread and shows them in one dialog on the GUI thread.

    A refusal by the database (team mode: this login may not do that) is no crash: it
    goes out as ``refused``, one line in words, for the status bar.
    """

    reported = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QObject | None = None, *, show_dialog: bool = True) -> None:
        super().__init__(parent)
        self.show_dialog = show_dialog
        self.dialog: CrashDialog | None = None
        self.reports: list[str] = []
        self.reported.connect(self._show)

    def report(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        refused = refusal(exc)
        if refused is not None:
            logger.warning("%s", refused)
            self.refused.emit(str(refused))
            return
        logger.error("unexpected error", exc_info=(exc_type, exc, tb))
        self.reported.emit(details(exc_type, exc, tb))

    def _show(self, text: str) -> None:
        self.reports.append(text)
        if not self.show_dialog:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(text)
            return
        self.dialog = CrashDialog(text)
        self.dialog.destroyed.connect(self._forget)
        self.dialog.show()

    def _forget(self, *_args: Any) -> None:
        self.dialog = None

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            if issubclass(exc_type, KeyboardInterrupt):
                QCoreApplication.quit()
                return
            self.report(exc_type, exc, tb)

        def thread_hook(args: threading.ExceptHookArgs) -> None:
            if args.exc_value is not None:
                self.report(args.exc_type, args.exc_value, args.exc_traceback)

        def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            if isinstance(exc, BaseException):
                self.report(type(exc), exc, exc.__traceback__)
            else:
                logger.error("event loop: %s", context.get("message"))

        sys.excepthook = hook
        threading.excepthook = thread_hook
        if loop is not None:
            loop.set_exception_handler(loop_handler)
