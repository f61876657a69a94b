"""The line above the composer that says which colleagues have this case open right now.

"Sara Conti is replying" in amber: someone else is answering this customer, so this agent
need not (one voice). "Marco Bianchi is viewing" in a quieter tone. Hidden while nobody is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from inbox_app.ui.presence_bridge import PresenceBridge


class PresenceStrip(QFrame):
    def __init__(self, presence: PresenceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._presence = presence
        self.case_id: int | None = None
        self.setObjectName("presenceStrip")
        self.setAccessibleName(self.tr("Colleagues on this case"))
        self.setToolTip(self.tr("Colleagues who have this case open on their desktops right now"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.setSpacing(6)
        self.mark = QLabel(self)
        self.text = QLabel(self)
        self.text.setObjectName("presenceText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self.hide()
        presence.changed.connect(self._changed)

    def set_case(self, case_id: int | None) -> None:
        self.case_id = case_id or None
        self.refresh()

    def _changed(self, case_ids: tuple[int, ...]) -> None:
        if self.case_id is not None and self.case_id in case_ids:
            self.refresh()

    def refresh(self) -> None:
        colleagues = self._presence.on_case(self.case_id) if self.case_id is not None else ()
        if not colleagues:
            self.hide()
            self.text.clear()
            return
        replying = any(c.replying for c in colleagues)
        self.setProperty("replying", replying)
        for widget in (self, self.text):  # the text's colour follows the strip's property
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        size = self.text.fontMetrics().height()
        self.mark.setPixmap(self._presence.mark(colleagues).pixmap(size, size))
        self.text.setText(self._presence.sentence(colleagues))
        self.show()
