"""satisfaction (CSAT): per-team survey settings and the surveys asked

Revision ID: 0011
Revises: 0010

- ``teams.csat_enabled`` (off by default), ``teams.csat_delay`` (seconds after a case is
  resolved before its customer is asked) and ``teams.csat_every`` (seconds within which a
  customer is not asked again).
- ``csat_surveys``: one row per case asked (``case_id`` unique: a case is asked once), who
  was asked, the agent who had the case then, the channel kind and account asked on, the
  language asked in, when, the outbound question (``asked_message_id``), and the answer
  (``answered_at``, ``score`` 1-5, ``comment``, ``answer_message_id``). A case whose customer
  may not be asked (a review, a public post, a customer asked within the period...) gets a row
  too, with ``skipped`` saying why and no question: decided once, not at every pass.
- ``ix_cases_status_resolved``: cases by status and when they were resolved, for the passes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("teams", sa.Column("csat_enabled", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("teams", sa.Column("csat_delay", sa.Integer(), nullable=False, server_default="3600"))
    op.add_column("teams", sa.Column("csat_every", sa.Integer(), nullable=False, server_default="2592000"))
    op.create_table(
        "csat_surveys",
        sa.Column("id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_message_id", BigId, nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answer_message_id", BigId, nullable=True),
        sa.Column("skipped", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_csat_surveys_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_csat_surveys_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_csat_surveys_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_csat_surveys_team_id_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["channel_accounts.id"],
            name=op.f("fk_csat_surveys_account_id_channel_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asked_message_id"],
            ["messages.id"],
            name=op.f("fk_csat_surveys_asked_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answer_message_id"],
            ["messages.id"],
            name=op.f("fk_csat_surveys_answer_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csat_surveys")),
        sa.UniqueConstraint("case_id", name=op.f("uq_csat_surveys_case_id")),
    )
    op.create_index("ix_csat_surveys_customer_asked", "csat_surveys", ["customer_id", "asked_at"])
    op.create_index("ix_csat_surveys_asked", "csat_surveys", ["asked_at"])
    # The passes look every few seconds for cases resolved within a few days: only those are read.
    op.create_index("ix_cases_status_resolved", "cases", ["status", "resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_status_resolved", table_name="cases")
    op.drop_index("ix_csat_surveys_asked", table_name="csat_surveys")
    op.drop_index("ix_csat_surveys_customer_asked", table_name="csat_surveys")
    op.drop_table("csat_surveys")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("csat_every")
        batch.drop_column("csat_delay")
        batch.drop_column("csat_enabled")
