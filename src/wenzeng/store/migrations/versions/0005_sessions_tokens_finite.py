"""sessions that end, tokens that expire or only read, logins counted per address, finite numbers

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BOUND = "1e15"  # as wenzeng.store.tables.FINITE_BOUND when this revision was written


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("read_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_login_attempt_client_at", ["client", "at"], unique=False)
    # a store that already holds a non-finite value stops here, naming the constraint
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_observation_value_finite", sa.text(f"value BETWEEN -{BOUND} AND {BOUND}")
        )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_assessment_figure_finite", sa.text(f"figure BETWEEN -{BOUND} AND {BOUND}")
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_constraint("ck_assessment_figure_finite", type_="check")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_constraint("ck_observation_value_finite", type_="check")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_client_at")
        batch_op.drop_column("client")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("read_only")
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
