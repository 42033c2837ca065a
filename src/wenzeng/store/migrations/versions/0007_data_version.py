"""the data version counter that keys every worker's caches

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_version")),
    )
    names = ("data", "entities", "definitions")  # as wenzeng.store.meta.COUNTERS
    op.bulk_insert(table, [{"name": n, "version": 0} for n in names])


def downgrade() -> None:
    op.drop_table("data_version")
