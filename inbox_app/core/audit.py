"""The append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from inbox_app.core.clock import utcnow
from inbox_app.core.store.models import AuditEvent

SYSTEM = "system"


def record(
    session: Session,
    actor: str | None,
    action: str,
    object_type: str,
    object_id: int | None,
    **data: Any,
) -> None:
    session.execute(
        insert(AuditEvent).values(
            at=utcnow(),
            actor=actor or SYSTEM,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=data,
        )
    )
