"""business hours: named working calendars

Revision ID: 0009
Revises: 0008

A calendar is a time zone, the working intervals of each weekday (``days``:
{"mon": ["09:00-13:00", "14:00-18:00"], ...}), the region whose public holidays close it (``holidays_region``,
a country and optional subdivision of the ``holidays`` package: "IT", "IT-RM") and the
dates an admin added (``extra_holidays``: ["2026-12-24", ...]). SLA policies will name one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("holidays_region", sa.String(length=20), nullable=True),
        sa.Column("extra_holidays", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_calendars_name")),
    )


def downgrade() -> None:
    op.drop_table("calendars")
