"""A reply held at Send: the messages that arrived meanwhile, and what to do with the reply.

The customer wrote again, or a colleague answered or left a note, while the agent was
writing. The dialog shows those messages; the agent sends anyway, goes back to edit
(the reply is kept) or discards it. Edit is the default: Enter or Escape never sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.outbox.newer import NewerMessage
from inbox_app.ui import labels


class HeldChoice(IntEnum):
    SEND = 1
    EDIT = 2
    DISCARD = 3


class HeldReplyDialog(QDialog):
    def __init__(self, newer: Sequence[NewerMessage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heldReply")
        self.setWindowTitle(self.tr("New messages on this case"))
        self.choice = HeldChoice.EDIT  # also what closing the dialog means
        layout = QVBoxLayout(self)
        if len(newer) == 1:
            intro = self.tr(
                "A new message arrived on this case while you were writing. Your reply is not sent yet."
            )
        else:
            intro = self.tr(
                "{n} new messages arrived on this case while you were writing. Your reply is not sent yet."
            ).format(n=len(newer))
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.messages = QListWidget(self)
        self.messages.setObjectName("heldMessages")
        self.messages.setAccessibleName(self.tr("New messages"))
        self.messages.setWordWrap(True)
        self.messages.setSpacing(4)  # one message from the next at a glance
        self.messages.setAlternatingRowColors(True)
        for m in newer:
            item = QListWidgetItem(f"{self._heading(m)}\n{m.first_words(200)}")
            item.setToolTip(m.text[:2000])
            self.messages.addItem(item)
        layout.addWidget(self.messages, 1)
        buttons = QDialogButtonBox(self)
        self.send_anyway = self._button(buttons, self.tr("&Send anyway"), HeldChoice.SEND)
        self.edit = self._button(buttons, self.tr("&Edit"), HeldChoice.EDIT)
        self.discard = self._button(buttons, self.tr("&Discard"), HeldChoice.DISCARD)
        self.send_anyway.setToolTip(self.tr("Send the reply as it is"))
        self.edit.setToolTip(self.tr("Back to the reply, to change it after reading the new messages"))
        self.discard.setToolTip(self.tr("Throw the reply away"))
        self.edit.setDefault(True)
        layout.addWidget(buttons)
        self.edit.setFocus()
        self.resize(520, 320)

    def _heading(self, m: NewerMessage) -> str:
        who = m.who or self.tr("unknown")
        match m.direction:
            case "in":
                kind = self.tr("{who} wrote").format(who=who)
            case "note":
                kind = self.tr("Note by {who}").format(who=who)
            case _:
                kind = self.tr("Reply by {who}").format(who=who)
        return f"{kind} · {labels.word(labels.CHANNEL, m.channel)} · {labels.when(m.sent_at)}"

    def _button(self, box: QDialogButtonBox, text: str, choice: HeldChoice) -> QPushButton:
        role = {
            HeldChoice.SEND: QDialogButtonBox.ButtonRole.AcceptRole,
            HeldChoice.EDIT: QDialogButtonBox.ButtonRole.RejectRole,
            HeldChoice.DISCARD: QDialogButtonBox.ButtonRole.DestructiveRole,
        }[choice]
        button = box.addButton(text, role)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._choose(choice))
        return button

    def _choose(self, choice: HeldChoice) -> None:
        self.choice = choice
        if choice == HeldChoice.SEND:
            self.accept()
        else:
            self.reject()
