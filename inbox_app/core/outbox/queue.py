"""The outbox: replies are stored before they are sent, and sent exactly once.

``queue_reply`` writes the reply as *queued* in the same transaction as the
agent's request, with an idempotency key chosen then (for email: the
Message-ID). The dispatcher claims it (*sending*, committed before the network
is touched), hands it to the connector and records the outcome. A crash while
*sending* is resolved on the next start: the connector is asked whether the
reply went (``find_sent``) and the key makes a repeat harmless where the
channel supports one.

This module queues replies; the bookkeeping of sending lives in
``outbox_dispatch``, and ``OutboxService`` offers both to its callers.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import AttachmentData, Capabilities, SendResult
from inbox_app.core import audit
from inbox_app.core.approvals import hold_if_ruled
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.reach import answered_kinds
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded, MessagesChanged
from inbox_app.core.outbox.dispatch import Claimed, OutboxDispatcher
from inbox_app.core.outbox.newer import NewerMessage, newer_messages
from inbox_app.core.outbox.rules import Refusal, Refused, check_for_channel, check_reply
from inbox_app.core.service import clocks, events
from inbox_app.core.service.events import Kind
from inbox_app.core.store.models import (
    Agent,
    Attachment,
    AttachmentBlob,
    Case,
    ChannelAccount,
    Identity,
    Message,
    Thread,
)
from inbox_app.core.vocab import Channel, Delivery, Direction

__all__ = ["CapabilitiesOf", "Claimed", "KeyMaker", "OutboxService", "ReplyError", "ReplyHeld"]

KeyMaker = Callable[[str, Mapping[str, Any]], str]
CapabilitiesOf = Callable[[str, Mapping[str, Any]], Capabilities]  # (kind, account settings)


class ReplyError(Exception):
    """The reply cannot be queued; the message says why, and ``refusal`` which rule refused it."""

    def __init__(self, why: str | Refusal) -> None:
        self.refusal = why if isinstance(why, Refusal) else None
        super().__init__(why.words() if isinstance(why, Refusal) else why)


class ReplyHeld(ReplyError):
    """Not queued: messages arrived on the case after the one its writer saw (``newer``)."""

    def __init__(self, case_id: int, after: int, newer: list[NewerMessage]) -> None:
        self.case_id, self.after, self.newer = case_id, after, tuple(newer)
        count = "1 message" if len(newer) == 1 else f"{len(newer)} messages"
        super().__init__(f"reply held: case {case_id} has {count} newer than message {after}")


def _default_key(_kind: str, _settings: Mapping[str, Any]) -> str:
    return uuid.uuid4().hex


class OutboxService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        bus: EventBus | None = None,
        *,
        key_maker: KeyMaker = _default_key,
        capabilities_of: CapabilitiesOf | None = None,
    ) -> None:
        self._factory = factory
        self._bus = bus or EventBus()
        self._key_maker = key_maker
        self._capabilities_of = capabilities_of
        self._dispatch = OutboxDispatcher(factory, self._bus)

    # ------------------------------------------------------------ queueing

    def queue_reply(
        self,
        case_id: int,
        text: str,
        *,
        account: str | None = None,
        note: bool = False,
        agent_id: int | None = None,
        html: str | None = None,
        attachments: tuple[AttachmentData, ...] = (),
        after: int | None = None,
        force: bool = False,
    ) -> int:
        """Queue a reply (or add a note); its id.

        ``after`` is the newest message id the writer saw: a reply is then held
        (:class:`ReplyHeld`, nothing queued) when the case has newer messages not the
        writer's own, unless ``force``. A note is never held: it reaches no customer.
        """
        refusal = check_reply(text, len(attachments), sum(len(a.data) for a in attachments))
        if refusal is not None:
            raise ReplyError(refusal)
        checked = after is not None and not force and not note
        with self._factory() as s, s.begin():
            # Checked replies take the case row first, so that two of them on one case
            # run the check and the insert one after the other: the second sees the
            # first's reply. PostgreSQL: a row lock (NO KEY UPDATE: new messages of the
            # case, whose key share lock it leaves alone, are not held up); SQLite: every
            # writing transaction begins IMMEDIATE, so writers are one at a time already.
            stmt = select(Case).where(Case.id == case_id)
            case = s.scalar(stmt.with_for_update(key_share=True) if checked else stmt)
            if case is None:
                raise ReplyError(f"no case with id {case_id}")
            if checked and after is not None:
                newer = newer_messages(s, case_id, after, agent_id)
                if newer:
                    raise ReplyHeld(case_id, after, newer)
            agent = s.get(Agent, agent_id) if agent_id else None
            actor = agent.name if agent else None
            now = utcnow()
            if note:
                msg = Message(
                    customer_id=case.customer_id,
                    case_id=case.id,
                    direction=Direction.NOTE,
                    channel=Channel.NOTE,
                    text=text,
                    sent_at=now,
                    agent_id=agent_id,
                    sender=actor,
                    attempts=0,
                )
                s.add(msg)
                s.flush()
                audit.record(s, actor, "note.added", "message", msg.id, case_id=case.id)
            else:
                msg = self._queue(s, case, text, html, account, agent, now, attachments)
                if msg.delivery == Delivery.QUEUED:
                    # A public reply leaves now; one held for a lead counts once approved.
                    events.record(s, case.id, Kind.OUTBOUND, now, actor_agent_id=agent_id, message_id=msg.id)
                    clocks.refresh(s, [case.id], now)
            for att in attachments:
                _store_attachment(s, msg.id, att)
            case.last_message_at = max(aware(case.last_message_at) or now, now)
            message_id, customer_id = msg.id, case.customer_id
        self._bus.publish(MessagesAdded((message_id,), (case_id,), (customer_id,)))
        self._bus.publish(CasesChanged((case_id,)))
        return message_id

    def _queue(
        self,
        s: Session,
        case: Case,
        text: str,
        html: str | None,
        account_name: str | None,
        agent: Agent | None,
        now: datetime,
        files: tuple[AttachmentData, ...] = (),
    ) -> Message:
        account = self._pick_account(s, case, account_name)
        if not account.enabled:
            raise ReplyError(f"channel account {account.name!r} is disabled")
        caps = self._capabilities_of(account.kind, account.settings) if self._capabilities_of else None
        if caps is not None:
            refusal = check_for_channel(text, files, caps, account.name)
            if refusal is not None:
                raise ReplyError(refusal)
        thread = self._pick_thread(s, case, account)
        key = self._key_maker(account.kind, account.settings)
        if thread is None:
            thread = Thread(
                account_id=account.id,
                customer_id=case.customer_id,
                case_id=case.id,
                channel=account.channel,
                external_key=key[:500],
                subject=case.subject,
                created_at=now,
                last_message_at=now,
            )
            s.add(thread)
            s.flush()
        msg = Message(
            account_id=account.id,
            thread_id=thread.id,
            case_id=case.id,
            customer_id=case.customer_id,
            direction=Direction.OUT,
            channel=account.channel,
            sender=agent.name if agent else account.name,
            agent_id=agent.id if agent else None,
            sent_at=now,
            subject=_reply_subject(thread.subject or case.subject),
            text=text,
            html=html,
            delivery=Delivery.QUEUED,
            idempotency_key=key,
            attempts=0,
            next_attempt_at=now,
        )
        s.add(msg)
        s.flush()
        audit.record(
            s,
            agent.name if agent else None,
            "reply.queued",
            "message",
            msg.id,
            case_id=case.id,
            account=account.name,
            idempotency_key=key,
        )
        # A reply some rule holds for a lead waits instead (core/approvals.py).
        hold_if_ruled(s, msg, account, agent, public=caps.public if caps is not None else None)
        return msg

    def _pick_account(self, s: Session, case: Case, name: str | None) -> ChannelAccount:
        if name:
            account = s.scalar(select(ChannelAccount).where(ChannelAccount.name == name))
            if account is None:
                raise ReplyError(f"no channel account named {name!r}")
            return account
        # The channel the customer last wrote through, in this case first.
        for where in (Message.case_id == case.id, Message.customer_id == case.customer_id):
            account_id = s.scalar(
                select(Message.account_id)
                .where(where, Message.direction == Direction.IN, Message.account_id.is_not(None))
                .order_by(Message.sent_at.desc(), Message.id.desc())
                .limit(1)
            )
            if account_id is not None:
                account = s.get(ChannelAccount, account_id)
                if account is not None:
                    return account
        raise ReplyError("this customer never wrote through a channel account; choose one with --account")

    def _pick_thread(self, s: Session, case: Case, account: ChannelAccount) -> Thread | None:
        for where in (Thread.case_id == case.id, Thread.customer_id == case.customer_id):
            thread = s.scalar(
                select(Thread)
                .where(where, Thread.account_id == account.id)
                .order_by(Thread.last_message_at.desc())
                .limit(1)
            )
            if thread is not None:
                return thread
        kinds = answered_kinds(account.kind, account.channel)
        if kinds is None:
            return None
        has_identity = s.scalar(
            select(Identity.id).where(Identity.customer_id == case.customer_id, Identity.kind.in_(kinds))
        )
        if has_identity is None:
            kind = " or ".join(sorted(kinds))
            raise ReplyError(Refusal(Refused.UNREACHABLE, account.name, kinds=kind))
        return None

    def newer_messages(
        self, case_id: int, after_message_id: int, *, agent_id: int | None = None
    ) -> list[NewerMessage]:
        """What a reply written by ``agent_id`` after message ``after_message_id`` would be held for."""
        with self._factory() as s, s.begin():
            return newer_messages(s, case_id, after_message_id, agent_id)

    def retry(self, message_id: int, *, actor: str | None = None) -> None:
        with self._factory() as s, s.begin():
            msg = s.get(Message, message_id)
            if msg is None or msg.direction != Direction.OUT:
                raise ReplyError(f"no outgoing message with id {message_id}")
            if msg.delivery != Delivery.FAILED:
                raise ReplyError(f"message {message_id} is {msg.delivery}, not failed")
            msg.delivery, msg.next_attempt_at, msg.attempts = Delivery.QUEUED, utcnow(), 0
            audit.record(s, actor, "reply.retried", "message", msg.id)
            case_id = msg.case_id
        self._bus.publish(MessagesChanged((message_id,), (case_id,) if case_id else ()))

    # ------------------------------------------------------------ dispatching
    # The runner's side, kept on this service so callers need one object.

    def claim(
        self,
        account_id: int,
        *,
        limit: int = 20,
        include_stale: bool = False,
        stale_only: bool = False,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Claimed]:
        """Mark due replies *sending* (committed) and return them for sending."""
        return self._dispatch.claim(
            account_id, limit=limit, include_stale=include_stale, stale_only=stale_only, exclude=exclude
        )

    def mark_sent(self, claimed: Claimed, result: SendResult) -> None:
        self._dispatch.mark_sent(claimed, result)

    def next_due_in(self, account_id: int) -> float | None:
        return self._dispatch.next_due_in(account_id)

    def mark_retry(
        self, claimed: Claimed, error: str, retry_after: float | None, sent_parts: tuple[str, ...] = ()
    ) -> bool:
        """Back to *queued* with backoff; True when it gave up (failed) instead."""
        return self._dispatch.mark_retry(claimed, error, retry_after, sent_parts)

    def mark_failed(self, claimed: Claimed, reason: str) -> None:
        self._dispatch.mark_failed(claimed, reason)

    def release(self, claimed: Claimed, error: str) -> None:
        """Put a claimed reply back untouched (the account stopped, e.g. credentials)."""
        self._dispatch.release(claimed, error)


def _store_attachment(s: Session, message_id: int, att: AttachmentData) -> None:
    digest = hashlib.sha256(att.data).hexdigest()
    if s.get(AttachmentBlob, digest) is None:
        s.add(AttachmentBlob(sha256=digest, size=len(att.data), data=att.data))
        # Written now: the two tables are not related in the mapping, so a later flush
        # (the next file's lookup) could write this row before the blob it points to.
        s.flush()
    s.add(
        Attachment(
            message_id=message_id,
            sha256=digest,
            filename=att.filename[:255],
            content_type=att.content_type,
            size=len(att.data),
            content_id=att.content_id,
            inline=att.inline,
        )
    )


def _reply_subject(subject: str | None) -> str | None:
    if not subject:
        return None
    from inbox_app.core.customers.identities import normalize_subject

    stripped = subject.strip()
    if normalize_subject(stripped) != stripped.casefold():
        # already prefixed ("Re: ...", "R: ..."): keep it as the customer's client shows it
        return stripped[:500]
    return f"Re: {stripped}"[:500]
