"""Log a phone call on the case: direction, number, duration, outcome, notes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from inbox_app.core.calls import CallLog
from inbox_app.core.read.rows import CustomerRow
from inbox_app.core.vocab import CallOutcome, Direction, IdentityKind
from inbox_app.ui import labels


class CallDialog(QDialog):
    def __init__(self, customer: CustomerRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log a call"))
        form = QFormLayout(self)
        self.direction = QComboBox(self)
        self.direction.addItem(self.tr("Inbound (the customer called)"), str(Direction.IN))
        self.direction.addItem(self.tr("Outbound (we called)"), str(Direction.OUT))
        form.addRow(self.tr("Call"), self.direction)
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("+39 …")
        phones = [i.value for i in customer.identities if i.kind == IdentityKind.PHONE]
        self.number.setText(phones[0] if phones else "")
        form.addRow(self.tr("Number"), self.number)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(self.tr(" min"))
        form.addRow(self.tr("Duration"), self.minutes)
        self.outcome = QComboBox(self)
        for code in CallOutcome:
            self.outcome.addItem(labels.word(labels.OUTCOME, code), str(code))
        form.addRow(self.tr("Outcome"), self.outcome)
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(self.tr("Call notes"))
        form.addRow(self.tr("Notes"), self.notes)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def call_log(self) -> CallLog:
        return CallLog(
            direction=self.direction.currentData(),
            number=self.number.text(),
            duration_seconds=self.minutes.value() * 60,
            outcome=self.outcome.currentData(),
            notes=self.notes.toPlainText(),
        )
