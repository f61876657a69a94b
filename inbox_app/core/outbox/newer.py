"""The send-time check ("traffic cop"): what arrived on a case since its writer last looked.

A reply written against an old picture of the case can contradict what the customer
just wrote or what a colleague just answered. The writer says which message was the
newest they saw (its id: ids only grow, within a case as everywhere); anything newer
that is not the writer's own holds the reply until they have seen it. The outbox runs
this check and the insert in one transaction (see ``OutboxService.queue_reply``), so two
writers replying to one case at once cannot both pass it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inbox_app.core.clock import aware
from inbox_app.core.store.models import Agent, Customer, Message
from inbox_app.core.vocab import Direction

__all__ = ["NewerMessage", "newer_messages", "newest_message_id"]

#: How much of a message the check shows: enough to tell what it is about.
FIRST_WORDS = 80


@dataclass(frozen=True)
class NewerMessage:
    """A message that arrived on the case after the one its writer saw."""

    id: int
    direction: str  # in (the customer), out (a reply), note
    channel: str
    who: str  # the customer's name, or the agent's (the sender when no agent wrote it)
    sent_at: datetime
    text: str

    def first_words(self, limit: int = FIRST_WORDS) -> str:
        """The start of the text on one line, cut at a word with an ellipsis."""
        flat = " ".join(self.text.split())
        if len(flat) <= limit:
            return flat
        cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
        return cut + "…"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "direction": self.direction,
            "channel": self.channel,
            "who": self.who,
            "sent_at": self.sent_at.isoformat(),
            "text": self.text,
        }


def newer_messages(
    s: Session, case_id: int, after_message_id: int, writer_id: int | None
) -> list[NewerMessage]:
    """Messages of ``case_id`` newer than ``after_message_id``, the writer's own left out.

    What the customer wrote, replies and notes count whoever wrote them, except the
    writer's own (agent ``writer_id``): their earlier reply is no news to them. A writer
    who is no agent (a script acting as nobody) owns none, so every reply counts.
    """
    mine = Message.agent_id == writer_id if writer_id is not None else None
    stmt = (
        select(
            Message.id,
            Message.direction,
            Message.channel,
            Message.sender,
            Message.sent_at,
            Message.text,
            Agent.name,
            Customer.name,
        )
        .join(Customer, Customer.id == Message.customer_id)
        .outerjoin(Agent, Agent.id == Message.agent_id)
        .where(Message.case_id == case_id, Message.id > after_message_id)
        .order_by(Message.id)
    )
    if mine is not None:
        stmt = stmt.where(or_(Message.direction == Direction.IN, Message.agent_id.is_(None), ~mine))
    out = []
    for mid, direction, channel, sender, sent_at, text, agent, customer in s.execute(stmt):
        who = customer if direction == Direction.IN else (agent or sender)
        out.append(NewerMessage(mid, direction, channel, who or sender or "", aware(sent_at), text or ""))
    return out


def newest_message_id(s: Session, case_id: int) -> int | None:
    """The id a writer who sees the whole case now passes as ``after`` (None: no message)."""
    return s.scalar(select(func.max(Message.id)).where(Message.case_id == case_id))
