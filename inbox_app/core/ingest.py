"""The ingest service: a connector's batch becomes customers, threads, cases and messages.

A batch and the cursor after it are stored in one transaction, so a crash at
any point either keeps both or neither: nothing is lost, nothing is stored
twice (messages are also unique per account and external ID, so a replayed
batch is harmless). Items that cannot be stored go to quarantine with their
reason; the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from email.utils import parseaddr
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Batch, BatchItem, BrokenItem, InboundItem, ItemUpdate
from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers_store import add_identity, create_customer, live_customer_id, merge
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded, MessagesChanged
from inbox_app.core.identities import normalize_subject, try_normalize
from inbox_app.core.models import (
    Attachment,
    AttachmentBlob,
    Case,
    ChannelAccount,
    Identity,
    Message,
    MessageRaw,
    QuarantineItem,
    Thread,
)
from inbox_app.core.store_settings import StoreSettings

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

    def retry_quarantined(self, quarantine_id: int) -> IngestResult:
        """Store a quarantined item again (after a fix); it stays if it fails again."""
        from inbox_app.core.quarantine import item_from_record

        with self._factory() as session, session.begin():
            record = session.get(QuarantineItem, quarantine_id)
            if record is None:
                raise IngestError(f"no quarantined item with id {quarantine_id}")
            if record.resolved_at is not None:
                raise IngestError(f"quarantined item {quarantine_id} was already stored")
            item = item_from_record(record)
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


class _BatchWriter:
    """Writes a run of items with per-batch caches; one instance per attempt."""

    def __init__(self, session: Session, account: _Account, settings: StoreSettings) -> None:
        self.s = session
        self.account = account
        self.settings = settings
        self.result = IngestResult()
        self.identity_cache: dict[tuple[str, str], int] = {}
        self.thread_cache: dict[str, Thread] = {}
        self.msg_thread: dict[str, int] = {}
        self.touched_threads: dict[int, Thread] = {}
        self.touched_cases: dict[int, Case] = {}
        self.pending: list[tuple[dict[str, Any], InboundItem]] = []
        self.seen_external: set[str] = set()
        self.live_checked: set[int] = set()

    def write(self, items: tuple[BatchItem, ...]) -> IngestResult:
        inbound = [i for i in items if isinstance(i, InboundItem)]
        self._preload(inbound)
        for item in items:
            if isinstance(item, InboundItem):
                self._inbound(item)
            elif isinstance(item, ItemUpdate):
                self._flush()
                self._update(item)
            elif isinstance(item, BrokenItem):
                if not self._already_quarantined(item.external_id):
                    _quarantine(self.s, self.account.id, item, item.reason)
                    self.result.quarantined += 1
        self._flush()
        return self.result

    # ------------------------------------------------------------ preloading

    def _preload(self, items: list[InboundItem]) -> None:
        if not items:
            return
        ids = {i.external_id for i in items}
        refs = {r for i in items for r in (i.in_reply_to, *i.references) if r}
        known = ids | refs
        for ext, thread_id in self.s.execute(
            select(Message.external_id, Message.thread_id).where(
                Message.account_id == self.account.id, Message.external_id.in_(known)
            )
        ):
            self.msg_thread[ext] = thread_id
        keys = {i.thread_key for i in items}
        for thread in self.s.scalars(
            select(Thread).where(Thread.account_id == self.account.id, Thread.external_key.in_(keys))
        ):
            self.thread_cache[thread.external_key] = thread

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
        else:
            # People can be merged between batches: always file under the live customer.
            if thread.id not in self.live_checked:
                self.live_checked.add(thread.id)
                live = live_customer_id(self.s, thread.customer_id)
                if live != thread.customer_id:
                    thread.customer_id = live
        self._extra_identities(item, thread.customer_id)
        case = self._case_for(item, thread)
        sent_at = aware(item.sent_at) or utcnow()
        row: dict[str, Any] = {
            "account_id": self.account.id,
            "thread_id": thread.id,
            "case_id": case.id if case else None,
            "customer_id": thread.customer_id,
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
        self.pending.append((row, item))
        self.seen_external.add(item.external_id)
        self.msg_thread[item.external_id] = thread.id
        if sent_at > aware(thread.last_message_at):  # type: ignore[operator]
            thread.last_message_at = sent_at
        self.touched_threads[thread.id] = thread
        if case is not None:
            self._touch_case(case, item, sent_at)
        self.result.customer_ids.add(thread.customer_id)

    def _match_outbox(self, item: InboundItem) -> bool:
        """Our own reply seen again (a chat echo, the Sent folder): no second copy."""
        key = item.idempotency_key or item.external_id
        row = self.s.execute(
            select(Message.id, Message.external_id, Message.delivery).where(
                Message.idempotency_key == key
            )
        ).first()
        if row is None:
            return False
        values: dict[str, Any] = {}
        if row.external_id is None:
            values["external_id"] = item.external_id
        if row.delivery in ("queued", "sending"):
            values.update(delivery="sent", error=None)
        if values:
            self.s.execute(update(Message).where(Message.id == row.id).values(**values))
            self.result.changed_message_ids.append(row.id)
        self.result.duplicates += 1
        self.msg_thread[item.external_id] = -1
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

    def _find_thread(self, item: InboundItem) -> Thread | None:
        for ref in (item.in_reply_to, *reversed(item.references)):
            if ref and self.msg_thread.get(ref, -1) > 0:
                thread = self.s.get(Thread, self.msg_thread[ref])
                if thread is not None:
                    return thread
        thread = self.thread_cache.get(item.thread_key)
        if thread is not None:
            return thread
        if self.account.channel == "email" and item.subject and item.direction == "in":
            return self._thread_by_subject(item)
        return None

    def _thread_by_subject(self, item: InboundItem) -> Thread | None:
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
        return self.s.scalar(
            select(Thread)
            .where(
                Thread.customer_id == customer_id,
                Thread.norm_subject == norm,
                Thread.channel == "email",
                Thread.last_message_at >= since,
            )
            .order_by(Thread.last_message_at.desc())
            .limit(1)
        )

    def _sender_identity(self, item: InboundItem) -> tuple[str, str] | None:
        if item.direction == "out":
            recipients = item.meta.get("to") or ()
            for value in recipients:
                norm = try_normalize("email", str(value))
                if norm:
                    return ("email", norm)
            return None
        norm = try_normalize(
            item.sender.kind, item.sender.value, default_region=self.settings.default_phone_region
        )
        if norm is None:
            raise IngestError(f"sender {item.sender.value!r} is not a valid {item.sender.kind} identifier")
        return (item.sender.kind, norm)

    def _lookup_identity(self, kind: str, value: str) -> int | None:
        key = (kind, value)
        if key in self.identity_cache:
            return self.identity_cache[key]
        customer_id = self.s.scalar(
            select(Identity.customer_id).where(Identity.kind == kind, Identity.value == value)
        )
        if customer_id is not None:
            customer_id = live_customer_id(self.s, customer_id)
            self.identity_cache[key] = customer_id
        return customer_id

    def _customer_for(self, item: InboundItem) -> int | None:
        ident = self._sender_identity(item)
        if ident is None:
            return None
        customer_id = self._lookup_identity(*ident)
        if customer_id is None:
            name = item.sender.display_name if item.direction == "in" else None
            customer_id = create_customer(self.s, name or ident[1])
            add_identity(self.s, customer_id, ident[0], ident[1], item.sender.display_name)
            self.identity_cache[ident] = customer_id
        return customer_id

    def _extra_identities(self, item: InboundItem, customer_id: int) -> None:
        for extra in item.extra_identities:
            norm = try_normalize(extra.kind, extra.value, default_region=self.settings.default_phone_region)
            if norm is None:
                continue
            owner = self._lookup_identity(extra.kind, norm)
            if owner is None:
                add_identity(self.s, customer_id, extra.kind, norm, extra.display_name)
                self.identity_cache[(extra.kind, norm)] = customer_id
            elif owner != customer_id:
                # The same exact identifier on two customers is the same person. Rows
                # still pending belong to the old customer: write them so they move too.
                self._flush()
                merge(self.s, owner, customer_id, actor=None, reason=f"same {extra.kind} {norm}")
                self.live_checked.clear()
                self.identity_cache = {k: (customer_id if v == owner else v)
                                       for k, v in self.identity_cache.items()}
                self.result.customer_ids.add(owner)

    def _new_thread(self, item: InboundItem, customer_id: int) -> Thread:
        thread = Thread(
            account_id=self.account.id,
            customer_id=customer_id,
            channel=self.account.channel,
            external_key=item.thread_key[:500],
            subject=(item.subject or None) and item.subject[:500],
            norm_subject=normalize_subject(item.subject),
            encrypted=bool(item.meta.get("encrypted")),
            created_at=aware(item.sent_at) or utcnow(),
            last_message_at=aware(item.sent_at) or utcnow(),
        )
        self.s.add(thread)
        self.s.flush()
        self.live_checked.add(thread.id)
        self.thread_cache[thread.external_key] = thread
        return thread

    # ------------------------------------------------------------ cases

    def _case_for(self, item: InboundItem, thread: Thread) -> Case | None:
        customer_reply = item.direction == "in" and not item.is_auto
        case = self.touched_cases.get(thread.case_id or 0) or (
            self.s.get(Case, thread.case_id) if thread.case_id else None
        )
        if case is not None and case.status == "resolved" and customer_reply:
            resolved_at = aware(case.resolved_at) or utcnow()
            window = timedelta(days=self.settings.reopen_window_days)
            if (aware(item.sent_at) or utcnow()) - resolved_at <= window:
                case.status = "open"
                case.resolved_at = None
                audit.record(self.s, None, "case.reopened", "case", case.id,
                             by_message=item.external_id)
            else:
                case = None  # too long ago: this is a new matter
        elif case is not None and customer_reply and case.status in ("pending", "snoozed"):
            case.status = "open"
            case.snoozed_until = None
        if case is None and customer_reply:
            case = self._open_case(item, thread)
        if case is not None:
            self.result.case_ids.add(case.id)
        return case

    def _open_case(self, item: InboundItem, thread: Thread) -> Case:
        sent_at = aware(item.sent_at) or utcnow()
        case = Case(
            customer_id=thread.customer_id,
            status="open",
            priority="normal",
            subject=(item.subject or _first_line(item.text))[:500] or None,
            tags={},
            opened_at=sent_at,
            last_message_at=sent_at,
            first_response_due=sent_at + timedelta(hours=self.settings.first_response_hours),
        )
        self.s.add(case)
        self.s.flush()
        thread.case_id = case.id
        self.touched_threads[thread.id] = thread
        audit.record(self.s, None, "case.opened", "case", case.id, thread_id=thread.id)
        return case

    def _touch_case(self, case: Case, item: InboundItem, sent_at: datetime) -> None:
        self.touched_cases[case.id] = case
        if sent_at > (aware(case.last_message_at) or sent_at):
            case.last_message_at = sent_at
        if item.direction == "in" and not item.is_auto:
            if case.waiting_since is None:
                case.waiting_since = sent_at
        elif item.direction == "out":
            case.waiting_since = None
            if case.first_response_at is None:
                case.first_response_at = sent_at

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
        if not self.pending:
            return
        self.s.flush()  # new threads and cases first
        rows = [row for row, _ in self.pending]
        ids = list(
            self.s.scalars(
                insert(Message).returning(Message.id, sort_by_parameter_order=True), rows
            )
        )
        raws = []
        for message_id, (_row, item) in zip(ids, self.pending, strict=True):
            if item.raw:
                raws.append({"message_id": message_id, "data": zlib.compress(item.raw, 6)})
            if item.attachments:
                self._attachments(message_id, item)
        if raws:
            self.s.execute(insert(MessageRaw), raws)
        self.result.message_ids += ids
        self.result.stored += len(ids)
        self.pending.clear()
        self.s.flush()

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


def _insert_ignore(session: Session, digest: str, data: bytes):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(AttachmentBlob)
        .values(sha256=digest, size=len(data), data=data)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )


def _sender_text(item: InboundItem) -> str:
    name = item.sender.display_name
    value = item.sender.value
    if item.sender.kind == "email":
        parsed_name, addr = parseaddr(value)
        value, name = addr or value, name or parsed_name or None
    return (f"{name} <{value}>" if name and name != value else value)[:320]


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
