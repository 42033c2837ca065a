"""jobs: long work done outside the request by a worker, with its progress and its end

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.Text(), nullable=True),
        sa.Column("done_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_started_by_id", ["started_by", "id"], unique=False)
        batch_op.create_index("ix_job_status_heartbeat_at", ["status", "heartbeat_at"])
        batch_op.create_index(
            "uq_job_dedup_key_active",
            ["dedup_key"],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("uq_job_dedup_key_active")
        batch_op.drop_index("ix_job_status_heartbeat_at")
        batch_op.drop_index("ix_job_started_by_id")
    op.drop_table("job")
