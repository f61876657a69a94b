"""What the ingest steps pass between them: the result, and threads and cases in memory.

Kept apart from the writer so each ingest module can share these without
importing the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table

from inbox_app.core.store.models import (
    Case,
    Customer,
    Identity,
    Message,
    Thread,
)


class IngestError(Exception):
    pass


@dataclass
class IngestResult:
    #: Messages that arrived (and changes of messages the store never had): each is
    #: stored, a duplicate or quarantined, so fetched = stored + duplicates + quarantined.
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    updated: int = 0
    quarantined: int = 0
    message_ids: list[int] = field(default_factory=list)
    case_ids: set[int] = field(default_factory=set)
    customer_ids: set[int] = field(default_factory=set)
    changed_message_ids: list[int] = field(default_factory=list)
    # Satisfaction answers read: {"case_id", "score", "survey_id"} (core/voice/csat_answers.py).
    csat_answers: list[dict[str, Any]] = field(default_factory=list)
    #: Customers who wrote something new: it lifts an agent's "not at risk" (core/voice).
    woken_customer_ids: set[int] = field(default_factory=set)

    def add(self, other: IngestResult) -> None:
        self.fetched += other.fetched
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.updated += other.updated
        self.quarantined += other.quarantined
        self.message_ids += other.message_ids
        self.case_ids |= other.case_ids
        self.customer_ids |= other.customer_ids
        self.changed_message_ids += other.changed_message_ids
        self.csat_answers += other.csat_answers
        self.woken_customer_ids |= other.woken_customer_ids


@dataclass
class Account:
    id: int
    channel: str
    team_id: int | None = None  # the team new cases of this account belong to (core/routing.py)


class ThreadRec:
    """A conversation as this batch sees it; written once, when the batch is flushed.

    Building ORM objects and flushing them one by one cost more than everything
    else in ingest together, so threads and cases touched by a batch live here
    and are inserted or updated in a few multi-row statements per batch.
    """

    __slots__ = ("id", "customer_id", "case", "last_message_at", "changed", "insert")

    def __init__(
        self,
        id: int | None,
        customer_id: int,
        case: CaseRec | None,
        last_message_at: datetime,
        insert: dict[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.customer_id = customer_id
        self.case = case
        self.last_message_at = last_message_at
        self.changed: set[str] = set()
        self.insert = insert  # the new row's values until it is written


class CaseRec:
    #: The case's times a batch reads and may change.
    TIMES = ("resolved_at", "snoozed_until", "last_message_at", "waiting_since", "first_response_at")
    FIELDS = ("customer_id", "status", *TIMES)
    __slots__ = ("id", *FIELDS, "changed", "insert")

    customer_id: int
    status: str
    resolved_at: datetime | None
    snoozed_until: datetime | None
    last_message_at: datetime | None
    waiting_since: datetime | None
    first_response_at: datetime | None

    def __init__(self, id: int | None, insert: dict[str, Any] | None = None, **values: Any) -> None:
        self.id = id
        for name in self.FIELDS:
            setattr(self, name, values.get(name))
        self.changed: set[str] = set()
        self.insert = insert

    @classmethod
    def stored(cls, id: int, customer_id: int, status: str, times: list[datetime | None]) -> CaseRec:
        """A case as read from the store, its times in ``TIMES`` order."""
        rec = cls.__new__(cls)
        rec.id, rec.customer_id, rec.status = id, customer_id, status
        rec.resolved_at, rec.snoozed_until, rec.last_message_at, rec.waiting_since, rec.first_response_at = (
            times
        )
        rec.changed, rec.insert = set(), None
        return rec

    def set(self, name: str, value: Any) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)
            self.changed.add(name)


THREADS = cast(Table, Thread.__table__)
CASES = cast(Table, Case.__table__)
MESSAGES = cast(Table, Message.__table__)
CUSTOMERS = cast(Table, Customer.__table__)
IDENTITIES = cast(Table, Identity.__table__)
NO_THREAD = None  # a known message that files nowhere (our own echo matched to the outbox)
