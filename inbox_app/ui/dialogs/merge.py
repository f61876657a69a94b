"""Pick the customer to merge into the one on screen: search by name or identifier."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox_app.core.read.rows import CustomerRow
from inbox_app.ui.workspace import Workspace


class MergeDialog(QDialog):
    def __init__(self, ws: Workspace, target: CustomerRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self._target = target
        self.setWindowTitle(self.tr("Merge customers"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Find the customer who is really {name}; their identities, "
                    "conversations and cases move here. You can undo it."
                ).format(name=target.name),
                self,
            )
        )
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("Name, email, phone…"))
        self.query.setAccessibleName(self.tr("Search customers"))
        layout.addWidget(self.query)
        self.results = QListWidget(self)
        self.results.setAccessibleName(self.tr("Matching customers"))
        layout.addWidget(self.results)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.merge_button = self.buttons.addButton(self.tr("Merge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.results.currentItemChanged.connect(lambda cur, _p: self.merge_button.setEnabled(cur is not None))
        self.results.itemActivated.connect(lambda _i: self.accept())
        self.resize(480, 360)

    def _search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.results.clear()
            return
        self._ws.call(
            self._ws.services.queries.customers, limit=30, text=text, done=self._show, task="customer search"
        )

    def _show(self, customers: list[CustomerRow]) -> None:
        self.results.clear()
        for c in customers:
            if c.id == self._target.id:
                continue
            ids = ", ".join(i.value for i in c.identities[:3])
            item = QListWidgetItem(f"{c.name} — {ids}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen(self) -> int | None:
        item = self.results.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None
