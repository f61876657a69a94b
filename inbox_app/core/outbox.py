"""The outbox: replies are stored before they are sent, and sent exactly once.

``queue_reply`` writes the reply as *queued* in the same transaction as the
agent's request, with an idempotency key chosen then (for email: the
Message-ID). The dispatcher claims it (*sending*, committed before the network
is touched), hands it to the connector and records the outcome. A crash while
*sending* is resolved on the next start: the connector is asked whether the
reply went (``find_sent``) and the key makes a repeat harmless where the
channel supports one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Address, AttachmentData, Capabilities, OutboundReply, SendResult
from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded, MessagesChanged
from inbox_app.core.models import (
    Agent,
    Attachment,
    AttachmentBlob,
    Case,
    ChannelAccount,
    Identity,
    Message,
    Thread,
)
from inbox_app.core.store_settings import StoreSettings

# identity kind a channel account answers to
IDENTITY_KIND = {
    "email": "email",
    "matrix": "matrix",
    "telegram": "telegram",
    "mastodon": "mastodon",
    "google_reviews": "review",
}

KeyMaker = Callable[[str, Mapping[str, Any]], str]
CapabilitiesOf = Callable[[str], Capabilities]


class ReplyError(Exception):
    """The reply cannot be queued; the message says why."""


@dataclass(frozen=True)
class Claimed:
    message_id: int
    account_id: int
    reply: OutboundReply
    attempts: int
    uncertain: bool  # a previous attempt may have gone out before a crash
    progress: tuple[str, ...] = ()  # parts of a split reply that already went out


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
    ) -> int:
        if not text.strip() and not attachments:
            raise ReplyError("the reply is empty")
        with self._factory() as s, s.begin():
            case = s.get(Case, case_id)
            if case is None:
                raise ReplyError(f"no case with id {case_id}")
            agent = s.get(Agent, agent_id) if agent_id else None
            actor = agent.name if agent else None
            now = utcnow()
            if note:
                msg = Message(
                    customer_id=case.customer_id,
                    case_id=case.id,
                    direction="note",
                    channel="note",
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
                msg = self._queue(s, case, text, html, account, agent, now)
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
    ) -> Message:
        account = self._pick_account(s, case, account_name)
        if not account.enabled:
            raise ReplyError(f"channel account {account.name!r} is disabled")
        if self._capabilities_of is not None:
            caps = self._capabilities_of(account.kind)
            if caps.max_length and len(text) > caps.max_length and not caps.split_long:
                raise ReplyError(
                    f"the reply has {len(text)} characters; {account.name} allows {caps.max_length}"
                )
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
            direction="out",
            channel=account.channel,
            sender=agent.name if agent else account.name,
            agent_id=agent.id if agent else None,
            sent_at=now,
            subject=_reply_subject(thread.subject or case.subject),
            text=text,
            html=html,
            delivery="queued",
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
                .where(where, Message.direction == "in", Message.account_id.is_not(None))
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
        kind = IDENTITY_KIND.get(account.kind, account.kind)
        has_identity = s.scalar(
            select(Identity.id).where(Identity.customer_id == case.customer_id, Identity.kind == kind)
        )
        if has_identity is None and account.kind != "fake":
            raise ReplyError(f"the customer has no {kind} identity, so {account.name} cannot reach them")
        return None

    def retry(self, message_id: int, *, actor: str | None = None) -> None:
        with self._factory() as s, s.begin():
            msg = s.get(Message, message_id)
            if msg is None or msg.direction != "out":
                raise ReplyError(f"no outgoing message with id {message_id}")
            if msg.delivery != "failed":
                raise ReplyError(f"message {message_id} is {msg.delivery}, not failed")
            msg.delivery, msg.next_attempt_at, msg.attempts = "queued", utcnow(), 0
            audit.record(s, actor, "reply.retried", "message", msg.id)
            case_id = msg.case_id
        self._bus.publish(MessagesChanged((message_id,), (case_id,) if case_id else ()))

    # ------------------------------------------------------------ dispatching

    def claim(
        self,
        account_id: int,
        *,
        limit: int = 20,
        include_stale: bool = False,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Claimed]:
        """Mark due replies *sending* (committed) and return them for sending."""
        now = utcnow()
        states = ["queued", "sending"] if include_stale else ["queued"]
        claimed: list[Claimed] = []
        with self._factory() as s, s.begin():
            rows = s.execute(
                select(Message.id, Message.delivery)
                .where(
                    Message.account_id == account_id,
                    Message.direction == "out",
                    Message.delivery.in_(states),
                    or_(
                        Message.next_attempt_at.is_(None),
                        Message.next_attempt_at <= now,
                        Message.delivery == "sending",
                    ),
                    Message.id.not_in(exclude) if exclude else True,
                )
                .order_by(Message.id)
                .limit(limit)
            ).all()
            for message_id, state in rows:
                done = s.execute(
                    update(Message)
                    .where(Message.id == message_id, Message.delivery == state)
                    .values(delivery="sending", attempts=Message.attempts + 1)
                ).rowcount
                if done:
                    claimed.append(self._build(s, message_id, uncertain=state == "sending"))
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
                Message.direction == "in",
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
        kind = IDENTITY_KIND.get(account.kind)
        ident_q = select(Identity).where(Identity.customer_id == msg.customer_id)
        if kind is not None:  # a test or third-party channel gets every identity
            ident_q = ident_q.where(Identity.kind == kind)
        to = tuple(Address(i.kind, i.value, i.display) for i in s.scalars(ident_q.order_by(Identity.id)))
        if thread is not None and account.channel == "email":
            last = s.execute(
                select(Message.sender, Message.meta)
                .where(Message.thread_id == thread.id, Message.direction == "in")
                .order_by(Message.sent_at.desc())
                .limit(1)
            ).first()
            if last is not None:
                reply_to = [str(a) for a in ((last.meta or {}).get("reply_to") or [])]
                # Reply-To is respected for replies; the identity stays the From address.
                to = (
                    tuple(Address("email", a) for a in reply_to)
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
        text = f"{msg.text}\n\n-- \n{signature}" if signature and account.channel == "email" else msg.text
        reply = OutboundReply(
            idempotency_key=msg.idempotency_key or str(msg.id),
            thread_key=thread.external_key if thread else "",
            text=text,
            to=to[:1] if account.channel == "email" else to,
            html=msg.html,
            subject=msg.subject,
            in_reply_to=last_in,
            references=tuple(refs),
            attachments=attachments,
            sender_name=msg.sender,
        )
        progress = tuple((msg.meta or {}).get("sent_parts") or ())
        return Claimed(msg.id, account.id, reply, msg.attempts, uncertain, progress)

    def mark_sent(self, claimed: Claimed, result: SendResult) -> None:
        with self._factory() as s, s.begin():
            msg = s.get(Message, claimed.message_id)
            assert msg is not None
            msg.delivery, msg.error = "sent", None
            msg.external_id = result.external_id[:500]
            if msg.case_id:
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
                msg.delivery = "failed"
                msg.error = f"gave up after {msg.attempts} attempts: {error}"[:1000]
                gave_up = True
            else:
                delay = retry_after if retry_after is not None else min(600.0, 2.0**msg.attempts)
                msg.delivery, msg.error = "queued", error[:1000]
                msg.next_attempt_at = utcnow() + timedelta(seconds=delay)
                gave_up = False
            case_id = msg.case_id
        self._changed(claimed.message_id, case_id)
        return gave_up

    def mark_failed(self, claimed: Claimed, reason: str) -> None:
        with self._factory() as s, s.begin():
            msg = s.get(Message, claimed.message_id)
            assert msg is not None
            msg.delivery, msg.error = "failed", reason[:1000]
            audit.record(s, None, "reply.failed", "message", msg.id, reason=reason[:1000])
            case_id = msg.case_id
        self._changed(claimed.message_id, case_id)

    def release(self, claimed: Claimed, error: str) -> None:
        """Put a claimed reply back untouched (the account stopped, e.g. credentials)."""
        with self._factory() as s, s.begin():
            s.execute(
                update(Message)
                .where(Message.id == claimed.message_id)
                .values(delivery="queued", error=error[:1000], attempts=Message.attempts - 1)
            )
        self._changed(claimed.message_id, None)

    def _changed(self, message_id: int, case_id: int | None) -> None:
        self._bus.publish(MessagesChanged((message_id,), (case_id,) if case_id else ()))
        if case_id:
            self._bus.publish(CasesChanged((case_id,)))


def _store_attachment(s: Session, message_id: int, att: AttachmentData) -> None:
    digest = hashlib.sha256(att.data).hexdigest()
    if s.get(AttachmentBlob, digest) is None:
        s.add(AttachmentBlob(sha256=digest, size=len(att.data), data=att.data))
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


def _prefer_sender(to: tuple[Address, ...], last_sender: str | None) -> tuple[Address, ...]:
    if not last_sender:
        return to
    lowered = last_sender.lower()
    chosen = [a for a in to if a.value in lowered]
    return tuple(chosen + [a for a in to if a not in chosen])


def _reply_subject(subject: str | None) -> str | None:
    if not subject:
        return None
    from inbox_app.core.identities import normalize_subject

    stripped = subject.strip()
    if normalize_subject(stripped) != stripped.casefold():
        # already prefixed ("Re: ...", "R: ..."): keep it as the customer's client shows it
        return stripped[:500]
    return f"Re: {stripped}"[:500]


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
