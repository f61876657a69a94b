"""What the at-risk factors are computed from, read for many customers in a few queries.

Ingest calls this for the customers of every batch, so each input is one statement over
all of them (in slices of 500 ids), through the indexes the store already has: messages
by (customer, time), cases by customer, threads by customer, audit events by object.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from inbox_app.core.clock import aware
from inbox_app.core.ingest.sql import chunks
from inbox_app.core.store.models import AuditEvent, Case, CsatSurvey, Message, Thread
from inbox_app.core.vocab import CaseStatus, Channel, Direction

#: How far back reopened cases, reviews, repeat contacts and channel hopping are looked for.
HISTORY = timedelta(days=90)
#: The tone factor reads the customer's messages of the last 30 days only.
TONE_HISTORY = timedelta(days=30)


# The statements, built once: ingest runs them for every batch, and an IN list of literal
# values would make SQLAlchemy build and hash a fresh statement of hundreds of parameters
# each time (an expanding parameter keeps one cached statement; the SQL sent is the same).
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_SINCE: BindParameter[datetime] = bindparam("since")
_TONES = (
    select(Message.customer_id, Message.tone)
    .where(
        Message.customer_id.in_(_IDS),
        Message.sent_at >= _SINCE,
        Message.direction == Direction.IN,
        Message.tone.is_not(None),
    )
    .order_by(Message.customer_id, Message.sent_at.desc(), Message.id.desc())
)
_REVIEWS = select(Message.customer_id, Message.meta).where(
    Message.customer_id.in_(_IDS),
    Message.sent_at >= _SINCE,
    Message.channel == Channel.REVIEW,
    Message.direction == Direction.IN,
)
# `status || ''`: SQLite (no statistics) would otherwise read every open case of the store
# through the status index instead of these customers' cases through theirs.
_WAITING = (
    select(Case.customer_id, func.min(Case.waiting_since))
    .where(
        Case.customer_id.in_(_IDS),
        (Case.status + "") == CaseStatus.OPEN,
        Case.waiting_since.is_not(None),
    )
    .group_by(Case.customer_id)
)
# A case opened or resolved in the window was written in then too: one condition.
_CASES = (
    select(Case.id, Case.customer_id, Case.opened_at, Case.resolved_at, Case.sla_breached)
    .where(Case.customer_id.in_(_IDS), Case.last_message_at >= _SINCE)
    .order_by(Case.opened_at, Case.id)
)
# The satisfaction answers of the last 90 days, newest first (core/voice/csat*.py).
_CSAT = (
    select(CsatSurvey.customer_id, CsatSurvey.score)
    .where(
        CsatSurvey.customer_id.in_(_IDS),
        CsatSurvey.answered_at >= _SINCE,
        CsatSurvey.score.is_not(None),
    )
    .order_by(CsatSurvey.customer_id, CsatSurvey.answered_at.desc(), CsatSurvey.id.desc())
)
_CHANNELS = (
    select(Thread.case_id, Thread.channel)
    .where(Thread.customer_id.in_(_IDS), Thread.case_id.is_not(None), Thread.created_at >= _SINCE)
    .order_by(Thread.created_at.desc())
)
_REOPENED = select(AuditEvent.object_id).where(
    AuditEvent.object_type == "case",
    AuditEvent.object_id.in_(_IDS),
    AuditEvent.action == "case.reopened",
    AuditEvent.at >= _SINCE,
)


@dataclass
class Inputs:
    """One customer's plain values for risk_factors."""

    tones: list[float] = field(default_factory=list)  # newest first
    stars: list[int] = field(default_factory=list)
    waiting_since: datetime | None = None
    reopened: int = 0
    contacts: list[tuple[datetime, str]] = field(default_factory=list)  # (opened, channel), oldest first
    cases: list[tuple[datetime, datetime | None]] = field(default_factory=list)  # (opened, resolved)
    # Filled by the service-level and satisfaction parts' queries (cases.sla_breached of the
    # recent cases; csat_surveys scores of the last 90 days, newest first): see risk_factors.
    sla_breached: list[str | None] = field(default_factory=list)
    csat_scores: list[int] = field(default_factory=list)


