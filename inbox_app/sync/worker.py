"""`inbox-app sync`: the headless worker on a plain asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from inbox_app.app import Services
from inbox_app.core.events import AccountsChanged, CasesChanged
from inbox_app.core.store.outage import unreachable
from inbox_app.sync.supervisor import Supervisor
from inbox_app.sync.tasks import TaskGroup

logger = logging.getLogger(__name__)


HOUSEKEEPING = 30.0  # seconds between housekeeping ticks (snoozed cases waking up)


def run_worker(
    services: Services,
    account: str | None = None,
    *,
    housekeeping: float = HOUSEKEEPING,
    say: Callable[[str], None] | None = None,
) -> int:
    """The worker until SIGINT/SIGTERM. Its status lines go to ``say`` (the command
    line's progress display on a terminal, which keeps them off its live line), else
    straight to standard error."""
    return asyncio.run(_main(services, account, housekeeping, say or _print))


def _print(words: str) -> None:
    print(words, file=sys.stderr, flush=True)


async def _main(services: Services, only: str | None, housekeeping: float, say: Callable[[str], None]) -> int:
    supervisor = services.supervisor()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    # Status lines are written by a thread of their own, in order: the row is read from
    # the store, and a change another process announced arrives on the loop.
    printer = ThreadPoolExecutor(1, thread_name_prefix="status")

    def tell(account_id: int, status: str) -> None:
        row = services.accounts.get_by_id(account_id)
        # The row is read a moment later: its error belongs to this line only if the
        # status is still the one announced.
        error = row.last_error if row.status == status else None
        say(f"{row.name}: {status}" + (f" -- {error}" if error else ""))

    def database(_down: bool, words: str) -> None:
        say(f"inbox-app: {words}")

    def show(event: AccountsChanged) -> None:
        for account_id, status in event.statuses.items():
            printer.submit(tell, account_id, status)

    def note(words: str) -> None:
        printer.submit(say, words)

    unsubscribe = services.bus.subscribe(AccountsChanged, show)
    supervisor.database.listeners.append(database)
    supervisor.notes.append(note)
    try:
        return await _serve(services, supervisor, only, stop, housekeeping)
    finally:
        supervisor.database.listeners.remove(database)
        unsubscribe()
        await asyncio.to_thread(printer.shutdown)


async def _serve(
    services: Services, supervisor: Supervisor, only: str | None, stop: asyncio.Event, housekeeping: float
) -> int:
    tasks = TaskGroup()
    accounts = [
        a
        for a in await asyncio.to_thread(services.accounts.list)
        if a.enabled and (only is None or a.name == only)
    ]
    if not accounts:
        print("inbox-app: error: no enabled channel account to sync", file=sys.stderr)
        return 1

    supervisor.start(tasks.spawn, only=only)
    tasks.spawn(services.changefeed().listen(stop), "change feed")
    # Automatic assignment: passes woken by the change feed's news (core/assign.py).
    tasks.spawn(services.assigner().run(stop), "automatic assignment")
    # Satisfaction questions after resolved cases (core/voice/csat_ask.py).
    tasks.spawn(services.csat_loop().run(stop), "satisfaction questions")
    print(f"syncing {len(accounts)} account(s); stop with Ctrl+C", file=sys.stderr, flush=True)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=housekeeping)
        except TimeoutError:
            await _housekeep(services, supervisor, stop)
    await supervisor.stop()
    await tasks.cancel_all()
    return 0


async def _housekeep(services: Services, supervisor: Supervisor, stop: asyncio.Event) -> None:
    """One tick; a lost database is waited out (the tick is done again after), and no
    failure here ends the worker."""
    try:
        await asyncio.to_thread(services.cases.wake_snoozed)
        # A due time passing changes nothing in the store by itself: the breach is
        # written here, once, and every window hears of the cases it moved.
        breached = await asyncio.to_thread(services.sla.check_breaches)
        if breached:
            services.bus.publish(CasesChanged(tuple(breached)))
        # Waiting grows with the clock alone: the at-risk scores of waiting customers follow it.
        await asyncio.to_thread(services.risk.refresh_waiting)
    except Exception as exc:  # noqa: BLE001 - housekeeping never takes the worker down
        if unreachable(exc):
            await supervisor.database.ride_out(exc, stop)
        else:
            logger.exception("housekeeping failed; tried again at the next tick")
