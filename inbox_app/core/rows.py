"""Plain rows handed to the CLI and the UI (never ORM objects), with their JSON keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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


@dataclass(frozen=True)
class MessageRow:
    id: int
    case_id: int | None
    thread_id: int | None
    customer_id: int
    direction: str
    channel: str
    account: str | None
    sender: str | None
    sent_at: datetime
    subject: str | None
    text: str
    html: str | None
    delivery: str | None
    error: str | None
    is_auto: bool = False
    attachments: tuple[AttachmentRow, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    rank: float | None = None

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


_MESSAGE_FIELDS = tuple(f for f in MessageRow.__dataclass_fields__)
_new = object.__new__


def message_rows(values: Iterable[tuple[Any, ...]]) -> list[MessageRow]:
    """MessageRows from value tuples in field order, as many as a whole timeline holds.

    A frozen dataclass's ``__init__`` sets each of its 18 fields through
    ``object.__setattr__``; for a 5,000-message timeline that alone took longer
    than the query. The rows made here are the same objects, filled in one step.
    """
    out = []
    for value in values:
        row = _new(MessageRow)
        row.__dict__.update(zip(_MESSAGE_FIELDS, value, strict=True))
        out.append(row)
    return out
