"""What could not be stored, with why, kept for the admin to look at and retry."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from connectors.base import Address, AttachmentData, BatchItem, BrokenItem, InboundItem, ItemUpdate
from inbox_app.core.clock import utcnow
from inbox_app.core.store.models import ChannelAccount, QuarantineItem

RawParser = Callable[[bytes], InboundItem | BrokenItem]


@dataclass(frozen=True)
class QuarantineRow:
    """An item waiting in quarantine, as an admin lists it."""

    id: int
    account: str | None  # None: its account was removed
    external_id: str
    reason: str
    received_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "account": self.account,
            "external_id": self.external_id,
            "reason": self.reason,
            "received_at": self.received_at.isoformat(),
        }


def waiting(session: Session) -> list[QuarantineRow]:
    """The items not stored yet, oldest first."""
    rows = session.execute(
        select(QuarantineItem, ChannelAccount.name)
        .outerjoin(ChannelAccount, ChannelAccount.id == QuarantineItem.account_id)
        .where(QuarantineItem.resolved_at.is_(None))
        .order_by(QuarantineItem.id)
    ).all()
    return [QuarantineRow(q.id, name, q.external_id, q.reason, q.received_at) for q, name in rows]


def record_item(session: Session, account_id: int | None, item: BatchItem, reason: str) -> None:
    if isinstance(item, BrokenItem):
        external_id, raw, data = item.external_id, item.raw, None
    elif isinstance(item, ItemUpdate):
        external_id = item.external_id or item.target_external_id
        raw, data = b"", {"type": "update", **_jsonable(asdict(item))}
    else:
        external_id, raw = item.external_id, item.raw or b""
        data = {"type": "inbound", **_jsonable(asdict(item))}
        data.pop("raw", None)
    session.execute(
        insert(QuarantineItem).values(
            account_id=account_id,
            external_id=external_id[:500],
            reason=reason[:2000],
            raw=raw,
            item=data,
            received_at=utcnow(),
        )
    )


def already_quarantined(
    session: Session, account_id: int, external_id: str, raw: bytes | None = None
) -> bool:
    """Whether this account's item is waiting in quarantine already (a replayed batch
    must not keep it twice). With ``raw``, only the same bytes count: two broken
    messages may share one Message-ID."""
    query = select(QuarantineItem.id).where(
        QuarantineItem.account_id == account_id,
        QuarantineItem.external_id == external_id,
    )
    if raw is not None:
        query = query.where(QuarantineItem.raw == raw)
    return session.scalar(query.limit(1)) is not None


def item_from_record(record: QuarantineItem, parser: RawParser | None = None) -> BatchItem | None:
    """Rebuild the item; raw-only items need the channel's parser."""
    data = dict(record.item or {})
    kind = data.pop("type", None)
    if kind == "inbound":
        data["sender"] = Address(**data["sender"])
        data["sent_at"] = datetime.fromisoformat(data["sent_at"])
        data["references"] = tuple(data.get("references") or ())
        data["extra_identities"] = tuple(Address(**a) for a in data.get("extra_identities") or ())
        data["attachments"] = tuple(
            AttachmentData(**{**a, "data": base64.b64decode(a["data"])})
            for a in data.get("attachments") or ()
        )
        return InboundItem(**data, raw=record.raw or None)
    if kind == "update":
        if data.get("at"):
            data["at"] = datetime.fromisoformat(data["at"])
        return ItemUpdate(**data)
    if parser is not None and record.raw:
        item = parser(record.raw)
        return item if isinstance(item, InboundItem) else None
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
