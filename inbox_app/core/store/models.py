"""The store's tables, as typed SQLAlchemy 2 models.

ORM instances never leave ``inbox_app.core``: services hand plain rows
(:mod:`inbox_app.core.read.rows`) to the CLI and the UI.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inbox_app.core.clock import utcnow
from inbox_app.core.store.coltypes import PackedText, UtcTimestamp
from inbox_app.core.vocab import AccountStatus, ApprovalState, AssignMode, CaseStatus, Priority, Role

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for
# tables that grow to millions of rows.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcTimestamp(), dict[str, Any]: JSON}


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Automatic assignment of the team's new and reopened cases (vocab.AssignMode), and
    # how many open cases each of its agents may hold (None: no limit).
    assign_mode: Mapped[str] = mapped_column(String(20), default=AssignMode.OFF, server_default="off")
    capacity: Mapped[int | None]
    # Satisfaction surveys (core/voice/csat_ask.py): asked csat_delay seconds after a case
    # is resolved, never twice to a customer within csat_every seconds. Off by default.
    csat_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_text("false"))
    csat_delay: Mapped[int] = mapped_column(Integer, default=3600, server_default="3600")
    csat_every: Mapped[int] = mapped_column(Integer, default=30 * 86400, server_default="2592000")


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.AGENT)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    signature: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "Available" or "away", as the agent says; away agents get no automatic assignments.
    available: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sql_text("true"))
    # Every reply of a trainee waits for a lead's approval.
    trainee: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_text("false"))
    # When automatic assignment last gave this agent a case (round robin).
    last_assigned_at: Mapped[datetime | None]


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set while this customer is merged into another; undone by unmerge.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    erased_at: Mapped[datetime | None]
    # The name folded for "maybe the same person" suggestions (core/similar.name_key).
    name_key: Mapped[str | None] = mapped_column(String(300), index=True)


class CustomerDistinction(Base):
    """Two customers an agent said are two people: not suggested as one again."""

    __tablename__ = "customer_distinctions"
    __table_args__ = (UniqueConstraint("low_id", "high_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    high_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Identity(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(320))
    display: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChannelAccount(Base):
    __tablename__ = "channel_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default=AccountStatus.IDLE)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_sync_at: Mapped[datetime | None]
    cursor: Mapped[str | None] = mapped_column(Text)
    progress_done: Mapped[int | None]
    progress_total: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_last", "status", "last_message_at", "id"),
        Index("ix_cases_assignee_status", "assignee_id", "status", "last_message_at"),
        Index("ix_cases_status_due", "status", "due_at"),
        # Satisfaction passes look for cases resolved within a few days, every few seconds.
        Index("ix_cases_status_resolved", "status", "resolved_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    priority: Mapped[str] = mapped_column(String(20), default=Priority.NORMAL)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    subject: Mapped[str | None] = mapped_column(String(500))
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    first_response_due: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The customer's oldest message not yet answered; None when answered.
    waiting_since: Mapped[datetime | None]
    # Counts the changes agents make (status, priority, assignee, team, tags, snooze): a
    # change based on an older version is refused (core/cases.py, StaleCase).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Service levels (core/service/sla.py keeps these current in the transaction of the
    # change that moves them): the policy that applies, each target's due time while it is
    # pending, the earliest of them, the targets breached ("first_reply,resolution") and
    # whether the clocks stand still (pending, snoozed).
    sla_policy_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("sla_policies.id", ondelete="SET NULL")
    )
    first_reply_due: Mapped[datetime | None]
    next_reply_due: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    # When the target due at ``due_at`` has used 75 % of its time (warnings, amber in the list).
    sla_warn_at: Mapped[datetime | None]
    sla_breached: Mapped[str] = mapped_column(String(60), default="", server_default="")
    sla_paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_text("false"))


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("account_id", "external_key"),
        Index("ix_threads_customer_subject", "customer_id", "norm_subject"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("channel_accounts.id", ondelete="SET NULL"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))
    external_key: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(500))
    norm_subject: Mapped[str | None] = mapped_column(String(500))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        Index("ix_messages_customer_time", "customer_id", "sent_at", "id"),
        # A case or thread has few messages: sorting them by time needs no index.
        Index("ix_messages_case", "case_id"),
        Index("ix_messages_thread", "thread_id"),
        # Only sent and queued messages have a delivery state: received ones stay out.
        Index(
            "ix_messages_delivery",
            "delivery",
            "next_attempt_at",
            sqlite_where=sql_text("delivery IS NOT NULL"),
            postgresql_where=sql_text("delivery IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("channel_accounts.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    direction: Mapped[str] = mapped_column(String(8))  # in, out, note
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str | None] = mapped_column(String(500))
    sender: Mapped[str | None] = mapped_column(String(320))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(PackedText, default="")
    html: Mapped[str | None] = mapped_column(PackedText)
    is_auto: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(500), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    # No metadata (most messages) is SQL NULL on every backend, not the JSON text
    # "null": smaller rows, and a long timeline decodes nothing for those messages.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The tone of a customer's message in [-1, 1] (core/voice/tone.py); None for replies,
    # notes, and messages stored before tone was computed.
    tone: Mapped[float | None] = mapped_column(Float)


class AttachmentBlob(Base):
    """File contents, stored once per content hash whatever the file name."""

    __tablename__ = "attachment_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    content_id: Mapped[str | None] = mapped_column(String(500))
    inline: Mapped[bool] = mapped_column(Boolean, default=False)


class Template(Base):
    __tablename__ = "templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(Text)
    # channel -> body, for channels that need a shorter or plainer wording
    variants: Mapped[dict[str, Any]] = mapped_column(default=dict)
    shortcut: Mapped[str | None] = mapped_column(String(50))


class AuditEvent(Base):
    """Append-only: who did what. Every outbound message is recorded here as sent."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CustomerMerge(Base):
    """What a merge moved, so that unmerge can move exactly that back."""

    __tablename__ = "customer_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    moved: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(String(200), default="manual")
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]


