"""Reads the agent workspace needs in a hurry, shaped for what one screen shows.

The window switches customers dozens of times an hour; every read here costs the
same for a customer with 3 cases and one with 600, and for a view of 100 cases
and one of 250,000. Plain SQLAlchemy Core: SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.read.queries import OPEN_STATES, CaseFilter, Queries, case_conditions
from inbox_app.core.read.rows import CaseRow
from inbox_app.core.store.models import (
    Case,
    ChannelAccount,
    Customer,
    CustomerRisk,
    Identity,
    Message,
    Thread,
)
from inbox_app.core.vocab import Direction

PAST_CASES = 20


@dataclass(frozen=True)
class CasesOverview:
    """A customer's cases as the panel shows them: all open ones, the newest past ones."""

    open: list[CaseRow]  # newest activity first
    past: list[CaseRow]  # the newest ``past_limit`` resolved cases, newest first
    past_total: int  # every resolved case of the customer

    @property
    def channels(self) -> set[str]:
        return {c for case in (*self.open, *self.past) for c in case.channels}


@dataclass(frozen=True)
class CustomerHit:
    """A customer found by the search field: enough for one result row."""

    id: int
    name: str
    identities: tuple[str, ...]  # the first two identity values
    open_case_id: int | None  # the newest open case, opened when the hit is chosen


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class WorkspaceReads:
    def __init__(self, factory: sessionmaker[Session], queries: Queries) -> None:
        self._factory = factory
        self._queries = queries

    def cases_overview(self, customer_id: int, past_limit: int = PAST_CASES) -> CasesOverview:
        """Open cases and a first page of past ones, without building a row per case.

        The sort keys of every case of the customer come from the customer index
        (a few hundred small tuples at most); only the rows shown are built.
        """
        with self._factory() as s:
            keys = sorted(
                s.execute(
                    select(Case.id, Case.status, Case.last_message_at).where(Case.customer_id == customer_id)
                ),
                key=lambda k: (k[2], k[0]),
                reverse=True,
            )
        open_ids = [k[0] for k in keys if k[1] in OPEN_STATES]
        past_ids = [k[0] for k in keys if k[1] not in OPEN_STATES]
        shown = open_ids + past_ids[:past_limit]
        rows = self._queries.cases_by_id(shown) if shown else {}
        return CasesOverview(
            open=[rows[i] for i in open_ids if i in rows],
            past=[rows[i] for i in past_ids[:past_limit] if i in rows],
            past_total=len(past_ids),
        )

    def past_cases(self, customer_id: int, offset: int, limit: int = PAST_CASES) -> list[CaseRow]:
        """The next page of a customer's past cases, newest first."""
        with self._factory() as s:
            keys = sorted(
                s.execute(
                    select(Case.id, Case.last_message_at).where(
                        Case.customer_id == customer_id, Case.status.not_in(OPEN_STATES)
                    )
                ),
                key=lambda k: (k[1], k[0]),
                reverse=True,
            )
        ids = [k[0] for k in keys[offset : offset + limit]]
        rows = self._queries.cases_by_id(ids) if ids else {}
        return [rows[i] for i in ids if i in rows]

    def last_inbound_account(self, customer_id: int, case_id: int | None = None) -> str | None:
        """The channel account the customer last wrote through (in this case, if given)."""
        with self._factory() as s:
            stmt = (
                select(ChannelAccount.name)
                .join(Message, Message.account_id == ChannelAccount.id)
                .where(Message.customer_id == customer_id, Message.direction == Direction.IN)
            )
            if case_id is not None:
                stmt = stmt.where(Message.case_id == case_id)
            stmt = stmt.order_by(Message.sent_at.desc(), Message.id.desc()).limit(1)
            return s.scalar(stmt)

    def find_customers(self, text: str, limit: int = 5) -> list[CustomerHit]:
        """Customers whose name or any identity contains ``text`` (any case), lowest id first.

        Matches ``Queries.customers(text=...)``. Both tables are read once each in a
        plain scan: SQLite's LIKE ignores ASCII case by itself (``lower()`` on every
        name tripled the cost), identities are scanned in their (kind, value) index.
        """
        text = text.strip()
        if not text:
            return []
        pattern = _like_pattern(text.lower())
        with self._factory() as s:
            sqlite = s.get_bind().dialect.name == "sqlite"

            def matches(column: Any) -> Any:
                if sqlite:
                    return column.like(pattern, escape="\\")
                return column.ilike(pattern, escape="\\")

            # coalesce(): not "IS NULL", which SQLite would answer from the index of
            # merged customers, fetching almost every row twice.
            by_name = s.scalars(
                select(Customer.id)
                .where(matches(Customer.name), func.coalesce(Customer.merged_into_id, 0) == 0)
                .order_by(Customer.id)
                .limit(limit)
            ).all()
            # No ORDER BY: SQLite answers this from the (kind, value) index alone.
            identity_ids = select(Identity.id).where(matches(Identity.value)).limit(200)
            by_identity = s.scalars(
                select(Identity.customer_id).where(Identity.id.in_(identity_ids.scalar_subquery()))
            ).all()
            wanted = sorted(set(by_name) | set(by_identity))
            if not wanted:
                return []
            names = {
                cid: name
                for cid, name in s.execute(
                    select(Customer.id, Customer.name).where(
                        Customer.id.in_(wanted[: limit * 4]), Customer.merged_into_id.is_(None)
                    )
                )
            }
            ids = sorted(names)[:limit]
            idents: dict[int, list[str]] = {i: [] for i in ids}
            for cid, value in s.execute(
                select(Identity.customer_id, Identity.value)
                .where(Identity.customer_id.in_(ids))
                .order_by(Identity.id)
            ):
                idents[cid].append(value)
            newest_open = {
                cid: case_id
                for cid, case_id in s.execute(
                    select(Case.customer_id, func.max(Case.id))
                    .where(Case.customer_id.in_(ids), Case.status.in_(OPEN_STATES))
                    .group_by(Case.customer_id)
                )
            }
        return [CustomerHit(i, names[i], tuple(idents[i][:2]), newest_open.get(i)) for i in ids]

    def case_ids(self, flt: CaseFilter | None = None) -> array[int]:
        """Every case id of a view in display order, packed: 8 bytes a case.

        The order of ``Queries.cases`` (newest activity first), without a Python
        tuple and datetime per case: 250,000 ids cost 2 MB, not 60.
        """
        flt = flt or CaseFilter()
        if flt.text:
            # The text is matched against the customer's name too: that needs the join.
            stmt = self._queries._case_stmt(flt).with_only_columns(Case.id)
        else:
            # Without it, a join per case to customers costs more than the rest together.
            stmt = select(Case.id).where(*case_conditions(flt))
        if flt.by_risk:
            # The customer's score beside each case (none: 0), then newest activity.
            stmt = stmt.outerjoin(CustomerRisk, CustomerRisk.customer_id == Case.customer_id).order_by(
                func.coalesce(CustomerRisk.score, 0).desc(), Case.last_message_at.desc(), Case.id.desc()
            )
        elif flt.sort == "due":
            # Time to breach: overdue first, then soonest due; nothing due last, newest first.
            stmt = stmt.order_by(
                Case.due_at.is_(None), Case.due_at, Case.last_message_at.desc(), Case.id.desc()
            )
        else:
            stmt = stmt.order_by(Case.last_message_at.desc(), Case.id.desc())
        out = array("q")
        with self._factory() as s:
            result = s.connection().execute(stmt)
            # Plain integers need no conversion: read the driver's cursor directly
            # rather than building a result row per case.
            cursor = result.cursor
            while chunk := cursor.fetchmany(8192):
                out.extend(r[0] for r in chunk)
            result.close()
        return out

    def view_counts(self, filters: dict[str, CaseFilter]) -> dict[str, int]:
        """How many cases each view lists, as ``Queries.count_cases`` would say, in few scans.

        Views that differ only by status are counted by one GROUP BY over the status
        index; per-channel views of the same statuses by one join of those cases with
        their messages (a channel view's count used to read every message of the store).
        Anything else is counted on its own.
        """
        out: dict[str, int] = {}
        plain = CaseFilter()
        by_status: dict[str, int] | None = None
        by_channel: dict[tuple[str, ...], dict[str, int]] = {}
        # The order of a view does not change how many cases it has.
        filters = {key: replace(flt, by_risk=False) for key, flt in filters.items()}
        with self._factory() as s:
            for key, flt in filters.items():
                if flt.status and replace(flt, status=None) == plain:
                    if by_status is None:
                        by_status = {
                            st: n
                            for st, n in s.execute(select(Case.status, func.count()).group_by(Case.status))
                        }
                    out[key] = sum(by_status.get(st, 0) for st in set(flt.status))
                elif flt.status and flt.channel and replace(flt, status=None, channel=None) == plain:
                    statuses = tuple(sorted(set(flt.status)))
                    if statuses not in by_channel:
                        # Through threads, not messages: a thread is one channel's
                        # conversation, so its messages share its channel, and the
                        # threads of a few thousand cases are far fewer rows to read.
                        stmt = (
                            select(Thread.channel, func.count(func.distinct(Case.id)))
                            .join(Thread, Thread.case_id == Case.id)
                            .where(Case.status.in_(statuses))
                            .group_by(Thread.channel)
                        )
                        by_channel[statuses] = {ch: n for ch, n in s.execute(stmt)}
                    out[key] = by_channel[statuses].get(flt.channel, 0)
        for key, flt in filters.items():
            if key not in out:
                out[key] = self._queries.count_cases(flt)
        return out
