"""Read side: timelines, customers, case lists and search, paged in SQL by keyset.

Every list query takes an optional ``after`` key (the last row's sort key) so a
page costs the same at row 10 and at row 1,000,000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    Text,
    TypeDecorator,
    bindparam,
    cast,
    func,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core.clock import aware, utcnow
from inbox_app.core.read.rows import (
    AttachmentRow,
    CaseRow,
    CustomerRow,
    IdentityRow,
    MessageRow,
    ReadContext,
    SimilarCustomer,
    SlaState,
    message_rows,
)
from inbox_app.core.store.models import (
    Agent,
    Approval,
    Attachment,
    Case,
    ChannelAccount,
    Customer,
    CustomerRisk,
    Identity,
    Message,
    SlaPolicy,
    Team,
    Thread,
)
from inbox_app.core.vocab import ApprovalState, CaseStatus

OPEN_STATES = (CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.SNOOZED)


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class CaseFilter:
    status: tuple[str, ...] | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    customer_id: int | None = None
    channel: str | None = None
    text: str | None = None
    awaiting_approval: bool = False  # only cases with a reply held for a lead (core/approvals.py)
    # Only cases still open with a service-level target past its due time (core/service/).
    overdue: bool = False
    # The order of the list: newest activity first, or soonest due first ("due").
    sort: str = "activity"
    ids: tuple[int, ...] | None = None  # exactly these cases (the dashboard's drill-down)
    # Only cases of customers whose at-risk score is at least this (core/voice); the "At risk" view.
    at_risk: int | None = None
    # The riskiest customers' cases first (then newest activity), instead of newest activity.
    by_risk: bool = False


def case_conditions(flt: CaseFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions on cases alone (its text also needs the customer's name)."""
    out: list[ColumnElement[bool]] = []
    if flt.status:
        out.append(Case.status.in_(flt.status))
    if flt.assignee_id is not None:
        out.append(Case.assignee_id == flt.assignee_id)
    if flt.unassigned:
        out.append(Case.assignee_id.is_(None))
    if flt.team_id is not None:
        out.append(Case.team_id == flt.team_id)
    if flt.customer_id is not None:
        out.append(Case.customer_id == flt.customer_id)
    if flt.channel:
        out.append(Case.id.in_(select(Message.case_id).where(Message.channel == flt.channel)))
    if flt.overdue:
        # The (status, due_at) index: a range per open status, never a scan of the cases.
        if not flt.status:
            out.append(Case.status.in_(OPEN_STATES))
        out.append(Case.due_at <= bindparam(None, utcnow(), type_=Case.due_at.type))
    if flt.awaiting_approval:
        # The approvals' state index: the few waiting ones, never a scan of the messages.
        out.append(Case.id.in_(select(Approval.case_id).where(Approval.state == ApprovalState.WAITING)))
    if flt.ids is not None:
        # Written into the SQL as numbers: a drill-down into a big backlog would pass the
        # drivers' limit on bound parameters (32,766 on SQLite, 65,535 on PostgreSQL).
        out.append(
            Case.id.in_(bindparam("drill_case_ids", list(flt.ids), expanding=True, literal_execute=True))
        )
    if flt.at_risk is not None:
        # The score index: the customers at risk are few; muted ones read 0 and stay out.
        at_risk = select(CustomerRisk.customer_id).where(CustomerRisk.score >= max(1, flt.at_risk))
        out.append(Case.customer_id.in_(at_risk))
    return out


class _Raw(TypeDecorator[Any]):
    """A column read as the driver returns it: no SQLAlchemy conversion."""

    impl = String
    cache_ok = True


# Past this many rows, attachments are looked up by a subquery of the same messages.
_IN_LIST_MAX = 500

