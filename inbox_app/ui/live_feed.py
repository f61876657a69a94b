"""Team mode: the window hears what other desktops, the worker and the command line change.

The change feed (``sync/changefeed.py``) listens on this window's loop; while it cannot (the
database restarted, the network dropped) a mark in the status bar says the window is not
live, and once it is back everything shown is read again (``ChangesMissed``), since what
others changed meanwhile was never heard.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from inbox_app.ui.workspace import Workspace


class LiveFeed(QObject):
    started = Signal()  # listening from now on (presence starts with it)

    def __init__(self, ws: Workspace, bar: QStatusBar) -> None:
        super().__init__(bar)
        self._ws = ws
        self._stop: asyncio.Event | None = None
        self.mark = QLabel(bar)
        self.mark.setObjectName("notLive")
        self.mark.setText("▲ " + self.tr("Not live: reconnecting to the database…"))
        self.mark.setAccessibleName(self.tr("Live updates"))
        self.mark.hide()
        # First among the permanent widgets: it says the whole window may be out of date.
        bar.insertPermanentWidget(0, self.mark)
        ws.bridge.feedStateChanged.connect(self._state)

    def start(self) -> None:
        """Listen from now on (a PostgreSQL store only; the embedded store has no others)."""
        feed = self._ws.services.changefeed()
        if self._stop is not None or not feed.enabled:
            return
        self._stop = asyncio.Event()
        self._ws.spawn(feed.listen(self._stop), "change feed")
        self.started.emit()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    @property
    def live(self) -> bool:
        return self._stop is not None and self._ws.services.changefeed().live

    def _state(self, event: Any) -> None:
        self.mark.setVisible(not event.live and event.reason != "stopped")
        self.mark.setToolTip(
            self.tr("Changes made on other desktops are not shown until the connection is back.")
            + (f"\n{event.reason}" if event.reason else "")
        )