def read_inputs(s: Session, ids: set[int], now: datetime) -> dict[int, Inputs]:
    """Each customer's inputs; a customer with none (nothing recent) is left out."""
    found: dict[int, Inputs] = {}
    since, tone_since = now - HISTORY, now - TONE_HISTORY
    # The session's connection, not the session: these are plain rows, and the ORM's
    # wrapping of each row costs as much as reading it.
    c = s.connection()
    for part in chunks(ids):
        for customer_id, tone in c.execute(_TONES, {"ids": part, "since": tone_since}):
            tones = _of(found, customer_id).tones
            if tone is not None and len(tones) < 5:
                tones.append(tone)
        for customer_id, meta in c.execute(_REVIEWS, {"ids": part, "since": since}):
            stars = (meta or {}).get("stars")
            if isinstance(stars, int):
                _of(found, customer_id).stars.append(stars)
        _waiting(c, part, found)
        _cases(c, part, found, since)
        for customer_id, score in c.execute(_CSAT, {"ids": part, "since": since}):
            if score is not None:  # the query asks for answered ones only
                _of(found, customer_id).csat_scores.append(score)
    return found


def _of(found: dict[int, Inputs], customer_id: int) -> Inputs:
    inputs = found.get(customer_id)
    if inputs is None:
        inputs = found[customer_id] = Inputs()
    return inputs


def _waiting(c: Connection, part: list[int], found: dict[int, Inputs]) -> None:
    """Since when each customer's oldest unanswered message on an open case has waited:
    one row per customer, however many open cases they have."""
    for customer_id, waiting in c.execute(_WAITING, {"ids": part}):
        _of(found, customer_id).waiting_since = aware(_timestamp(waiting))


def _cases(c: Connection, part: list[int], found: dict[int, Inputs], since: datetime) -> None:
    """The cases of the last 90 days (opened, resolved or written in): repeats, channels, reopenings."""
    rows = c.execute(_CASES, {"ids": part, "since": since}).all()
    if not rows:
        return
    # Channels matter only to a customer with two recent cases or more (channel hopping).
    per_customer = Counter(r.customer_id for r in rows)
    several = [cid for cid, n in per_customer.items() if n > 1]
    channel_of: dict[int, str] = {}
    if several:
        for case_id, channel in c.execute(_CHANNELS, {"ids": several, "since": since}):
            if case_id is not None:
                channel_of[case_id] = channel  # the oldest thread's channel is written last
    for row in rows:
        opened, resolved = aware(row.opened_at), aware(row.resolved_at)
        assert opened is not None
        if opened >= since:
            inputs = _of(found, row.customer_id)
            inputs.cases.append((opened, resolved))
            if row.sla_breached:
                inputs.sla_breached.append(row.sla_breached)
            if row.id in channel_of:
                inputs.contacts.append((opened, channel_of[row.id]))
    _reopened(c, rows, found, since)


def _timestamp(value: Any) -> datetime | None:
    """A MIN() of a timestamp column comes back as the stored value (SQLite: microseconds)."""
    if value is None or isinstance(value, datetime):
        return value
    from inbox_app.core.store.coltypes import from_micros

    return from_micros(int(value))


def _reopened(c: Connection, rows: Sequence[Any], found: dict[int, Inputs], since: datetime) -> None:
    """Reopenings the customer caused: a reply to a resolved case, a review's stars lowered
    (ingest's "case.reopened"). An agent setting a case open again is the team's decision,
    not the customer's signal. Only the trail's who-what-when columns are read: every
    group may read those (core/team/rights.py)."""
    owner = {r.id: r.customer_id for r in rows}
    for part in chunks(set(owner)):
        for (object_id,) in c.execute(_REOPENED, {"ids": part, "since": since}):
            if object_id in owner:
                _of(found, owner[object_id]).reopened += 1
