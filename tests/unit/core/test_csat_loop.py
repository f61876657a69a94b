"""The loop that runs satisfaction passes: a pass at start, one when a case changes, and a
failing pass waits and tries again without ending the loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from inbox_app.core.events import CasesChanged, EventBus
from inbox_app.core.voice.csat_ask import AskPass
from inbox_app.sync.csat_loop import CsatLoop


class CountingAsker:
    def __init__(self, fail_first: bool = False, full_batches: int = 0) -> None:
        self.passes = 0
        self.fail_first = fail_first
        self.full_batches = full_batches
        self.ran = threading.Event()

    def run_pass(self) -> AskPass:
        self.passes += 1
        self.ran.set()
        if self.fail_first and self.passes == 1:
            raise RuntimeError("boom")
        return AskPass(more=self.passes <= self.full_batches)


async def _until(check: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def test_a_pass_at_start_and_one_for_each_changed_case() -> None:
    async def main() -> int:
        bus, asker = EventBus(), CountingAsker()
        loop = CsatLoop(asker, bus, tick=3600)  # nothing but events wakes it in this test
        stop = asyncio.Event()
        task = asyncio.create_task(loop.run(stop))
        await _until(lambda: asker.passes == 1)
        bus.publish(CasesChanged((7,)))  # a case resolved with a delay of 0 s
        await _until(lambda: asker.passes == 2)
        stop.set()
        await task
        return loop.passes

    assert asyncio.run(main()) == 2


def test_a_failed_pass_is_tried_again() -> None:
    async def main() -> int:
        asker = CountingAsker(fail_first=True)
        loop = CsatLoop(asker, EventBus(), tick=3600)
        stop = asyncio.Event()
        task = asyncio.create_task(loop.run(stop))
        await _until(lambda: asker.passes == 2)  # after 1 s of backoff
        stop.set()
        await task
        return loop.passes

    assert asyncio.run(main()) == 1


def test_a_full_batch_has_the_next_pass_run_at_once() -> None:
    async def main() -> int:
        asker = CountingAsker(full_batches=3)
        loop = CsatLoop(asker, EventBus(), tick=3600)
        stop = asyncio.Event()
        task = asyncio.create_task(loop.run(stop))
        await _until(lambda: asker.passes == 4, timeout=2.0)  # three full batches, then one more
        await asyncio.sleep(0.2)
        stop.set()
        await task
        return asker.passes

    assert asyncio.run(main()) == 4
