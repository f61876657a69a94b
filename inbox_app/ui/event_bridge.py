"""The one door from the core's event bus into Qt.

Services publish from worker threads too; a signal emitted there reaches the
widgets through a queued connection, on the GUI thread, in order.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, Signal

from inbox_app.core.events import (
    AccountsChanged,
    AgentsChanged,
    CasesChanged,
    ChangesMissed,
    CustomersChanged,
    EventBus,
    FeedStateChanged,
    MessagesAdded,
    MessagesChanged,
    PresenceChanged,
    SatisfactionLow,
)


class Bridge(QObject):
    messagesAdded = Signal(object)  # MessagesAdded
    messagesChanged = Signal(object)  # MessagesChanged
    casesChanged = Signal(object)  # CasesChanged
    customersChanged = Signal(object)  # CustomersChanged
    accountsChanged = Signal(object)  # AccountsChanged
    agentsChanged = Signal(object)  # AgentsChanged (availability, teams' automatic assignment)
    feedStateChanged = Signal(object)  # FeedStateChanged (team mode: hearing others or not)
    changesMissed = Signal(object)  # ChangesMissed (team mode: re-read what is shown)
    presenceChanged = Signal(object)  # PresenceChanged (team mode: colleagues on these cases)
    satisfactionLow = Signal(object)  # SatisfactionLow (a customer answered 1-2: case reopened)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        pairs = (
            (MessagesAdded, self.messagesAdded),
            (MessagesChanged, self.messagesChanged),
            (CasesChanged, self.casesChanged),
            (CustomersChanged, self.customersChanged),
            (AccountsChanged, self.accountsChanged),
            (AgentsChanged, self.agentsChanged),
            (FeedStateChanged, self.feedStateChanged),
            (ChangesMissed, self.changesMissed),
            (PresenceChanged, self.presenceChanged),
            (SatisfactionLow, self.satisfactionLow),
        )
        self._unsubscribe = [bus.subscribe(kind, self._forward(signal)) for kind, signal in pairs]

    @staticmethod
    def _forward(signal: Any) -> Any:
        def emit(event: Any) -> None:
            # RuntimeError: the window is gone; nothing is listening any more
            with contextlib.suppress(RuntimeError):
                signal.emit(event)

        return emit

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
