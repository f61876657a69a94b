"""The timeline on screen: one card per message, case boundaries, delivery states.

Cards follow the TimelineModel's signals, so paging older messages in or a
reply turning from queued to sent touches only the cards concerned.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.approvals import ApprovalRow
from inbox_app.core.read.rows import AttachmentRow, MessageRow
from inbox_app.core.vocab import ApprovalState
from inbox_app.ui import html_body, labels
from inbox_app.ui.dialogs.approvals import ApprovalDialog
from inbox_app.ui.message_card import MessageCard
from inbox_app.ui.timeline_model import TimelineModel
from inbox_app.ui.workspace import Workspace

logger = logging.getLogger(__name__)


class TimelineView(QScrollArea):
    """Cards in time order; scrolling to the top pages older messages in."""

    painted = Signal()  # the cards on screen have just been painted

    def __init__(self, ws: Workspace, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._model = model
        self.setObjectName("timeline")
        self.setAccessibleName(self.tr("Customer timeline"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        inner.setObjectName("timelineInner")
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        self.older = QPushButton(self.tr("Load older messages"), inner)
        self.older.clicked.connect(self._fetch_older)
        self._layout.addWidget(self.older)
        self.empty = QLabel(self.tr("Pick a case to see the customer's conversations."), inner)
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self.setWidget(inner)
        inner.installEventFilter(self)
        self.cards: list[MessageCard] = []
        self.review_dialog: ApprovalDialog | None = None  # the held reply a lead has open
        self._keep_from_bottom: int | None = None
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(self._inserted)
        model.dataChanged.connect(self._changed)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._range_changed)
        self._reset()

    def _reset(self) -> None:
        # Cards are reused across customers: making one (a dozen widgets, each polished
        # against the style sheet) costs far more than showing another message in it.
        count = self._model.rowCount()
        for card in self.cards[count:]:
            card.setParent(None)
            card.deleteLater()
        del self.cards[count:]
        for row, card in enumerate(self.cards):
            card.reuse_for(self._model.message(row))  # type: ignore[arg-type]
        self._inserted(QModelIndex(), len(self.cards), count - 1, at_bottom=True)
        # The same height as before moves no range: go to the newest message anyway.
        QTimer.singleShot(0, self, self._to_bottom_if_settling)

    def _to_bottom_if_settling(self) -> None:
        if self._keep_from_bottom == 0:
            self._range_changed(0, self.verticalScrollBar().maximum())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and watched is self.widget():
            self.painted.emit()  # listeners defer their work past this paint
        return super().eventFilter(watched, event)

    def _card(self, row: MessageRow) -> MessageCard:
        card = MessageCard(row, self.widget(), may_review=self._may_review)
        card.retry.connect(self._retry)
        card.reviewRequested.connect(self._review)
        card.saveAttachment.connect(self._save_attachment)
        card.openAttachment.connect(self._open_attachment)
        card.imagesWanted.connect(lambda: self._ws.spawn(card.load_images(), "load images"))
        return card

    def _inserted(self, _parent: QModelIndex, first: int, last: int, at_bottom: bool = False) -> None:
        bar = self.verticalScrollBar()
        if first == 0 and self.cards and not at_bottom:
            self._keep_from_bottom = bar.maximum() - bar.value()
        elif at_bottom or bar.value() >= bar.maximum() - 40:
            self._keep_from_bottom = 0
        for row in range(first, last + 1):
            card = self._card(self._model.message(row))  # type: ignore[arg-type]
            self.cards.insert(row, card)
            self._layout.insertWidget(row + 1, card)
            card.show()
        self._boundaries()

    def _changed(self, top: QModelIndex, bottom: QModelIndex, _roles: Any = ()) -> None:
        for row in range(top.row(), bottom.row() + 1):
            message = self._model.message(row)
            if message is not None and row < len(self.cards) and self.cards[row].row != message:
                self.cards[row].update_row(message)
        self._boundaries()

    def _boundaries(self) -> None:
        previous = object()
        for card in self.cards:
            case_id = card.row.case_id
            if case_id != previous and case_id is not None:
                case = self._model.cases.get(case_id)
                title = case.subject if case and case.subject else self.tr("(no subject)")
                state = labels.word(labels.STATUS, case.status) if case else ""
                card.set_boundary(
                    self.tr("Case #{id} · {title} · {state}").format(id=case_id, title=title, state=state)
                )
            else:
                card.set_boundary(None)
            previous = case_id
        self.older.setVisible(self._model.canFetchMore())
        self.empty.setVisible(not self.cards)
        if self._model.customer_id is not None and not self.cards:
            self.empty.setText(self.tr("No messages yet."))

    def _range_changed(self, _low: int, high: int) -> None:
        if self._keep_from_bottom is not None:
            self.verticalScrollBar().setValue(high - self._keep_from_bottom)
            QTimer.singleShot(0, self, self._settle)  # not after the view is gone

    def _settle(self) -> None:
        self._keep_from_bottom = None
        # Scrolled to the top while the view was settling, or too few messages to fill it.
        self._scrolled(self.verticalScrollBar().value())

    def _scrolled(self, value: int) -> None:
        if value == 0 and self._keep_from_bottom is None and self._model.canFetchMore():
            self._fetch_older()

    def _fetch_older(self) -> None:
        if self._model.canFetchMore():
            self._model.fetchMore()

    def _retry(self, message_id: int) -> None:
        self._ws.call(
            self._ws.services.outbox.retry,
            message_id,
            actor=self._ws.actor,
            task="retry reply",
            failed=lambda exc: logger.warning("retry refused: %s", exc),
        )

    def _may_review(self, row: MessageRow) -> bool:
        """Leads and admins decide on held replies, never on their own (the core checks too)."""
        agent = self._ws.agent
        return self._ws.is_lead and (agent is None or row.sender != agent.name)

    def _review(self, message_id: int) -> None:
        def show(found: ApprovalRow | None) -> None:
            if found is None or found.state != ApprovalState.WAITING:
                return  # decided meanwhile: the card follows the change
            dialog = ApprovalDialog(self._ws, found, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.review_dialog = dialog
            dialog.open()

        self._ws.call(self._ws.services.approvals.for_message, message_id, done=show, task="held reply")

    def _open_attachment(self, att: AttachmentRow) -> None:
        """Open a copy, kept in a private folder, with the desktop's viewer for its type."""
        folder = Path(tempfile.mkdtemp(dir=_opened_copies()))
        path = folder / html_body.safe_filename(att.filename)

        def write() -> Path:
            _row, data = self._ws.services.queries.attachment_data(att.id)
            path.write_bytes(data)
            return path

        self._ws.call(
            write,
            task="open attachment",
            done=lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))),
        )

    def _save_attachment(self, att: AttachmentRow) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save attachment"), str(Path.home() / html_body.safe_filename(att.filename))
        )
        if not path:
            return

        def write() -> None:
            _row, data = self._ws.services.queries.attachment_data(att.id)
            _write_whole(Path(path), data)

        self._ws.call(write, task="save attachment")

    def scroll_to_end(self) -> None:
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())


def _write_whole(path: Path, data: bytes) -> None:
    """Write ``path`` so that it never exists half-written (a viewer or a sync client
    may pick it up at once): a temporary file beside it, renamed over it when complete.
    Opened normally, so the saved file gets the user's usual permissions."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


_OPENED: tempfile.TemporaryDirectory[str] | None = None


def _opened_copies() -> str:
    """The folder of this run's opened attachments, removed when the app quits.

    The viewer reads its copy after the open returns, so a copy cannot be removed
    at once; removing the whole folder at exit keeps customers' files from piling
    up in the temporary folder (an erased customer's included).
    """
    global _OPENED
    if _OPENED is None:
        _OPENED = tempfile.TemporaryDirectory(prefix="unisono-attachments-")
    return _OPENED.name
