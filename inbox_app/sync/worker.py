"""`inbox-app sync`: the headless worker on a plain asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from inbox_app.app import Services
from inbox_app.core.events import AccountsChanged
from inbox_app.sync.supervisor import Supervisor
from inbox_app.sync.tasks import TaskGroup

logger = logging.getLogger(__name__)


def run_worker(services: Services, account: str | None = None) -> int:
    return asyncio.run(_main(services, account))


async def _main(services: Services, only: str | None) -> int:
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
        print(
            f"{row.name}: {status}" + (f" -- {row.last_error}" if row.last_error else ""),
            file=sys.stderr,
            flush=True,
        )

    def show(event: AccountsChanged) -> None:
        for account_id, status in event.statuses.items():
            printer.submit(tell, account_id, status)

    unsubscribe = services.bus.subscribe(AccountsChanged, show)
    try:
        return await _serve(services, supervisor, only, stop)
    finally:
        unsubscribe()
        await asyncio.to_thread(printer.shutdown)


async def _serve(services: Services, supervisor: Supervisor, only: str | None, stop: asyncio.Event) -> int:
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
    print(f"syncing {len(accounts)} account(s); stop with Ctrl+C", file=sys.stderr, flush=True)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=30)
        except TimeoutError:
            await asyncio.to_thread(services.cases.wake_snoozed)
    await supervisor.stop()
    await tasks.cancel_all()
    return 0