class QuarantineItem(Base):
    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_account_ext", "account_id", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("channel_accounts.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    item: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("case_id", "agent_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    account_id: Mapped[int | None]
    note: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The paths of the files chosen to go with the reply (read when it is queued).
    files: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class SavedSearch(Base):
    __tablename__ = "saved_searches"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(Text)


class StoreSetting(Base):
    """Team-wide settings that every desktop and worker must agree on."""

    __tablename__ = "store_settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


class TextDictionary(Base):
    """A dictionary message text is packed with (SQLite; see inbox_app.core.store.textpack).

    Written once and never changed: every message packed with it names its ``dict_id``.
    """

    __tablename__ = "text_dictionaries"
    id: Mapped[int] = mapped_column(primary_key=True)
    dict_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageRaw(Base):
    """The message exactly as the channel delivered it, packed (zstd; older rows zlib:
    read through :func:`inbox_app.core.store.rawpack.unpack`).

    Kept apart from ``messages`` so timelines and search never read it; it is
    there to re-parse or export a message whenever needed.
    """

    __tablename__ = "message_raw"
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Approval(Base):
    """A reply held for a lead: why, the text as written and as approved, and the decision."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_state", "state", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(40))
    original_text: Mapped[str] = mapped_column(Text)
    edited_text: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=ApprovalState.WAITING, server_default="waiting")
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class Calendar(Base):
    """A named business-hours calendar (core/service/hours.py): time zone, each weekday's intervals
    ({"mon": ["09:00-13:00", "14:00-18:00"]}), the holidays package's region ("IT", "IT-RM")
    and the dates an admin added (["2026-12-24"])."""

    __tablename__ = "calendars"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    days: Mapped[dict[str, Any]] = mapped_column(JSON)
    holidays_region: Mapped[str | None] = mapped_column(String(20))
    extra_holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlaPolicy(Base):
    """A service-level policy: the first one (by ``position``) whose team, channel kind and
    priority match a case applies. Durations as typed ("30m", "4h", "2d"; d = business days
    when ``calendar_id`` is set, else calendar days); NULL = no such target."""

    __tablename__ = "sla_policies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    first_reply: Mapped[str | None] = mapped_column(String(20))
    next_reply: Mapped[str | None] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(String(20))
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendars.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    channel: Mapped[str | None] = mapped_column(String(30))
    priority: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseEvent(Base):
    """Append-only history of a case (core/service/events.py): what happened, when it
    happened in the world (a message's arrival time at the business), who did it."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_case", "case_id", "id"),
        Index("ix_case_events_kind_at", "kind", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20))
    actor_agent_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("agents.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("messages.id", ondelete="SET NULL"))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class CsatSurvey(Base):
    """One satisfaction question asked about a case (once per case) and its answer."""

    __tablename__ = "csat_surveys"
    __table_args__ = (
        Index("ix_csat_surveys_customer_asked", "customer_id", "asked_at"),
        Index("ix_csat_surveys_asked", "asked_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # The agent and team who had the case when the customer was asked.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))  # the account's kind: email, telegram, matrix
    account_id: Mapped[int | None] = mapped_column(ForeignKey("channel_accounts.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    asked_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    answer_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    # Why the customer was not asked (a public channel, asked within the period...): the case
    # is decided once. None for a question asked.
    skipped: Mapped[str | None] = mapped_column(String(200))


class CustomerRisk(Base):
    """A customer's at-risk score (core/voice/risk.py) and the factors that make it up.

    ``score`` is what lists sort and filter by: the computed score, or 0 while an agent's
    "not at risk" holds (``muted_*``), which lasts until the customer writes again.
    """

    __tablename__ = "customer_risk"
    __table_args__ = (Index("ix_customer_risk_score", "score", "customer_id"),)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    computed_score: Mapped[int] = mapped_column(Integer)
    # [{"name": "tone", "share": 40, "points": 18.5, "detail": "..."}], shares adding up to 100.
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    muted_at: Mapped[datetime | None]
    muted_by: Mapped[str | None] = mapped_column(String(200))
    muted_reason: Mapped[str | None] = mapped_column(Text)


class CustomerRiskDay(Base):
    """A customer's at-risk score on each day it was computed: the 90-day trend."""

    __tablename__ = "customer_risk_days"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
