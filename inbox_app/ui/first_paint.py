"""What waits for what to be on screen first.

The window's first cases are painted before the views' counts, the channels' state,
the tray and sync start; an opened case's conversation is painted before its customer
panel and composer are read. Each later read would otherwise share the worker threads
and the GIL with what the agent is waiting to see.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from inbox_app.ui.case_list_model import CaseListModel
from inbox_app.ui.timeline_model import TimelineModel
from inbox_app.ui.timeline_view import TimelineView


class FirstPaint(QObject):
    """Tells when the window's first cases are on screen (``done``, once)."""

    done = Signal()

    def __init__(self, case_model: CaseListModel, viewport: QWidget, parent: QObject) -> None:
        super().__init__(parent)
        self._case_model = case_model
        self._viewport = viewport
        self._awaiting_paint = False
        self._emitted = False
        self._fallback = QTimer(self, singleShot=True, interval=500)
        self._fallback.timeout.connect(self._finish)
        case_model.loaded.connect(self._cases_loaded)
        # Whatever becomes of the first list (a failed read, say), counts and sync start.
        QTimer.singleShot(3000, self, self._finish)
        viewport.installEventFilter(self)

    def _cases_loaded(self) -> None:
        self._case_model.loaded.disconnect(self._cases_loaded)
        self._awaiting_paint = True
        self._fallback.start()  # a window started minimized paints nothing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self._awaiting_paint and watched is self._viewport:
            self._awaiting_paint = False
            QTimer.singleShot(0, self, self._finish)
        return False

    def _finish(self) -> None:
        if self._emitted:
            return
        self._emitted = True
        self._awaiting_paint = False
        self._fallback.stop()
        self.done.emit()


class AfterTimeline(QObject):
    """Work for the opened case that waits until its conversation is on screen.

    While a case opens, the case list holds back the pages that scrolled into view
    (a page of 100 cases read and painted meanwhile would hold up the conversation);
    the list is let go once the timeline is painted, or after a short limit whatever happens.
    """

    def __init__(
        self,
        timeline_model: TimelineModel,
        timeline: TimelineView,
        case_model: CaseListModel,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._timeline_model = timeline_model
        self._case_model = case_model
        self._switch = 0  # counts case switches: late work for an earlier case is dropped
        self._waiting: list[Callable[[], None]] = []
        self._waiting_for_paint = False
        self._paint_fallback = QTimer(self, singleShot=True, interval=150)
        self._paint_fallback.timeout.connect(self._run)
        self._hold_limit = QTimer(self, singleShot=True, interval=400)  # whatever happens
        self._hold_limit.timeout.connect(self.release_list)
        self._timeline_limit = QTimer(self, singleShot=True, interval=1500)
        self._timeline_limit.timeout.connect(self._run)
        timeline_model.loaded.connect(self._timeline_loaded)
        timeline.painted.connect(self._timeline_painted)

    def case_opening(self) -> None:
        """Another case is being opened: what waits for the one before is dropped."""
        self._switch += 1
        self._case_model.hold_pages(True)
        self._hold_limit.start()

    def release_list(self) -> None:
        self._hold_limit.stop()
        self._case_model.hold_pages(False)

    def then(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the timeline being loaded is on screen, unless the agent moved on."""
        switch = self._switch

        def run() -> None:
            if switch == self._switch:
                fn()

        self._waiting.append(run)
        if not self._timeline_model.loading:
            self._timeline_loaded()
        else:
            self._timeline_limit.start()  # a timeline that never comes holds up nothing

    def drop(self) -> None:
        """Forget what waits: run late, it would ask worker threads the closing app let go."""
        self._waiting = []
        self._waiting_for_paint = False
        self._timeline_limit.stop()
        self._paint_fallback.stop()

    def _timeline_loaded(self) -> None:
        if self._waiting:
            self._waiting_for_paint = True
            self._paint_fallback.start()  # a hidden or minimized window paints nothing

    def _timeline_painted(self) -> None:
        if self._waiting_for_paint:
            self._waiting_for_paint = False
            self._paint_fallback.stop()
            QTimer.singleShot(0, self, self._run)

    def _run(self) -> None:
        self._timeline_limit.stop()
        self.release_list()
        self._waiting_for_paint = False
        waiting, self._waiting = self._waiting, []
        for fn in waiting:
            fn()
