"""What one attempt at storing a batch knows, handed to each of its steps.

The steps (preloading, customers, case rules, updates, SQL writing) are separate
objects that share nothing but this: the session and account, the batch's caches
of threads, cases and identities read from the store, the rows decided but not
yet written, and the result so far. One instance per attempt: a failed attempt's
caches are thrown away with its savepoint.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import InboundItem
from inbox_app.core.customers.identities import try_normalize
from inbox_app.core.ingest.records import Account, CaseRec, IngestResult, ThreadRec
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.vocab import Channel

#: A message row decided but not written yet, with what it files under.
PendingRow = tuple[dict[str, Any], InboundItem, ThreadRec, CaseRec | None]


@dataclass(slots=True, eq=False)
class BatchState:
    session: Session
    account: Account
    settings: StoreSettings
    result: IngestResult = field(default_factory=IngestResult)

    # What the store holds, as far as this batch has read it.
    identity_cache: dict[tuple[str, str], int] = field(default_factory=dict)
    identity_absent: set[tuple[str, str]] = field(default_factory=set)
    threads: dict[int, ThreadRec] = field(default_factory=dict)  # by id, so one record per thread
    thread_cache: dict[str, ThreadRec] = field(default_factory=dict)  # by external key, this account
    msg_thread: dict[str, ThreadRec | None] = field(default_factory=dict)  # by external id
    cases: dict[int, CaseRec] = field(default_factory=dict)
    by_subject: dict[tuple[int, str], list[ThreadRec]] = field(default_factory=dict)
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)  # our replies, by idempotency key
    live_checked: set[int] = field(default_factory=set)  # threads known to be under a live customer
    # Email: Message-IDs (of this batch's references, or stored by it) that more than one
    # message carries; a reply naming one of them is asked which of them it answers.
    shared_ids: set[str] = field(default_factory=set)

    # What this batch decided and has not written yet.
    new_customers: list[dict[str, Any]] = field(default_factory=list)
    new_identities: list[dict[str, Any]] = field(default_factory=list)
    new_threads: list[ThreadRec] = field(default_factory=list)
    new_cases: list[CaseRec] = field(default_factory=list)
    audits: list[tuple[str, CaseRec, dict[str, Any]]] = field(default_factory=list)
    # The case history's events other than messages (opened, status), at the message's time.
    case_events: list[tuple[CaseRec, str, datetime, dict[str, Any] | None]] = field(default_factory=list)
    pending: list[PendingRow] = field(default_factory=list)

    # What this batch did.
    seen_external: set[str] = field(default_factory=set)
    touched_cases: dict[int, CaseRec] = field(default_factory=dict)  # by id(record): new ones have no id yet
    customer_ids: set[int] = field(default_factory=set)
    next_ids: dict[str, int] = field(default_factory=dict)  # SQLite: the next free id per table

    sqlite: bool = field(init=False)
    email: bool = field(init=False)  # email threads also join by subject

    def __post_init__(self) -> None:
        self.sqlite = self.session.get_bind().dialect.name == "sqlite"
        self.email = self.account.channel == Channel.EMAIL

    def norm(self, kind: str, value: str) -> str | None:
        """An identifier as the store keeps it, or None when it is not a valid one."""
        return normalized(kind, value, self.settings.default_phone_region)

    def index_subject(self, rec: ThreadRec, norm: str | None) -> None:
        """Remember an email thread by its customer and subject, for replies without headers."""
        if norm:
            bucket = self.by_subject.setdefault((rec.customer_id, norm), [])
            if rec not in bucket:
                bucket.append(rec)


@functools.lru_cache(maxsize=65536)  # parsing phone numbers is slow; people write again
def normalized(kind: str, value: str, region: str | None) -> str | None:
    return try_normalize(kind, value, default_region=region)
