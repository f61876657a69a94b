"""drafts keep the files chosen to go with them

Revision ID: 0007
Revises: 0006

A draft survives a restart or a crash; the files an agent attached to it must too,
or the reply would leave without the invoice it announces. The draft keeps the
files' paths (a JSON list): the files themselves are read when the reply is queued.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("drafts", sa.Column("files", sa.JSON(), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+), not as a batch copy of the table.
    op.execute("ALTER TABLE drafts DROP COLUMN files")
