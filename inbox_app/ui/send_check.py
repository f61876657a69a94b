"""What the composer's agent has seen of the case: the newest message id, for the send-time check.

A reply is sent "after" that message; the outbox holds it when the customer or a colleague
wrote since (core/outbox/newer.py). The id is taken when the case is opened, and moves on
with the timeline only while the composer is idle (nothing written yet): a message that
lands while the agent types is exactly what the check is for, even if it is on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex

from inbox_app.ui.timeline_model import TimelineModel


class SeenMessages(QObject):
    def __init__(self, idle: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._idle = idle
        self.case_id: int | None = None
        self.newest: int | None = None  # the id a reply on ``case_id`` is sent after
        self.timeline: TimelineModel | None = None

    def opened(self, case_id: int | None, newest: int | None) -> None:
        """The composer shows ``case_id``, whose newest message is ``newest`` now.

        Read again for the same case while the agent writes (a refresh of the case), the
        id stays where it was: what arrived meanwhile is still news to them."""
        if case_id != self.case_id or self.newest is None or self._idle():
            self.case_id, self.newest = case_id, newest

    def saw(self, ids: Iterable[int]) -> None:
        """The agent has seen these messages of the case (shown while idle, or in the held dialog)."""
        top = max(ids, default=None)
        if top is not None and (self.newest is None or top > self.newest):
            self.newest = top

    def follow(self, timeline: TimelineModel) -> None:
        """Move on with what ``timeline`` shows of the case while the composer is idle."""
        self.timeline = timeline
        timeline.loaded.connect(lambda: self._shown(0, timeline.rowCount() - 1))
        timeline.rowsInserted.connect(self._inserted)

    def _inserted(self, _parent: QModelIndex | QPersistentModelIndex, first: int, last: int) -> None:
        self._shown(first, last)

    def _shown(self, first: int, last: int) -> None:
        timeline = self.timeline
        if timeline is None or self.case_id is None or self.newest is None or not self._idle():
            return
        rows = (timeline.message(i) for i in range(first, last + 1))
        self.saw(r.id for r in rows if r is not None and r.case_id == self.case_id)
