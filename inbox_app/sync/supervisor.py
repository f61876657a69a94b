"""Runs every enabled channel account: once (the CLI) or for as long as the app lives.

Nothing here reads the database or the keyring on the event loop: the account list, the
secrets, the locks and every status go through worker threads, so a slow disk, a locked
keyring or a busy team server never freezes the window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from connectors.base import AuthError, Connector, ConnectorClass, ConnectorError, KeepsTokens
from inbox_app.core.accounts import AccountError, AccountRow, AccountService
from inbox_app.core.clock import utcnow
from inbox_app.core.events import EventBus, MessagesAdded
from inbox_app.core.ingest.service import IngestService
from inbox_app.core.outbox.queue import OutboxService
from inbox_app.core.secrets import SecretStoreError
from inbox_app.core.store.outage import unreachable
from inbox_app.core.vocab import AccountStatus
from inbox_app.sync.dbwatch import DatabaseWatch
from inbox_app.sync.locks import AccountLock
from inbox_app.sync.runner import AccountRunner, SyncReport, status_after

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
        self._starting: set[asyncio.Task[Any]] = set()
        self._spawn: Callable[[Coroutine[Any, Any, None], str], asyncio.Task[Any]] | None = None
        # Tokens are written one after another, in the order the connectors obtained them.
        self._keyring_writer: ThreadPoolExecutor | None = None
        self._writes: set[asyncio.Future[None]] = set()
        # Every runner (and the worker's housekeeping) waits out a lost database here.
        self.database = DatabaseWatch(engine)
        # Told (in words) when an account is left to another process: the worker prints it.
        self.notes: list[Callable[[str], None]] = []
        bus.subscribe(MessagesAdded, self._on_messages)

    def build_connector(self, account: AccountRow) -> Connector:
        """The account's connector; blocking (the keyring), for the command line."""
        cls, secret = self._class_and_secret(account)
        connector = cls(account.settings, secret)
        if isinstance(connector, KeepsTokens):
            self._keep_tokens(account.name, connector, self._kept_token(account.name))
        return connector

    async def _build(self, account: AccountRow) -> Connector:
        """The account's connector, the keyring read in a worker thread."""
        cls, secret = await asyncio.to_thread(self._class_and_secret, account)
        connector = cls(account.settings, secret)  # on the loop: it may bind loop objects
        if isinstance(connector, KeepsTokens):
            token = await asyncio.to_thread(self._kept_token, account.name)
            self._keep_tokens(account.name, connector, token)
        return connector

    def _class_and_secret(self, account: AccountRow) -> tuple[ConnectorClass, str | None]:
        """Blocking: imports the channel's module on first use and reads the keyring."""
        cls = self._accounts.connector_class(account.kind)
        if not cls.needs_secret:
            return cls, None
        try:
            secret = self._accounts.secret(account.name)
        except SecretStoreError as exc:
            raise AuthError(str(exc))
        if not secret:
            raise AuthError(
                f"no secret is stored for account {account.name!r}; set it again with "
                f"'inbox-app accounts set {account.name} --secret-stdin'"
            )
        return cls, secret

    def _kept_token(self, name: str) -> str | None:
        """Blocking: the token a connector obtained with the password, kept in the keyring."""
        try:
            return self._accounts.secrets.get(f"{name}#token")
        except SecretStoreError:
            return None

    def _keep_tokens(self, name: str, connector: KeepsTokens, stored: str | None) -> None:
        if stored:
            connector.adopt_token(stored)

        def write(token: str) -> None:
            try:
                self._accounts.secrets.set(f"{name}#token", token)
            except SecretStoreError:
                logger.warning("could not keep the access token of %s in the keyring", name)

        def keep(token: str) -> None:
            # Called on the loop, once per login. The keyring may be slow (or ask to be
            # unlocked): the write goes to a thread of its own, one write after another.
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                write(token)
                return
            if self._keyring_writer is None:
                self._keyring_writer = ThreadPoolExecutor(1, thread_name_prefix="keyring")
            pending = loop.run_in_executor(self._keyring_writer, write, token)
            self._writes.add(pending)
            pending.add_done_callback(self._writes.discard)

        connector.on_credentials = keep

    async def _tokens_kept(self) -> None:
        """Wait for the keyring writes under way."""
        if self._writes:
            await asyncio.wait(list(self._writes))

    def _runner(
        self, account: AccountRow, connector: Connector, lock: AccountLock | None = None
    ) -> AccountRunner:
        return AccountRunner(
            account,
            connector,
            accounts=self._accounts,
            ingest=self._ingest,
            outbox=self._outbox,
            cursor_of=self._accounts.cursor,
            guard=lock.verify if lock is not None else None,
            bus=self._bus,
        )

    async def check(self, name: str) -> None:
        account = await asyncio.to_thread(self._accounts.get, name)
        connector = await self._build(account)
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
            return await self._build(account), None
        except (ConnectorError, AccountError) as exc:
            await asyncio.to_thread(self._accounts.set_status, account.id, status_after(exc), str(exc))
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
                await self._tokens_kept()
        finally:
            await asyncio.to_thread(lock.release)

    # ------------------------------------------------------------ long-running

    def start(
        self,
        spawn: Callable[[Coroutine[Any, Any, None], str], asyncio.Task[Any]],
        *,
        only: str | None = None,
    ) -> None:
        """Start a runner per enabled account; ``spawn`` keeps and watches the tasks.

        Returns at once: the accounts are read in a worker thread, then their runners start.
        """
        self._stop.clear()
        self._loop = asyncio.get_event_loop()
        self._spawn = spawn
        task = spawn(self._start(spawn, only), "sync start")
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    def resume(self, name: str) -> None:
        """Run account ``name`` again if this process runs accounts and it stopped (its
        credentials were refused and an admin just set new ones, or signed in again)."""
        if self._spawn is not None and not self._stop.is_set():
            self.start(self._spawn, only=name)

    async def _start(
        self,
        spawn: Callable[[Coroutine[Any, Any, None], str], asyncio.Task[Any]],
        only: str | None,
    ) -> None:
        while True:
            try:
                accounts = await asyncio.to_thread(self._accounts.list)
                break
            except Exception as exc:
                # A window opened while the team server is down starts syncing once it is back.
                if not unreachable(exc) or not await self.database.ride_out(exc, self._stop):
                    if not self._stop.is_set():
                        raise
                    return
        if self._stop.is_set():
            return  # stopped while the list was read (stop() waits for this task)
        for account in accounts:
            if only is not None and account.name != only:
                continue
            if account.enabled and account.id not in self._tasks:
                self._tasks[account.id] = spawn(self._run(account), f"sync {account.name}")

    async def _run(self, account: AccountRow) -> None:
        lock = AccountLock(self._engine, account.id)
        # Everything under one finally: a stop that comes while waiting for the lock,
        # or just after taking it, must still free the lock and the account's slot.
        try:
            while not self._stop.is_set():
                held = False
                try:
                    if held := await self._take_lock(account, lock):
                        await self._serve(account, lock)
                    return
                except Exception as exc:
                    if not unreachable(exc):
                        raise
                    # Only the process that was syncing the account speaks for it.
                    await self._ride_out(account, lock, exc, tell=held)
        finally:
            try:
                await asyncio.to_thread(lock.release)  # finishes in its thread even if cancelled
            finally:
                self._tasks.pop(account.id, None)

    async def _ride_out(self, account: AccountRow, lock: AccountLock, exc: Exception, *, tell: bool) -> None:
        """The database went away under the account: wait for it, then say so in the status.

        The lock went with the connection (the server frees a lost session's locks), so it
        is dropped here and taken again, like at a start; the new runner resumes from the
        stored cursor and settles replies the outage left *sending*.
        """
        self.database.lost(exc)
        since, why = self.database.down_since, self.database.why
        while True:
            await asyncio.to_thread(lock.release)
            if not await self.database.until_back(self._stop) or not tell:
                return
            words = (
                f"database unreachable from {since or utcnow():%H:%M:%S} to {utcnow():%H:%M:%S} UTC "
                f"({why}); catching up"
            )
            try:
                # Honest as soon as it can be written; the next good round makes it idle again.
                await asyncio.to_thread(self._accounts.set_status, account.id, AccountStatus.ERROR, words)
                return
            except Exception as again:
                if not unreachable(again):
                    raise
                self.database.lost(again)  # gone again at once: wait once more

    async def _take_lock(self, account: AccountRow, lock: AccountLock) -> bool:
        """True once this process holds the account's lock; False when stopped first."""
        told = False
        while not self._stop.is_set():
            if await asyncio.to_thread(lock.acquire):
                return not self._stop.is_set()
            if not told:
                # Said here only: the account's status is its holder's to write (a waiting
                # process overwriting it would hide the holder's "syncing" or error).
                told = True
                for note in self.notes:
                    note(f"{account.name}: synced by another window or worker; taking over if it stops")
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=30)
            except TimeoutError:
                continue
        return False

    async def _serve(self, account: AccountRow, lock: AccountLock) -> None:
        connector, _error = await self._connect(account)
        if connector is None:
            return
        runner = self._runner(account, connector, lock)
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
        tasks = [*self._starting, *self._tasks.values(), *self._writes]
        if tasks:
            await asyncio.wait(tasks, timeout=10)
