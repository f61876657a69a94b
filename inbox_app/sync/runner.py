"""One channel account at work: fetch -> store -> dispatch -> wait, with backoff.

Blocking work (SQLAlchemy sessions, the keyring) runs in worker threads so the
loop, and with it the window, never stalls.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.base import (
    AuthError,
    Connector,
    ConnectorError,
    FindsSent,
    PermanentError,
    SettingsError,
    TransientError,
)
from inbox_app.core.accounts import AccountRow, AccountService
from inbox_app.core.ingest.service import IngestService
from inbox_app.core.outbox.queue import Claimed, OutboxService
from inbox_app.core.vocab import AccountStatus

logger = logging.getLogger(__name__)

MAX_BACKOFF = 300.0


@dataclass
class SyncReport:
    account: str
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
    ) -> None:
        self.account = account
        self.connector = connector
        self._accounts = accounts
        self._ingest = ingest
        self._outbox = outbox
        self._cursor_of = cursor_of
        self._first_dispatch = True
        self.wake = asyncio.Event()

    # ------------------------------------------------------------ one round

    async def fetch_all(self, report: SyncReport) -> None:
        cursor = await asyncio.to_thread(self._cursor_of, self.account.id)
        await asyncio.to_thread(self._accounts.set_status, self.account.id, AccountStatus.SYNCING)
        async for batch in self.connector.fetch(cursor):
            result = await asyncio.to_thread(self._ingest.store_batch, self.account.id, batch)
            report.stored += result.stored
            report.duplicates += result.duplicates
            report.updated += result.updated
            report.quarantined += result.quarantined
            if batch.progress is not None:
                logger.debug(
                    "account %s: %s of %s", self.account.name, batch.progress.done, batch.progress.total
                )

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
            if item.progress and hasattr(self.connector, "note_sent_parts"):
                self.connector.note_sent_parts(item.reply.idempotency_key, item.progress)
            result = await self.connector.send(item.reply)
        except TransientError as exc:
            parts = tuple(getattr(exc, "sent_parts", ()) or ())
            gave_up = await asyncio.to_thread(self._outbox.mark_retry, item, str(exc), exc.retry_after, parts)
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
        report = SyncReport(self.account.name)
        try:
            tried: set[int] = set()  # each reply gets at most one attempt per round
            if self._first_dispatch:
                # After a start (perhaps after a crash) replies left 'sending' are settled
                # first: one the channel took before the crash then has its external id
                # when the fetch reads it back (a review's answer, a post), instead of
                # being stored as a message of its own and sent again.
                await self.dispatch(report, stale_only=True, tried=tried)
            await self.fetch_all(report)
            await self.dispatch(report, tried=tried)
        except AuthError as exc:
            report.error = f"credentials refused: {exc}"
            await asyncio.to_thread(
                self._accounts.set_status, self.account.id, AccountStatus.AUTH_ERROR, report.error
            )
            return report
        except ConnectorError as exc:
            report.error = str(exc)
            await asyncio.to_thread(
                self._accounts.set_status, self.account.id, AccountStatus.ERROR, report.error
            )
            return report
        except Exception as exc:  # noqa: BLE001 - a sync failure is a status, never a crash
            logger.exception("sync of account %s failed", self.account.name)
            report.error = f"unexpected error: {type(exc).__name__}: {exc}"
            await asyncio.to_thread(
                self._accounts.set_status, self.account.id, AccountStatus.ERROR, report.error
            )
            return report
        await asyncio.to_thread(
            self._accounts.set_status, self.account.id, AccountStatus.IDLE, None, synced=True
        )
        return report

    # ------------------------------------------------------------ forever

    async def run(self, stop: asyncio.Event, *, wait_timeout: float = 30.0) -> None:
        backoff = 1.0
        while not stop.is_set():
            report = await self.sync_once()
            if report.error and report.error.startswith("credentials refused"):
                logger.warning("account %s stopped: %s", self.account.name, report.error)
                return
            if report.error:
                delay = min(MAX_BACKOFF, backoff) * (0.8 + 0.4 * random.random())
                backoff = min(MAX_BACKOFF, backoff * 2)
                await _wait_any(stop, self.wake, delay)
                continue
            backoff = 1.0
            await self._wait_for_changes(stop, await self._wait_time(wait_timeout))

    async def _wait_time(self, least: float) -> float:
        """How long to wait for changes before the next round: the account's own poll
        interval where its connector polls (an admin's 300 s for a review location is not
        overruled by a round every 30 s), but never past the next reply due for sending."""
        interval = getattr(self.connector, "poll_interval", None)
        timeout = max(least, float(interval)) if isinstance(interval, int | float) else least
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
