"""Runs the satisfaction passes (core/voice/csat_ask.py) in the worker and in a window that syncs.

A pass runs when a case changed (one just resolved with a delay of 0 s is asked at once) or a
team's settings changed, and at least every few seconds for the cases whose delay ran out
since. Passes in several processes are safe: a team is asked by one process at a time (an
advisory lock on PostgreSQL, the single writer on SQLite) and a case only ever once (its
survey row is unique).
"""

from __future__ import annotations

import logging

from inbox_app.core.events import AgentsChanged, CasesChanged, ChangesMissed, EventBus
from inbox_app.core.voice.csat_ask import CsatAsker
from inbox_app.sync.pass_loop import PassLoop

logger = logging.getLogger(__name__)

TICK = 5.0  # seconds between passes while nothing is announced
BUSY_RETRY = 0.5


class CsatLoop(PassLoop):
    what = "satisfaction questions"

    def __init__(self, asker: CsatAsker, bus: EventBus, *, tick: float = TICK) -> None:
        super().__init__(bus, (CasesChanged, AgentsChanged, ChangesMissed), tick=tick, logger=logger)
        self._asker = asker
        self.asked = 0

    def run_pass(self) -> float:
        result = self._asker.run_pass()
        self.asked += len(result.asked)
        for done in result.asked:
            logger.info("case %s: satisfaction asked (%s)", done.case_id, done.language)
        return 0.0 if result.more else BUSY_RETRY if result.busy else self._tick
