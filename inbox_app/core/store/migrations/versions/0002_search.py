"""full-text search: FTS5 on SQLite, tsvector + GIN on PostgreSQL

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# unicode61 with remove_diacritics 2 folds accents, so "perche" finds "perché".
# External content: the text lives once, in messages; FTS holds only the index.
SQLITE_UP = [
    """CREATE VIRTUAL TABLE message_fts USING fts5(
           subject, text, content='messages', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
           INSERT INTO message_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text);
       END""",
    """CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
           INSERT INTO message_fts(message_fts, rowid, subject, text)
           VALUES ('delete', old.id, old.subject, old.text);
       END""",
    """CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, text ON messages BEGIN
           INSERT INTO message_fts(message_fts, rowid, subject, text)
           VALUES ('delete', old.id, old.subject, old.text);
           INSERT INTO message_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text);
       END""",
    "INSERT INTO message_fts(message_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS messages_fts_au",
    "DROP TRIGGER IF EXISTS messages_fts_ad",
    "DROP TRIGGER IF EXISTS messages_fts_ai",
    "DROP TABLE IF EXISTS message_fts",
]

# unaccent is a trusted extension (PostgreSQL 13+): a database owner may create it.
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE messages ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION inbox_messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.search_vector := to_tsvector('simple',
             unaccent(coalesce(NEW.subject, '') || ' ' || coalesce(NEW.text, '')));
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER messages_search BEFORE INSERT OR UPDATE OF subject, text ON messages
       FOR EACH ROW EXECUTE FUNCTION inbox_messages_search()""",
    "UPDATE messages SET text = text",
    "CREATE INDEX ix_messages_search ON messages USING gin (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_messages_search",
    "DROP TRIGGER IF EXISTS messages_search ON messages",
    "DROP FUNCTION IF EXISTS inbox_messages_search()",
    "ALTER TABLE messages DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _run(SQLITE_UP if dialect == "sqlite" else PG_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _run(SQLITE_DOWN if dialect == "sqlite" else PG_DOWN)
