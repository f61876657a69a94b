"""The ingest service: a connector's batch becomes customers, threads, cases and messages.

A batch and the cursor after it are stored in one transaction, so a crash at
any point either keeps both or neither: nothing is lost, nothing is stored
twice (messages are also unique per account and external ID, so a replayed
batch is harmless). Items that cannot be stored go to quarantine with their
reason; the rest of the batch goes on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Batch
from inbox_app.core.clock import utcnow
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded, MessagesChanged, SatisfactionLow
from inbox_app.core.ingest.quarantine import RawParser, item_from_record, record_item
from inbox_app.core.ingest.records import Account, IngestError, IngestResult
from inbox_app.core.ingest.writer import BatchWriter
from inbox_app.core.routing import routed_team
from inbox_app.core.store.models import (
    ChannelAccount,
    QuarantineItem,
)
from inbox_app.core.store.outage import unreachable
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.voice import risk_store
from inbox_app.core.voice.csat import LOW

if TYPE_CHECKING:
    from inbox_app.core.ingest.quarantine import QuarantineRow

__all__ = ["IngestError", "IngestResult", "IngestService"]

logger = logging.getLogger(__name__)


class IngestService:
    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None) -> None:
        self._factory = factory
        self._bus = bus or EventBus()

    # ------------------------------------------------------------------ public

    def store_batch(self, account_id: int, batch: Batch) -> IngestResult:
        """Store every item of ``batch`` and its cursor, atomically."""
        try:
            result = self._store(account_id, batch, item_by_item=False)
        except Exception as exc:
            if unreachable(exc):
                raise  # a lost database: nothing can be stored item by item either
            # Something in the batch is bad: its transaction was rolled back whole, and it
            # is stored again item by item so only the bad ones are quarantined and the
            # rest still lands with this cursor.
            logger.info("batch for account %s needs item-by-item storing", account_id)
            result = self._store(account_id, batch, item_by_item=True)
        self._publish(result)
        return result

    def _store(self, account_id: int, batch: Batch, *, item_by_item: bool) -> IngestResult:
        """One transaction: the batch's items (each in a savepoint of its own when
        ``item_by_item``) and its cursor.

        The whole batch is written without a savepoint: inside one, SQLite opens a
        statement journal for every statement and the search index takes part in each
        of them (measured: a quarter more time per batch). A failure rolls the batch's
        transaction back whole instead, and :meth:`store_batch` starts it again item by item.
        """
        with self._factory() as session, session.begin():
            row = session.get(ChannelAccount, account_id)
            if row is None:
                raise IngestError(f"no channel account with id {account_id}")
            account = Account(row.id, row.channel, routed_team(session, row.settings))
            settings = StoreSettings.load(session)
            if not item_by_item:
                result = BatchWriter(session, account, settings).write(batch.items)
            else:
                result = IngestResult()
                for item in batch.items:
                    try:
                        with session.begin_nested():
                            result.add(BatchWriter(session, account, settings).write((item,)))
                    except Exception as exc:  # noqa: BLE001 - any failure quarantines the item
                        if unreachable(exc):
                            raise
                        with session.begin_nested():
                            record_item(session, account.id, item, _reason(exc))
                        result.fetched += 1
                        result.quarantined += 1
            _update_risk(session, result)
            row.cursor = batch.cursor
            row.last_sync_at = utcnow()
            if batch.progress is not None:
                row.progress_done = batch.progress.done
                row.progress_total = batch.progress.total
        return result

    def retry_quarantined(self, quarantine_id: int, parser: RawParser | None = None) -> IngestResult:
        """Store a quarantined item again (after a fix); it stays if it fails again.

        ``parser`` reads raw-only items again (the channel's own parser, e.g. after
        an update taught it a new charset).
        """
        with self._factory() as session, session.begin():
            record = session.get(QuarantineItem, quarantine_id)
            if record is None:
                raise IngestError(f"no quarantined item with id {quarantine_id}")
            if record.resolved_at is not None:
                raise IngestError(f"quarantined item {quarantine_id} was already stored")
            item = item_from_record(record, parser)
            if item is None:
                raise IngestError(
                    f"quarantined item {quarantine_id} cannot be stored as it is: {record.reason}"
                )
            account_row = session.get(ChannelAccount, record.account_id)
            if account_row is None:
                raise IngestError("the account of that item was removed")
            account = Account(account_row.id, account_row.channel, routed_team(session, account_row.settings))
            try:
                with session.begin_nested():
                    result = BatchWriter(session, account, StoreSettings.load(session)).write((item,))
            except Exception as exc:  # noqa: BLE001
                record.reason = _reason(exc)
                raise IngestError(f"still cannot store item {quarantine_id}: {record.reason}")
            _update_risk(session, result)
            record.resolved_at = utcnow()
        self._publish(result)
        return result

    def quarantined(self) -> list[QuarantineRow]:
        """The items waiting in quarantine, oldest first."""
        from inbox_app.core.ingest.quarantine import waiting

        with self._factory() as session:
            return waiting(session)

    def quarantined_account(self, quarantine_id: int) -> int | None:
        """The account a quarantined item came from (its channel may read it again)."""
        with self._factory() as session:
            return session.scalar(select(QuarantineItem.account_id).where(QuarantineItem.id == quarantine_id))

    def _publish(self, result: IngestResult) -> None:
        if result.message_ids:
            self._bus.publish(
                MessagesAdded(
                    tuple(result.message_ids),
                    tuple(sorted(result.case_ids)),
                    tuple(sorted(result.customer_ids)),
                )
            )
        if result.changed_message_ids:
            self._bus.publish(MessagesChanged(tuple(result.changed_message_ids)))
        if result.case_ids:
            self._bus.publish(CasesChanged(tuple(sorted(result.case_ids))))
        low = tuple(sorted({a["case_id"] for a in result.csat_answers if a["score"] <= LOW}))
        if low:
            self._bus.publish(SatisfactionLow(low))


def _update_risk(session: Session, result: IngestResult) -> None:
    """The at-risk scores of the batch's customers, in the batch's transaction. A failure
    here is logged and the batch is stored all the same: the next change recomputes."""
    risk_store.recompute_quietly(session, result.customer_ids, woken=result.woken_customer_ids)


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:1000]
