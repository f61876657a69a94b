"""'Maybe the same person': customers under the same name on other channels, or with the
same mailbox name at another provider, beside the customer, each with Merge and Not the
same. Hidden while there are none."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from inbox_app.core.customers.reach import channel_of_identity
from inbox_app.core.read.rows import SimilarCustomer
from inbox_app.core.read.similar import SAME_ADDRESS_NAME
from inbox_app.ui import labels
from inbox_app.ui.appearance import icon


class SimilarCustomers(QWidget):
    mergeRequested = Signal(int)  # the other customer, to merge into the one shown
    distinguishRequested = Signal(int)  # the other customer, said to be someone else

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarCustomers")
        self.setAccessibleName(self.tr("Maybe the same person"))
        self.suggestions: list[SimilarCustomer] = []
        self.rows: list[tuple[QLabel, QPushButton, QPushButton]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(self.tr("Maybe the same person"), self)
        heading.setObjectName("panelHeading")
        heading.setToolTip(
            self.tr(
                "Other customers with the same name, or the same mailbox name at another provider. "
                "Nothing is merged until you say so."
            )
        )
        layout.addWidget(heading)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(0, 1)
        layout.addLayout(self._grid)
        self.hide()

    def show_suggestions(self, suggestions: list[SimilarCustomer]) -> None:
        for row in self.rows:
            for widget in row:
                self._grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = []
        self.suggestions = list(suggestions)
        for i, suggestion in enumerate(self.suggestions):
            self.rows.append(self._row(i, suggestion))
        self.setVisible(bool(self.suggestions))

    def _row(self, i: int, suggestion: SimilarCustomer) -> tuple[QLabel, QPushButton, QPushButton]:
        customer = suggestion.customer
        channels = sorted({channel_of_identity(ident.kind) for ident in customer.identities})
        words = [labels.word(labels.CHANNEL, c) for c in channels]
        open_cases = len(customer.open_case_ids)
        if open_cases:
            words.append(
                self.tr("1 open case") if open_cases == 1 else self.tr("{n} open cases").format(n=open_cases)
            )
        if suggestion.reason == SAME_ADDRESS_NAME:
            words.insert(0, self.tr("same mailbox name"))
        who = QLabel(f"<b>{escape(customer.name)}</b> · {escape(', '.join(words))}", self)
        who.setTextFormat(Qt.TextFormat.RichText)
        who.setWordWrap(True)
        who.setToolTip(
            "\n".join(
                [self.tr("Customer {id}").format(id=customer.id)]
                + [
                    f"{labels.word(labels.IDENTITY, ident.kind)}: {ident.value}"
                    for ident in customer.identities
                ]
            )
        )
        merge = QPushButton(icon("merge"), self.tr("Merge"), self)
        merge.setToolTip(self.tr("Merge {name} into this customer").format(name=customer.name))
        apart = QPushButton(self.tr("Not the same"), self)
        apart.setToolTip(
            self.tr("Two different people: do not suggest {name} again").format(name=customer.name)
        )
        for button in (merge, apart):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        merge.clicked.connect(lambda: self.mergeRequested.emit(customer.id))
        apart.clicked.connect(lambda: self.distinguishRequested.emit(customer.id))
        self._grid.addWidget(who, i * 2, 0, 1, 2)
        self._grid.addWidget(merge, i * 2 + 1, 0, Qt.AlignmentFlag.AlignRight)
        self._grid.addWidget(apart, i * 2 + 1, 1)
        return who, merge, apart
