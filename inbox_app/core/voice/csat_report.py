"""Satisfaction figures: the surveys asked, and CSAT per agent, team or channel.

CSAT is the share of answers that are 4 or 5, and it is never shown alone: always with the
number of answers it is made of and the response rate (answers / questions asked), so that
"100 %" from one answer out of forty questions reads as what it is. Surveys count in the
period by when they were asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.clock import aware
from inbox_app.core.store.models import Agent, ChannelAccount, CsatSurvey, Team
from inbox_app.core.voice.csat import GOOD

GROUPINGS = ("agent", "team", "channel")


@dataclass(frozen=True)
class SurveyRow:
    case_id: int
    customer_id: int
    agent: str | None
    team: str | None
    channel: str
    account: str | None
    language: str
    score: int | None
    comment: str | None
    asked_at: datetime
    answered_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        """The keys of ``inbox-app csat list --json``."""
        return {
            "case_id": self.case_id,
            "customer_id": self.customer_id,
            "agent": self.agent,
            "channel": self.channel,
            "score": self.score,
            "comment": self.comment,
            "asked_at": self.asked_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
        }


@dataclass
class Figures:
    """CSAT of one group (or of everything: ``name`` None)."""

    name: str | None
    asked: int = 0
    answers: int = 0
    satisfied: int = 0
    cases: list[int] = field(default_factory=list)  # the answered cases, for drill-down

    @property
    def csat(self) -> float | None:
        """Percent of answers that are 4-5; None with no answer (not 0: nobody said)."""
        return round(100.0 * self.satisfied / self.answers, 1) if self.answers else None

    @property
    def response_rate(self) -> float | None:
        return round(100.0 * self.answers / self.asked, 1) if self.asked else None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "csat": self.csat,
            "answers": self.answers,
            "satisfied": self.satisfied,
            "asked": self.asked,
            "response_rate": self.response_rate,
            "cases": self.cases,
        }


def figures(rows: Iterable[SurveyRow], by: str | None = None) -> tuple[Figures, list[Figures]]:
    """The total and, with ``by`` (agent, team or channel), each group's figures, best first."""
    total = Figures(None)
    groups: dict[str | None, Figures] = {}
    for row in rows:
        targets = [total]
        if by is not None:
            key = getattr(row, by)
            targets.append(groups.setdefault(key, Figures(key)))
        for f in targets:
            f.asked += 1
            if row.score is not None:
                f.answers += 1
                f.satisfied += row.score >= GOOD
                f.cases.append(row.case_id)
    ordered = sorted(groups.values(), key=lambda f: (-(f.csat or -1), -f.answers, f.name or ""))
    return total, ordered


class CsatReports:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def surveys(
        self, start: datetime | None = None, end: datetime | None = None, *, case_id: int | None = None
    ) -> list[SurveyRow]:
        """Surveys asked in [start, end), oldest first (or the one of ``case_id``)."""
        stmt = (
            select(CsatSurvey, Agent.name, Team.name, ChannelAccount.name)
            .outerjoin(Agent, Agent.id == CsatSurvey.agent_id)
            .outerjoin(Team, Team.id == CsatSurvey.team_id)
            .outerjoin(ChannelAccount, ChannelAccount.id == CsatSurvey.account_id)
            .where(CsatSurvey.skipped.is_(None))  # cases decided not to ask: no question, no figure
            .order_by(CsatSurvey.asked_at, CsatSurvey.id)
        )
        if start is not None:
            stmt = stmt.where(CsatSurvey.asked_at >= start)
        if end is not None:
            stmt = stmt.where(CsatSurvey.asked_at < end)
        if case_id is not None:
            stmt = stmt.where(CsatSurvey.case_id == case_id)
        with self._factory() as s:
            return [
                SurveyRow(
                    case_id=int(sv.case_id),
                    customer_id=int(sv.customer_id),
                    agent=agent,
                    team=team,
                    channel=sv.channel,
                    account=account,
                    language=sv.language,
                    score=sv.score,
                    comment=sv.comment,
                    asked_at=aware(sv.asked_at),
                    answered_at=aware(sv.answered_at),
                )
                for sv, agent, team, account in s.execute(stmt)
            ]

    def of_case(self, case_id: int) -> SurveyRow | None:
        found = self.surveys(case_id=case_id)
        return found[0] if found else None
