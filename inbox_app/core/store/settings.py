"""Team-wide settings every desktop and worker must agree on (stored in the database)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox_app.core.store.models import StoreSetting


@dataclass(frozen=True)
class StoreSettings:
    reopen_window_days: int = 7
    subject_thread_days: int = 14
    first_response_hours: int = 4
    default_phone_region: str | None = None
    max_send_attempts: int = 10
    # Agents may move cases colleagues hold and assign cases to others (else leads and admins only).
    agents_may_reassign: bool = False
    # Thunderbird's database of mail providers, asked when an email account is set up from
    # its address alone (a company may run its own copy; tests point it at an emulator).
    ispdb_url: str = "https://autoconfig.thunderbird.net/v1.1/"
    # A store for demonstrations or tests: the testing channel ("fake") is offered for new
    # accounts. The demo sets it; a real store never needs it.
    testing_channels: bool = False
    # Customers whose at-risk score (core/voice/risk.py) is at least this are "at risk":
    # the "At risk" view and `customers list --at-risk` list them.
    risk_threshold: int = 60
    # The business-hours calendar a customer's waiting is counted in for the at-risk score
    # (core/hours_store.py); unset: the first calendar by name, or wall-clock time if none.
    risk_calendar: str | None = None

    @classmethod
    def load(cls, session: Session) -> StoreSettings:
        # JSON values as ``save`` wrote them; their types are whatever the admin stored.
        stored: dict[str, Any] = {
            row.key: row.value.get("v") for row in session.scalars(select(StoreSetting))
        }
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    @staticmethod
    def save(session: Session, key: str, value: object) -> None:
        if key not in {f.name for f in fields(StoreSettings)}:
            raise KeyError(key)
        row = session.get(StoreSetting, key)
        if row is None:
            session.add(StoreSetting(key=key, value={"v": value}))
        else:
            row.value = {"v": value}
