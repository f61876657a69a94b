"""Reading satisfaction answers as replies are stored (one step of ingest).

A customer's reply on a resolved case whose question waits for an answer, written after the
question, that starts with a score (:func:`inbox_app.core.voice.csat.read_answer`) is the
answer: the score and the rest of the reply (the comment) go on the survey, the first answer
only. An answer leaves the case resolved; a low one (1-2) reopens it, like any other reply,
and its agent is told (:class:`inbox_app.core.events.SatisfactionLow`). A reply that does not
start with a score is an ordinary reply and reopens the case as always.

Only resolved cases are looked at (one small query each, and only then): a customer's reply
on an open case is work for the agent, whatever it starts with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from connectors.base import InboundItem
from inbox_app.core import audit
from inbox_app.core.clock import aware, utcnow
from inbox_app.core.store.models import CsatSurvey, Message
from inbox_app.core.voice.csat import LOW, Answer, read_answer

#: A reply dated this much before the question still answers it: a customer's clock running late, or
#: Telegram's whole seconds against the question's microseconds.
SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class Pending:
    survey_id: int
    case_id: int
    external_id: str
    answer: Answer
    at: datetime


@dataclass
class CsatReader:
    """Per batch: which resolved cases wait for an answer, and the answers found."""

    session: Session
    waiting: dict[int, tuple[int, datetime] | None] = field(default_factory=dict)
    found: list[Pending] = field(default_factory=list)

    def answer(self, item: InboundItem, case_id: int | None) -> Answer | None:
        """The answer ``item`` gives to the question of resolved case ``case_id``, if it is one."""
        if case_id is None:
            return None
        if case_id not in self.waiting:
            row = self.session.execute(
                select(CsatSurvey.id, CsatSurvey.asked_at).where(
                    CsatSurvey.case_id == case_id,
                    CsatSurvey.answered_at.is_(None),
                    CsatSurvey.asked_message_id.is_not(None),
                )
            ).first()
            self.waiting[case_id] = (int(row.id), aware(row.asked_at)) if row is not None else None
        survey = self.waiting[case_id]
        if survey is None:
            return None
        at = aware(item.sent_at) or utcnow()
        if at < survey[1] - SKEW:
            return None  # written before the question: not an answer to it
        answer = read_answer(item.text or "")
        if answer is None:
            return None
        self.found.append(Pending(survey[0], case_id, item.external_id, answer, at))
        self.waiting[case_id] = None  # the first answer counts
        return answer

    @staticmethod
    def reopens(answer: Answer) -> bool:
        return answer.score <= LOW

    def record(self, account_id: int) -> list[dict[str, Any]]:
        """Put the answers found on their surveys (after the batch's messages are written);
        what was recorded, for the events."""
        done = []
        for p in self.found:
            message_id = self.session.scalar(
                select(Message.id).where(
                    Message.account_id == account_id, Message.external_id == p.external_id
                )
            )
            changed = self.session.execute(
                update(CsatSurvey)
                .where(CsatSurvey.id == p.survey_id, CsatSurvey.answered_at.is_(None))
                .values(
                    answered_at=p.at,
                    score=p.answer.score,
                    comment=p.answer.comment or None,
                    answer_message_id=message_id,
                )
                .execution_options(synchronize_session=False)
            )
            if not cast(CursorResult[Any], changed).rowcount:
                continue
            audit.record(
                self.session, None, "csat.answered", "case", p.case_id,
                survey=p.survey_id, score=p.answer.score, message_id=message_id,
            )  # fmt: skip
            done.append({"case_id": p.case_id, "score": p.answer.score, "survey_id": p.survey_id})
        self.found.clear()
        return done
