"""One attempt at storing a run of items: filing each into a thread, customer and case.

The layers below (cases, customers, preloading, SQL) each live in their own
module; this one walks the items and decides what each becomes.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from email.utils import parseaddr
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from connectors.base import BatchItem, BrokenItem, InboundItem, ItemUpdate
from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.identities import normalize_subject
from inbox_app.core.customers.store import live_customer_id
from inbox_app.core.ingest.cases import CaseRules, first_line
from inbox_app.core.ingest.records import NO_THREAD, IngestResult, ThreadRec
from inbox_app.core.store.models import (
    Case,
    Message,
    QuarantineItem,
)

logger = logging.getLogger(__name__)


class BatchWriter(CaseRules):
    """Writes a run of items with per-batch caches; one instance per attempt.

    Per batch it reads what it needs in a few queries (known messages, threads,
    cases, identities, outbox keys), decides everything in memory, and writes
    new threads, cases, messages and audit events in multi-row statements.
    """

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
                quarantine_item(self.s, self.account.id, item, item.reason)
                self.result.quarantined += 1
        self._flush()
        self.result.customer_ids |= self.customer_ids
        self.result.case_ids |= {c.id for c in self.touched_cases.values() if c.id is not None}
        return self.result

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
            "sender": sender_text(item),
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
        self.msg_thread[item.external_id] = NO_THREAD
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

    def _find_thread(self, item: InboundItem) -> ThreadRec | None:
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

    def _thread_by_subject(self, item: InboundItem) -> ThreadRec | None:
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
            if (
                rec.customer_id == customer_id
                and rec.last_message_at >= since
                and (best is None or rec.last_message_at > best.last_message_at)
            ):
                best = rec
        return best

    def _new_thread(self, item: InboundItem, customer_id: int) -> ThreadRec:
        sent_at = aware(item.sent_at) or utcnow()
        norm = normalize_subject(item.subject)
        values: dict[str, Any] = {
            "account_id": self.account.id,
            "channel": self.account.channel,
            "external_key": item.thread_key[:500],
            "subject": (item.subject or None) and item.subject[:500],
            "norm_subject": norm,
            "encrypted": bool(item.meta.get("encrypted")),
            "created_at": sent_at,
        }
        thread = ThreadRec(None, customer_id, None, sent_at, insert=values)
        self.new_threads.append(thread)
        self.thread_cache[values["external_key"]] = thread
        if self.account.channel == "email":
            self._index_subject(thread, norm)
        return thread

    def _update(self, item: ItemUpdate) -> None:
        if item.kind == "flags":
            self._set_flags(item)
            return
        row = self.s.execute(
            select(Message.id, Message.text, Message.meta, Message.case_id, Message.subject).where(
                Message.account_id == self.account.id,
                Message.external_id == item.target_external_id,
            )
        ).first()
        if row is None:
            logger.info("update for a message never stored (account %s); kept in quarantine", self.account.id)
            if not self._already_quarantined(item.external_id or item.target_external_id):
                quarantine_item(
                    self.s, self.account.id, item, f"{item.kind} of a message that is not in the store"
                )
                self.result.quarantined += 1
            return
        meta = dict(row.meta or {})
        values: dict[str, Any] = {}
        if item.kind == "edit":
            if row.text == (item.text or "") and meta.get("edited") and meta == {**meta, **(item.meta or {})}:
                return
            audit.record(self.s, None, "message.edited", "message", row.id, previous=row.text)
            meta.update(item.meta or {})
            meta["edited"] = True
            meta["edited_at"] = (item.at or utcnow()).isoformat()
            values.update(text=item.text or "", meta=meta)
            if item.html is not None:
                values["html"] = item.html
        else:
            if meta.get("redacted"):
                return
            audit.record(
                self.s, None, "message.redacted", "message", row.id, previous=row.text, reason=item.reason
            )
            meta["redacted"] = True
            meta["redaction_reason"] = item.reason
            values.update(text="", html=None, meta=meta)
        self.s.execute(update(Message).where(Message.id == row.id).values(**values))
        if row.case_id and not row.subject:
            self._retitle_case(row.case_id, row.text, values["text"])
        if row.case_id and item.kind == "edit" and _fewer_stars(row.meta, item.meta):
            self._reopen_for_lower_rating(row.case_id, row.id)
        self.result.updated += 1
        self.result.changed_message_ids.append(row.id)
        if row.case_id:
            self.result.case_ids.add(row.case_id)

    def _reopen_for_lower_rating(self, case_id: int, message_id: int) -> None:
        """A reviewer who takes stars away after the case was closed or put aside has
        something to say: the case is open again. (Other edits, a typo mended in a chat,
        leave the case as it is.)"""
        done = self.s.execute(
            update(Case)
            .where(Case.id == case_id, Case.status.in_(("resolved", "pending", "snoozed")))
            .values(status="open", resolved_at=None, snoozed_until=None)
        )
        if cast(CursorResult[Any], done).rowcount:
            audit.record(
                self.s, None, "case.reopened", "case", case_id, by_message=message_id, reason="rating_lowered"
            )

    def _retitle_case(self, case_id: int, old_text: str | None, new_text: str) -> None:
        """A case named after a chat message's first line follows that message's edit, and
        loses the name when the message is removed: the case list must not keep showing
        words the customer took back. A name an agent gave the case is left alone."""
        old = old_text or ""
        old_titles = {first_line(old)[:500], first_line(old, keep_mentions=True)[:500]} - {""}
        if not old_titles:
            return
        self.s.execute(
            update(Case)
            .where(Case.id == case_id, Case.subject.in_(old_titles))
            .values(subject=first_line(new_text)[:500] or None)
        )

    def _set_flags(self, item: ItemUpdate) -> None:
        """The message's flags as the channel now shows them (email: read, answered,
        flagged, deleted by another mail client), kept in its metadata. Nothing else
        about the message changes; a message we never stored (quarantined, our own
        mail to nobody) has nothing to update, and the same flags again are no change."""
        row = self.s.execute(
            select(Message.id, Message.meta).where(
                Message.account_id == self.account.id,
                Message.external_id == item.target_external_id,
            )
        ).first()
        if row is None:
            return
        meta = dict(row.meta or {})
        flags = list(item.flags or ())
        if sorted(meta.get("flags") or ()) == sorted(flags):
            return
        if flags:
            meta["flags"] = flags
        else:
            meta.pop("flags", None)
        self.s.execute(update(Message).where(Message.id == row.id).values(meta=meta or None))
        self.result.updated += 1
        self.result.changed_message_ids.append(row.id)

    def _already_quarantined(self, external_id: str) -> bool:
        return (
            self.s.scalar(
                select(QuarantineItem.id)
                .where(
                    QuarantineItem.account_id == self.account.id,
                    QuarantineItem.external_id == external_id,
                )
                .limit(1)
            )
            is not None
        )


def sender_text(item: InboundItem) -> str:
    return _sender_label(item.sender.kind, item.sender.value, item.sender.display_name)


@functools.lru_cache(maxsize=65536)  # the same people write again and again (a busy store: tens of thousands)
def _sender_label(kind: str, value: str, name: str | None) -> str:
    if kind == "email":
        parsed_name, addr = parseaddr(value)
        value, name = addr or value, name or parsed_name or None
    return (f"{name} <{value}>" if name and name != value else value)[:320]


def quarantine_item(session: Session, account_id: int, item: BatchItem, reason: str) -> None:
    from inbox_app.core.ingest.quarantine import record_item

    record_item(session, account_id, item, reason)


def _fewer_stars(before: Any, after: Any) -> bool:
    old, new = (before or {}).get("stars"), (after or {}).get("stars")
    return isinstance(old, int) and isinstance(new, int) and new < old
