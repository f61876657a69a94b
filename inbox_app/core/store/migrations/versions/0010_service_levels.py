"""service levels: the case history, SLA policies and the due times on cases

Revision ID: 0010
Revises: 0009

``case_events`` is the append-only history of each case (opened, inbound and public
outbound messages, status, assignment and team changes, SLA clock events): SLA clocks and
reports are computed from it. Existing stores get it back-filled from their messages (the
first message of a case opens it; each customer message and public reply) and from the
audit trail (status, assignment and team changes). On PostgreSQL a trigger refuses to
change or remove a history row (a case removed with its history, a message removed from
it, are the only exceptions: the foreign keys' own cascades).

``sla_policies`` is the ordered list of service-level policies; the cases carry the due
times the SLA engine (core/service/sla.py) keeps current, for sorting and the Overdue view.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION inbox_case_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- Removing a case (erasing a customer) takes its history with it: the row is gone
        -- by the time its cascade reaches here. Anything else is rewriting history.
        IF EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id) THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'the case history is append-only';
        END IF;
        RETURN OLD;
    END IF;
    -- A removed message or agent leaves the event, without the link (ON DELETE SET NULL).
    IF NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.at = OLD.at AND NEW.kind = OLD.kind
       AND NEW.detail::text IS NOT DISTINCT FROM OLD.detail::text
       AND (NEW.message_id IS NOT DISTINCT FROM OLD.message_id OR NEW.message_id IS NULL)
       AND (NEW.actor_agent_id IS NOT DISTINCT FROM OLD.actor_agent_id OR NEW.actor_agent_id IS NULL) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'the case history is append-only';
END
$body$
"""


