"""The timeline on screen: one card per message, case boundaries, delivery states.

Cards follow the TimelineModel's signals, so paging older messages in or a
reply turning from queued to sent touches only the cards concerned.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.outbox.files import size_words
from inbox_app.core.read.rows import AttachmentRow, MessageRow
from inbox_app.core.vocab import Channel, Delivery, Direction
from inbox_app.ui import html_body, labels, message_marks
from inbox_app.ui.appearance import icon
from inbox_app.ui.timeline_model import TimelineModel
from inbox_app.ui.workspace import Workspace

logger = logging.getLogger(__name__)
MAX_IMAGE_BYTES = 5_000_000


class MessageBody(QTextBrowser):
    """Rich text that grows to its content and never fetches anything on its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.images: dict[str, QImage] = {}
        self.anchorClicked.connect(self._open)
        self.document().contentsChanged.connect(self._fit)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802
        key = url.toString() if isinstance(url, QUrl) else str(url)
        return self.images.get(key)  # only what the agent chose to load; nothing else

    def _open(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def _fit(self) -> None:
        self.document().setTextWidth(max(100, self.viewport().width()))
        self.setFixedHeight(int(self.document().size().height()) + 6)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()


class MessageCard(QFrame):
    retry = Signal(int)
    saveAttachment = Signal(object)  # AttachmentRow
    openAttachment = Signal(object)  # AttachmentRow
    imagesWanted = Signal()  # the agent asked for this message's remote images

    def __init__(self, row: MessageRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageCard")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        self.boundary = QLabel(self)
        self.boundary.setObjectName("caseBoundary")
        self.boundary.setWordWrap(True)
        outer.addWidget(self.boundary)
        self.frame = QFrame(self)
        self.frame.setObjectName("messageFrame")
        outer.addWidget(self.frame)
        layout = QVBoxLayout(self.frame)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        head = QHBoxLayout()
        self.badge = QLabel(self.frame)
        self.badge.setObjectName("channelBadge")
        self.who = QLabel(self.frame)
        self.who.setObjectName("messageAuthor")
        self.time = QLabel(self.frame)
        self.time.setObjectName("messageTime")
        self.state = QLabel(self.frame)
        self.state.setObjectName("deliveryState")
        self.who.setWordWrap(True)
        self.who.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top = Qt.AlignmentFlag.AlignTop
        head.addWidget(self.badge, 0, top)
        head.addWidget(self.who, 1)
        for w in (self.state, self.time):
            head.addWidget(w, 0, top)
        self._head = head
        layout.addLayout(head)
        self.body = MessageBody(self.frame)
        layout.addWidget(self.body)
        self.attachments: QHBoxLayout | None = None  # made for messages with files
        self._tools: QHBoxLayout | None = None
        # Buttons only some messages need are made when one does: a card is built per
        # message shown, and switching customers builds a screenful of them at once.
        self._retry_button: QPushButton | None = None
        self._images_button: QToolButton | None = None
        self._quote_button: QToolButton | None = None
        self._marks: QLabel | None = None
        self.images_allowed = False
        self.row = row
        self.update_row(row)

    @property
    def retry_button(self) -> QPushButton:
        if self._retry_button is None:
            button = QPushButton(icon("retry"), self.tr("Retry"), self.frame)
            button.clicked.connect(lambda: self.retry.emit(self.row.id))
            button.hide()
            self._head.insertWidget(self._head.indexOf(self.time), button, 0, Qt.AlignmentFlag.AlignTop)
            self._retry_button = button
        return self._retry_button

    @property
    def marks(self) -> QLabel:
        """Edited, removed, answered elsewhere...: made for the first message that has any."""
        if self._marks is None:
            label = QLabel(self.frame)
            label.setObjectName("messageMarks")
            label.setWordWrap(True)
            label.hide()
            frame_layout = self.frame.layout()
            frame_layout.insertWidget(frame_layout.indexOf(self.body), label)  # type: ignore[union-attr]
            self._marks = label
        return self._marks

    def _tool_row(self) -> QHBoxLayout:
        if self._tools is None:
            self._tools = QHBoxLayout()
            self._tools.setContentsMargins(0, 0, 0, 0)
            self._tools.addStretch(1)
            self.frame.layout().addLayout(self._tools)  # type: ignore[union-attr]
        return self._tools

    @property
    def quote_button(self) -> QToolButton:
        if self._quote_button is None:
            button = QToolButton(self.frame)
            button.setCheckable(True)
            button.hide()
            button.toggled.connect(lambda _on: self._render())
            self._tool_row().insertWidget(1, button)
            self._quote_button = button
        return self._quote_button

    @property
    def images_button(self) -> QToolButton:
        if self._images_button is None:
            button = QToolButton(self.frame)
            button.setText(self.tr("Load images"))
            button.hide()
            button.clicked.connect(self.imagesWanted)
            self._tool_row().addWidget(button)
            self._images_button = button
        return self._images_button

    def reuse_for(self, row: MessageRow) -> None:
        """Show another message in this card, as if it had been made for it."""
        self.images_allowed = False
        self.body.images.clear()
        self.body.clear()  # the document's loaded images go with it
        if self._quote_button is not None and self._quote_button.isChecked():
            self._quote_button.blockSignals(True)
            self._quote_button.setChecked(False)
            self._quote_button.blockSignals(False)
        self.update_row(row)

    def update_row(self, row: MessageRow) -> None:
        self.row = row
        self.frame.setProperty("direction", row.direction)
        self.frame.style().unpolish(self.frame)
        self.frame.style().polish(self.frame)
        channel = row.channel
        self.badge.setText(labels.word(labels.CHANNEL, channel))
        self.badge.setProperty("channel", channel)
        self.badge.setToolTip(row.account or "")
        self.who.setText(self._who(row))
        self.who.setToolTip(row.sender or "")
        self.time.setText(labels.when(row.sent_at))
        failed = row.delivery == Delivery.FAILED
        self.state.setVisible(bool(row.delivery) and row.direction == Direction.OUT)
        self.state.setProperty("delivery", row.delivery or "")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        state = labels.word(labels.DELIVERY, row.delivery)
        self.state.setText(f"{state}: {row.error}" if failed and row.error else state)
        self.state.setToolTip(row.error or "")
        self.state.setAccessibleName(self.tr("Delivery state: {state}").format(state=state))
        if failed or self._retry_button is not None:
            self.retry_button.setVisible(failed)
        marks = message_marks.marks(row.meta, row.direction) if row.meta else []
        if marks or self._marks is not None:
            self.marks.setText(" · ".join(marks))
            self.marks.setVisible(bool(marks))
        self._render()
        files = [att for att in row.attachments if not att.inline]
        if self.attachments is None and not files:
            return
        if self.attachments is None:
            self.attachments = QHBoxLayout()
            frame_layout = self.frame.layout()
            frame_layout.insertLayout(frame_layout.indexOf(self.body) + 1, self.attachments)  # type: ignore[union-attr]
        while self.attachments.count():
            item = self.attachments.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for att in files:
            button = QToolButton(self.frame)
            button.setIcon(icon("attachment"))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            label = f"{att.filename} ({size_words(att.size)})"
            button.setText(button.fontMetrics().elidedText(label, Qt.TextElideMode.ElideMiddle, 240))
            button.setToolTip(self.tr("Open or save this attachment"))
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            menu.addAction(self.tr("Open"), partial(self.openAttachment.emit, att))
            menu.addAction(self.tr("Save as…"), partial(self.saveAttachment.emit, att))
            button.setMenu(menu)
            self.attachments.addWidget(button)
        self.attachments.addStretch(1)

    def _who(self, row: MessageRow) -> str:
        if row.channel == Channel.PHONE:
            meta = row.meta
            minutes = max(1, round(int(meta.get("duration") or 0) / 60))
            kind = self.tr("Inbound call") if row.direction == Direction.IN else self.tr("Outbound call")
            return self.tr("{kind} · {number} · {minutes} min · {outcome}").format(
                kind=kind,
                number=meta.get("number") or "—",
                minutes=minutes,
                outcome=labels.word(labels.OUTCOME, meta.get("outcome")),
            )
        sender = _display_sender(row)
        if row.direction == Direction.NOTE:
            return self.tr("Internal note by {who}").format(who=sender or self.tr("an agent"))
        if row.direction == Direction.OUT:
            if row.channel != Channel.EMAIL and row.account and _is_channel_id(sender):
                # Our own chat account seen again (sent from a phone or another client): its
                # bare channel ID means less to an agent than the account's name.
                return self.tr("→ Reply from {account}").format(account=row.account)
            return self.tr("→ Reply by {who}").format(who=sender or self.tr("an agent"))
        return self.tr("← {who}").format(who=sender or self.tr("customer"))

    def _render(self) -> None:
        row = self.row
        if not row.html and not row.text and row.meta and row.meta.get("redacted"):
            main, quoted, blocked = (
                f"<i>{html_body.html_lib.escape(message_marks.removed_text())}</i>",
                "",
                [],
            )
        elif row.html:
            clean = html_body.sanitize(row.html)
            main, quoted = html_body.split_quoted_html(clean)
            blocked = html_body.remote_images(clean)
        else:
            text_main, text_quoted = html_body.split_quoted_text(row.text or "")
            main, quoted = html_body.text_to_html(text_main), html_body.text_to_html(text_quoted)
            blocked = []
        quote_open = self._quote_button is not None and self._quote_button.isChecked()
        shown = main + (quoted if quote_open else "")
        if not self.images_allowed:
            shown = html_body.block_remote_images(shown, self.tr("image not loaded"))
        if blocked or self._images_button is not None:
            self.images_button.setVisible(bool(blocked) and not self.images_allowed)
        if quoted or self._quote_button is not None:
            self.quote_button.setVisible(bool(quoted))
            self.quote_button.setText(
                self.tr("Hide quoted text") if quote_open else self.tr("Show quoted text")
            )
        subject = (
            f"<b>{html_body.html_lib.escape(row.subject)}</b><br>"
            if row.subject and row.channel == Channel.EMAIL
            else ""
        )
        self.body.setHtml(subject + shown)
        self.body.setAccessibleName(self.who.text())

    def set_boundary(self, text: str | None) -> None:
        self.boundary.setVisible(bool(text))
        self.boundary.setText(text or "")

    async def load_images(self) -> None:
        """Fetch this message's remote images, because the agent asked for them."""
        import httpx  # only when the agent asks for remote images

        clean = html_body.sanitize(self.row.html or "")
        async with httpx.AsyncClient(timeout=10, follow_redirects=True) as client:
            for url in html_body.remote_images(clean)[:20]:
                try:
                    response = await client.get(url)
                except httpx.HTTPError:
                    continue
                if response.status_code == 200 and len(response.content) <= MAX_IMAGE_BYTES:
                    image = QImage.fromData(response.content)
                    if not image.isNull():
                        self.body.images[url] = image
                        self.body.document().addResource(
                            QTextDocument.ResourceType.ImageResource, QUrl(url), image
                        )
        self.images_allowed = True
        self._render()


def _display_sender(row: MessageRow) -> str:
    """The sender as the card's header shows it: on chat, social and review channels the
    person's name alone ("Name <@whatsapp_39...:server>" filled three lines); the whole
    identifier stays in the tooltip. Email keeps the address, as mail programs do."""
    sender = row.sender or ""
    if row.channel != Channel.EMAIL and sender.endswith(">") and " <" in sender:
        return sender[: sender.rindex(" <")]
    return sender


def _is_channel_id(sender: str) -> bool:
    """A bare channel identifier (@support:server, @shop@instance, a number), not a person's
    name: an agent called "Marco" is still named on the replies he sent."""
    value = sender.strip()
    return bool(value) and " " not in value and (value[0] in "@+" or value.isdigit())


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
        card = MessageCard(row, self.widget())
        card.retry.connect(self._retry)
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
            QTimer.singleShot(0, self._settle)

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
