"""An account stopped on refused credentials starts again as soon as an admin gives new
ones (signs in again, or types a new password) in a window that runs the accounts: the
stored error goes with the old credentials and the supervisor resumes the account."""

from __future__ import annotations

import asyncio
from pathlib import Path

from connectors.fake import FakeServer
from inbox_app.app import build
from inbox_app.core.vocab import AccountStatus
from inbox_app.sync.tasks import TaskGroup


def test_new_credentials_clear_the_refusal_and_the_account_runs_again(tmp_path: Path) -> None:
    services = build(f"sqlite:///{tmp_path / 'store.db'}")
    server = FakeServer(tmp_path / "srv")
    server.deliver(id="m1", text="Ci siete?", thread="t1", **{"from": "cliente@example.it"})
    server.set_faults(fetch="auth")
    services.accounts.add("fake", "shop", {"path": str(server.root)})
    supervisor = services.supervisor()

    async def scenario() -> tuple[str, str, int]:
        tasks = TaskGroup()
        supervisor.start(tasks.spawn)
        try:
            return await steps()
        finally:
            await supervisor.stop()
            await tasks.cancel_all()

    async def steps() -> tuple[str, str, int]:
        for _ in range(200):
            if (await asyncio.to_thread(services.accounts.get, "shop")).status == AccountStatus.AUTH_ERROR:
                break
            await asyncio.sleep(0.05)
        while supervisor._tasks:  # the runner stops by itself on refused credentials
            await asyncio.sleep(0.05)
        stopped = (await asyncio.to_thread(services.accounts.get, "shop")).status
        server.set_faults()
        await asyncio.to_thread(services.accounts.update_settings, "shop", {}, "signed-in-again")
        cleared = (await asyncio.to_thread(services.accounts.get, "shop")).status
        supervisor.resume("shop")
        for _ in range(200):
            if await asyncio.to_thread(services.queries.cases):
                break
            await asyncio.sleep(0.05)
        return stopped, cleared, len(await asyncio.to_thread(services.queries.cases))

    stopped, cleared, cases = asyncio.run(scenario())
    assert (stopped, cleared, cases) == (AccountStatus.AUTH_ERROR, AccountStatus.IDLE, 1)
    assert services.accounts.get("shop").status == AccountStatus.IDLE
    services.close()
