"""Is this email the one the store already has under its Message-ID, or another one?

A Message-ID is a hint, not an identity: web forms and cheap mailers stamp every
message with one ID, phones reuse them after a reset, forwarders keep the
original's. An email is the same message as one stored under its Message-ID only
when the content says so: the same sender and the same body digest (the copy of a
sent reply in the Sent folder, one message filed in two folders, a message moved
by another client, a folder read again after its UIDVALIDITY changed). Anything
else is another message: it is stored under the Message-ID plus its digest, so a
re-sync finds it again and stores nothing new.

Only email needs this: the other channels' IDs are given by their servers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select

from connectors.base import InboundItem
from inbox_app.core.ingest.state import BatchState
from inbox_app.core.store.models import Message

logger = logging.getLogger(__name__)

#: Between the Message-ID and the digest of a message that shares its ID with another.
#: Outside the angle brackets, so the ID read back from it (In-Reply-To of our reply) is the real one.
SEPARATOR = "#"


def content_digest(sender: str, text: str) -> str:
    """The digest that tells two messages with one Message-ID apart: who wrote it and what."""
    body = " ".join(text.split())  # folding and line ends differ between copies, words do not
    return hashlib.sha256(f"{sender.strip().lower()}\n{body}".encode()).hexdigest()


def item_digest(item: InboundItem) -> str:
    return content_digest(item.sender.value, item.text or "")


def variant_id(external_id: str, digest: str) -> str:
    return f"{external_id}{SEPARATOR}{digest[:20]}"[:500]


def variant_ids(items: list[InboundItem]) -> set[str]:
    """The keys a batch's messages would have if their Message-ID were already taken."""
    return {variant_id(i.external_id, item_digest(i)) for i in items}


def location(meta: Any) -> str:
    """Where a message lives on the server, for a log line: folder, UIDVALIDITY, UID."""
    meta = meta or {}
    return f"{meta.get('folder') or '?'}/{meta.get('uidvalidity') or '?'}/{meta.get('uid') or '?'}"


class EmailIdentity:
    """Decides, for one batch, whether an email is new, a true duplicate, or another
    message that shares a stored one's Message-ID."""

    def __init__(self, state: BatchState) -> None:
        self.state = state

    def place(self, item: InboundItem) -> InboundItem | None:
        """The item to store (maybe under its variant key), or None for a true duplicate."""
        ext = item.external_id
        if not self._known(ext):
            return item  # the usual case: a Message-ID the store has not seen
        digest = item_digest(item)
        variant = variant_id(ext, digest)
        if self._known(variant):
            self._duplicate(item, variant)
            return None
        if self._stored_digest(ext) == digest:
            self._duplicate(item, ext)
            return None
        logger.info(
            "message %s at %s shares its Message-ID with another one (at %s); both are kept",
            ext,
            location(item.meta),
            location(self._stored_meta(ext)),
        )
        self.state.shared_ids.add(ext)
        # Its own conversation unless its headers place it in one (a reply names its parent).
        thread_key = variant if item.thread_key == ext else item.thread_key
        return dataclasses.replace(item, external_id=variant, thread_key=thread_key)

    # ------------------------------------------------------------------ helpers

    def _known(self, ext: str) -> bool:
        st = self.state
        return ext in st.msg_thread or ext in st.seen_external

    def _duplicate(self, item: InboundItem, stored_ext: str) -> None:
        st = self.state
        st.result.duplicates += 1
        logger.info(
            "message %s at %s is the same message as the one stored from %s; not stored twice",
            item.external_id,
            location(item.meta),
            location(self._stored_meta(stored_ext)),
        )

    def _pending(self, ext: str) -> dict[str, Any] | None:
        for row, *_ in self.state.pending:
            if row["external_id"] == ext:
                return row
        return None

    def _stored_meta(self, ext: str) -> Any:
        row = self._pending(ext)
        if row is not None:
            return row["meta"]
        st = self.state
        return st.session.scalar(
            select(Message.meta).where(Message.account_id == st.account.id, Message.external_id == ext)
        )

    def _stored_digest(self, ext: str) -> str | None:
        row = self._pending(ext)
        if row is not None:
            return content_digest(_address(row["sender"]), row["text"])
        st = self.state
        # Recomputed from what was stored (the sender's address and the text as they
        # arrived) rather than kept: most messages keep no metadata at all (lean rows).
        stored = st.session.execute(
            select(Message.sender, Message.text).where(
                Message.account_id == st.account.id, Message.external_id == ext
            )
        ).first()
        if stored is None:
            return None  # filed nowhere (our own echo matched to the outbox)
        return content_digest(_address(stored.sender or ""), stored.text or "")


def _address(sender: str) -> str:
    return parseaddr(sender)[1] or sender
