"""Runs every enabled channel account: once (the CLI) or for as long as the app lives."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import Engine

from connectors.base import AuthError, Connector, ConnectorError, KeepsTokens
from inbox_app.core.accounts import AccountError, AccountRow, AccountService
from inbox_app.core.events import EventBus, MessagesAdded
from inbox_app.core.ingest.service import IngestService
from inbox_app.core.outbox.queue import OutboxService
from inbox_app.core.secrets import SecretStoreError
from inbox_app.core.vocab import AccountStatus
from inbox_app.sync.locks import AccountLock
from inbox_app.sync.runner import AccountRunner, SyncReport

logger = logging.getLogger(__name__)


class Supervisor:
    def __init__(
        self,
        engine: Engine,
        accounts: AccountService,
        ingest: IngestService,
        outbox: OutboxService,
        bus: EventBus,
    ) -> None:
        self._engine = engine
        self._accounts = accounts
        self._ingest = ingest
        self._outbox = outbox
        self._bus = bus
        self._runners: dict[int, AccountRunner] = {}
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        bus.subscribe(MessagesAdded, self._on_messages)

    def build_connector(self, account: AccountRow) -> Connector:
        cls = self._accounts.connector_class(account.kind)
        secret = None
        if cls.needs_secret:
            try:
                secret = self._accounts.secret(account.name)
            except SecretStoreError as exc:
                raise AuthError(str(exc))
            if not secret:
                raise AuthError(
                    f"no secret is stored for account {account.name!r}; set it again with "
                    f"'inbox-app accounts set {account.name} --secret-stdin'"
                )
        connector = cls(account.settings, secret)
        if isinstance(connector, KeepsTokens):
            self._keep_tokens(account.name, connector)
        return connector

    def _keep_tokens(self, name: str, connector: KeepsTokens) -> None:
        """Tokens a connector obtains with the password live in the keyring too."""
        try:
            stored = self._accounts.secrets.get(f"{name}#token")
        except SecretStoreError:
            return
        if stored:
            connector.adopt_token(stored)

        def keep(token: str) -> None:
            # Once per login; a keyring write is short enough to do in place.
            try:
                self._accounts.secrets.set(f"{name}#token", token)
            except SecretStoreError:
                logger.warning("could not keep the access token of %s in the keyring", name)

        connector.on_credentials = keep

    def _runner(self, account: AccountRow, connector: Connector) -> AccountRunner:
        return AccountRunner(
            account,
            connector,
            accounts=self._accounts,
            ingest=self._ingest,
            outbox=self._outbox,
            cursor_of=self._accounts.cursor,
        )

    async def check(self, name: str) -> None:
        account = await asyncio.to_thread(self._accounts.get, name)
        connector = self.build_connector(account)
        try:
            await connector.check()
        finally:
            await connector.close()

    async def run_once(self, name: str | None = None) -> list[SyncReport]:
        accounts = await asyncio.to_thread(self._accounts.list)
        if name is not None:
            accounts = [a for a in accounts if a.name == name]
            if not accounts:
                raise AccountError(f"no channel account named {name!r}")
        reports = []
        for account in accounts:
            if not account.enabled and name is None:
                continue
            reports.append(await self._once(account))
        return reports

    async def _connect(self, account: AccountRow) -> tuple[Connector | None, str | None]:
        """The account's connector, or None with the reason shown as the account's status."""
        try:
            return self.build_connector(account), None
        except (ConnectorError, AccountError) as exc:
            status = AccountStatus.AUTH_ERROR if isinstance(exc, AuthError) else AccountStatus.ERROR
            await asyncio.to_thread(self._accounts.set_status, account.id, status, str(exc))
            return None, str(exc)

    async def _once(self, account: AccountRow) -> SyncReport:
        lock = AccountLock(self._engine, account.id)
        if not await asyncio.to_thread(lock.acquire):
            return SyncReport(
                account.name,
                error="another worker or window is syncing this account right now; try again later",
            )
        try:
            connector, error = await self._connect(account)
            if connector is None:
                return SyncReport(account.name, error=error)
            try:
                return await self._runner(account, connector).sync_once()
            finally:
                await connector.close()
        finally:
            lock.release()

    # ------------------------------------------------------------ long-running

    def start(
        self,
        spawn: Callable[[Coroutine[Any, Any, None], str], asyncio.Task[Any]],
        *,
        only: str | None = None,
    ) -> None:
        """Start a runner per enabled account; ``spawn`` keeps and watches the task."""
        self._stop.clear()
        self._loop = asyncio.get_event_loop()
        for account in self._accounts.list():
            if only is not None and account.name != only:
                continue
            if account.enabled and account.id not in self._tasks:
                self._tasks[account.id] = spawn(self._run(account), f"sync {account.name}")

    async def _run(self, account: AccountRow) -> None:
        lock = AccountLock(self._engine, account.id)
        # Everything under one finally: a stop that comes while waiting for the lock,
        # or just after taking it, must still free the lock and the account's slot.
        try:
            if await self._take_lock(account, lock):
                await self._serve(account)
        finally:
            lock.release()
            self._tasks.pop(account.id, None)

    async def _take_lock(self, account: AccountRow, lock: AccountLock) -> bool:
        """True once this process holds the account's lock; False when stopped first."""
        while not self._stop.is_set():
            if await asyncio.to_thread(lock.acquire):
                return not self._stop.is_set()
            await asyncio.to_thread(
                self._accounts.set_status,
                account.id,
                AccountStatus.IDLE,
                "synced by another window or worker",
            )
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=30)
            except TimeoutError:
                continue
        return False

    async def _serve(self, account: AccountRow) -> None:
        connector, _error = await self._connect(account)
        if connector is None:
            return
        runner = self._runner(account, connector)
        self._runners[account.id] = runner
        try:
            await runner.run(self._stop)
        finally:
            self._runners.pop(account.id, None)
            await connector.close()

    def _on_messages(self, event: MessagesAdded) -> None:
        # A queued reply should leave now, not at the next poll. Events may come
        # from worker threads: hand the wake-up to the loop's own thread.
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.wake)

    def wake(self) -> None:
        for runner in self._runners.values():
            runner.wake.set()

    async def stop(self) -> None:
        self._stop.set()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=10)
