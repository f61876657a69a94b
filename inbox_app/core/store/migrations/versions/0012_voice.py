"""customer voice: the tone of each message and the at-risk score per customer

Revision ID: 0012
Revises: 0011

``messages.tone`` is the tone of a customer's message in [-1, 1] (core/voice/tone.py),
NULL for agents' replies, notes and messages stored before tone was computed.
``customer_risk`` holds each customer's at-risk score (0-100) with the factors that
make it up (name, share, detail) and, when an agent said "not at risk", who, when and
why: the score stays muted until the customer writes again. ``customer_risk_days``
keeps one score per customer and day for the 90-day trend.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild would recreate ``messages`` without its search triggers.
    op.add_column("messages", sa.Column("tone", sa.Float(), nullable=True))
    op.create_table(
        "customer_risk",
        sa.Column("customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("computed_score", sa.Integer(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("muted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("muted_by", sa.String(length=200), nullable=True),
        sa.Column("muted_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_risk_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_risk")),
    )
    op.create_index("ix_customer_risk_score", "customer_risk", ["score", "customer_id"])
    op.create_table(
        "customer_risk_days",
        sa.Column("customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_risk_days_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "day", name=op.f("pk_customer_risk_days")),
    )


def downgrade() -> None:
    op.drop_table("customer_risk_days")
    op.drop_index("ix_customer_risk_score", table_name="customer_risk")
    op.drop_table("customer_risk")
    # SQLite drops a column in place (3.35+), keeping the search triggers a rebuild would lose.
    op.execute("ALTER TABLE messages DROP COLUMN tone")
