"""The agent's own availability in the status bar: available or away, one click to change.

Automatic assignment (core/assign.py) gives cases only to agents who are available; an agent
going to lunch says "away" here and gets none until back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QToolButton, QWidget

from inbox_app.ui.workspace import Workspace


class AvailabilityButton(QToolButton):
    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.setObjectName("availability")
        self.setCheckable(True)
        self.setAutoRaise(True)
        self.setAccessibleName(self.tr("Your availability"))
        self.available = ws.agent.available if ws.agent is not None else True
        self._show()
        self.clicked.connect(self._toggle)
        ws.bridge.agentsChanged.connect(self._changed)

    def _show(self) -> None:
        self.setChecked(self.available)
        if self.available:
            self.setText(self.tr("● Available"))
            self.setToolTip(self.tr("Automatic assignment gives you new cases. Click to be away."))
        else:
            self.setText(self.tr("○ Away"))
            self.setToolTip(self.tr("You get no new cases automatically. Click to be available."))

    def _toggle(self) -> None:
        agent = self._ws.agent
        if agent is None:
            return
        wanted = not self.available
        self.setEnabled(False)

        def done(row: dict[str, Any]) -> None:
            self.setEnabled(True)
            self.available = bool(row["available"])
            self._show()

        def failed(exc: Exception) -> None:
            self.setEnabled(True)
            self._show()  # as it was
            self.setToolTip(str(exc))

        self._ws.call(
            self._ws.services.assign.set_availability,
            agent.name,
            wanted,
            actor=self._ws.actor,
            done=done,
            failed=failed,
            task="availability",
        )

    def _changed(self, event: Any) -> None:
        """A lead (or another desktop of the same agent) may have changed it: read it again."""
        agent = self._ws.agent
        if agent is None or agent.id not in getattr(event, "agent_ids", ()):
            return

        def got(row: Any) -> None:
            if row is not None and self.isEnabled():
                self.available = bool(row.available)
                self._show()

        self._ws.call(self._ws.services.agents.find, agent.email, done=got, task="availability read")
