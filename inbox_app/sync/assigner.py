"""Runs automatic assignment passes (core/assign.py) in the worker and in a window that syncs.

A pass runs as soon as something may have freed capacity or brought a waiting case: a case
changed (new, reopened, resolved, reassigned), an agent came back, a team's settings changed.
In team mode those changes reach this process from every other desktop, worker and command
over the change feed, so a backlog is handed out within about a second; a pass also runs
every few seconds, for changes nobody announced (a notification lost while the feed was
down, another process writing to a SQLite store). When another process holds a team's lock,
the pass is tried again shortly: that process may have read the team before the change.
"""

from __future__ import annotations

import logging

from inbox_app.core.assign import AssignService
from inbox_app.core.events import AgentsChanged, CasesChanged, ChangesMissed, EventBus, MessagesAdded
from inbox_app.sync.pass_loop import PassLoop

logger = logging.getLogger(__name__)

TICK = 4.0  # seconds between passes while nothing is announced
BUSY_RETRY = 0.3  # another process was assigning a team: look again this soon


class Assigner(PassLoop):
    what = "automatic assignment"

    def __init__(self, service: AssignService, bus: EventBus, *, tick: float = TICK) -> None:
        kinds = (CasesChanged, MessagesAdded, AgentsChanged, ChangesMissed)
        super().__init__(bus, kinds, tick=tick, logger=logger)
        self._service = service
        self.assigned = 0

    def run_pass(self) -> float:
        result = self._service.run_pass()
        self.assigned += len(result.assigned)
        for done in result.assigned:
            logger.info("case %s assigned to %s (%s)", done.case_id, done.agent, done.reason)
        return BUSY_RETRY if result.busy else self._tick
