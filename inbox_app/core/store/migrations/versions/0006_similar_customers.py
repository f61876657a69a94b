"""customers that may be the same person: a folded name key, and the pairs agents told apart

Revision ID: 0006
Revises: 0005

Exact identifiers merge customers by themselves; a person who wrote once by email and
once as a Google reviewer shares nothing exact with herself but a name. The panel
suggests such customers (never merges them): ``customers.name_key`` is the name folded
(case, accents, word order) for an indexed lookup, and ``customer_distinctions`` keeps
the pairs an agent said are two people, so the suggestion does not come back.
Existing customers get their key here; new ones get it as they are stored.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("customers", sa.Column("name_key", sa.String(length=300), nullable=True))
    op.create_index("ix_customers_name_key", "customers", ["name_key"])
    op.create_table(
        "customer_distinctions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("low_id", BigId, nullable=False),
        sa.Column("high_id", BigId, nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["low_id"],
            ["customers.id"],
            name=op.f("fk_customer_distinctions_low_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["high_id"],
            ["customers.id"],
            name=op.f("fk_customer_distinctions_high_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_distinctions")),
        sa.UniqueConstraint("low_id", "high_id", name=op.f("uq_customer_distinctions_low_id")),
    )
    op.create_index("ix_customer_distinctions_high_id", "customer_distinctions", ["high_id"])
    _fill_name_keys()


def _fill_name_keys() -> None:
    from inbox_app.core.customers.identities import name_key

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name FROM customers WHERE erased_at IS NULL")).all()
    keys = [{"id": cid, "key": key} for cid, name in rows if (key := name_key(name)) is not None]
    if keys:
        bind.execute(sa.text("UPDATE customers SET name_key = :key WHERE id = :id"), keys)


def downgrade() -> None:
    op.drop_index("ix_customer_distinctions_high_id", table_name="customer_distinctions")
    op.drop_table("customer_distinctions")
    op.drop_index("ix_customers_name_key", table_name="customers")
    # Not a batch (copy and rename) on SQLite: dropping the old customers table would
    # delete every identity with it. SQLite 3.35+ drops a column in place.
    op.execute("ALTER TABLE customers DROP COLUMN name_key")
