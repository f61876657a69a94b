"""Asking for satisfaction: the pass that asks the customers of resolved cases.

Per team with CSAT on (``teams.csat_enabled``): a case resolved at least ``csat_delay``
seconds ago, and still resolved, gets one question on the channel its customer last wrote
through, in their language. Who is never asked (:func:`why_not`): a customer merged into
another, erased, or internal (one of the agents' own addresses), or one already asked within
the team's ``csat_every`` seconds; and nobody on a public channel (a review, a public social
post: anything the account answers in public).

The question goes through the outbox like any reply (it is never lost and never sent twice):
the queued message and the survey row are written in one transaction, and the survey row is
unique per case, so a case is asked once even if two processes pass at the same time. On
PostgreSQL one transaction advisory lock per team also keeps a second process from doing the
work twice (it skips the team; the next pass finds it done).

Who runs the passes: the headless worker and a window that syncs (inbox_app/sync/csat_asker.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Capabilities
from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.events import CasesChanged, EventBus, MessagesAdded
from inbox_app.core.outbox.queue import OutboxService, ReplyError
from inbox_app.core.store.models import (
    Agent,
    Case,
    ChannelAccount,
    CsatSurvey,
    Customer,
    Identity,
    Message,
    Team,
)
from inbox_app.core.vocab import CaseStatus, Channel, Direction
from inbox_app.core.voice.csat import detect_language, question
from inbox_app.core.voice.csat_rules import Candidate, why_not

logger = logging.getLogger(__name__)

LOCK_SPACE = int.from_bytes(hashlib.sha1(b"inbox_app.csat").digest()[:4], "big") >> 1
#: A case resolved longer ago than its delay plus this is not asked any more: a question
#: days late (the worker was stopped, CSAT was just turned on) is about a matter forgotten.
LATE = timedelta(days=3)
#: Cases decided per team and pass: one transaction each, kept short (SQLite has one writer,
#: and sync batches wait for it); a full batch has the next pass run at once.
BATCH = 25
#: The customer's last messages the language is told from.
LANGUAGE_SAMPLE = 5

CapabilitiesOf = Callable[[str, Mapping[str, Any]], Capabilities]


@dataclass(frozen=True)
class Asked:
    survey_id: int
    case_id: int
    message_id: int
    language: str


@dataclass(frozen=True)
class AskPass:
    asked: tuple[Asked, ...] = ()
    skipped: int = 0
    busy: bool = False
    more: bool = False  # a team had a full batch: more may be due, pass again at once


class CsatAsker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        outbox: OutboxService,
        bus: EventBus,
        *,
        capabilities_of: CapabilitiesOf | None = None,
        reader: sessionmaker[Session] | None = None,
    ) -> None:
        self._factory = factory
        self._reader = reader or factory
        self._outbox = outbox
        self._bus = bus
        self._capabilities_of = capabilities_of

    def run_pass(self, now: datetime | None = None) -> AskPass:
        """Ask every due case of every team with CSAT on."""
        now = now or utcnow()
        with self._reader() as s:
            teams = [int(t) for t in s.scalars(select(Team.id).where(Team.csat_enabled.is_(True)))]
        asked: list[Asked] = []
        skipped, busy, more = 0, False, False
        for team_id in teams:
            got = self._team_pass(team_id, now)
            if got is None:
                busy = True
                continue
            asked.extend(got[0])
            skipped += got[1]
            more = more or len(got[0]) + got[1] >= BATCH
        if asked:
            self._bus.publish(
                MessagesAdded(tuple(a.message_id for a in asked), tuple(a.case_id for a in asked))
            )
            self._bus.publish(CasesChanged(tuple(a.case_id for a in asked)))
        return AskPass(tuple(asked), skipped, busy, more)

    def _team_pass(self, team_id: int, now: datetime) -> tuple[list[Asked], int] | None:
        with self._factory() as s, s.begin():
            if not _lock(s, team_id):
                return None
            team = s.get(Team, team_id)
            if team is None or not team.csat_enabled:
                return [], 0
            due = now - timedelta(seconds=int(team.csat_delay))
            cases = s.execute(due_cases(team_id, due)).all()
            asked: list[Asked] = []
            skipped = 0
            for case_id, customer_id, agent_id in cases:
                candidate, account = self._candidate(s, int(case_id), int(customer_id), team, now)
                reason = why_not(candidate)
                done = None
                if reason is None and account is not None:
                    done = self._ask(s, int(case_id), int(customer_id), agent_id, team_id, account, now)
                    reason = "the question could not be queued" if done is None else None
                if done is not None:
                    asked.append(done)
                    continue
                # Decided once: the case is not looked at again at every pass, and cases
                # resolved after it are not held up behind it.
                skipped += 1
                logger.debug("case %s: no satisfaction question (%s)", case_id, reason)
                self._skip(s, int(case_id), int(customer_id), agent_id, team_id, account, now, reason)
            return asked, skipped

    @staticmethod
    def _skip(
        s: Session,
        case_id: int,
        customer_id: int,
        agent_id: int | None,
        team_id: int,
        account: ChannelAccount | None,
        now: datetime,
        reason: str | None,
    ) -> None:
        try:
            with s.begin_nested():
                s.add(
                    CsatSurvey(
                        case_id=case_id,
                        customer_id=customer_id,
                        agent_id=agent_id,
                        team_id=team_id,
                        channel=account.kind if account is not None else "",
                        account_id=account.id if account is not None else None,
                        language="",
                        asked_at=now,
                        skipped=(reason or "not asked")[:200],
                    )
                )
                s.flush()
        except IntegrityError:
            pass  # another process decided about this case a moment ago

    def _candidate(
        self, s: Session, case_id: int, customer_id: int, team: Team, now: datetime
    ) -> tuple[Candidate, ChannelAccount | None]:
        customer = s.get(Customer, customer_id)
        assert customer is not None
        last = s.execute(
            select(Message.account_id, Message.meta)
            .where(
                Message.case_id == case_id, Message.direction == Direction.IN, Message.account_id.is_not(None)
            )
            .order_by(Message.sent_at.desc(), Message.id.desc())
            .limit(1)
        ).first()
        account = s.get(ChannelAccount, last.account_id) if last is not None else None
        caps = (
            self._capabilities_of(account.kind, account.settings)
            if account is not None and self._capabilities_of is not None
            else None
        )
        meta = (last.meta if last is not None else None) or {}
        # One customer, several records: merged-away ones count as this one.
        selves = select(Customer.id).where(Customer.merged_into_id == customer_id)
        period = now - timedelta(seconds=int(team.csat_every))
        recent = s.scalar(
            select(CsatSurvey.id)
            .where(
                (CsatSurvey.customer_id == customer_id) | CsatSurvey.customer_id.in_(selves),
                CsatSurvey.asked_at > period,
                CsatSurvey.skipped.is_(None),
            )
            .limit(1)
        )
        agents = select(Agent.email)
        internal = s.scalar(
            select(Identity.id)
            .where(Identity.customer_id == customer_id, Identity.value.in_(agents))
            .limit(1)
        )
        candidate = Candidate(
            case_id=case_id,
            customer_id=customer_id,
            merged=customer.merged_into_id is not None,
            erased=customer.erased_at is not None,
            internal=internal is not None,
            asked_within_period=recent is not None,
            account_enabled=None if account is None else bool(account.enabled),
            channel=account.channel if account is not None else None,
            public_account=bool(caps is not None and (caps.public or not caps.private)),
            # A social post is private only when the customer wrote a direct message.
            public_post=account is not None
            and account.channel == Channel.SOCIAL
            and meta.get("visibility") != "direct",
        )
        return candidate, account

    def _ask(
        self,
        s: Session,
        case_id: int,
        customer_id: int,
        agent_id: int | None,
        team_id: int,
        account: ChannelAccount,
        now: datetime,
    ) -> Asked | None:
        texts = list(
            s.scalars(
                select(Message.text)
                .where(Message.customer_id == customer_id, Message.direction == Direction.IN)
                .order_by(Message.sent_at.desc(), Message.id.desc())
                .limit(LANGUAGE_SAMPLE)
            )
        )
        language = detect_language(texts)
        ask = question(account.channel, language)
        case = s.get(Case, case_id)
        assert case is not None
        try:
            with s.begin_nested():
                # The question first, then the survey naming it: each row is written whole
                # (a team-mode login may add surveys but change only their answer).
                meta: dict[str, Any] = {"csat": {"case": case_id}}
                if ask.choices:
                    meta["choices"] = list(ask.choices)
                msg = self._outbox.queue_auto(s, case, ask.text, account.name, meta=meta)
                survey = CsatSurvey(
                    case_id=case_id,
                    customer_id=customer_id,
                    agent_id=agent_id,
                    team_id=team_id,
                    channel=account.kind,
                    account_id=account.id,
                    language=language,
                    asked_at=now,
                    asked_message_id=msg.id,
                )
                s.add(survey)
                s.flush()
                audit.record(
                    s, None, "csat.asked", "case", case_id, survey=survey.id, language=language,
                    account=account.name, message_id=msg.id,
                )  # fmt: skip
        except ReplyError as exc:
            logger.info("case %s: satisfaction question not queued (%s)", case_id, exc)
            return None
        except IntegrityError:
            # Another process asked about this case a moment ago: once is enough.
            return None
        return Asked(int(survey.id), case_id, int(msg.id), language)


def due_cases(team_id: int, due: datetime) -> Select[int, int, int | None]:
    """The team's cases resolved between ``due - LATE`` and ``due`` not decided yet, oldest first.

    Run every few seconds on stores of a million cases: it reads only the window, through
    ``ix_cases_status_resolved`` (status, resolved_at), not every resolved case."""
    return (
        select(Case.id, Case.customer_id, Case.assignee_id)
        .where(
            Case.status == CaseStatus.RESOLVED,
            Case.resolved_at <= due,
            Case.resolved_at >= due - LATE,
            Case.team_id == team_id,
            ~exists().where(CsatSurvey.case_id == Case.id),
        )
        .order_by(Case.resolved_at, Case.id)
        .limit(BATCH)
    )


def _lock(s: Session, team_id: int) -> bool:
    if s.get_bind().dialect.name != "postgresql":
        return True  # SQLite's write transaction is the lock
    return bool(
        s.execute(text("SELECT pg_try_advisory_xact_lock(:k, :t)"), {"k": LOCK_SPACE, "t": team_id}).scalar()
    )
