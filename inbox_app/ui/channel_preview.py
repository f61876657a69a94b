"""What the composer offers: the accounts that can reach the customer (candidates), the files
chosen for a reply, and the side-by-side preview of the reply as each channel will show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.accounts import AccountRow
from inbox_app.core.customers.reach import reaches
from inbox_app.core.outbox.rules import too_long
from inbox_app.core.read.rows import CustomerRow
from inbox_app.ui import labels

if TYPE_CHECKING:
    from connectors.base import Capabilities


@dataclass(frozen=True)
class ChosenFile:
    """A file chosen for the reply, as the reply rules look at it."""

    filename: str
    content_type: str


@dataclass(frozen=True)
class Candidate:
    account: AccountRow
    capabilities: Capabilities


def reachable(accounts: list[AccountRow], customer: CustomerRow, registry: Any) -> list[Candidate]:
    """Channel accounts through which this customer can be answered."""
    from connectors.base import capabilities_of_account

    kinds = {i.kind for i in customer.identities}
    out = []
    for account in accounts:
        if not account.enabled or account.kind not in registry:
            continue
        if reaches(account.kind, account.channel, kinds):
            out.append(Candidate(account, capabilities_of_account(registry[account.kind], account.settings)))
    return out


class ChannelPreview(QFrame):
    """The reply as one channel will carry it, with that channel's length limit."""

    def __init__(self, candidate: Candidate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidate = candidate
        self.setObjectName("channelPreview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        title = QLabel(
            f"{labels.word(labels.CHANNEL, candidate.account.channel)} · {candidate.account.name}", self
        )
        title.setObjectName("previewTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.counter = QLabel(self)
        self.counter.setObjectName("previewCounter")
        self.counter.setWordWrap(True)
        layout.addWidget(self.counter)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A few lines are enough to compare channels; the full text is in the tooltip.
        self.text.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 4)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.over = False

    def show_text(self, text: str) -> None:
        caps = self.candidate.capabilities
        shown = text if caps.html else text  # plain-text channels get the text as typed
        self.text.setText(shown[:2000] or self.tr("(empty)"))
        self.text.setToolTip(shown[:2000])
        limit = caps.max_length
        n = caps.length_of(text)
        self.over = too_long(text, caps, self.candidate.account.name) is not None
        if limit and caps.length_unit == "bytes":
            words = self.tr("{n} / {limit} bytes").format(n=n, limit=limit)
            if self.over:
                words += " · " + self.tr("too long for this channel")
        elif limit:
            words = self.tr("{n} / {limit} characters").format(n=n, limit=limit)
            if n > limit and caps.split_long:
                parts = -(-n // limit)
                words += " · " + self.tr("sent in {parts} parts").format(parts=parts)
            elif self.over:
                words += " · " + self.tr("too long for this channel")
        else:
            words = self.tr("{n} characters").format(n=n)
        if caps.public:
            words += " · " + self.tr("public reply")
        self.counter.setText(words)
        self.counter.setProperty("over", self.over)
        self.counter.style().unpolish(self.counter)
        self.counter.style().polish(self.counter)
