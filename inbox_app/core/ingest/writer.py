"""One attempt at storing a run of items: filing each into a thread, customer and case.

The steps each live in their own module and share one ``BatchState``: preloading
(preload.py), customers (customers.py), threads (threads.py), case rules
(cases.py), updates to stored messages (updates.py) and SQL writing (sql.py).
This one walks the items and decides what each becomes.

What the store holds is compared in core's words (``core.vocab``); an item's own
fields (``direction``, ``kind``) keep the ``Literal`` words of ``connectors.base``,
which connectors share without importing the application and mypy checks as such.
"""

from __future__ import annotations

import functools
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from connectors.base import BatchItem, BrokenItem, InboundItem, ItemUpdate
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.ingest.cases import CaseRules
from inbox_app.core.ingest.customers import CustomerResolver
from inbox_app.core.ingest.identity import EmailIdentity
from inbox_app.core.ingest.preload import Preloader
from inbox_app.core.ingest.quarantine import already_quarantined, record_item
from inbox_app.core.ingest.records import NO_THREAD, Account, IngestResult
from inbox_app.core.ingest.sql import SqlWriter
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.ingest.threads import Threading
from inbox_app.core.ingest.updates import MessageUpdates
from inbox_app.core.service import clocks
from inbox_app.core.store.models import Message
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.vocab import Delivery, Direction, IdentityKind

# An outbound message the channel shows again is ours if it is still on its way.
_ON_ITS_WAY = (Delivery.QUEUED, Delivery.SENDING)


class BatchWriter:
    """Writes a run of items with per-batch caches; one instance per attempt.

    Per batch it reads what it needs in a few queries (known messages, threads,
    cases, identities, outbox keys), decides everything in memory, and writes
    new threads, cases, messages and audit events in multi-row statements.
    """

    def __init__(self, session: Session, account: Account, settings: StoreSettings) -> None:
        self.state = state = BatchState(session, account, settings)
        self.sql = SqlWriter(state)
        self.preloader = Preloader(state)
        self.customers = CustomerResolver(state, self.sql)
        self.threading = Threading(state, self.customers, self.preloader)
        self.cases = CaseRules(state)
        self.updates = MessageUpdates(state)
        self.identity = EmailIdentity(state)

    def write(self, items: tuple[BatchItem, ...]) -> IngestResult:
        st = self.state
        inbound = [i for i in items if isinstance(i, InboundItem)]
        self.preloader.preload(inbound)
        for item in items:
            if isinstance(item, InboundItem):
                st.result.fetched += 1
                self._inbound(item)
            elif isinstance(item, ItemUpdate):
                self.sql.flush()
                self.updates.apply(item)
            elif isinstance(item, BrokenItem):
                st.result.fetched += 1
                # The same bytes waiting already (a replayed batch, a rebuilt folder) are
                # one item; another message that shares its ID is kept beside it.
                if already_quarantined(st.session, st.account.id, item.external_id, item.raw):
                    st.result.duplicates += 1
                else:
                    record_item(st.session, st.account.id, item, item.reason)
                    st.result.quarantined += 1
        self.sql.flush()
        st.result.customer_ids |= st.customer_ids
        touched = {c.id for c in st.touched_cases.values() if c.id is not None}
        st.result.case_ids |= touched
        # The batch's cases' service-level clocks, in the batch's transaction.
        clocks.refresh(st.session, touched)
        return st.result

    def _inbound(self, item: InboundItem) -> None:
        st = self.state
        outbound = item.direction == "out"
        if st.email:
            # Our own reply seen again is known by the Message-ID we chose for it; any
            # other email is the same message only when its content says so.
            if outbound and self._match_outbox(item):
                return
            placed = self.identity.place(item)
            if placed is None:
                return
            item = placed
        elif item.external_id in st.msg_thread or item.external_id in st.seen_external:
            st.result.duplicates += 1
            return
        elif outbound and self._match_outbox(item):
            return
        if item.bounce_of:
            self._mark_bounced(item)
        thread = self.threading.find(item)
        if thread is None:
            customer_id = self.customers.customer_for(item)
            if customer_id is None:
                st.result.duplicates += 1  # our own mail to nobody we know: nothing to file
                return
            thread = self.threading.start(item, customer_id)
        else:
            self.threading.follow_merges(thread)
        self.customers.extra_identities(item, thread.customer_id)
        case = self.cases.case_for(item, thread)
        sent_at = aware(item.sent_at) or utcnow()
        row: dict[str, Any] = {
            "account_id": st.account.id,
            "direction": item.direction,
            "channel": st.account.channel,
            "external_id": item.external_id,
            "sender": sender_text(item),
            "sent_at": sent_at,
            "subject": item.subject,
            "text": item.text or "",
            "html": item.html,
            "is_auto": item.is_auto,
            "delivery": Delivery.SENT if outbound else None,
            "idempotency_key": None,
            "attempts": 0,
            "in_reply_to": item.in_reply_to,
            "meta": dict(item.meta) or None,
        }
        st.pending.append((row, item, thread, case))
        st.seen_external.add(item.external_id)
        st.msg_thread[item.external_id] = thread
        if sent_at > thread.last_message_at:
            thread.last_message_at = sent_at
            thread.changed.add("last_message_at")
        if case is not None:
            self.cases.touch_case(case, item, sent_at)
        st.customer_ids.add(thread.customer_id)

    def _match_outbox(self, item: InboundItem) -> bool:
        """Our own reply seen again (a chat echo, the Sent folder): no second copy."""
        st = self.state
        key = item.idempotency_key or item.external_id
        row = st.outbox.get(key)
        if row is None:
            return False
        values: dict[str, Any] = {}
        if row["external_id"] is None:
            values["external_id"] = item.external_id
        if row["delivery"] in _ON_ITS_WAY:
            values.update(delivery=Delivery.SENT, error=None)
        if values:
            st.session.execute(update(Message).where(Message.id == row["id"]).values(**values))
            st.result.changed_message_ids.append(row["id"])
            row.update(values)
        st.result.duplicates += 1
        st.msg_thread[item.external_id] = NO_THREAD
        return True

    def _mark_bounced(self, item: InboundItem) -> None:
        st = self.state
        key = item.bounce_of
        row = st.session.execute(
            select(Message.id, Message.case_id).where(
                Message.direction == Direction.OUT,
                (Message.idempotency_key == key)
                | ((Message.account_id == st.account.id) & (Message.external_id == key)),
            )
        ).first()
        if row is None:
            return
        reason = f"bounced: {item.bounce_reason or 'the receiving server returned the message'}"
        st.session.execute(
            update(Message).where(Message.id == row.id).values(delivery=Delivery.FAILED, error=reason[:1000])
        )
        st.result.changed_message_ids.append(row.id)
        if row.case_id:
            st.result.case_ids.add(row.case_id)


def sender_text(item: InboundItem) -> str:
    return _sender_label(item.sender.kind, item.sender.value, item.sender.display_name)


@functools.lru_cache(maxsize=65536)  # the same people write again and again (a busy store: tens of thousands)
def _sender_label(kind: str, value: str, name: str | None) -> str:
    if kind == IdentityKind.EMAIL:
        parsed_name, addr = parseaddr(value)
        value, name = addr or value, name or parsed_name or None
    return (f"{name} <{value}>" if name and name != value else value)[:320]
