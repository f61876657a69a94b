"""Plain rows handed to the CLI and the UI (never ORM objects), with their JSON keys."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from inbox_app.core.clock import aware, utcnow
from inbox_app.core.store.textpack import unpack


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    content_type: str
    size: int
    inline: bool = False
    content_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type, "size": self.size}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def stored_time(value: object) -> datetime:
    """A stored time as aware UTC: SQLite gives integer microseconds, PostgreSQL a datetime."""
    if isinstance(value, int):
        return _EPOCH + timedelta(microseconds=value)
    if isinstance(value, str):  # a SQLite store from before integer timestamps
        try:
            return datetime.fromisoformat(value + "+00:00")  # SQLite keeps UTC without an offset
        except ValueError:
            return aware(datetime.fromisoformat(value))
    if isinstance(value, datetime):
        return aware(value)
    return utcnow()


def _meta(stored: Any) -> dict[str, Any]:
    """Message metadata; absent (NULL, the usual case) costs no decoding at all."""
    if stored is None:
        return {}
    if isinstance(stored, str | bytes):
        decoded = json.loads(stored)
        return dict(decoded) if isinstance(decoded, dict) else {}
    return dict(stored) if isinstance(stored, dict) else {}


class _Decoded:
    """A field converted from its stored value when first read, then kept on the row.

    (functools.cached_property does the same but takes a lock on every first read.)
    """

    def __init__(self, index: int, convert: Callable[[Any], Any]) -> None:
        self.index, self.convert = index, convert

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, row: Any, owner: type | None = None) -> Any:
        if row is None:
            return self
        value = row.__dict__[self.name] = self.convert(row[self.index])
        return value


class ReadContext:
    """What the rows of one read share: account names, attachments and search ranks."""

    __slots__ = ("names", "attachments", "ranks")

    def __init__(
        self,
        names: dict[int, str],
        attachments: dict[int, tuple[AttachmentRow, ...]],
        ranks: dict[int, float] | None = None,
    ) -> None:
        self.names, self.attachments, self.ranks = names, attachments, ranks or {}


#: The stored columns a MessageRow is made of, in this order (see ``message_rows``).
STORED_COLUMNS = (
    "id",
    "case_id",
    "thread_id",
    "customer_id",
    "direction",
    "channel",
    "account_id",
    "sender",
    "sent_at",
    "subject",
    "text",
    "html",
    "delivery",
    "error",
    "is_auto",
    "meta",
)
_CONTEXT = len(STORED_COLUMNS)


class MessageRow(tuple[Any, ...]):
    """One message, read-only, as the CLI and the UI see it.

    It is the stored row itself (the driver's values in ``STORED_COLUMNS`` order,
    then the read's ``ReadContext``), each field converted when first read. A
    customer's timeline of thousands of messages is read whole, but only the
    messages on screen are looked at: converting every field of every row up front
    (unpacking text, parsing times and metadata) took longer than the query itself.
    """

    if TYPE_CHECKING:
        id: int
        case_id: int | None
        thread_id: int | None
        customer_id: int
        direction: str
        channel: str
        sender: str | None
        subject: str | None
        delivery: str | None
        error: str | None
        sent_at: datetime
        text: str
        html: str | None
        meta: dict[str, Any]
    else:
        id = property(itemgetter(0))
        case_id = property(itemgetter(1))
        thread_id = property(itemgetter(2))
        customer_id = property(itemgetter(3))
        direction = property(itemgetter(4))
        channel = property(itemgetter(5))
        sender = property(itemgetter(7))
        subject = property(itemgetter(9))
        delivery = property(itemgetter(12))
        error = property(itemgetter(13))
        sent_at = _Decoded(8, stored_time)
        text = _Decoded(10, lambda stored: unpack(stored) or "")
        html = _Decoded(11, unpack)
        meta = _Decoded(15, _meta)

    @property
    def account(self) -> str | None:
        context: ReadContext = self[_CONTEXT]
        return context.names.get(self[6])

    @property
    def is_auto(self) -> bool:
        return bool(self[14])

    @property
    def attachments(self) -> tuple[AttachmentRow, ...]:
        context: ReadContext = self[_CONTEXT]
        return context.attachments.get(self[0], ())

    @property
    def rank(self) -> float | None:
        context: ReadContext = self[_CONTEXT]
        return context.ranks.get(self[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MessageRow):
            return NotImplemented
        return (
            self[:_CONTEXT] == other[:_CONTEXT]
            and self.account == other.account
            and self.attachments == other.attachments
        )

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:_CONTEXT])

    def __repr__(self) -> str:
        return f"MessageRow(id={self.id}, {self.direction} {self.channel}, {self.sent_at.isoformat()})"

    def to_json(self, *, with_customer: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "case_id": self.case_id,
            "thread_id": self.thread_id,
            "direction": self.direction,
            "channel": self.channel,
            "account": self.account,
            "sender": self.sender,
            "sent_at": _iso(self.sent_at),
            "subject": self.subject,
            "text": self.text,
            "delivery": self.delivery,
            "error": self.error,
            "attachments": [a.to_json() for a in self.attachments],
        }
        if with_customer:
            data["customer_id"] = self.customer_id
        return data


@dataclass(frozen=True)
class IdentityRow:
    id: int
    kind: str
    value: str
    display: str | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class SlaState:
    """A case's service levels as the list shows them (core/service/clocks.py keeps them)."""

    policy: str | None
    first_reply_due: datetime | None = None
    next_reply_due: datetime | None = None
    resolution_due: datetime | None = None
    breached: tuple[str, ...] = ()
    paused: bool = False
    # When the target due first has used 75 % of its time (not in --json: the list's amber).
    warn_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "first_reply_due": _iso(self.first_reply_due),
            "next_reply_due": _iso(self.next_reply_due),
            "resolution_due": _iso(self.resolution_due),
            "breached": list(self.breached),
            "paused": self.paused,
        }


