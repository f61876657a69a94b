"""The sync runtime keeps the event loop free: no database statement and no keyring call
runs on the loop's thread, whether an account is tested, synced once or served for long;
and what a failed round does to an account follows the error's type, not its words."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import event

from connectors.base import Batch, KeepsTokens, TransientError
from connectors.fake import FakeConnector, FakeServer
from inbox_app.app import Services, build
from inbox_app.core.secrets import SecretStore
from inbox_app.core.vocab import AccountStatus
from inbox_app.sync.tasks import TaskGroup


class LoopWatch:
    """Notes every call made on the loop's thread while the loop runs."""

    def __init__(self) -> None:
        self.loop_thread: int | None = None
        self.on_loop: list[str] = []
        self.watched = 0

    def note(self, what: str) -> None:
        if threading.get_ident() == self.loop_thread:
            self.on_loop.append(what)

    def run(self, scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
        async def watched() -> None:
            self.loop_thread = threading.get_ident()
            try:
                await scenario()
            finally:
                self.loop_thread = None  # asyncio.run's thread is the test's own after it
                self.watched += 1

        asyncio.run(watched())


class WatchedSecrets(SecretStore):
    def __init__(self, watch: LoopWatch) -> None:
        super().__init__()
        self.watch = watch

    def get(self, account: str) -> str | None:
        self.watch.note(f"keyring read of {account}")
        return super().get(account)

    def set(self, account: str, secret: str) -> None:
        self.watch.note(f"keyring write of {account}")
        super().set(account, secret)


class TokenConnector(FakeConnector, KeepsTokens):
    """Logs in with its password on the first fetch and keeps the token, as Matrix does."""

    kind: ClassVar[str] = "tokens"
    needs_secret: ClassVar[bool] = True
    adopted: ClassVar[list[str]] = []

    def __init__(self, settings: Any, secret: str | None = None) -> None:
        super().__init__(settings, secret)
        self.on_credentials = None
        self.token: str | None = None

    def adopt_token(self, token: str) -> None:
        self.adopted.append(token)
        self.token = token

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        if self.token is None and self.on_credentials is not None:
            self.token = f"token-{len(self.adopted)}"
            self.on_credentials(self.token)
        async for batch in super().fetch(cursor):
            yield batch


def _store(tmp_path: Path, watch: LoopWatch) -> tuple[Services, FakeServer]:
    services = build(
        f"sqlite:///{tmp_path / 'store.db'}",
        registry={"tokens": TokenConnector},
        secrets=WatchedSecrets(watch),
    )
    event.listen(services.engine, "before_cursor_execute", lambda *a: watch.note(f"SQL: {a[2][:60]}"))
    server = FakeServer(tmp_path / "srv")
    server.deliver(id="m1", text="Dove è il mio ordine?", thread="t1", **{"from": "cliente@example.it"})
    services.accounts.add("tokens", "shop", {"path": str(server.root)}, secret="password")
    return services, server


def test_testing_syncing_and_serving_an_account_leave_the_loop_free(tmp_path: Path) -> None:
    watch = LoopWatch()
    services, server = _store(tmp_path, watch)
    supervisor = services.supervisor()

    async def once() -> None:
        await supervisor.check("shop")
        [report] = await supervisor.run_once()
        assert report.stored == 1 and report.error is None

    watch.run(once)
    assert services.secrets.get("shop#token") == "token-0"  # kept, and in the keyring by now
    services.outbox.queue_reply(services.queries.cases()[0].id, "Arriva domani")

    async def served() -> None:
        tasks = TaskGroup()
        supervisor.start(tasks.spawn)
        try:
            for _ in range(200):
                if server.sent_replies():
                    break
                await asyncio.sleep(0.05)
        finally:
            await supervisor.stop()
            await tasks.cancel_all()

    watch.run(served)
    assert [r["text"] for r in server.sent_replies()] == ["Arriva domani"]
    assert TokenConnector.adopted[-1] == "token-0"  # the kept token, instead of a new login
    assert watch.watched == 2 and watch.on_loop == []
    services.close()


def test_the_watch_sees_a_call_made_on_the_loop(tmp_path: Path) -> None:
    watch = LoopWatch()
    services, _server = _store(tmp_path, watch)

    async def careless() -> None:
        services.accounts.list()
        services.secrets.get("shop")

    watch.run(careless)
    assert any(c.startswith("SQL: SELECT") for c in watch.on_loop)
    assert watch.on_loop[-1] == "keyring read of shop"
    services.close()


class WordyFailure(FakeConnector):
    """Fails its first fetch with a passing failure worded like a refusal."""

    kind: ClassVar[str] = "wordy"
    failed: ClassVar[list[bool]] = []

    async def fetch(self, cursor: str | None) -> AsyncIterator[Batch]:
        if not self.failed:
            self.failed.append(True)
            raise TransientError("credentials refused by the proxy for a moment; try again")
        async for batch in super().fetch(cursor):
            yield batch


def _runner(services: Services, name: str) -> Any:
    supervisor = services.supervisor()
    account = services.accounts.get(name)
    return supervisor._runner(account, supervisor.build_connector(account))


def test_a_passing_failure_is_retried_whatever_its_words(tmp_path: Path) -> None:
    WordyFailure.failed.clear()
    services = build(f"sqlite:///{tmp_path / 'store.db'}", registry={"wordy": WordyFailure})
    server = FakeServer(tmp_path / "srv")
    server.deliver(id="m1", text="Ci siete?", thread="t1", **{"from": "cliente@example.it"})
    services.accounts.add("wordy", "shop", {"path": str(server.root)})
    runner = _runner(services, "shop")

    async def serve() -> None:
        stop = asyncio.Event()
        task = asyncio.ensure_future(runner.run(stop, wait_timeout=0.2))
        try:
            for _ in range(200):
                if await asyncio.to_thread(services.queries.cases):
                    break
                await asyncio.sleep(0.05)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)

    asyncio.run(serve())
    assert WordyFailure.failed == [True] and len(services.queries.cases()) == 1
    assert services.accounts.get("shop").status == AccountStatus.IDLE
    services.close()


def test_refused_credentials_stop_the_account_until_an_admin_acts(tmp_path: Path) -> None:
    services = build(f"sqlite:///{tmp_path / 'store.db'}")
    server = FakeServer(tmp_path / "srv")
    server.set_faults(fetch="auth")
    services.accounts.add("fake", "shop", {"path": str(server.root)})
    runner = _runner(services, "shop")

    async def serve() -> None:
        await asyncio.wait_for(runner.run(asyncio.Event()), timeout=10)  # returns by itself

    asyncio.run(serve())
    account = services.accounts.get("shop")
    assert account.status == AccountStatus.AUTH_ERROR
    assert account.last_error == "credentials refused: the fake server refused the credentials"
    services.close()
