"""One channel account at work: fetch -> store -> dispatch -> wait, with backoff.

Blocking work (SQLAlchemy sessions, the keyring) runs in worker threads so the
loop, and with it the window, never stalls. What a round's failure means for the
account is decided by the error's type alone (:func:`status_after`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.base import (
    AuthError,
    Batch,
    Connector,
    ConnectorError,
    FindsSent,
    NotesSentParts,
    PermanentError,
    Polling,
    SettingsError,
    TransientError,
)
from inbox_app.core.accounts import AccountRow, AccountService
from inbox_app.core.events import EventBus, SyncProgressed
from inbox_app.core.ingest.service import IngestResult, IngestService
from inbox_app.core.outbox.queue import Claimed, OutboxService
from inbox_app.core.store.outage import unreachable
from inbox_app.core.vocab import AccountStatus

logger = logging.getLogger(__name__)

MAX_BACKOFF = 300.0


@dataclass
class SyncReport:
    account: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    updated: int = 0
    quarantined: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    error: str | None = None
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def status_after(exc: Exception) -> AccountStatus:
    """The account's status after a round (or its start) failed with ``exc``: refused
    credentials stop the account until an admin acts; anything else is tried again."""
    return AccountStatus.AUTH_ERROR if isinstance(exc, AuthError) else AccountStatus.ERROR


class AccountRunner:
    def __init__(
        self,
        account: AccountRow,
        connector: Connector,
        *,
        accounts: AccountService,
        ingest: IngestService,
        outbox: OutboxService,
        cursor_of: Callable[[int], str | None],
        guard: Callable[[], None] | None = None,
        bus: EventBus | None = None,
    ) -> None:
        self.account = account
        # Told how far each round's fetch is (a terminal's progress line listens).
        self._bus = bus
        self.connector = connector
        self._accounts = accounts
        self._ingest = ingest
        self._outbox = outbox
        self._cursor_of = cursor_of
        # Raises when this process no longer holds the account (its lock went with a lost
        # connection): checked before a round and before each batch is stored.
        self._guard = guard or (lambda: None)
        self._first_dispatch = True
        self.wake = asyncio.Event()

    # ------------------------------------------------------------ one round

    async def fetch_all(self, report: SyncReport) -> None:
        # The stored cursor, read afresh each round: after a lost database the round
        # resumes from what was committed, and a batch is stored with its cursor or not at all.
        cursor = await asyncio.to_thread(self._cursor_of, self.account.id)
        await asyncio.to_thread(self._accounts.set_status, self.account.id, AccountStatus.SYNCING)
        self._progress(SyncProgressed(self.account.id, self.account.name, started=True))
        async for batch in self.connector.fetch(cursor):
            result = await asyncio.to_thread(self._store, batch)
            report.fetched += result.fetched
            report.stored += result.stored
            report.duplicates += result.duplicates
            report.updated += result.updated
            report.quarantined += result.quarantined
            if batch.progress is not None:
                logger.debug(
                    "account %s: %s of %s", self.account.name, batch.progress.done, batch.progress.total
                )
                self._progress(
                    SyncProgressed(
                        self.account.id,
                        self.account.name,
                        fetched=batch.progress.done,
                        stored=report.stored,
                        total=batch.progress.total,
                    )
                )

    def _progress(self, event: SyncProgressed) -> None:
        if self._bus is not None:
            self._bus.publish(event)

    def _store(self, batch: Batch) -> IngestResult:
        self._guard()
        return self._ingest.store_batch(self.account.id, batch)

    async def dispatch(
        self, report: SyncReport, *, stale_only: bool = False, tried: set[int] | None = None
    ) -> None:
        tried = set() if tried is None else tried  # each reply gets at most one attempt per round
        while True:
            claimed = await asyncio.to_thread(
                self._outbox.claim,
                self.account.id,
                include_stale=self._first_dispatch,
                stale_only=stale_only,
                exclude=frozenset(tried),
            )
            if not stale_only:
                self._first_dispatch = False
            if not claimed:
                return
            for index, item in enumerate(claimed):
                tried.add(item.message_id)
                try:
                    await self._send_one(item, report)
                except AuthError as exc:
                    # The account stops here: the rest of the batch was claimed but
                    # never tried, so it goes back to the queue untouched as well.
                    for rest in claimed[index + 1 :]:
                        await asyncio.to_thread(self._outbox.release, rest, str(exc))
                    raise

    async def _send_one(self, item: Claimed, report: SyncReport) -> None:
        try:
            if item.uncertain and isinstance(self.connector, FindsSent):
                # A previous attempt may have left before a crash: look before sending again.
                found = await self.connector.find_sent(item.reply)
                if found is not None:
                    await asyncio.to_thread(self._outbox.mark_sent, item, found)
                    report.sent += 1
                    return
            if item.progress and isinstance(self.connector, NotesSentParts):
                self.connector.note_sent_parts(item.reply.idempotency_key, item.progress)
            result = await self.connector.send(item.reply)
        except TransientError as exc:
            gave_up = await asyncio.to_thread(
                self._outbox.mark_retry, item, str(exc), exc.retry_after, tuple(exc.sent_parts)
            )
            report.failed += gave_up
            report.retrying += not gave_up
            report.errors.append(str(exc))
            return
        except (PermanentError, SettingsError) as exc:
            await asyncio.to_thread(self._outbox.mark_failed, item, str(exc))
            report.failed += 1
            report.errors.append(str(exc))
            return
        except AuthError as exc:
            await asyncio.to_thread(self._outbox.release, item, str(exc))
            raise
        except Exception as exc:  # noqa: BLE001 - an unexpected failure is retried, not lost
            logger.exception("sending reply %s failed unexpectedly", item.message_id)
            await asyncio.to_thread(self._outbox.mark_retry, item, f"unexpected error: {exc}", None)
            report.retrying += 1
            return
        await asyncio.to_thread(self._outbox.mark_sent, item, result)
        report.sent += 1

    async def sync_once(self) -> SyncReport:
        """Fetch everything available and dispatch the outbox; errors end up in the report."""
        report, _status = await self._round()
        return report

    async def _round(self) -> tuple[SyncReport, AccountStatus]:
        """One round, its report and the status it left the account in."""
        report = SyncReport(self.account.name)
        try:
            await asyncio.to_thread(self._guard)
            tried: set[int] = set()  # each reply gets at most one attempt per round
            if self._first_dispatch:
                # After a start (perhaps after a crash) replies left 'sending' are settled
                # first: one the channel took before the crash then has its external id
                # when the fetch reads it back (a review's answer, a post), instead of
                # being stored as a message of its own and sent again.
                await self.dispatch(report, stale_only=True, tried=tried)
            await self.fetch_all(report)
            await self.dispatch(report, tried=tried)
        except Exception as exc:  # noqa: BLE001 - a sync failure is a status, never a crash
            if unreachable(exc):
                raise  # no status can be written now: the supervisor waits the outage out
            report.error = _words(exc)
            if not isinstance(exc, ConnectorError):
                logger.exception("sync of account %s failed", self.account.name)
            status = status_after(exc)
            await asyncio.to_thread(self._accounts.set_status, self.account.id, status, report.error)
            return report, status
        await asyncio.to_thread(
            self._accounts.set_status, self.account.id, AccountStatus.IDLE, None, synced=True
        )
        return report, AccountStatus.IDLE

    # ------------------------------------------------------------ forever

    async def run(self, stop: asyncio.Event, *, wait_timeout: float = 30.0) -> None:
        """Rounds until ``stop``; returns early only when the credentials were refused.

        A lost database propagates (:func:`~inbox_app.core.store.outage.unreachable`): the
        supervisor waits for it and starts over with the lock taken again. Anything else
        that escapes a round is logged and tried again after a pause, never the runner's end.
        """
        backoff = 1.0
        while not stop.is_set():
            try:
                report, status = await self._round()
                if status is AccountStatus.AUTH_ERROR:
                    logger.warning("account %s stopped: %s", self.account.name, report.error)
                    return
                if status is AccountStatus.IDLE:
                    backoff = 1.0
                    await self._wait_for_changes(stop, await self._wait_time(wait_timeout))
                    continue
            except Exception as exc:
                if unreachable(exc):
                    raise
                logger.exception("account %s: its round failed unexpectedly", self.account.name)
            delay = min(MAX_BACKOFF, backoff) * (0.8 + 0.4 * random.random())
            backoff = min(MAX_BACKOFF, backoff * 2)
            await _wait_any(stop, self.wake, delay)

    async def _wait_time(self, least: float) -> float:
        """How long to wait for changes before the next round: the account's own poll
        interval where its connector polls (an admin's 300 s for a review location is not
        overruled by a round every 30 s), but never past the next reply due for sending."""
        connector = self.connector
        timeout = max(least, float(connector.poll_interval)) if isinstance(connector, Polling) else least
        due = await asyncio.to_thread(self._outbox.next_due_in, self.account.id)
        return timeout if due is None else max(1.0, min(timeout, due))

    async def _wait_for_changes(self, stop: asyncio.Event, timeout: float) -> None:
        if self.wake.is_set():
            self.wake.clear()
            return
        cursor = await asyncio.to_thread(self._cursor_of, self.account.id)
        waiter = asyncio.ensure_future(self.connector.wait_for_changes(cursor, timeout))
        try:
            await _wait_any(stop, self.wake, None, extra=waiter)
        finally:
            if not waiter.done():
                waiter.cancel()
            try:
                await waiter
            except (asyncio.CancelledError, ConnectorError):
                pass  # the next sync round reports the error with a status
            except Exception:  # noqa: BLE001
                logger.exception("waiting for changes on %s failed", self.account.name)
        self.wake.clear()


def _words(exc: Exception) -> str:
    """A failed round in the admin's words, as the account's status shows it."""
    if isinstance(exc, AuthError):
        return f"credentials refused: {exc}"
    if isinstance(exc, ConnectorError):
        return str(exc)
    return f"unexpected error: {type(exc).__name__}: {exc}"


async def _wait_any(
    stop: asyncio.Event,
    wake: asyncio.Event,
    timeout: float | None,
    extra: asyncio.Future[bool] | None = None,
) -> None:
    tasks: list[asyncio.Future[bool]] = [
        asyncio.ensure_future(stop.wait()),
        asyncio.ensure_future(wake.wait()),
    ]
    waiting = [*tasks, *([extra] if extra else [])]
    try:
        await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
