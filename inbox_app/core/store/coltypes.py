"""Column types that keep a SQLite store small without changing what the code sees.

On SQLite a timestamp is stored as integer microseconds since 1970 (UTC) instead
of 26 characters of text, and message text is packed (:mod:`inbox_app.core.store.textpack`).
Both appear in the message row and, for timestamps, in every index that orders
by time: together they are most of a million-message store. The ORM and Core
queries see ``datetime`` and ``str`` as before; PostgreSQL keeps its native
``timestamptz`` and ``text``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, LargeBinary, Text, TypeDecorator
from sqlalchemy.types import TypeEngine

from inbox_app.core.store import textpack

EPOCH = datetime(1970, 1, 1)
EPOCH_UTC = EPOCH.replace(tzinfo=UTC)
_US = timedelta(microseconds=1)


def to_micros(value: datetime) -> int:
    """A datetime as integer microseconds since 1970 UTC (naive values are UTC)."""
    # Aware minus aware subtracts in UTC whatever the zone: no conversion needed.
    return (value - (EPOCH if value.tzinfo is None else EPOCH_UTC)) // _US


def from_micros(value: int) -> datetime:
    """The naive UTC datetime SQLite rows have always been read as."""
    return EPOCH + timedelta(microseconds=value)


class UtcTimestamp(TypeDecorator[datetime]):
    """``timestamptz`` on PostgreSQL; integer microseconds since 1970 UTC on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        if isinstance(value, int):
            return value
        return to_micros(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None or dialect.name != "sqlite":
            return value  # type: ignore[no-any-return]
        if isinstance(value, str):  # a row written before timestamps became integers
            return datetime.fromisoformat(value).replace(tzinfo=None)
        return from_micros(int(value))


class PackedText(TypeDecorator[str]):
    """Text on PostgreSQL; packed bytes on SQLite (see :mod:`inbox_app.core.store.textpack`).

    Values bound as ``bytes`` are taken as already packed: ingest packs with the
    store's trained dictionary, which this type cannot know.
    """

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(LargeBinary())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite" or isinstance(value, bytes):
            return value
        return textpack.pack(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if dialect.name != "sqlite":
            return value  # type: ignore[no-any-return]
        return textpack.unpack(value)
