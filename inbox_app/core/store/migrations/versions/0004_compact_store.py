"""a compact SQLite store: integer timestamps, packed message text, a leaner search index

Revision ID: 0004
Revises: 0003

On SQLite a million-message store took almost four times the text it holds. The
three largest causes are fixed here (PostgreSQL only gains the dictionary table):

- timestamps become integer microseconds since 1970 UTC (8 bytes instead of 26
  characters, in each row and in every index that orders by time);
- message text and HTML are packed with zstd (see inbox_app.core.store.textpack), with a
  dictionary the store trains on its own messages once it has enough of them;
- the full-text index keeps which column a word is in but not its positions
  (``detail=column``: search uses words and prefixes, never phrases) and no longer
  reads the text back from ``messages`` (``content=''``): the triggers give it the
  unpacked text, and removing a row gives it the old text to forget.
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from inbox_app.core.store import textpack
from inbox_app.core.store.coltypes import from_micros, to_micros

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"

FTS_TRIGGERS = [
    """CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
           INSERT INTO message_fts(rowid, subject, text)
           VALUES (new.id, new.subject, inbox_unpack(new.text));
       END""",
    """CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
           INSERT INTO message_fts(message_fts, rowid, subject, text)
           VALUES ('delete', old.id, old.subject, inbox_unpack(old.text));
       END""",
    """CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, text ON messages BEGIN
           INSERT INTO message_fts(message_fts, rowid, subject, text)
           VALUES ('delete', old.id, old.subject, inbox_unpack(old.text));
           INSERT INTO message_fts(rowid, subject, text)
           VALUES (new.id, new.subject, inbox_unpack(new.text));
       END""",
]
DROP_FTS = [
    "DROP TRIGGER IF EXISTS messages_fts_au",
    "DROP TRIGGER IF EXISTS messages_fts_ad",
    "DROP TRIGGER IF EXISTS messages_fts_ai",
    "DROP TABLE IF EXISTS message_fts",
]


def _iso_to_micros(value: object) -> object:
    if not isinstance(value, str):
        return value
    return to_micros(datetime.fromisoformat(value))


def _micros_to_iso(value: object) -> object:
    if not isinstance(value, int):
        return value
    return from_micros(value).strftime("%Y-%m-%d %H:%M:%S.%f")


def _pack(value: object) -> object:
    return textpack.pack(value) if isinstance(value, str) else value


def _unpack(value: object) -> object:
    return textpack.unpack(value) if isinstance(value, bytes) else value


def _functions() -> None:
    raw = op.get_bind().connection.driver_connection
    assert raw is not None  # a live SQLite connection during the migration
    for name, fn in (
        ("inbox_iso_to_micros", _iso_to_micros),
        ("inbox_micros_to_iso", _micros_to_iso),
        ("inbox_pack", _pack),
        ("inbox_unpack_any", _unpack),
    ):
        raw.create_function(name, 1, fn, deterministic=True)


def _timestamp_columns() -> list[tuple[str, str]]:
    inspector = sa.inspect(op.get_bind())
    out = []
    for table in inspector.get_table_names():
        if table.startswith(("message_fts", "alembic_", "sqlite_")):
            continue
        for col in inspector.get_columns(table):
            if "DATETIME" in str(col["type"]).upper() or "TIMESTAMP" in str(col["type"]).upper():
                out.append((table, col["name"]))
    return out


def _dictionaries_table() -> None:
    op.create_table(
        "text_dictionaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dict_id", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_dictionaries")),
        sa.UniqueConstraint("dict_id", name=op.f("uq_text_dictionaries_dict_id")),
    )


def upgrade() -> None:
    _dictionaries_table()
    if op.get_bind().dialect.name != "sqlite":
        return
    _functions()
    for statement in DROP_FTS:
        op.execute(statement)
    for table, column in _timestamp_columns():
        op.execute(
            f'UPDATE "{table}" SET "{column}" = inbox_iso_to_micros("{column}") '
            f"WHERE typeof(\"{column}\") = 'text'"
        )
    op.execute(
        "UPDATE messages SET text = inbox_pack(text), html = inbox_pack(html) "
        "WHERE typeof(text) = 'text' OR typeof(html) = 'text'"
    )
    op.execute(
        f"CREATE VIRTUAL TABLE message_fts USING fts5(subject, text, content='', detail=column, {TOKENIZE})"
    )
    op.execute(
        "INSERT INTO message_fts(rowid, subject, text) "
        "SELECT id, subject, inbox_unpack_any(text) FROM messages"
    )
    for statement in FTS_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _functions()
        for statement in DROP_FTS:
            op.execute(statement)
        op.execute(
            "UPDATE messages SET text = inbox_unpack_any(text), html = inbox_unpack_any(html) "
            "WHERE typeof(text) = 'blob' OR typeof(html) = 'blob'"
        )
        for table, column in _timestamp_columns():
            if table == "text_dictionaries":
                continue
            op.execute(
                f'UPDATE "{table}" SET "{column}" = inbox_micros_to_iso("{column}") '
                f"WHERE typeof(\"{column}\") = 'integer'"
            )
        op.execute(
            "CREATE VIRTUAL TABLE message_fts USING fts5(subject, text, content='messages', "
            f"content_rowid='id', {TOKENIZE})"
        )
        for statement in FTS_TRIGGERS:
            op.execute(
                statement.replace("inbox_unpack(new.text)", "new.text").replace(
                    "inbox_unpack(old.text)", "old.text"
                )
            )
        op.execute("INSERT INTO message_fts(message_fts) VALUES ('rebuild')")
    op.drop_table("text_dictionaries")
