"""What the satisfaction (CSAT) tests of every channel share: a team that asks, and a case of
it resolved by its agent."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from inbox_app.app import Services
from inbox_app.core.store.models import AuditEvent, Case, CsatSurvey, Message

TEAM, AGENT = "Support", "Marta"
URL = re.compile(r"(?i)\b(?:https?://|www\.|ftp://|mailto:)|\b[\w.-]+\.(?:com|it|org|net|io|eu)\b")


def asking_team(app: Services, *, delay: int = 0, every: int = 30 * 86400) -> None:
    """Team Support with Marta in it, asking ``delay`` seconds after resolving."""
    app.agents.add_team(TEAM)
    app.agents.add(AGENT, "marta@shop.example", team=TEAM)
    got = app.csat_settings.set_team(TEAM, enabled=True, delay=delay, every=every)
    assert got["csat"] is True and got["csat_delay"] == delay and got["csat_every"] == every


def resolve(app: Services, case_id: int) -> None:
    """Marta of team Support worked the case and resolved it."""
    app.cases.assign_team(case_id, TEAM)
    app.cases.assign(case_id, AGENT)
    app.cases.set_status(case_id, "resolved")


def case_of(app: Services, external_id: str) -> int:
    with app.factory() as s:
        case_id = s.scalar(select(Message.case_id).where(Message.external_id == external_id))
    assert case_id is not None
    return int(case_id)


def survey(app: Services, case_id: int) -> CsatSurvey | None:
    with app.factory() as s:
        found = s.scalar(select(CsatSurvey).where(CsatSurvey.case_id == case_id))
        if found is not None:
            s.expunge(found)
        return found


def surveys(app: Services) -> list[dict[str, Any]]:
    return [r.as_json() for r in app.csat_reports.surveys()]


def status(app: Services, case_id: int) -> str:
    with app.factory() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return str(case.status)


def questions(app: Services) -> list[Message]:
    """The satisfaction questions queued or sent, oldest first."""
    with app.factory() as s:
        found = [
            m
            for m in s.scalars(select(Message).where(Message.is_auto.is_(True)).order_by(Message.id))
            if (m.meta or {}).get("csat")
        ]
        for m in found:
            s.expunge(m)
        return found


def reopened_by_answer(app: Services, case_id: int) -> list[dict[str, Any]]:
    with app.factory() as s:
        return [
            dict(a.data)
            for a in s.scalars(
                select(AuditEvent).where(
                    AuditEvent.object_id == case_id, AuditEvent.action == "case.reopened"
                )
            )
        ]


def urls_in(text: str) -> list[str]:
    return URL.findall(text)
