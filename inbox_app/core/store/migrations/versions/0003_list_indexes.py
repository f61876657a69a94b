"""indexes for the case list and its channel column

Revision ID: 0003
Revises: 0002

The first page of the case list ("all", newest activity first) had no index to
walk and sorted every case; the channel column of each listed case looked up
threads by case with a full scan of threads. Both cost tens of milliseconds at a
few hundred thousand cases and grow with the store.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_last", "cases", ["last_message_at", "id"])
    op.create_index("ix_threads_case", "threads", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_threads_case", table_name="threads")
    op.drop_index("ix_cases_last", table_name="cases")
