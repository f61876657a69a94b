"""Dispatch bookkeeping of the outbox: claiming queued replies and recording outcomes.

A claim marks a reply *sending* and commits before the network is touched; the
runner then hands it to the connector and records the outcome here: sent,
queued again with backoff, failed, or released untouched. A reply still
*sending* after a crash is claimed again as *uncertain*, so the runner asks the
channel whether it went before sending it twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Address, AttachmentData, OutboundReply, SendResult
from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.reach import answered_kinds
from inbox_app.core.events import CasesChanged, EventBus, MessagesChanged
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
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.vocab import Channel, Delivery, Direction, IdentityKind


@dataclass(frozen=True)
class Claimed:
    message_id: int
    account_id: int
    reply: OutboundReply
    attempts: int
    uncertain: bool  # a previous attempt may have gone out before a crash
    progress: tuple[str, ...] = ()  # parts of a split reply that already went out


class OutboxDispatcher:
    """Claims due replies of one account and records what became of each."""

    def __init__(self, factory: sessionmaker[Session], bus: EventBus) -> None:
        self._factory = factory
        self._bus = bus

    def claim(
        self,
        account_id: int,
        *,
        limit: int = 20,
        include_stale: bool = False,
        stale_only: bool = False,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Claimed]:
        """Mark due replies *sending* (committed) and return them for sending; with
        ``stale_only`` only those a previous run left *sending* (a crash)."""
        now = utcnow()
        states = (
            [Delivery.SENDING]
            if stale_only
            else [Delivery.QUEUED, Delivery.SENDING]
            if include_stale
            else [Delivery.QUEUED]
        )
        claimed: list[Claimed] = []
        due = select(Message.id, Message.delivery).where(
            Message.account_id == account_id,
            Message.direction == Direction.OUT,
            Message.delivery.in_(states),
            or_(
                Message.next_attempt_at.is_(None),
                Message.next_attempt_at <= now,
                Message.delivery == Delivery.SENDING,
            ),
        )
        if exclude:
            due = due.where(Message.id.not_in(exclude))
        with self._factory() as s, s.begin():
            rows = s.execute(due.order_by(Message.id).limit(limit)).all()
            for message_id, state in rows:
                # Session.execute is typed to return Result for any statement; an
                # UPDATE runs through a cursor and returns CursorResult, with rowcount.
                done = cast(
                    CursorResult[Any],
                    s.execute(
                        update(Message)
                        .where(Message.id == message_id, Message.delivery == state)
                        .values(delivery=Delivery.SENDING, attempts=Message.attempts + 1)
                    ),
                ).rowcount
                if done:
                    claimed.append(self._build(s, message_id, uncertain=state == Delivery.SENDING))
        if claimed:
            self._bus.publish(MessagesChanged(tuple(c.message_id for c in claimed)))
        return claimed

    def _build(self, s: Session, message_id: int, *, uncertain: bool) -> Claimed:
        msg = s.get(Message, message_id)
        assert msg is not None and msg.account_id is not None
        thread = s.get(Thread, msg.thread_id) if msg.thread_id else None
        account = s.get(ChannelAccount, msg.account_id)
        assert account is not None
        # Answer the customer's latest message in this conversation.
        last_in = s.execute(
            select(Message.external_id)
            .where(
                Message.thread_id == msg.thread_id,
                Message.direction == Direction.IN,
                Message.external_id.is_not(None),
            )
            .order_by(Message.sent_at.desc(), Message.id.desc())
            .limit(1)
        ).scalar()
        refs = [
            r
            for r in s.scalars(
                select(Message.external_id)
                .where(Message.thread_id == msg.thread_id, Message.external_id.is_not(None))
                .order_by(Message.sent_at, Message.id)
                .limit(50)
            )
            if r
        ]
        kinds = answered_kinds(account.kind, account.channel)
        ident_q = select(Identity).where(Identity.customer_id == msg.customer_id)
        if kinds is not None:
            ident_q = ident_q.where(Identity.kind.in_(kinds))
        to = tuple(Address(i.kind, i.value, i.display) for i in s.scalars(ident_q.order_by(Identity.id)))
        if thread is not None and account.channel == Channel.EMAIL:
            last = s.execute(
                select(Message.sender, Message.meta)
                .where(Message.thread_id == thread.id, Message.direction == Direction.IN)
                .order_by(Message.sent_at.desc())
                .limit(1)
            ).first()
            if last is not None:
                reply_to = [str(a) for a in ((last.meta or {}).get("reply_to") or [])]
                # Reply-To is respected for replies; the identity stays the From address.
                to = (
                    tuple(Address(IdentityKind.EMAIL, a) for a in reply_to)
                    if reply_to
                    else _prefer_sender(to, last.sender)
                )
        attachments = tuple(
            AttachmentData(a.filename, a.content_type, blob, a.content_id, a.inline)
            for a, blob in s.execute(
                select(Attachment, AttachmentBlob.data)
                .join(AttachmentBlob, AttachmentBlob.sha256 == Attachment.sha256)
                .where(Attachment.message_id == msg.id)
            )
        )
        signature = None
        if msg.agent_id:
            signature = s.scalar(select(Agent.signature).where(Agent.id == msg.agent_id))
        text = (
            f"{msg.text}\n\n-- \n{signature}" if signature and account.channel == Channel.EMAIL else msg.text
        )
        reply = OutboundReply(
            idempotency_key=msg.idempotency_key or str(msg.id),
            thread_key=thread.external_key if thread else "",
            text=text,
            to=to[:1] if account.channel == Channel.EMAIL else to,
            html=msg.html,
            subject=msg.subject,
            in_reply_to=last_in,
            references=tuple(refs),
            attachments=attachments,
            sender_name=msg.sender,
            choices=tuple(str(c) for c in (msg.meta or {}).get("choices") or ()),
        )
        progress = tuple((msg.meta or {}).get("sent_parts") or ())
        return Claimed(msg.id, account.id, reply, msg.attempts, uncertain, progress)

    def mark_sent(self, claimed: Claimed, result: SendResult) -> None:
        with self._factory() as s, s.begin():
            msg = s.get(Message, claimed.message_id)
            assert msg is not None
            msg.delivery, msg.error = Delivery.SENT, None
            msg.external_id = result.external_id[:500]
            # An automatic message (a satisfaction question) is not an agent's answer.
            if msg.case_id and not msg.is_auto:
                case = s.get(Case, msg.case_id)
                if case is not None:
                    case.waiting_since = None
                    case.first_response_at = case.first_response_at or utcnow()
            payload = _audit_payload(claimed.reply)
            audit.record(
                s, None, "reply.sent", "message", msg.id, external_id=result.external_id, reply=payload
            )
            case_id = msg.case_id
        self._changed(claimed.message_id, case_id)

    def mark_retry(
        self, claimed: Claimed, error: str, retry_after: float | None, sent_parts: tuple[str, ...] = ()
    ) -> bool:
        """Back to *queued* with backoff; gives up (failed) after the configured attempts.

        ``sent_parts``: parts of a split reply that went out before the failure;
        kept so the next attempt, even in another process, sends only the rest.
        """
        with self._factory() as s, s.begin():
            settings = StoreSettings.load(s)
            msg = s.get(Message, claimed.message_id)
            assert msg is not None
            if sent_parts:
                msg.meta = {**(msg.meta or {}), "sent_parts": list(sent_parts)}
            if msg.attempts >= settings.max_send_attempts:
                msg.delivery = Delivery.FAILED
                msg.error = f"gave up after {msg.attempts} attempts: {error}"[:1000]
                gave_up = True
            else:
                delay = retry_after if retry_after is not None else min(600.0, 2.0**msg.attempts)
                msg.delivery, msg.error = Delivery.QUEUED, error[:1000]
                msg.next_attempt_at = utcnow() + timedelta(seconds=delay)
                gave_up = False
            case_id = msg.case_id
        self._changed(claimed.message_id, case_id)
        return gave_up

    def next_due_in(self, account_id: int) -> float | None:
        """Seconds until the account's next queued reply is due (0: now); None when
        nothing waits. The runner wakes for it instead of waiting a whole poll interval."""
        with self._factory() as s:
            rows = s.execute(
                select(Message.next_attempt_at)
                .where(
                    Message.account_id == account_id,
                    Message.direction == Direction.OUT,
                    Message.delivery == Delivery.QUEUED,
                )
                .order_by(Message.next_attempt_at.is_not(None), Message.next_attempt_at)
                .limit(1)
            ).all()
        if not rows:
            return None
        due = rows[0][0]
        return 0.0 if due is None else max(0.0, (aware(due) - utcnow()).total_seconds())

    def mark_failed(self, claimed: Claimed, reason: str) -> None:
        with self._factory() as s, s.begin():
            msg = s.get(Message, claimed.message_id)
            assert msg is not None
            msg.delivery, msg.error = Delivery.FAILED, reason[:1000]
            audit.record(s, None, "reply.failed", "message", msg.id, reason=reason[:1000])
            case_id = msg.case_id
        self._changed(claimed.message_id, case_id)

    def release(self, claimed: Claimed, error: str) -> None:
        """Put a claimed reply back untouched (the account stopped, e.g. credentials)."""
        with self._factory() as s, s.begin():
            s.execute(
                update(Message)
                .where(Message.id == claimed.message_id)
                .values(delivery=Delivery.QUEUED, error=error[:1000], attempts=Message.attempts - 1)
            )
        self._changed(claimed.message_id, None)

    def _changed(self, message_id: int, case_id: int | None) -> None:
        self._bus.publish(MessagesChanged((message_id,), (case_id,) if case_id else ()))
        if case_id:
            self._bus.publish(CasesChanged((case_id,)))


def _prefer_sender(to: tuple[Address, ...], last_sender: str | None) -> tuple[Address, ...]:
    if not last_sender:
        return to
    lowered = last_sender.lower()
    chosen = [a for a in to if a.value in lowered]
    return tuple(chosen + [a for a in to if a not in chosen])


def _audit_payload(reply: OutboundReply) -> dict[str, Any]:
    data = asdict(reply)
    data["attachments"] = [
        {
            "filename": a.filename,
            "content_type": a.content_type,
            "size": len(a.data),
            "sha256": hashlib.sha256(a.data).hexdigest(),
        }
        for a in reply.attachments
    ]
    return data
