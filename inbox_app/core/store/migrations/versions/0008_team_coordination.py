"""team coordination: case versions, availability and automatic assignment, approvals

Revision ID: 0008
Revises: 0007

- ``cases.version`` counts the changes agents make to a case (status, priority, assignee,
  team, tags, snooze): a change carries the version it was based on and is refused when
  the case moved on meanwhile, so two desktops never silently overwrite each other.
- ``agents.available`` (an agent says "available" or "away"), ``agents.trainee`` (every
  reply waits for a lead's approval), ``agents.last_assigned_at`` (round robin);
  ``teams.assign_mode`` (off, balanced, round-robin) and ``teams.capacity`` (open cases per
  agent) drive automatic assignment.
- ``approvals``: a reply held for a lead, the rule that held it, the text as written and as
  approved, and the decision with its reason. ``messages.delivery`` grows to hold the
  states ``awaiting_approval`` and ``rejected``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("cases", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("agents", sa.Column("available", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("agents", sa.Column("trainee", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("agents", sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "teams", sa.Column("assign_mode", sa.String(length=20), nullable=False, server_default="off")
    )
    op.add_column("teams", sa.Column("capacity", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # SQLite does not hold a string to its length; rewriting its messages table for
        # nothing would cost minutes on a large store.
        op.alter_column(
            "messages", "delivery", type_=sa.String(length=20), existing_type=sa.String(length=10)
        )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("edited_text", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False, server_default="waiting"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_approvals_message_id_messages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_approvals_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["agents.id"], name=op.f("fk_approvals_author_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["agents.id"],
            name=op.f("fk_approvals_decided_by_id_agents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sa.UniqueConstraint("message_id", name=op.f("uq_approvals_message_id")),
    )
    op.create_index("ix_approvals_state", "approvals", ["state", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_approvals_state", table_name="approvals")
    op.drop_table("approvals")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "messages", "delivery", type_=sa.String(length=10), existing_type=sa.String(length=20)
        )
    # In place (SQLite 3.35+), not as batch copies of the tables.
    for table, column in (
        ("teams", "capacity"),
        ("teams", "assign_mode"),
        ("agents", "last_assigned_at"),
        ("agents", "trainee"),
        ("agents", "available"),
        ("cases", "version"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