_MSG_COLS = (
    Message.id,
    Message.case_id,
    Message.thread_id,
    Message.customer_id,
    Message.direction,
    Message.channel,
    # The account's name comes from a map of the (few) accounts: a join per message
    # cost more than the map.
    Message.account_id,
    Message.sender,
    # Raw values: SQLAlchemy's own conversion of these was most of the time of
    # reading a long timeline. Times are converted in _messages; text, HTML and
    # metadata are handed over as stored and decoded when first read (rows.py).
    type_coerce(Message.sent_at, _Raw()),
    Message.subject,
    type_coerce(Message.text, _Raw()),
    type_coerce(Message.html, _Raw()),
    Message.delivery,
    Message.error,
    Message.is_auto,
    # As text on PostgreSQL too, whose driver would otherwise decode every row's JSON
    # as it arrives (a third of a long timeline there).
    type_coerce(cast(Message.meta, Text), _Raw()),
)


class Queries:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    # ------------------------------------------------------------ messages

    def _messages(
        self,
        s: Session,
        stmt: Select[Any],
        ranks: dict[int, float] | None = None,
        *,
        attachments_of: Select[Any] | None = None,
    ) -> list[MessageRow]:
        """Rows for ``stmt`` (built on ``_msg_select``).

        A whole timeline is thousands of rows: they are read through the connection
        without the ORM layer; text, HTML and metadata are decoded when first read.
        ``attachments_of`` selects the ids of the same messages, so their attachments
        come from one indexed query instead of an IN list of thousands of ids.
        """
        # Every column is converted below (or needs no conversion), so the driver's own
        # tuples are read: SQLAlchemy's Row layer cost a third of a long timeline.
        result = s.connection().execute(stmt)
        rows = result.cursor.fetchall() if result.cursor is not None else []
        result.close()
        if not rows:
            return []
        if attachments_of is not None and len(rows) > _IN_LIST_MAX:
            atts = _attachments(s, Attachment.message_id.in_(attachments_of))
        else:
            atts = _attachments(s, Attachment.message_id.in_([r[0] for r in rows]))
        names = dict(s.execute(select(ChannelAccount.id, ChannelAccount.name)).all())
        return message_rows(rows, ReadContext(names, atts, ranks))

    def _msg_select(self) -> Select[Any]:
        return select(*_MSG_COLS)

    def timeline(
        self,
        customer_id: int,
        *,
        case_id: int | None = None,
        limit: int | None = None,
        before: tuple[datetime, int] | None = None,
    ) -> list[MessageRow]:
        """The customer's messages in time order; with ``limit``, the newest page before ``before``."""
        with self._factory() as s:
            stmt = self._msg_select().where(Message.customer_id == customer_id)
            if case_id is not None:
                stmt = stmt.where(Message.case_id == case_id)
            if before is not None:
                stmt = stmt.where(
                    tuple_(Message.sent_at, Message.id) < tuple_(_at(Message.sent_at, before[0]), before[1])
                )
            if limit is None:
                ids = stmt.with_only_columns(Message.id)
                return self._messages(s, stmt.order_by(Message.sent_at, Message.id), attachments_of=ids)
            page = self._messages(s, stmt.order_by(Message.sent_at.desc(), Message.id.desc()).limit(limit))
            page.reverse()
            return page

    def message(self, message_id: int) -> MessageRow:
        with self._factory() as s:
            rows = self._messages(s, self._msg_select().where(Message.id == message_id))
        if not rows:
            raise NotFound(f"no message with id {message_id}")
        return rows[0]

    def case_messages(self, case_id: int) -> list[MessageRow]:
        with self._factory() as s:
            stmt = self._msg_select().where(Message.case_id == case_id)
            return self._messages(
                s,
                stmt.order_by(Message.sent_at, Message.id),
                attachments_of=stmt.with_only_columns(Message.id),
            )

    def newest_message_id(self, case_id: int) -> int | None:
        """The newest message of a case by id: what a writer who sees it all has seen."""
        from inbox_app.core.outbox.newer import newest_message_id

        with self._factory() as s:
            return newest_message_id(s, case_id)

    def attachment_data(self, attachment_id: int) -> tuple[AttachmentRow, bytes]:
        from inbox_app.core.store.models import AttachmentBlob

        with self._factory() as s:
            row = s.execute(
                select(Attachment, AttachmentBlob.data)
                .join(AttachmentBlob, AttachmentBlob.sha256 == Attachment.sha256)
                .where(Attachment.id == attachment_id)
            ).first()
            if row is None:
                raise NotFound(f"no attachment with id {attachment_id}")
            a, data = row
            return AttachmentRow(a.id, a.filename, a.content_type, a.size, a.inline, a.content_id), data

    # ------------------------------------------------------------ customers

    def customers(
        self, *, limit: int = 100, after: int | None = None, text: str | None = None
    ) -> list[CustomerRow]:
        with self._factory() as s:
            stmt = select(Customer).where(Customer.merged_into_id.is_(None))
            if after is not None:
                stmt = stmt.where(Customer.id > after)
            if text:
                like = f"%{text.lower()}%"
                stmt = stmt.where(
                    or_(
                        func.lower(Customer.name).like(like),
                        Customer.id.in_(select(Identity.customer_id).where(Identity.value.like(like))),
                    )
                )
            customers = list(s.scalars(stmt.order_by(Customer.id).limit(limit)))
            return self._customer_rows(s, customers)

    def customer(self, customer_id: int) -> CustomerRow:
        with self._factory() as s:
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise NotFound(f"no customer with id {customer_id}")
            return self._customer_rows(s, [customer])[0]

    def similar_customers(self, customer_id: int, limit: int = 5) -> list[SimilarCustomer]:
        """Customers who may be the same person (core/similar.py), for the agent to judge."""
        from inbox_app.core.read.similar import suggestions

        with self._factory() as s:
            found_ids = suggestions(s, customer_id, limit)
            if not found_ids:
                return []
            reasons = dict(found_ids)
            ids = [cid for cid, _ in found_ids]
            found = {c.id: c for c in s.scalars(select(Customer).where(Customer.id.in_(ids)))}
            rows = self._customer_rows(s, [found[i] for i in ids if i in found])
        return [SimilarCustomer(row, reasons[row.id]) for row in rows]

    def customer_names(self, ids: Iterable[int]) -> dict[int, str]:
        """Names for a handful of customers (search results, notifications) in one query."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        with self._factory() as s:
            return {
                cid: name
                for cid, name in s.execute(select(Customer.id, Customer.name).where(Customer.id.in_(wanted)))
            }

    def _customer_rows(self, s: Session, customers: Sequence[Customer]) -> list[CustomerRow]:
        ids = [c.id for c in customers]
        idents: dict[int, list[IdentityRow]] = defaultdict(list)
        for i in s.scalars(select(Identity).where(Identity.customer_id.in_(ids)).order_by(Identity.id)):
            idents[i.customer_id].append(IdentityRow(i.id, i.kind, i.value, i.display))
        open_cases: dict[int, list[int]] = defaultdict(list)
        for cid, case_id in s.execute(
            select(Case.customer_id, Case.id)
            .where(Case.customer_id.in_(ids), Case.status.in_(OPEN_STATES))
            .order_by(Case.id)
        ):
            open_cases[cid].append(case_id)
        return [
            CustomerRow(
                c.id,
                c.name,
                tuple(idents[c.id]),
                tuple(open_cases[c.id]),
                aware(c.created_at),
                dict(c.details or {}),
                c.notes,
                c.merged_into_id,
            )
            for c in customers
        ]

    def customer_cases(self, customer_id: int) -> list[CaseRow]:
        return self.cases(CaseFilter(customer_id=customer_id), limit=1000)

    # ------------------------------------------------------------ cases

    def _case_stmt(self, flt: CaseFilter) -> Select[Any]:
        stmt: Select[Any] = (
            select(Case, Customer.name, Agent.name, Team.name)  # type: ignore[assignment]
            .join(Customer, Customer.id == Case.customer_id)
            .outerjoin(Agent, Agent.id == Case.assignee_id)
            .outerjoin(Team, Team.id == Case.team_id)
        )
        stmt = stmt.where(*case_conditions(flt))
        if flt.text:
            stmt = stmt.where(
                or_(
                    func.lower(Case.subject).like(f"%{flt.text.lower()}%"),
                    func.lower(Customer.name).like(f"%{flt.text.lower()}%"),
                )
            )
        return stmt

    def cases(
        self, flt: CaseFilter | None = None, *, limit: int = 100, after: tuple[datetime, int] | None = None
    ) -> list[CaseRow]:
        """Newest activity first; ``after`` = (last_message_at, id) of the previous page's last row."""
        flt = flt or CaseFilter()
        with self._factory() as s:
            # A view of several statuses ("all open") as one query makes SQLite read every
            # case of those statuses and sort them to find the newest page; one ordered,
            # limited walk of the status index per status and a merge of the short lists
            # costs the same at 1,000 open cases and at 100,000. PostgreSQL plans the
            # single query well, and three round trips cost it more than they save.
            parts = [flt]
            if flt.status and len(flt.status) > 1 and s.get_bind().dialect.name == "sqlite":
                parts = [replace(flt, status=(st,)) for st in flt.status]
            rows: list[Row[Any]] = []
            for part in parts:
                stmt = self._case_stmt(part)
                if after is not None:
                    stmt = stmt.where(
                        tuple_(Case.last_message_at, Case.id)
                        < tuple_(_at(Case.last_message_at, after[0]), after[1])
                    )
                stmt = stmt.order_by(Case.last_message_at.desc(), Case.id.desc()).limit(limit)
                rows.extend(s.execute(stmt).all())
            if len(parts) > 1:
                rows.sort(key=lambda r: (r[0].last_message_at, r[0].id), reverse=True)
                del rows[limit:]
            return self._case_rows(s, rows)

    def cases_by_due(
        self, flt: CaseFilter | None = None, *, limit: int = 100, after: CaseRow | None = None
    ) -> list[CaseRow]:
        """Soonest due first (time to breach; overdue ones first), then the cases with nothing
        due, newest activity first. ``after``: the previous page's last row."""
        flt = flt or CaseFilter()
        with self._factory() as s:
            rows: list[Row[Any]] = []
            if after is None or after.due_at is not None:
                rows = self._due_part(s, flt, limit, after)
            if len(rows) < limit:
                rest = replace(flt, overdue=False)
                key = (
                    (after.last_message_at, after.id) if after is not None and after.due_at is None else None
                )
                for part in self._parts(s, rest):
                    stmt = self._case_stmt(part).where(Case.due_at.is_(None))
                    if key is not None:
                        stmt = stmt.where(
                            tuple_(Case.last_message_at, Case.id)
                            < tuple_(_at(Case.last_message_at, key[0]), key[1])
                        )
                    stmt = stmt.order_by(Case.last_message_at.desc(), Case.id.desc()).limit(limit - len(rows))
                    more = list(s.execute(stmt).all())
                    more.sort(key=lambda r: (r[0].last_message_at, r[0].id), reverse=True)
                    rows.extend(more)
                if len(rows) > limit:
                    del rows[limit:]
            return self._case_rows(s, rows)

    def _due_part(self, s: Session, flt: CaseFilter, limit: int, after: CaseRow | None) -> list[Row[Any]]:
        rows: list[Row[Any]] = []
        for part in self._parts(s, flt):
            stmt = self._case_stmt(part).where(Case.due_at.is_not(None))
            if after is not None and after.due_at is not None:
                stmt = stmt.where(
                    tuple_(Case.due_at, Case.id) > tuple_(_at(Case.due_at, after.due_at), after.id)
                )
            rows.extend(s.execute(stmt.order_by(Case.due_at, Case.id).limit(limit)).all())
        rows.sort(key=lambda r: (aware(r[0].due_at), r[0].id))
        return rows[:limit]

    @staticmethod
    def _parts(s: Session, flt: CaseFilter) -> list[CaseFilter]:
        """One filter per status on SQLite (an ordered walk of the status index each)."""
        if flt.status and len(flt.status) > 1 and s.get_bind().dialect.name == "sqlite":
            return [replace(flt, status=(st,)) for st in flt.status]
        return [flt]

    def cases_by_id(self, ids: Iterable[int]) -> dict[int, CaseRow]:
        ids = list(ids)
        with self._factory() as s:
            rows = s.execute(self._case_stmt(CaseFilter()).where(Case.id.in_(ids))).all()
            return {r.id: r for r in self._case_rows(s, rows)}

    def count_cases(self, flt: CaseFilter | None = None) -> int:
        with self._factory() as s:
            stmt = self._case_stmt(flt or CaseFilter()).with_only_columns(func.count(Case.id))
            return int(s.scalar(stmt) or 0)

    def case(self, case_id: int) -> CaseRow:
        rows = self.cases_by_id([case_id])
        if case_id not in rows:
            raise NotFound(f"no case with id {case_id}")
        return rows[case_id]

    def _case_rows(self, s: Session, rows: Sequence[Row[Any]]) -> list[CaseRow]:
        ids = [r[0].id for r in rows]
        channels: dict[int, set[str]] = defaultdict(set)
        if ids:
            for case_id, channel in s.execute(
                select(Thread.case_id, Thread.channel).where(Thread.case_id.in_(ids)).distinct()
            ):
                if case_id is not None:
                    channels[case_id].add(channel)
        policies = {r.id: r.name for r in s.execute(select(SlaPolicy.id, SlaPolicy.name))} if rows else {}
        out = []
        for case, customer_name, agent_name, team_name in rows:  # type: ignore[misc]
            out.append(
                CaseRow(
                    id=case.id,
                    customer_id=case.customer_id,
                    customer_name=customer_name,
                    status=case.status,
                    priority=case.priority,
                    assignee=agent_name,
                    team=team_name,
                    subject=case.subject,
                    channels=tuple(sorted(channels[case.id])),
                    opened_at=aware(case.opened_at),
                    last_message_at=aware(case.last_message_at),
                    waiting_since=aware(case.waiting_since),
                    first_response_due=aware(case.first_response_due),
                    snoozed_until=aware(case.snoozed_until),
                    resolved_at=aware(case.resolved_at),
                    tags=tuple(sorted((case.tags or {}).get("tags", []))),
                    version=case.version,
                    sla=SlaState(
                        policies.get(case.sla_policy_id),
                        aware(case.first_reply_due),
                        aware(case.next_reply_due),
                        aware(case.resolution_due),
                        tuple(t for t in (case.sla_breached or "").split(",") if t),
                        bool(case.sla_paused),
                        aware(case.sla_warn_at),
                    )
                    if case.sla_policy_id is not None
                    else None,
                    due_at=aware(case.due_at),
                )
            )
        return out


def _attachments(s: Session, which: ColumnElement[bool]) -> dict[int, tuple[AttachmentRow, ...]]:
    out: dict[int, list[AttachmentRow]] = defaultdict(list)
    for a in s.scalars(select(Attachment).where(which).order_by(Attachment.id)):
        out[a.message_id].append(
            AttachmentRow(a.id, a.filename, a.content_type, a.size, a.inline, a.content_id)
        )
    return {k: tuple(v) for k, v in out.items()}


def _at(column: Any, value: datetime) -> Any:
    """A time bound as ``column`` stores it: a tuple comparison would bind it untyped."""
    return bindparam(None, value, type_=column.type)
