"""One message on the timeline: its card (sender, channel, marks, body, files, delivery
state) and the sanitized body it shows."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.outbox.files import size_words
from inbox_app.core.read.rows import MessageRow
from inbox_app.core.vocab import Channel, Delivery, Direction
from inbox_app.ui import html_body, labels, message_marks
from inbox_app.ui.appearance import icon

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
    reviewRequested = Signal(int)  # a lead asked to approve or reject this held reply
    saveAttachment = Signal(object)  # AttachmentRow
    openAttachment = Signal(object)  # AttachmentRow
    imagesWanted = Signal()  # the agent asked for this message's remote images

    def __init__(
        self,
        row: MessageRow,
        parent: QWidget | None = None,
        *,
        may_review: Callable[[MessageRow], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messageCard")
        # Whether the window's agent decides on this held reply (a lead, not its author).
        self._may_review = may_review
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
        self._review_button: QPushButton | None = None
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
    def review_button(self) -> QPushButton:
        if self._review_button is None:
            button = QPushButton(self.tr("Review…"), self.frame)
            button.setToolTip(self.tr("Approve this reply, edited or not, or reject it with a reason"))
            button.clicked.connect(lambda: self.reviewRequested.emit(self.row.id))
            button.hide()
            # Under the reply, not in its header: the header keeps its one line beside the state.
            self._tool_row().addWidget(button)
            self._review_button = button
        return self._review_button

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
        if row.delivery == Delivery.AWAITING_APPROVAL:
            self.state.setToolTip(self.tr("A lead approves this reply before it is sent"))
        else:
            self.state.setToolTip(row.error or "")
        self.state.setAccessibleName(self.tr("Delivery state: {state}").format(state=state))
        if failed or self._retry_button is not None:
            self.retry_button.setVisible(failed)
        held = row.delivery == Delivery.AWAITING_APPROVAL
        reviewable = held and self._may_review is not None and self._may_review(row)
        if reviewable or self._review_button is not None:
            self.review_button.setVisible(reviewable)
        marks = message_marks.marks(row.meta, row.direction) if row.meta else []
        if row.direction == Direction.OUT:
            marks += message_marks.approval(row.meta, row.delivery, row.error)
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
        if row.direction == Direction.OUT and row.is_auto and row.meta.get("csat"):
            # The automatic question after the case was resolved: nobody's reply.
            return self.tr("→ Satisfaction question by {account}").format(
                account=row.account or sender or "—"
            )
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
