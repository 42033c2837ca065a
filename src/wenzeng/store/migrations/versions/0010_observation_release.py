"""who published each figure and in which release, stored with the figure

Revision ID: 0010
Revises: 0009

The built-in figures already stored are given the publisher and release the packaged data set
names for them (by the stored copy they were read from and their period), as a new load would.
"""

import csv
import io
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publisher", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("release", sa.Text(), nullable=True))
    _fill_builtin(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("release")
        batch_op.drop_column("publisher")


def _builtin_releases() -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """(source title, source address, period code) → (publisher, release) from the packaged
    data set."""
    from wenzeng.domain.periods import PeriodError, parse_period

    path = resources.files("wenzeng") / "data" / "public" / "observations.csv"
    out: dict[tuple[str, str, str], tuple[str, str | None]] = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        publisher = (row.get("publisher") or "").strip()
        if not publisher:
            continue
        try:
            period = parse_period(row["period"], row["period_type"]).code
        except PeriodError:
            continue
        release = (row.get("release") or "").strip() or None
        out[(row["source_title"], row.get("source_url") or "", period)] = (publisher, release)
    return out


def _fill_builtin(conn: sa.Connection) -> None:
    """Give the stored built-in figures their publisher and release."""
    wanted = _builtin_releases()
    stored = conn.execute(
        sa.text(
            "SELECT DISTINCT s.id, s.title, s.url, o.period FROM observation o "
            "JOIN source s ON s.id = o.source_id JOIN batch b ON b.id = o.batch_id "
            "WHERE b.kind = 'builtin'"
        )
    ).all()
    updates = [
        {"source_id": r.id, "period": r.period, "publisher": found[0], "release": found[1]}
        for r in stored
        if (found := wanted.get((r.title, r.url or "", r.period))) is not None
    ]
    if updates:
        conn.execute(
            sa.text(
                "UPDATE observation SET publisher = :publisher, release = :release "
                "WHERE source_id = :source_id AND period = :period AND batch_id IN "
                "(SELECT id FROM batch WHERE kind = 'builtin')"
            ),
            updates,
        )
