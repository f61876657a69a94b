"""Phone calls logged by agents: a message on the customer's timeline and the case.

A call is not sent anywhere, so it never enters the outbox; the number the agent
typed becomes a ``phone`` identity of the customer (merging if someone else owns it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.customers.service import CustomerError, CustomerService
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded
from inbox_app.core.store.models import Agent, Case, Message
from inbox_app.core.vocab import CallOutcome, Channel, Direction, IdentityKind

OUTCOMES = tuple(CallOutcome)


class CallError(Exception):
    """The call cannot be logged; the message says why."""


@dataclass(frozen=True)
class CallLog:
    direction: str  # Direction.IN or Direction.OUT
    number: str
    duration_seconds: int = 0
    outcome: str = CallOutcome.ANSWERED
    notes: str = ""
    at: datetime | None = None


class CallService:
    def __init__(
        self, factory: sessionmaker[Session], customers: CustomerService, bus: EventBus | None = None
    ) -> None:
        self._factory = factory
        self._customers = customers
        self._bus = bus or EventBus()

    def log(self, case_id: int, call: CallLog, *, agent_id: int | None = None) -> int:
        if call.direction not in (Direction.IN, Direction.OUT):
            raise CallError("a call is either inbound or outbound")
        if call.outcome not in OUTCOMES:
            raise CallError(f"outcome must be one of {', '.join(OUTCOMES)}")
        if call.duration_seconds < 0:
            raise CallError("a call cannot last less than nothing")
        with self._factory() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise CallError(f"no case with id {case_id}")
            customer_id = case.customer_id
        number = None
        if call.number.strip():
            try:
                number = self._customers.add_identity(customer_id, IdentityKind.PHONE, call.number)
            except CustomerError as exc:
                raise CallError(str(exc))
        at = aware(call.at) or utcnow()
        with self._factory() as s, s.begin():
            case = s.get(Case, case_id)
            assert case is not None
            agent = s.get(Agent, agent_id) if agent_id else None
            actor = agent.name if agent else None
            msg = Message(
                customer_id=case.customer_id,
                case_id=case.id,
                direction=call.direction,
                channel=Channel.PHONE,
                sender=(number if call.direction == Direction.IN else actor) or actor,
                agent_id=agent_id,
                sent_at=at,
                text=call.notes,
                attempts=0,
                meta={
                    "number": number,
                    "duration": int(call.duration_seconds),
                    "outcome": call.outcome,
                    "call": True,
                },
            )
            s.add(msg)
            s.flush()
            if at > (aware(case.last_message_at) or at):
                case.last_message_at = at
            audit.record(
                s,
                actor,
                "call.logged",
                "message",
                msg.id,
                case_id=case.id,
                direction=call.direction,
                outcome=call.outcome,
            )
            message_id, customer_id = msg.id, case.customer_id
        self._bus.publish(MessagesAdded((message_id,), (case_id,), (customer_id,)))
        self._bus.publish(CasesChanged((case_id,)))
        return message_id
