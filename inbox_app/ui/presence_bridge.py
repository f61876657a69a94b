"""Team mode: the window's side of presence (``sync/presence_link.py``), as Qt signals and words.

The window tells it which case is open and when the agent types a reply; it tells the
case list and the strip above the composer which colleagues are where. On the embedded
store (one agent) it does nothing at all.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QIcon

from inbox_app.sync.presence import Colleague
from inbox_app.sync.presence_link import PresenceLink
from inbox_app.ui.appearance import icon
from inbox_app.ui.workspace import Workspace


class PresenceBridge(QObject):
    changed = Signal(object)  # tuple of case ids whose colleagues changed

    def __init__(self, ws: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = ws
        services = ws.services
        self.link = PresenceLink(
            services.engine, services.bus, services.changefeed(), ws.actor or "", ws.agent_id
        )
        # Per case with anyone on it: its mark and words, made once for every view that shows them.
        self.marks: dict[int, tuple[QIcon, str]] = {}
        ws.bridge.presenceChanged.connect(self._changed)

    def _changed(self, event: Any) -> None:
        for case_id in event.case_ids:
            colleagues = self.on_case(case_id)
            if colleagues:
                self.marks[case_id] = (self.mark(colleagues), self.sentence(colleagues))
            else:
                self.marks.pop(case_id, None)
        self.changed.emit(event.case_ids)

    @property
    def enabled(self) -> bool:
        return self.link.enabled

    def start(self) -> None:
        """Announce and hear from now on (with the change feed: PostgreSQL only)."""
        self.link.start(self._ws.spawn)

    async def stop(self) -> None:
        await self.link.stop()

    # ------------------------------------------------------------ this desktop

    def view(self, case_id: int | None) -> None:
        self.link.view(case_id or None)

    def typed(self, note: bool = False) -> None:
        # A note is for colleagues, not an answer to the customer: it is not "replying".
        if not note:
            self.link.typed()

    def stopped_typing(self, *_args: Any) -> None:
        self.link.stopped_typing()

    # ------------------------------------------------------------ the others, in words

    def on_case(self, case_id: int) -> tuple[Colleague, ...]:
        return self.link.on_case(case_id)

    def by_case(self) -> dict[int, tuple[Colleague, ...]]:
        return self.link.by_case()

    def words(self, colleague: Colleague) -> str:
        if colleague.agent:
            if colleague.replying:
                return self.tr("{name} is replying").format(name=colleague.agent)
            return self.tr("{name} is viewing").format(name=colleague.agent)
        return self.tr("A colleague is replying") if colleague.replying else self.tr("A colleague is viewing")

    def sentence(self, colleagues: tuple[Colleague, ...]) -> str:
        """Everyone on one case, those replying first: "Sara Conti is replying · Marco Bianchi is viewing"."""
        return " · ".join(self.words(c) for c in colleagues)

    @staticmethod
    def mark(colleagues: tuple[Colleague, ...]) -> QIcon:
        """A pen while anyone is replying, else an eye."""
        return _mark("presence-replying" if any(c.replying for c in colleagues) else "presence-viewing")


@functools.cache
def _mark(name: str) -> QIcon:
    # White on a selected row: the eye's blue would vanish into the selection's.
    mark = QIcon(icon(name))
    mark.addFile(f"icons:{name}-selected.svg", QSize(), QIcon.Mode.Selected)
    return mark
