"""Which conversation a message joins: by its references, its channel's thread key,
or, for an email reply whose headers were dropped, its sender and subject."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from connectors.base import InboundItem
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.identities import normalize_subject
from inbox_app.core.customers.store import live_customer_id
from inbox_app.core.ingest.customers import CustomerResolver
from inbox_app.core.ingest.identity import SEPARATOR
from inbox_app.core.ingest.preload import Preloader
from inbox_app.core.ingest.records import ThreadRec
from inbox_app.core.ingest.state import BatchState


class Threading:
    """Finds a message's thread among those the batch knows, or starts a new one."""

    def __init__(self, state: BatchState, customers: CustomerResolver, preloader: Preloader) -> None:
        self.state = state
        self.customers = customers
        self.preloader = preloader

    def find(self, item: InboundItem) -> ThreadRec | None:
        st = self.state
        for ref in (item.in_reply_to, *reversed(item.references)):
            if ref:
                thread = st.msg_thread.get(ref)
                if thread is not None:
                    return self._answered(item, ref, thread) if st.email else thread
        thread = st.thread_cache.get(item.thread_key[:500])
        if thread is not None:
            return thread
        if st.email and item.subject and item.direction == "in":
            return self._by_subject(item)
        return None

    def follow_merges(self, thread: ThreadRec) -> None:
        """People can be merged between batches: always file under the live customer."""
        st = self.state
        if thread.id is not None and thread.id not in st.live_checked:
            st.live_checked.add(thread.id)
            live = live_customer_id(st.session, thread.customer_id)
            if live != thread.customer_id:
                thread.customer_id = live
                thread.changed.add("customer_id")

    def start(self, item: InboundItem, customer_id: int) -> ThreadRec:
        """A new thread, written with the batch."""
        st = self.state
        sent_at = aware(item.sent_at) or utcnow()
        norm = normalize_subject(item.subject)
        values: dict[str, Any] = {
            "account_id": st.account.id,
            "channel": st.account.channel,
            "external_key": item.thread_key[:500],
            "subject": (item.subject or None) and item.subject[:500],
            "norm_subject": norm,
            "encrypted": bool(item.meta.get("encrypted")),
            "created_at": sent_at,
        }
        thread = ThreadRec(None, customer_id, None, sent_at, insert=values)
        st.new_threads.append(thread)
        st.thread_cache[values["external_key"]] = thread
        if st.email:
            st.index_subject(thread, norm)
        return thread

    def _answered(self, item: InboundItem, ref: str, thread: ThreadRec) -> ThreadRec:
        """Of the messages that share the Message-ID ``ref``, the one this reply answers.

        Told, where it can be, by the reply's other references (one of them in the
        conversation of one of the messages) or by its sender (the newest of the
        sender's own messages under that ID); otherwise the newest of them all, the one
        a person answering "the last form" most likely means. Asked only for IDs known
        to be shared (:attr:`BatchState.shared_ids`): nearly every reply names an ID
        only one message carries.
        """
        st = self.state
        if ref not in st.shared_ids:
            return thread
        candidates = self._sharing(ref)
        if not candidates:
            return thread
        threads = {id(rec): rec for _when, _order, _customer, rec in candidates}
        for other in (item.in_reply_to, *reversed(item.references)):
            if other and other != ref and other not in st.shared_ids:
                found = st.msg_thread.get(other)
                if found is not None and id(found) in threads:
                    return found
        if item.direction == "in":
            ident = self.customers.sender_identity(item)
            customer_id = self.customers.lookup_identity(*ident) if ident else None
            own = [c for c in candidates if c[2] == customer_id]
            if own:
                return max(own, key=_newest)[3]
        return max(candidates, key=_newest)[3]

    def _sharing(self, ref: str) -> list[tuple[Any, int, int, ThreadRec]]:
        """Every message stored (or pending in this batch) under ``ref`` or ``ref#digest``:
        (sent at, order, customer, thread)."""
        st = self.state
        prefix = ref + SEPARATOR
        out: list[tuple[Any, int, int, ThreadRec]] = []
        # Every key starting with "ref#" sorts below "ref$" ('$' follows '#'): a range of
        # the unique index, with no LIKE escaping of what Message-IDs may contain.
        rows = self.preloader.rows(
            "SELECT thread_id, customer_id, sent_at, id FROM messages WHERE account_id = ? "
            "AND (external_id = ? OR (external_id > ? AND external_id < ?)) AND thread_id IS NOT NULL",
            [st.account.id, ref, prefix, ref + "$"],
        )
        when = self.preloader.timestamp
        for thread_id, customer_id, sent_at, message_id in rows:
            rec = self.preloader.thread(thread_id)
            if rec is not None:
                out.append((when(sent_at), message_id, customer_id, rec))
        # This batch's own, after everything stored (ids still to come are higher).
        for order, (row, _item, rec, _case) in enumerate(st.pending):
            ext = row["external_id"]
            if ext == ref or ext.startswith(prefix):
                out.append((row["sent_at"], (1 << 62) + order, rec.customer_id, rec))
        return out

    def _by_subject(self, item: InboundItem) -> ThreadRec | None:
        """A reply whose mail program dropped the headers still joins its conversation."""
        norm = normalize_subject(item.subject)
        if not norm:
            return None
        ident = self.customers.sender_identity(item)
        if ident is None:
            return None
        customer_id = self.customers.lookup_identity(*ident)
        if customer_id is None:
            return None
        st = self.state
        since = (aware(item.sent_at) or utcnow()) - timedelta(days=st.settings.subject_thread_days)
        best = None
        for rec in st.by_subject.get((customer_id, norm), ()):
            if (
                rec.customer_id == customer_id
                and rec.last_message_at >= since
                and (best is None or rec.last_message_at > best.last_message_at)
            ):
                best = rec
        return best


def _newest(candidate: tuple[Any, int, int, ThreadRec]) -> tuple[Any, int]:
    return candidate[0], candidate[1]
