"""One place for "now", always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...
def aware(value: datetime | None) -> datetime | None:
    """The same instant in UTC; a naive value is taken as UTC.

    SQLite hands back naive datetimes, and it keeps only the wall-clock time of
    what it is given, dropping the offset: whatever is written goes through here
    first, so the store only ever holds UTC.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
