"""Customer actions: edit, add identities, merge and unmerge, export and erase."""

from __future__ import annotations

import base64
import time
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from inbox_app.core import audit
from inbox_app.core.clock import utcnow
from inbox_app.core.customers.identities import InvalidIdentity, name_key, normalize
from inbox_app.core.customers.scrub import scrub, secure_delete_on, words_of
from inbox_app.core.customers.store import CustomerError, find_merge, merge, unmerge
from inbox_app.core.events import CasesChanged, CustomersChanged, EventBus
from inbox_app.core.read.similar import distinguish, forget_distinctions
from inbox_app.core.store import rawpack
from inbox_app.core.store.models import (
    Attachment,
    AttachmentBlob,
    AuditEvent,
    Case,
    CsatSurvey,
    Customer,
    CustomerMerge,
    CustomerRisk,
    CustomerRiskDay,
    Draft,
    Identity,
    Message,
    MessageRaw,
    Thread,
)
from inbox_app.core.store.settings import StoreSettings
from inbox_app.core.voice import risk_store

__all__ = ["CustomerError", "CustomerService"]


class CustomerService:
    def __init__(self, factory: sessionmaker[Session], bus: EventBus | None = None) -> None:
        self._factory = factory
        self._bus = bus or EventBus()

    def _changed(self, *ids: int) -> None:
        self._bus.publish(CustomersChanged(tuple(ids)))

    def update(
        self,
        customer_id: int,
        *,
        name: str | None = None,
        notes: str | None = None,
        details: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> None:
        with self._factory() as s, s.begin():
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise CustomerError(f"no customer with id {customer_id}")
            if name is not None:
                if not name.strip():
                    raise CustomerError("a customer needs a name")
                customer.name = name.strip()[:300]
                customer.name_key = name_key(customer.name)
            if notes is not None:
                customer.notes = notes
            if details is not None:
                customer.details = {**(customer.details or {}), **details}
            audit.record(
                s,
                actor,
                "customer.edited",
                "customer",
                customer_id,
                fields=[
                    k for k, v in (("name", name), ("notes", notes), ("details", details)) if v is not None
                ],
            )
        self._changed(customer_id)

    def add_identity(self, customer_id: int, kind: str, value: str, *, actor: str | None = None) -> str:
        """Attach an identifier; if another customer owns it, that is the same person: merge."""
        with self._factory() as s, s.begin():
            region = StoreSettings.load(s).default_phone_region
            try:
                norm = normalize(kind, value, default_region=region)
            except InvalidIdentity as exc:
                raise CustomerError(str(exc))
            if s.get(Customer, customer_id) is None:
                raise CustomerError(f"no customer with id {customer_id}")
            owner = s.scalar(
                select(Identity.customer_id).where(Identity.kind == kind, Identity.value == norm)
            )
            if owner == customer_id:
                return norm
            if owner is not None:
                merge(s, owner, customer_id, actor=actor, reason=f"same {kind} {norm}")
            else:
                s.add(
                    Identity(
                        customer_id=customer_id, kind=kind, value=norm, display=value, created_at=utcnow()
                    )
                )
                audit.record(s, actor, "identity.added", "customer", customer_id, kind=kind)
        self._changed(customer_id, *([owner] if owner else []))
        return norm

    def merge(self, source_id: int, target_id: int, *, actor: str | None = None) -> int:
        with self._factory() as s, s.begin():
            merge_id = merge(s, source_id, target_id, actor=actor)
            case_ids = list(s.scalars(select(Case.id).where(Case.customer_id == target_id)))
            # One person now: one score, from everything both wrote (the source's goes).
            risk_store.recompute_quietly(s, [source_id, target_id])
        self._changed(source_id, target_id)
        self._bus.publish(CasesChanged(tuple(case_ids)))
        return merge_id

    def unmerge(
        self, *, merge_id: int | None = None, customer_id: int | None = None, actor: str | None = None
    ) -> tuple[int, int]:
        """Undo a merge given its id, or the newest merge that involves ``customer_id``."""
        with self._factory() as s, s.begin():
            if merge_id is None:
                if customer_id is None:
                    raise CustomerError("say which merge to undo")
                record = find_merge(s, customer_id)
                if record is None:
                    raise CustomerError(f"customer {customer_id} has no merge to undo")
                merge_id = record.id
            record = unmerge(s, merge_id, actor=actor)
            pair = (record.source_id, record.target_id)
            # Put apart again means two people: not offered as one straight back.
            distinguish(s, *pair, actor=actor, reason="unmerged")
            risk_store.recompute_quietly(s, pair)
        self._changed(*pair)
        self._bus.publish(CasesChanged(()))
        return pair

    def distinguish(self, a: int, b: int, *, actor: str | None = None) -> bool:
        """Say customers ``a`` and ``b`` are two people (a suggestion declined);
        False when that was said before."""
        with self._factory() as s, s.begin():
            added = distinguish(s, a, b, actor=actor)
        if added:
            self._changed(a, b)
        return added

    def merges(self, customer_id: int) -> list[dict[str, Any]]:
        with self._factory() as s:
            return [
                {
                    "id": m.id,
                    "source_id": m.source_id,
                    "target_id": m.target_id,
                    "reason": m.reason,
                    "created_at": m.created_at.isoformat(),
                    "undone_at": m.undone_at.isoformat() if m.undone_at else None,
                }
                for m in s.scalars(
                    select(CustomerMerge)
                    .where(
                        (CustomerMerge.source_id == customer_id) | (CustomerMerge.target_id == customer_id)
                    )
                    .order_by(CustomerMerge.id)
                )
            ]

    # ------------------------------------------------------------ privacy

    def export(self, customer_id: int) -> dict[str, Any]:
        """Everything held on one person, for a data-access request."""
        from inbox_app.core.read.queries import Queries

        queries = Queries(self._factory)
        customer = queries.customer(customer_id)
        with self._factory() as s:
            raws = {
                m: base64.b64encode(rawpack.unpack(d)).decode("ascii")
                for m, d in s.execute(
                    select(MessageRaw.message_id, MessageRaw.data)
                    .join(Message, Message.id == MessageRaw.message_id)
                    .where(Message.customer_id == customer_id)
                )
            }
            events = [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                }
                for e in s.scalars(
                    select(AuditEvent).where(
                        AuditEvent.object_type == "customer", AuditEvent.object_id == customer_id
                    )
                )
            ]
        timeline = []
        for m in queries.timeline(customer_id):
            item = m.to_json()
            item["html"] = m.html
            if m.id in raws:
                item["raw_base64"] = raws[m.id]
            timeline.append(item)
        return {
            "customer": customer.to_json(),
            "cases": [c.to_json() for c in queries.customer_cases(customer_id)],
            "timeline": timeline,
            "audit": events,
            "exported_at": utcnow().isoformat(),
        }

    def erase(self, customer_id: int, *, actor: str | None = None) -> dict[str, Any]:
        """Remove the person's data; an audit stub records that and when it happened.

        Returns how many of each thing went, ``cleanup`` (what was done so no byte of
        theirs stays in the store's files, see scrub.py) and ``seconds`` in all.
        """
        started = time.perf_counter()
        with self._factory() as s, s.begin():
            secure_delete_on(s.connection())
            customer = s.get(Customer, customer_id)
            if customer is None:
                raise CustomerError(f"no customer with id {customer_id}")
            if customer.erased_at is not None:
                raise CustomerError(f"customer {customer_id} was already erased")
            merged_ids = list(s.scalars(select(Customer.id).where(Customer.merged_into_id == customer_id)))
            ids = [customer_id, *merged_ids]
            message_ids = list(s.scalars(select(Message.id).where(Message.customer_id.in_(ids))))
            words = _their_words(s, ids, message_ids)
            # Their satisfaction answers hold their words (the comment): gone with the rest.
            s.execute(delete(CsatSurvey).where(CsatSurvey.customer_id.in_(ids)))
            counts: dict[str, Any] = {"messages": len(message_ids)}
            if message_ids:
                digests = set(
                    s.scalars(select(Attachment.sha256).where(Attachment.message_id.in_(message_ids)))
                )
                s.execute(delete(Attachment).where(Attachment.message_id.in_(message_ids)))
                # File contents are stored once per hash: drop those nobody else sent.
                if digests:
                    kept = set(s.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(digests))))
                    if digests - kept:
                        s.execute(delete(AttachmentBlob).where(AttachmentBlob.sha256.in_(digests - kept)))
                s.execute(delete(MessageRaw).where(MessageRaw.message_id.in_(message_ids)))
                s.execute(delete(Message).where(Message.id.in_(message_ids)))
                # The trail keeps who did what and when, but not the person's words or
                # addresses: an erasure request covers the copies in the audit too.
                s.execute(
                    update(AuditEvent)
                    .where(AuditEvent.object_type == "message", AuditEvent.object_id.in_(message_ids))
                    .values(data={"erased": True})
                )
            case_ids = list(s.scalars(select(Case.id).where(Case.customer_id.in_(ids))))
            counts["cases"] = len(case_ids)
            if case_ids:
                s.execute(update(Thread).where(Thread.case_id.in_(case_ids)).values(case_id=None))
                s.execute(delete(Draft).where(Draft.case_id.in_(case_ids)))
            counts["threads"] = _rowcount(s.execute(delete(Thread).where(Thread.customer_id.in_(ids))))
            if case_ids:
                s.execute(delete(Case).where(Case.id.in_(case_ids)))
            counts["identities"] = _rowcount(s.execute(delete(Identity).where(Identity.customer_id.in_(ids))))
            s.execute(
                update(CustomerMerge)
                .where((CustomerMerge.source_id.in_(ids)) | (CustomerMerge.target_id.in_(ids)))
                .values(moved={})
            )
            for cid in ids:
                c = s.get(Customer, cid)
                assert c is not None
                c.name, c.details, c.notes, c.erased_at = "Erased customer", {}, None, utcnow()
                c.name_key = None
            forget_distinctions(s, ids)
            # Their score, its trend and an agent's words on why they were not at risk.
            s.execute(delete(CustomerRisk).where(CustomerRisk.customer_id.in_(ids)))
            s.execute(delete(CustomerRiskDay).where(CustomerRiskDay.customer_id.in_(ids)))
            s.execute(
                update(AuditEvent)
                .where(AuditEvent.object_type == "customer", AuditEvent.object_id.in_(ids))
                .values(data={"erased": True})
            )
            audit.record(s, actor, "customer.erased", "customer", customer_id, counts=counts)
        bind = self._factory.kw["bind"]
        report = scrub(bind, words)
        counts["cleanup"] = report.steps
        counts["seconds"] = round(time.perf_counter() - started, 3)
        self._changed(customer_id)
        self._bus.publish(CasesChanged(tuple(case_ids)))
        return counts


def _their_words(s: Session, ids: list[int], message_ids: list[int]) -> set[str]:
    """The words of what the person wrote or was sent, their addresses and file names."""
    texts: list[str | None] = []
    for chunk in range(0, len(message_ids), 500):
        part = message_ids[chunk : chunk + 500]
        for row in s.execute(
            select(Message.text, Message.subject, Message.sender).where(Message.id.in_(part))
        ):
            texts.extend(row)
        texts.extend(s.scalars(select(Attachment.filename).where(Attachment.message_id.in_(part))))
    texts.extend(s.scalars(select(Identity.value).where(Identity.customer_id.in_(ids))))
    for name, notes in s.execute(select(Customer.name, Customer.notes).where(Customer.id.in_(ids))):
        texts.extend((name, notes))
    texts.extend(
        s.scalars(select(Draft.text).join(Case, Case.id == Draft.case_id).where(Case.customer_id.in_(ids)))
    )
    return words_of(texts)


def _rowcount(result: Result[Any]) -> int:
    # Session.execute is typed to return Result for every statement, but a DELETE
    # runs through a cursor and returns CursorResult, which has rowcount.
    return cast(CursorResult[Any], result).rowcount
