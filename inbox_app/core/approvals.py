"""Replies held for a lead: holding one when it is queued, and the lead's decision.

When the outbox queues a reply, :func:`hold_if_ruled` asks the rules
(:mod:`inbox_app.core.approval_rules`) whether it must wait: then the reply is stored
*awaiting_approval* instead of *queued*, with an ``approvals`` row saying why and keeping
the text as written. The dispatcher claims only *queued* replies, so a held one never goes.
A lead (or an admin) approves it, possibly with an edited text (both texts are kept), and it
is queued for sending; or rejects it with a reason, which its author sees in the message's
``error``. An author never decides on their own reply, and a decision is taken once: a
conditional UPDATE on the approval, so two leads deciding at the same instant never both
win. In team mode PostgreSQL holds every login to the same (core/team/row_rules.py): no
login, the worker's included, moves a reply out of *awaiting_approval* unless its approval
says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from connectors.base import Capabilities
from inbox_app.core import approval_rules, audit, claims
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.events import CasesChanged, EventBus, MessagesChanged
from inbox_app.core.outbox.rules import check_reply, too_long
from inbox_app.core.service import clocks, events
from inbox_app.core.service.events import Kind
from inbox_app.core.store.models import Agent, Approval, ChannelAccount, Message
from inbox_app.core.team.refusals import NotPermitted
from inbox_app.core.vocab import ApprovalState, Channel, Delivery, Direction

CapabilitiesOf = Callable[[str, Mapping[str, Any]], Capabilities]  # (kind, account settings)
#: Mastodon visibilities of a customer's post that get a private answer (connectors/mastodon).
_PRIVATE_POSTS = ("direct", "private")


class ApprovalError(Exception):
    """A decision cannot be taken as asked (no such held reply, no reason...); says why."""


class AlreadyDecided(ApprovalError):
    def __init__(self, approval_id: int, state: str, by: str | None) -> None:
        self.approval_id, self.state, self.by = approval_id, state, by
        who = f" by {by}" if by else ""
        super().__init__(f"the reply held as approval {approval_id} was already {state}{who}")


class NotALead(NotPermitted):
    def __init__(self, who: str) -> None:
        super().__init__(
            f"not permitted: only leads and admins approve or reject held replies, and {who} is not one"
        )


class OwnReply(NotPermitted):
    def __init__(self, approval_id: int) -> None:
        super().__init__(
            f"not permitted: approval {approval_id} holds your own reply; another lead decides on it"
        )


@dataclass(frozen=True)
class ApprovalRow:
    id: int
    message_id: int
    case_id: int | None
    author: str | None
    author_id: int | None
    rule: str
    text: str  # as it goes if approved now: the edit, else the text as written
    original_text: str
    edited_text: str | None
    state: str
    reason: str | None
    decided_by: str | None
    created_at: datetime
    decided_at: datetime | None
    account: str | None = None
    answering: str | None = None  # the customer's message the reply answers, its start
    stars: int | None = None  # the rating of the review it answers

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_id": self.case_id,
            "author": self.author,
            "text": self.text,
            "rule": self.rule,
            "created_at": self.created_at.isoformat(),
        }


def hold_if_ruled(
    s: Session, msg: Message, account: ChannelAccount, agent: Agent | None, *, public: bool | None
) -> str | None:
    """Hold the reply ``msg`` (just added, flushed) for a lead when a rule says so; the rule.

    ``public``: whether the account's replies are public (its channel's capabilities);
    None when they are not known, then an answer to a review counts as public.
    """
    rules = approval_rules.of_account(account.settings or {})
    trainee = agent is not None and bool(agent.trainee)
    if not trainee and not rules.any:
        return None  # the common case: no query
    answered = _answered(s, msg)
    stars = answered.get("stars")
    stars = int(stars) if isinstance(stars, int | float) and not isinstance(stars, bool) else None
    seen = public if public is not None else account.channel == Channel.REVIEW
    if answered.get("visibility") in _PRIVATE_POSTS:
        seen = False  # a private post gets a private answer
    rule = approval_rules.rule_for(trainee=trainee, rules=rules, public=seen, stars=stars)
    if rule is None:
        return None
    msg.delivery, msg.next_attempt_at = Delivery.AWAITING_APPROVAL, None
    s.add(
        Approval(
            message_id=msg.id,
            case_id=msg.case_id,
            author_id=agent.id if agent else None,
            rule=rule,
            original_text=msg.text,
            created_at=utcnow(),
        )
    )
    s.flush()
    audit.record(
        s,
        agent.name if agent else None,
        "reply.held_for_approval",
        "message",
        msg.id,
        case_id=msg.case_id,
        rule=rule,
        stars=stars,
    )
    return rule


def _answered(s: Session, msg: Message) -> dict[str, Any]:
    """The metadata of the customer's latest message in the reply's conversation."""
    if msg.thread_id is None:
        return {}
    meta = s.scalar(
        select(Message.meta)
        .where(Message.thread_id == msg.thread_id, Message.direction == Direction.IN)
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    )
    return dict(meta) if isinstance(meta, dict) else {}


class ApprovalService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        bus: EventBus | None = None,
        *,
        capabilities_of: CapabilitiesOf | None = None,
    ) -> None:
        self._factory = factory
        self._bus = bus or EventBus()
        self._capabilities_of = capabilities_of  # to hold an edit to its channel's length

    # ------------------------------------------------------------ reading

    def waiting(self) -> list[ApprovalRow]:
        """The replies waiting for a lead, oldest first."""
        with self._factory() as s:
            ids = s.scalars(
                select(Approval.id)
                .where(Approval.state == ApprovalState.WAITING)
                .order_by(Approval.created_at, Approval.id)
            ).all()
            return [self._row(s, i) for i in ids]

    def get(self, approval_id: int) -> ApprovalRow:
        with self._factory() as s:
            return self._row(s, approval_id)

    def for_message(self, message_id: int) -> ApprovalRow | None:
        with self._factory() as s:
            found = s.scalar(select(Approval.id).where(Approval.message_id == message_id))
            return self._row(s, found) if found is not None else None

    def _row(self, s: Session, approval_id: int) -> ApprovalRow:
        author, decider = aliased(Agent), aliased(Agent)
        row = s.execute(
            select(Approval, author.name, decider.name, Message.text, Message.thread_id, ChannelAccount.name)
            .join(Message, Message.id == Approval.message_id)
            .outerjoin(author, author.id == Approval.author_id)
            .outerjoin(decider, decider.id == Approval.decided_by_id)
            .outerjoin(ChannelAccount, ChannelAccount.id == Message.account_id)
            .where(Approval.id == approval_id)
        ).first()
        if row is None:
            raise ApprovalError(
                f"no held reply with approval id {approval_id} (see 'inbox-app approvals list')"
            )
        a, author_name, decider_name, text, thread_id, account = row
        answering, stars = None, None
        if thread_id is not None:
            last = s.execute(
                select(Message.text, Message.meta)
                .where(Message.thread_id == thread_id, Message.direction == Direction.IN)
                .order_by(Message.sent_at.desc(), Message.id.desc())
                .limit(1)
            ).first()
            if last is not None:
                answering = (last.text or "")[:2000]
                rating = (last.meta or {}).get("stars") if isinstance(last.meta, dict) else None
                stars = rating if isinstance(rating, int) and not isinstance(rating, bool) else None
        return ApprovalRow(
            a.id,
            a.message_id,
            a.case_id,
            author_name,
            a.author_id,
            a.rule,
            text or "",
            a.original_text,
            a.edited_text,
            a.state,
            a.reason,
            decider_name,
            aware(a.created_at) or utcnow(),
            aware(a.decided_at),
            account,
            answering,
            stars,
        )

    # ------------------------------------------------------------ deciding

    def approve(self, approval_id: int, *, actor: str | None = None, text: str | None = None) -> ApprovalRow:
        """Queue the held reply for sending, with ``text`` in place of its own when given."""
        if text is not None and check_reply(text, 0, 0) is not None:
            raise ApprovalError("the edited reply is empty; write it, or approve the reply as it is")
        return self._decide(approval_id, ApprovalState.APPROVED, actor=actor, text=text)

    def reject(self, approval_id: int, reason: str, *, actor: str | None = None) -> ApprovalRow:
        """Keep the held reply from going; its author sees ``reason``."""
        reason = reason.strip()
        if not reason:
            raise ApprovalError("say why the reply is rejected (--reason): its author reads it")
        return self._decide(approval_id, ApprovalState.REJECTED, actor=actor, reason=reason)

    def _decide(
        self,
        approval_id: int,
        state: ApprovalState,
        *,
        actor: str | None,
        text: str | None = None,
        reason: str | None = None,
    ) -> ApprovalRow:
        with self._factory() as s, s.begin():
            held = s.get(Approval, approval_id)
            if held is None:
                raise ApprovalError(
                    f"no held reply with approval id {approval_id} (see 'inbox-app approvals list')"
                )
            if held.state != ApprovalState.WAITING:
                raise AlreadyDecided(approval_id, held.state, _name(s, held.decided_by_id))
            me = claims.actor_of(s, actor)
            if me is not None and not me.lead:
                raise NotALead(actor or f"agent {me.id}")
            if me is not None and held.author_id == me.id:
                raise OwnReply(approval_id)
            msg = s.get(Message, held.message_id)
            assert msg is not None  # the approval goes with its message (ON DELETE CASCADE)
            edited = text if text is not None and text != held.original_text else None
            if edited is not None:
                self._check_length(s, msg, edited)
            now = utcnow()
            # The approval first: in team mode the row rule on messages lets a reply out of
            # awaiting_approval only once its approval says so.
            done = cast(
                CursorResult[Any],
                s.execute(
                    update(Approval)
                    .where(Approval.id == approval_id, Approval.state == ApprovalState.WAITING)
                    .values(
                        state=state,
                        edited_text=edited,
                        reason=reason,
                        decided_by_id=me.id if me else None,
                        decided_at=now,
                    )
                    .execution_options(synchronize_session=False)
                ),
            ).rowcount
            if not done:  # another lead decided between the read and this update
                s.expire(held)
                raise AlreadyDecided(approval_id, held.state, _name(s, held.decided_by_id))
            decided_by = _name(s, me.id) if me else None
            mark = {"state": str(state), "by": decided_by, "edited": edited is not None}
            values: dict[str, Any] = {"meta": {**(msg.meta or {}), "approval": mark}}
            if state == ApprovalState.APPROVED:
                values.update(delivery=Delivery.QUEUED, next_attempt_at=now, error=None)
                if edited is not None:
                    values.update(text=edited, html=None)  # the lead's words, as plain text
            else:
                values.update(delivery=Delivery.REJECTED, error=reason)
            moved = s.execute(
                update(Message)
                .where(Message.id == msg.id, Message.delivery == Delivery.AWAITING_APPROVAL)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if state == ApprovalState.APPROVED and msg.case_id and cast(CursorResult[Any], moved).rowcount:
                # The reply reaches the customer from now on: the case history's public reply.
                events.record(
                    s, msg.case_id, Kind.OUTBOUND, now, actor_agent_id=held.author_id, message_id=msg.id
                )
                clocks.refresh(s, [msg.case_id], now)
            audit.record(
                s,
                actor,
                "reply.approved" if state == ApprovalState.APPROVED else "reply.rejected",
                "message",
                msg.id,
                case_id=msg.case_id,
                approval_id=approval_id,
                rule=held.rule,
                edited=edited is not None,
                **({"reason": reason} if reason else {}),
            )
            message_id, case_id = msg.id, msg.case_id
        self._bus.publish(MessagesChanged((message_id,), (case_id,) if case_id else ()))
        if case_id:
            self._bus.publish(CasesChanged((case_id,)))
        return self.get(approval_id)

    def _check_length(self, s: Session, msg: Message, text: str) -> None:
        account = s.get(ChannelAccount, msg.account_id) if msg.account_id else None
        if account is None or self._capabilities_of is None:
            return
        refusal = too_long(text, self._capabilities_of(account.kind, account.settings), account.name)
        if refusal is not None:
            raise ApprovalError(f"the edited reply cannot go: {refusal.words()}")


def _name(s: Session, agent_id: int | None) -> str | None:
    return s.scalar(select(Agent.name).where(Agent.id == agent_id)) if agent_id is not None else None
