"""`inbox-app sync`: the headless worker on a plain asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from inbox_app.app import Services
from inbox_app.core.events import AccountsChanged, CasesChanged
from inbox_app.core.store.outage import unreachable
from inbox_app.sync.supervisor import Supervisor
from inbox_app.sync.tasks import TaskGroup

logger = logging.getLogger(__name__)


HOUSEKEEPING = 30.0  # seconds between housekeeping ticks (snoozed cases waking up)


def run_worker(services: Services, account: str | None = None, *, housekeeping: float = HOUSEKEEPING) -> int:
    return asyncio.run(_main(services, account, housekeeping))


async def _main(services: Services, only: str | None, housekeeping: float) -> int:
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
        print(f"{row.name}: {status}" + (f" -- {error}" if error else ""), file=sys.stderr, flush=True)

    def database(_down: bool, words: str) -> None:
        print(f"inbox-app: {words}", file=sys.stderr, flush=True)

    def show(event: AccountsChanged) -> None:
        for account_id, status in event.statuses.items():
            printer.submit(tell, account_id, status)

    def note(words: str) -> None:
        printer.submit(print, words, file=sys.stderr, flush=True)

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
    except Exception as exc:  # noqa: BLE001 - housekeeping never takes the worker down
        if unreachable(exc):
            await supervisor.database.ride_out(exc, stop)
        else:
            logger.exception("housekeeping failed; tried again at the next tick")