def upgrade() -> None:
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_reply", sa.String(length=20), nullable=True),
        sa.Column("next_reply", sa.String(length=20), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=30), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"], ["calendars.id"], name=op.f("fk_sla_policies_calendar_id_calendars")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_sla_policies_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_policies_name")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot add a reference to a column without copying every case (nor drop one
        # again); removing a policy clears its cases itself (core/service/sla_store.py).
        op.add_column("cases", sa.Column("sla_policy_id", sa.Integer(), nullable=True))
    else:
        op.add_column("cases", sa.Column("sla_policy_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_cases_sla_policy_id_sla_policies",
            "cases",
            "sla_policies",
            ["sla_policy_id"],
            ["id"],
            ondelete="SET NULL",
        )
    for name in ("first_reply_due", "next_reply_due", "resolution_due", "due_at", "sla_warn_at"):
        op.add_column("cases", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.add_column("cases", sa.Column("sla_breached", sa.String(length=60), nullable=False, server_default=""))
    op.add_column("cases", sa.Column("sla_paused", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_cases_status_due", "cases", ["status", "due_at"])

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_agent_id", sa.Integer(), nullable=True),
        sa.Column("message_id", BigId, nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["actor_agent_id"],
            ["agents.id"],
            name=op.f("fk_case_events_actor_agent_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_case_events_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    _backfill(op.get_bind())
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])
    op.create_index("ix_case_events_kind_at", "case_events", ["kind", "at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
            "FOR EACH ROW EXECUTE FUNCTION inbox_case_events_append_only()"
        )


def _backfill(conn: sa.Connection) -> None:
    """The history of the cases already stored, from their messages and the audit trail."""
    # Set-based: a store of a million messages back-fills in a few statements.
    conn.exec_driver_sql(
        "INSERT INTO case_events (case_id, at, kind) "
        "SELECT c.id, coalesce((SELECT min(m.sent_at) FROM messages m WHERE m.case_id = c.id), c.opened_at), "
        "'opened' FROM cases c ORDER BY c.id"
    )
    conn.exec_driver_sql(
        "INSERT INTO case_events (case_id, at, kind, actor_agent_id, message_id) "
        "SELECT m.case_id, m.sent_at, CASE WHEN m.direction = 'in' THEN 'inbound' ELSE 'outbound' END, "
        "CASE WHEN m.direction = 'out' THEN m.agent_id END, m.id FROM messages m "
        "WHERE m.case_id IS NOT NULL AND NOT m.is_auto AND (m.direction = 'in' "
        "OR (m.direction = 'out' AND m.delivery IN ('queued', 'sending', 'sent'))) "
        "ORDER BY m.sent_at, m.id"
    )
    _backfill_audit(conn)


def _backfill_audit(conn: sa.Connection) -> None:
    """Status, assignment and team changes, read from the audit trail (few rows per case)."""
    agents: dict[str, int] = {}
    for agent_id, name, email in conn.exec_driver_sql("SELECT id, name, email FROM agents"):
        agents[name] = agents[email] = int(agent_id)
    teams = {name.lower(): int(tid) for tid, name in conn.exec_driver_sql("SELECT id, name FROM teams")}
    cases = sa.table("cases", sa.column("id"))
    audit = sa.table(
        "audit_events",
        sa.column("at"),
        sa.column("actor"),
        sa.column("action"),
        sa.column("object_type"),
        sa.column("object_id"),
        sa.column("data", sa.JSON()),
        sa.column("id"),
    )
    events = sa.table(
        "case_events",
        sa.column("case_id"),
        sa.column("at"),
        sa.column("kind"),
        sa.column("actor_agent_id"),
        sa.column("detail", sa.JSON()),
    )
    rows = conn.execute(
        sa.select(audit.c.at, audit.c.actor, audit.c.action, audit.c.object_id, audit.c.data)
        .where(
            audit.c.object_type == "case",
            audit.c.action.in_(("case.status", "case.assigned", "case.team_assigned", "case.reopened")),
            audit.c.object_id.in_(sa.select(cases.c.id)),
        )
        .order_by(audit.c.id)
    )
    out: list[dict[str, Any]] = []
    for at, actor, action, case_id, data in rows:
        data = data or {}
        before = data.get("before") or {}
        who = agents.get(actor or "")
        base = {"case_id": case_id, "at": at, "actor_agent_id": who}
        if action == "case.status":
            out.append(
                {**base, "kind": "status", "detail": {"from": before.get("status"), "to": data.get("status")}}
            )
        elif action == "case.reopened":
            out.append({**base, "kind": "status", "detail": {"from": "resolved", "to": "open"}})
            out.append({**base, "kind": "opened", "detail": {"reopen": True}})
        elif action == "case.assigned":
            target = data.get("agent")
            out.append(
                {
                    **base,
                    "kind": "assigned",
                    "detail": {
                        "from": before.get("assignee_id"),
                        "to": agents.get(target) if target else None,
                    },
                }
            )
        else:
            team = data.get("team")
            out.append(
                {
                    **base,
                    "kind": "team",
                    "detail": {
                        "from": before.get("team_id"),
                        "to": teams.get(team.lower()) if team else None,
                    },
                }
            )
        if len(out) >= 5000:
            conn.execute(sa.insert(events), out)
            out = []
    if out:
        conn.execute(sa.insert(events), out)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
        op.execute("DROP FUNCTION IF EXISTS inbox_case_events_append_only()")
    op.drop_index("ix_case_events_kind_at", table_name="case_events")
    op.drop_index("ix_case_events_case", table_name="case_events")
    op.drop_table("case_events")
    op.drop_index("ix_cases_status_due", table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_cases_sla_policy_id_sla_policies", "cases", type_="foreignkey")
    # Plain DROP COLUMN (SQLite 3.35+): a copy of the table would cascade to its messages.
    for name in (
        "sla_warn_at",
        "sla_paused",
        "sla_breached",
        "due_at",
        "resolution_due",
        "next_reply_due",
        "first_reply_due",
    ):
        op.drop_column("cases", name)
    op.drop_column("cases", "sla_policy_id")
    op.drop_table("sla_policies")