@dataclass(frozen=True)
class CaseRow:
    id: int
    customer_id: int
    customer_name: str
    status: str
    priority: str
    assignee: str | None
    team: str | None
    subject: str | None
    channels: tuple[str, ...]
    opened_at: datetime
    last_message_at: datetime
    waiting_since: datetime | None = None
    first_response_due: datetime | None = None
    snoozed_until: datetime | None = None
    resolved_at: datetime | None = None
    tags: tuple[str, ...] = ()
    # What a change made from this row says it was based on (core/versions.py).
    version: int = 0
    # Service levels: None when no policy applies; the earliest pending target's due time.
    sla: SlaState | None = None
    due_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "status": self.status,
            "priority": self.priority,
            "assignee": self.assignee,
            "team": self.team,
            "subject": self.subject,
            "channels": list(self.channels),
            "opened_at": _iso(self.opened_at),
            "last_message_at": _iso(self.last_message_at),
            "customer_name": self.customer_name,
            "waiting_since": _iso(self.waiting_since),
            "snoozed_until": _iso(self.snoozed_until),
            "tags": list(self.tags),
            "version": self.version,
            "sla": (self.sla or SlaState(None)).to_json(),
            "due_at": _iso(self.due_at),
        }


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    identities: tuple[IdentityRow, ...]
    open_case_ids: tuple[int, ...]
    created_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    merged_into_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "identities": [i.to_json() for i in self.identities],
            "open_case_ids": list(self.open_case_ids),
            "created_at": _iso(self.created_at),
            "details": self.details,
            "notes": self.notes,
        }


_new_row = tuple.__new__


def message_rows(rows: Iterable[tuple[Any, ...]], context: ReadContext) -> list[MessageRow]:
    """MessageRows from stored rows (values in ``STORED_COLUMNS`` order), as many as a
    whole timeline holds: one tuple each, nothing converted yet."""
    tail = (context,)
    return [_new_row(MessageRow, row + tail) for row in rows]


@dataclass(frozen=True)
class SimilarCustomer:
    customer: CustomerRow
    reason: str

    def to_json(self) -> dict[str, Any]:
        c = self.customer
        return {
            "id": c.id,
            "name": c.name,
            "reason": self.reason,
            "identities": [{"kind": i.kind, "value": i.value} for i in c.identities],
            "open_case_ids": list(c.open_case_ids),
        }
