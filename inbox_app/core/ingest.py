"""The ingest service: a connector's batch becomes customers, threads, cases and messages.

A batch and the cursor after it are stored in one transaction, so a crash at
any point either keeps both or neither: nothing is lost, nothing is stored
twice (messages are also unique per account and external ID, so a replayed
batch is harmless). Items that cannot be stored go to quarantine with their
reason; the rest of the batch goes on.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Batch, BatchItem, BrokenItem, InboundItem, ItemUpdate
from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers_store import live_customer_id, merge
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded, MessagesChanged
from inbox_app.core.identities import normalize_subject, try_normalize
from inbox_app.core.models import (
    Attachment,
    AttachmentBlob,
    AuditEvent,
    Case,
    ChannelAccount,
    Customer,
    Identity,
    Message,
    MessageRaw,
    QuarantineItem,
    Thread,
)
from inbox_app.core.store_settings import StoreSettings

if TYPE_CHECKING:
    from inbox_app.core.quarantine import RawParser

logger = logging.getLogger(__name__)


class IngestError(Exception):
    pass


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    updated: int = 0
    quarantined: int = 0
    message_ids: list[int] = field(default_factory=list)
    case_ids: set[int] = field(default_factory=set)
    customer_ids: set[int] = field(default_factory=set)
    changed_message_ids: list[int] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.updated += other.updated
        self.quarantined += other.quarantined
        self.message_ids += other.message_ids
        self.case_ids |= other.case_ids
        self.customer_ids |= other.customer_ids
        self.changed_message_ids += other.changed_message_ids


@dataclass
class _Account:
    id: int
    channel: str


class IngestService:
    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None) -> None:
        self._factory = factory
        self._bus = bus or EventBus()

    # ------------------------------------------------------------------ public

    def store_batch(self, account_id: int, batch: Batch) -> IngestResult:
        """Store every item of ``batch`` and its cursor, atomically."""
        with self._factory() as session, session.begin():
            row = session.get(ChannelAccount, account_id)
            if row is None:
                raise IngestError(f"no channel account with id {account_id}")
            account = _Account(row.id, row.channel)
            settings = StoreSettings.load(session)
            try:
                with session.begin_nested():
                    result = _BatchWriter(session, account, settings).write(batch.items)
            except Exception:
                # Something in the batch is bad: store item by item so only the bad
                # ones are quarantined and the rest still lands with this cursor.
                logger.info("batch for account %s needs item-by-item storing", account_id)
                result = IngestResult()
                for item in batch.items:
                    try:
                        with session.begin_nested():
                            result.add(_BatchWriter(session, account, settings).write((item,)))
                    except Exception as exc:  # noqa: BLE001 - any failure quarantines the item
                        with session.begin_nested():
                            _quarantine(session, account.id, item, _reason(exc))
                        result.quarantined += 1
            row.cursor = batch.cursor
            row.last_sync_at = utcnow()
            if batch.progress is not None:
                row.progress_done = batch.progress.done
                row.progress_total = batch.progress.total
        self._publish(result)
        return result

    def retry_quarantined(self, quarantine_id: int, parser: RawParser | None = None) -> IngestResult:
        """Store a quarantined item again (after a fix); it stays if it fails again.

        ``parser`` reads raw-only items again (the channel's own parser, e.g. after
        an update taught it a new charset).
        """
        from inbox_app.core.quarantine import item_from_record

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
            account = _Account(account_row.id, account_row.channel)
            try:
                with session.begin_nested():
                    result = _BatchWriter(session, account, StoreSettings.load(session)).write((item,))
            except Exception as exc:  # noqa: BLE001
                record.reason = _reason(exc)
                raise IngestError(f"still cannot store item {quarantine_id}: {record.reason}")
            record.resolved_at = utcnow()
        self._publish(result)
        return result

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


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:1000]


def _quarantine(session: Session, account_id: int, item: BatchItem, reason: str) -> None:
    from inbox_app.core.quarantine import record_item

    record_item(session, account_id, item, reason)


class _ThreadRec:
    """A conversation as this batch sees it; written once, when the batch is flushed.

    Building ORM objects and flushing them one by one cost more than everything
    else in ingest together, so threads and cases touched by a batch live here
    and are inserted or updated in a few multi-row statements per batch.
    """

    __slots__ = ("id", "customer_id", "case", "last_message_at", "changed", "insert")

    def __init__(self, id: int | None, customer_id: int, case: _CaseRec | None,
                 last_message_at: datetime, insert: dict[str, Any] | None = None) -> None:
        self.id = id
        self.customer_id = customer_id
        self.case = case
        self.last_message_at = last_message_at
        self.changed: set[str] = set()
        self.insert = insert  # the new row's values until it is written


class _CaseRec:
    __slots__ = ("id", "customer_id", "status", "resolved_at", "snoozed_until", "last_message_at",
                 "waiting_since", "first_response_at", "changed", "insert")

    FIELDS = ("customer_id", "status", "resolved_at", "snoozed_until", "last_message_at",
              "waiting_since", "first_response_at")

    def __init__(self, id: int | None, insert: dict[str, Any] | None = None, **values: Any) -> None:
        self.id = id
        for name in self.FIELDS:
            setattr(self, name, values.get(name))
        self.changed: set[str] = set()
        self.insert = insert

    def set(self, name: str, value: Any) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)
            self.changed.add(name)


_THREADS = Thread.__table__
_CASES = Case.__table__
_MESSAGES = Message.__table__
_CUSTOMERS = Customer.__table__
_IDENTITIES = Identity.__table__
_NO_THREAD = None  # a known message that files nowhere (our own echo matched to the outbox)


class _BatchWriter:
    """Writes a run of items with per-batch caches; one instance per attempt.

    Per batch it reads what it needs in a few queries (known messages, threads,
    cases, identities, outbox keys), decides everything in memory, and writes
    new threads, cases, messages and audit events in multi-row statements.
    """

    def __init__(self, session: Session, account: _Account, settings: StoreSettings) -> None:
        self.s = session
        self.account = account
        self.settings = settings
        self.result = IngestResult()
        self.identity_cache: dict[tuple[str, str], int] = {}
        self.identity_absent: set[tuple[str, str]] = set()
        self.threads: dict[int, _ThreadRec] = {}  # by id, so one record per thread
        self.thread_cache: dict[str, _ThreadRec] = {}  # by external key, this account
        self.msg_thread: dict[str, _ThreadRec | None] = {}
        self.cases: dict[int, _CaseRec] = {}
        self.new_threads: list[_ThreadRec] = []
        self.new_cases: list[_CaseRec] = []
        self.touched_cases: dict[int, _CaseRec] = {}  # by id(record): new ones have no id yet
        self.by_subject: dict[tuple[int, str], list[_ThreadRec]] = {}
        self.outbox: dict[str, dict[str, Any]] = {}
        self.audits: list[tuple[str, Any, dict[str, Any]]] = []
        self.pending: list[tuple[dict[str, Any], InboundItem, _ThreadRec, _CaseRec | None]] = []
        self.seen_external: set[str] = set()
        self.live_checked: set[int] = set()
        self.customer_ids: set[int] = set()
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.next_ids: dict[str, int] = {}
        self.new_customers: list[dict[str, Any]] = []
        self.new_identities: list[dict[str, Any]] = []

    def write(self, items: tuple[BatchItem, ...]) -> IngestResult:
        inbound = [i for i in items if isinstance(i, InboundItem)]
        self._preload(inbound)
        for item in items:
            if isinstance(item, InboundItem):
                self._inbound(item)
            elif isinstance(item, ItemUpdate):
                self._flush()
                self._update(item)
            elif isinstance(item, BrokenItem) and not self._already_quarantined(item.external_id):
                _quarantine(self.s, self.account.id, item, item.reason)
                self.result.quarantined += 1
        self._flush()
        self.result.customer_ids |= self.customer_ids
        self.result.case_ids |= {c.id for c in self.touched_cases.values() if c.id is not None}
        return self.result

    # ------------------------------------------------------------ preloading

    def _preload(self, items: list[InboundItem]) -> None:
        if not items:
            return
        ids = {i.external_id for i in items}
        refs = {r for i in items for r in (i.in_reply_to, *i.references) if r}
        known: dict[str, int | None] = {}
        for chunk in _chunks(ids | refs):
            for ext, thread_id in self.s.execute(
                select(Message.external_id, Message.thread_id).where(
                    Message.account_id == self.account.id, Message.external_id.in_(chunk))
            ):
                known[ext] = thread_id
        keys = {i.thread_key[:500] for i in items}
        thread_ids = {t for t in known.values() if t is not None}
        self._load_threads(Thread.account_id == self.account.id, Thread.external_key, keys)
        self._load_threads(None, Thread.id, thread_ids - set(self.threads))
        for ext, thread_id in known.items():
            self.msg_thread[ext] = self.threads.get(thread_id) if thread_id is not None else None
        # Our own replies seen again: one query for the whole batch instead of one per item.
        out_keys = {i.idempotency_key or i.external_id for i in items if i.direction == "out"}
        for chunk in _chunks(out_keys):
            for row in self.s.execute(
                select(Message.idempotency_key, Message.id, Message.external_id, Message.delivery)
                .where(Message.idempotency_key.in_(chunk))
            ):
                self.outbox[row.idempotency_key] = dict(row._mapping)
        self._preload_identities(items)
        if self.account.channel == "email":
            self._preload_subjects(items)

    def _load_threads(self, where: Any, column: Any, values: set[Any]) -> None:
        for chunk in _chunks(values):
            stmt = (
                select(Thread.id, Thread.customer_id, Thread.case_id, Thread.last_message_at,
                       Thread.external_key, Thread.account_id, Customer.merged_into_id)
                .join(Customer, Customer.id == Thread.customer_id)
                .where(column.in_(chunk))
            )
            if where is not None:
                stmt = stmt.where(where)
            self._add_threads(self.s.execute(stmt).all())

    def _add_threads(self, rows: Any) -> list[_ThreadRec]:
        out = []
        case_ids = set()
        for row in rows:
            rec = self.threads.get(row.id)
            if rec is None:
                rec = _ThreadRec(row.id, row.customer_id, None, aware(row.last_message_at))  # type: ignore[arg-type]
                rec.case = row.case_id  # resolved to a record below
                self.threads[row.id] = rec
                if row.merged_into_id is None:
                    self.live_checked.add(row.id)
                if row.case_id is not None:
                    case_ids.add(row.case_id)
            if row.account_id == self.account.id:
                self.thread_cache.setdefault(row.external_key, rec)
            out.append(rec)
        self._load_cases(case_ids - set(self.cases))
        for rec in out:
            if isinstance(rec.case, int):
                rec.case = self.cases.get(rec.case)
        return out

    def _load_cases(self, ids: set[int]) -> None:
        for chunk in _chunks(ids):
            for row in self.s.execute(
                select(Case.id, *(getattr(Case, f) for f in _CaseRec.FIELDS)).where(Case.id.in_(chunk))
            ):
                values = {f: getattr(row, f) for f in _CaseRec.FIELDS}
                for f in ("resolved_at", "snoozed_until", "last_message_at", "waiting_since",
                          "first_response_at"):
                    values[f] = aware(values[f])
                self.cases[row.id] = _CaseRec(row.id, **values)

    def _preload_identities(self, items: list[InboundItem]) -> None:
        wanted: set[tuple[str, str]] = set()
        for item in items:
            if item.direction == "in":
                norm = self._norm(item.sender.kind, item.sender.value)
                if norm:
                    wanted.add((item.sender.kind, norm))
            for extra in item.extra_identities:
                norm = self._norm(extra.kind, extra.value)
                if norm:
                    wanted.add((extra.kind, norm))
        by_kind: dict[str, set[str]] = {}
        for kind, value in wanted:
            by_kind.setdefault(kind, set()).add(value)
        for kind, values in by_kind.items():
            for chunk in _chunks(values):
                for value, customer_id, merged in self.s.execute(
                    select(Identity.value, Identity.customer_id, Customer.merged_into_id)
                    .join(Customer, Customer.id == Identity.customer_id)
                    .where(Identity.kind == kind, Identity.value.in_(chunk))
                ):
                    if merged is not None:
                        customer_id = live_customer_id(self.s, customer_id)
                    self.identity_cache[(kind, value)] = customer_id
        self.identity_absent = wanted - set(self.identity_cache)

    def _preload_subjects(self, items: list[InboundItem]) -> None:
        """Threads a reply without headers may join: same customer, same subject, email."""
        customers: set[int] = set()
        subjects: set[str] = set()
        for item in items:
            if item.direction != "in" or not item.subject:
                continue
            norm = normalize_subject(item.subject)
            key = (item.sender.kind, self._norm(item.sender.kind, item.sender.value) or "")
            if norm and key in self.identity_cache:
                customers.add(self.identity_cache[key])
                subjects.add(norm)
        if not customers:
            return
        oldest = min(aware(i.sent_at) or utcnow() for i in items) - timedelta(
            days=self.settings.subject_thread_days)
        for chunk in _chunks(customers):
            rows = self.s.execute(
                select(Thread.id, Thread.customer_id, Thread.case_id, Thread.last_message_at,
                       Thread.external_key, Thread.account_id, Thread.norm_subject,
                       Customer.merged_into_id)
                .join(Customer, Customer.id == Thread.customer_id)
                .where(Thread.customer_id.in_(chunk), Thread.norm_subject.in_(subjects),
                       Thread.channel == "email", Thread.last_message_at >= oldest)
            ).all()
            for row, rec in zip(rows, self._add_threads(rows), strict=True):
                self._index_subject(rec, row.norm_subject)

    def _index_subject(self, rec: _ThreadRec, norm: str | None) -> None:
        if norm:
            bucket = self.by_subject.setdefault((rec.customer_id, norm), [])
            if rec not in bucket:
                bucket.append(rec)

    def _norm(self, kind: str, value: str) -> str | None:
        return _normalized(kind, value, self.settings.default_phone_region)

    # ------------------------------------------------------------ inbound

    def _inbound(self, item: InboundItem) -> None:
        if item.external_id in self.msg_thread or item.external_id in self.seen_external:
            self.result.duplicates += 1
            return
        if item.direction == "out" and self._match_outbox(item):
            return
        if item.bounce_of:
            self._mark_bounced(item)
        thread = self._find_thread(item)
        if thread is None:
            customer_id = self._customer_for(item)
            if customer_id is None:
                self.result.duplicates += 1  # our own mail to nobody we know: nothing to file
                return
            thread = self._new_thread(item, customer_id)
        elif thread.id is not None and thread.id not in self.live_checked:
            # People can be merged between batches: always file under the live customer.
            self.live_checked.add(thread.id)
            live = live_customer_id(self.s, thread.customer_id)
            if live != thread.customer_id:
                thread.customer_id = live
                thread.changed.add("customer_id")
        self._extra_identities(item, thread.customer_id)
        case = self._case_for(item, thread)
        sent_at = aware(item.sent_at) or utcnow()
        row: dict[str, Any] = {
            "account_id": self.account.id,
            "direction": item.direction,
            "channel": self.account.channel,
            "external_id": item.external_id,
            "sender": _sender_text(item),
            "sent_at": sent_at,
            "subject": item.subject,
            "text": item.text or "",
            "html": item.html,
            "is_auto": item.is_auto,
            "delivery": "sent" if item.direction == "out" else None,
            "idempotency_key": None,
            "attempts": 0,
            "in_reply_to": item.in_reply_to,
            "meta": dict(item.meta) or None,
        }
        self.pending.append((row, item, thread, case))
        self.seen_external.add(item.external_id)
        self.msg_thread[item.external_id] = thread
        if sent_at > thread.last_message_at:
            thread.last_message_at = sent_at
            thread.changed.add("last_message_at")
        if case is not None:
            self._touch_case(case, item, sent_at)
        self.customer_ids.add(thread.customer_id)

    def _match_outbox(self, item: InboundItem) -> bool:
        """Our own reply seen again (a chat echo, the Sent folder): no second copy."""
        key = item.idempotency_key or item.external_id
        row = self.outbox.get(key)
        if row is None:
            return False
        values: dict[str, Any] = {}
        if row["external_id"] is None:
            values["external_id"] = item.external_id
        if row["delivery"] in ("queued", "sending"):
            values.update(delivery="sent", error=None)
        if values:
            self.s.execute(update(Message).where(Message.id == row["id"]).values(**values))
            self.result.changed_message_ids.append(row["id"])
            row.update(values)
        self.result.duplicates += 1
        self.msg_thread[item.external_id] = _NO_THREAD
        return True

    def _mark_bounced(self, item: InboundItem) -> None:
        key = item.bounce_of
        row = self.s.execute(
            select(Message.id, Message.case_id).where(
                Message.direction == "out",
                (Message.idempotency_key == key)
                | ((Message.account_id == self.account.id) & (Message.external_id == key)),
            )
        ).first()
        if row is None:
            return
        reason = f"bounced: {item.bounce_reason or 'the receiving server returned the message'}"
        self.s.execute(
            update(Message).where(Message.id == row.id).values(delivery="failed", error=reason[:1000])
        )
        self.result.changed_message_ids.append(row.id)
        if row.case_id:
            self.result.case_ids.add(row.case_id)

    def _find_thread(self, item: InboundItem) -> _ThreadRec | None:
        for ref in (item.in_reply_to, *reversed(item.references)):
            if ref:
                thread = self.msg_thread.get(ref)
                if thread is not None:
                    return thread
        thread = self.thread_cache.get(item.thread_key[:500])
        if thread is not None:
            return thread
        if self.account.channel == "email" and item.subject and item.direction == "in":
            return self._thread_by_subject(item)
        return None

    def _thread_by_subject(self, item: InboundItem) -> _ThreadRec | None:
        """A reply whose mail program dropped the headers still joins its conversation."""
        norm = normalize_subject(item.subject)
        if not norm:
            return None
        ident = self._sender_identity(item)
        if ident is None:
            return None
        customer_id = self._lookup_identity(*ident)
        if customer_id is None:
            return None
        since = (aware(item.sent_at) or utcnow()) - timedelta(days=self.settings.subject_thread_days)
        best = None
        for rec in self.by_subject.get((customer_id, norm), ()):
            if rec.customer_id == customer_id and rec.last_message_at >= since and (
                    best is None or rec.last_message_at > best.last_message_at):
                best = rec
        return best

    def _sender_identity(self, item: InboundItem) -> tuple[str, str] | None:
        if item.direction == "out":
            recipients = item.meta.get("to") or ()
            for value in recipients:
                norm = self._norm("email", str(value))
                if norm:
                    return ("email", norm)
            return None
        norm = self._norm(item.sender.kind, item.sender.value)
        if norm is None:
            raise IngestError(f"sender {item.sender.value!r} is not a valid {item.sender.kind} identifier")
        return (item.sender.kind, norm)

    def _lookup_identity(self, kind: str, value: str) -> int | None:
        key = (kind, value)
        if key in self.identity_cache:
            return self.identity_cache[key]
        if key in self.identity_absent:
            return None
        customer_id = self.s.scalar(
            select(Identity.customer_id).where(Identity.kind == kind, Identity.value == value)
        )
        if customer_id is not None:
            customer_id = live_customer_id(self.s, customer_id)
            self.identity_cache[key] = customer_id
        else:
            self.identity_absent.add(key)
        return customer_id

    def _customer_for(self, item: InboundItem) -> int | None:
        ident = self._sender_identity(item)
        if ident is None:
            return None
        customer_id = self._lookup_identity(*ident)
        if customer_id is None:
            # A new address that brings an identifier we already know (the phone in a
            # signature, a WhatsApp bridge) is that person's: no stranger to merge later.
            for extra in item.extra_identities:
                norm = self._norm(extra.kind, extra.value)
                known = self._lookup_identity(extra.kind, norm) if norm else None
                if known is not None:
                    self._add_identity(known, ident, item.sender.display_name)
                    return known
            name = item.sender.display_name if item.direction == "in" else None
            customer_id = self._create_customer(name or ident[1])
            self._add_identity(customer_id, ident, item.sender.display_name)
        return customer_id

    def _create_customer(self, name: str) -> int:
        values = {"name": name[:300] or "Unknown", "details": {}, "created_at": utcnow()}
        if not self.sqlite:
            return int(self.s.scalar(insert(_CUSTOMERS).values(**values).returning(_CUSTOMERS.c.id)))
        # SQLite: the id is known (see _next_id); the row is written with the batch.
        customer_id = self._next_id(_CUSTOMERS)
        self.new_customers.append({"id": customer_id, **values})
        return customer_id

    def _add_identity(self, customer_id: int, ident: tuple[str, str], display: str | None) -> None:
        values = {"customer_id": customer_id, "kind": ident[0], "value": ident[1],
                  "display": display, "created_at": utcnow()}
        if self.sqlite:
            self.new_identities.append({"id": self._next_id(_IDENTITIES), **values})
        else:
            self.s.execute(insert(_IDENTITIES).values(**values))
        self.identity_cache[ident] = customer_id
        self.identity_absent.discard(ident)

    def _next_id(self, table: Any) -> int:
        """The next free id of ``table`` on SQLite, where this transaction holds the only
        write lock (BEGIN IMMEDIATE) and ids are max + 1: no round trip per new row."""
        if table.name not in self.next_ids:
            self.next_ids[table.name] = (self.s.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value

    def _extra_identities(self, item: InboundItem, customer_id: int) -> None:
        for extra in item.extra_identities:
            norm = self._norm(extra.kind, extra.value)
            if norm is None:
                continue
            owner = self._lookup_identity(extra.kind, norm)
            if owner is None:
                self._add_identity(customer_id, (extra.kind, norm), extra.display_name)
            elif owner != customer_id:
                # The same exact identifier on two customers is the same person. Rows
                # still pending belong to the old customer: write them so they move too.
                self._flush()
                merge(self.s, owner, customer_id, actor=None, reason=f"same {extra.kind} {norm}")
                self._moved(owner, customer_id)
                self.result.customer_ids.add(owner)

    def _moved(self, source: int, target: int) -> None:
        """A merge moved the source's threads and cases in the store: follow in memory."""
        for rec in self.threads.values():
            if rec.customer_id == source:
                rec.customer_id = target
        for thread in self.new_threads:  # all written by the flush before the merge
            if thread.customer_id == source:
                thread.customer_id = target
        for case in self.cases.values():
            if case.customer_id == source:
                case.customer_id = target
        self.identity_cache = {k: (target if v == source else v)
                               for k, v in self.identity_cache.items()}
        for (customer_id, norm), bucket in list(self.by_subject.items()):
            if customer_id == source:
                del self.by_subject[(customer_id, norm)]
                for rec in bucket:
                    self._index_subject(rec, norm)
        self.customer_ids.discard(source)
        self.customer_ids.add(target)

    def _new_thread(self, item: InboundItem, customer_id: int) -> _ThreadRec:
        sent_at = aware(item.sent_at) or utcnow()
        norm = normalize_subject(item.subject)
        values = {
            "account_id": self.account.id,
            "channel": self.account.channel,
            "external_key": item.thread_key[:500],
            "subject": (item.subject or None) and item.subject[:500],
            "norm_subject": norm,
            "encrypted": bool(item.meta.get("encrypted")),
            "created_at": sent_at,
        }
        thread = _ThreadRec(None, customer_id, None, sent_at, insert=values)
        self.new_threads.append(thread)
        self.thread_cache[values["external_key"]] = thread
        if self.account.channel == "email":
            self._index_subject(thread, norm)
        return thread

    # ------------------------------------------------------------ cases

    def _case_for(self, item: InboundItem, thread: _ThreadRec) -> _CaseRec | None:
        customer_reply = item.direction == "in" and not item.is_auto
        case = thread.case
        if case is not None and case.status == "resolved" and customer_reply:
            resolved_at = case.resolved_at or utcnow()
            window = timedelta(days=self.settings.reopen_window_days)
            if (aware(item.sent_at) or utcnow()) - resolved_at <= window:
                case.set("status", "open")
                case.set("resolved_at", None)
                self.audits.append(("case.reopened", case, {"by_message": item.external_id}))
            else:
                case = None  # too long ago: this is a new matter
        elif case is not None and customer_reply and case.status in ("pending", "snoozed"):
            case.set("status", "open")
            case.set("snoozed_until", None)
        if case is None and customer_reply:
            case = self._open_case(item, thread)
        return case

    def _open_case(self, item: InboundItem, thread: _ThreadRec) -> _CaseRec:
        sent_at = aware(item.sent_at) or utcnow()
        values = {
            "priority": "normal",
            "subject": (item.subject or _first_line(item.text))[:500] or None,
            "tags": {},
            "opened_at": sent_at,
            "first_response_due": sent_at + timedelta(hours=self.settings.first_response_hours),
        }
        case = _CaseRec(None, insert=values, customer_id=thread.customer_id, status="open",
                        last_message_at=sent_at)
        self.new_cases.append(case)
        thread.case = case
        thread.changed.add("case_id")
        self.audits.append(("case.opened", case, {"thread_id": thread}))
        return case

    def _touch_case(self, case: _CaseRec, item: InboundItem, sent_at: datetime) -> None:
        self.touched_cases[id(case)] = case
        if sent_at > (case.last_message_at or sent_at):
            case.set("last_message_at", sent_at)
        if item.direction == "in" and not item.is_auto:
            if case.waiting_since is None:
                case.set("waiting_since", sent_at)
        elif item.direction == "out":
            case.set("waiting_since", None)
            if case.first_response_at is None:
                case.set("first_response_at", sent_at)

    # ------------------------------------------------------------ updates

    def _update(self, item: ItemUpdate) -> None:
        row = self.s.execute(
            select(Message.id, Message.text, Message.meta, Message.case_id).where(
                Message.account_id == self.account.id,
                Message.external_id == item.target_external_id,
            )
        ).first()
        if row is None:
            logger.info("update for a message never stored (account %s); kept in quarantine",
                        self.account.id)
            if not self._already_quarantined(item.external_id or item.target_external_id):
                _quarantine(self.s, self.account.id, item,
                            f"{item.kind} of a message that is not in the store")
                self.result.quarantined += 1
            return
        meta = dict(row.meta or {})
        values: dict[str, Any] = {}
        if item.kind == "edit":
            if row.text == (item.text or "") and meta.get("edited"):
                return
            audit.record(self.s, None, "message.edited", "message", row.id, previous=row.text)
            meta["edited"] = True
            meta["edited_at"] = (item.at or utcnow()).isoformat()
            values.update(text=item.text or "", meta=meta)
            if item.html is not None:
                values["html"] = item.html
        else:
            if meta.get("redacted"):
                return
            audit.record(self.s, None, "message.redacted", "message", row.id,
                         previous=row.text, reason=item.reason)
            meta["redacted"] = True
            meta["redaction_reason"] = item.reason
            values.update(text="", html=None, meta=meta)
        self.s.execute(update(Message).where(Message.id == row.id).values(**values))
        self.result.updated += 1
        self.result.changed_message_ids.append(row.id)
        if row.case_id:
            self.result.case_ids.add(row.case_id)

    def _already_quarantined(self, external_id: str) -> bool:
        return self.s.scalar(
            select(QuarantineItem.id).where(
                QuarantineItem.account_id == self.account.id,
                QuarantineItem.external_id == external_id,
            ).limit(1)
        ) is not None

    # ------------------------------------------------------------ flushing

    def _flush(self) -> None:
        """Write everything decided so far: new cases, threads, changes, audit, messages."""
        s = self.s
        if self.new_customers:
            _sqlite_insert_rows(s, _CUSTOMERS, self.new_customers)
            self.new_customers.clear()
        if self.new_identities:
            _sqlite_insert_rows(s, _IDENTITIES, self.new_identities)
            self.new_identities.clear()
        if self.new_cases:
            rows = [{**c.insert, **{f: getattr(c, f) for f in _CaseRec.FIELDS}}  # type: ignore[dict-item]
                    for c in self.new_cases]
            ids = self._insert(_CASES, rows)
            for case, case_id in zip(self.new_cases, ids, strict=True):
                case.id, case.insert, case.changed = case_id, None, set()
                self.cases[case_id] = case
                self.result.case_ids.add(case_id)
            self.new_cases.clear()
        if self.new_threads:
            rows = [{**t.insert, "customer_id": t.customer_id,  # type: ignore[dict-item]
                     "case_id": t.case.id if t.case else None, "last_message_at": t.last_message_at}
                    for t in self.new_threads]
            ids = self._insert(_THREADS, rows)
            for thread, thread_id in zip(self.new_threads, ids, strict=True):
                thread.id, thread.insert, thread.changed = thread_id, None, set()
                self.threads[thread_id] = thread
                self.live_checked.add(thread_id)
            self.new_threads.clear()
        self._write_changes()
        if self.audits:
            now = utcnow()
            s.execute(insert(AuditEvent.__table__), [
                {"at": now, "actor": audit.SYSTEM, "action": action, "object_type": "case",
                 "object_id": case.id,
                 "data": {k: (v.id if isinstance(v, _ThreadRec) else v) for k, v in data.items()}}
                for action, case, data in self.audits])
            self.audits.clear()
        if not self.pending:
            return
        rows = []
        for row, _item, thread, case in self.pending:
            row["thread_id"] = thread.id
            row["case_id"] = case.id if case is not None else None
            row["customer_id"] = thread.customer_id
            rows.append(row)
        ids = self._insert(_MESSAGES, rows)
        raws = []
        for message_id, (_row, item, _t, _c) in zip(ids, self.pending, strict=True):
            if item.raw:
                raws.append({"message_id": message_id, "data": zlib.compress(item.raw, 6)})
            if item.attachments:
                self._attachments(message_id, item)
        if raws:
            s.execute(insert(MessageRaw), raws)
        self.result.message_ids += ids
        self.result.stored += len(ids)
        self.pending.clear()

    def _insert(self, table: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in multi-row statements; returns their ids in order."""
        if not self.sqlite:
            return list(self.s.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
        # SQLite cannot promise RETURNING order for a multi-row insert, and SQLAlchemy
        # then inserts row by row (and the search index is updated row by row, several
        # times slower). The write lock is ours since BEGIN IMMEDIATE, so the next ids
        # are known: give them explicitly and insert a few hundred rows per statement.
        ids = [self._next_id(table) for _ in rows]
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id
        _sqlite_insert_rows(self.s, table, rows)
        return ids

    def _write_changes(self) -> None:
        """Changed columns of existing threads and cases, grouped into executemany updates."""
        groups: dict[tuple[Any, tuple[str, ...]], list[dict[str, Any]]] = {}
        for thread in self.threads.values():
            if thread.changed:
                cols = tuple(sorted(thread.changed))
                values = {"_id": thread.id, "customer_id": thread.customer_id,
                          "case_id": thread.case.id if thread.case else None,
                          "last_message_at": thread.last_message_at}
                groups.setdefault((_THREADS, cols), []).append({c: values[c] for c in ("_id", *cols)})
                thread.changed = set()
        for case in self.cases.values():
            if case.changed:
                cols = tuple(sorted(case.changed))
                row = {"_id": case.id, **{c: getattr(case, c) for c in cols}}
                groups.setdefault((_CASES, cols), []).append(row)
                case.changed = set()
        for (table, cols), rows in groups.items():
            self.s.execute(
                update(table).where(table.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in cols}),
                rows,
            )

    def _attachments(self, message_id: int, item: InboundItem) -> None:
        for att in item.attachments:
            digest = hashlib.sha256(att.data).hexdigest()
            self.s.execute(_insert_ignore(self.s, digest, att.data))
            self.s.execute(
                insert(Attachment).values(
                    message_id=message_id, sha256=digest, filename=att.filename[:255],
                    content_type=att.content_type[:200], size=len(att.data),
                    content_id=att.content_id, inline=att.inline,
                )
            )


def _sqlite_insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs sent straight to the driver (SQLAlchemy compiles such a
    statement anew for every batch, which costs more than SQLite's work). Values go
    through each column type's own conversion, so rows read back exactly as if the
    ORM had written them."""
    conn = session.connection()
    dialect = conn.dialect
    cols = [table.c[name] for name in rows[0]]
    convert = [col.type.dialect_impl(dialect).bind_processor(dialect) for col in cols]
    # No metadata is SQL NULL, not the JSON text "null": smaller, and reading a
    # 5,000-message timeline then skips 5,000 JSON decodes.
    nullable_json = [isinstance(col.type, JSON) for col in cols]
    names = ", ".join(dialect.identifier_preparer.quote(col.name) for col in cols)
    one = "(" + ", ".join("?" * len(cols)) + ")"
    per_statement = max(1, 30000 // len(cols))  # SQLite's limit on bound values
    for i in range(0, len(rows), per_statement):
        chunk = rows[i:i + per_statement]
        params: list[Any] = []
        for row in chunk:
            for col, fn, is_json in zip(cols, convert, nullable_json, strict=True):
                value = row[col.name]
                if fn is None or (value is None and is_json):
                    params.append(value)
                else:
                    params.append(fn(value))
        sql = f"INSERT INTO {table.name} ({names}) VALUES " + ", ".join([one] * len(chunk))
        conn.exec_driver_sql(sql, tuple(params))


@functools.lru_cache(maxsize=65536)  # parsing phone numbers is slow; people write again
def _normalized(kind: str, value: str, region: str | None) -> str | None:
    return try_normalize(kind, value, default_region=region)


def _chunks(values: set[Any], size: int = 500) -> list[list[Any]]:
    """IN lists in slices: SQLite allows a limited number of bound values per statement."""
    items = list(values)
    return [items[i:i + size] for i in range(0, len(items), size)]




def _insert_ignore(session: Session, digest: str, data: bytes):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(AttachmentBlob)
        .values(sha256=digest, size=len(data), data=data)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )


def _sender_text(item: InboundItem) -> str:
    return _sender_label(item.sender.kind, item.sender.value, item.sender.display_name)


@functools.lru_cache(maxsize=4096)  # the same people write again and again
def _sender_label(kind: str, value: str, name: str | None) -> str:
    if kind == "email":
        parsed_name, addr = parseaddr(value)
        value, name = addr or value, name or parsed_name or None
    return (f"{name} <{value}>" if name and name != value else value)[:320]


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
