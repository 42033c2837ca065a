"""Who published a figure and in which release, stored with the figure: the migration that adds
them (and fills them for the built-in figures already stored), loading, importing, reading."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.periods import parse_period
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services.context import Context
from wenzeng.services.importing import import_file
from wenzeng.services.loading import builtin_data_path
from wenzeng.services.series import SeriesQuery, observations, read_observations
from wenzeng.store.db import MIGRATIONS, make_engine

# a row of the built-in data set: a repost of MIIT's release, with its publisher and release
COPY_TITLE = "2019年1-4月电子信息制造业运行情况（转载）"
COPY_URL = "http://m.highestlevelmanagement.com/article/20190605/32600.html"
PUBLISHER = "工业和信息化部运行监测协调局"
RELEASE = "2019年1—4月电子信息制造业运行情况"


def _config(conn: object) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def _store_at_0009_with_figures(db_url: str) -> None:
    """A store of the previous revision holding a built-in figure read from a copy the data
    set names a release for, and an imported figure."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0009")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO batch (id, kind, rows, created_at) VALUES "
                "(1, 'builtin', 1, :t), (2, 'import', 1, :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO source (id, kind, title, url) VALUES "
                "(1, 'published', :title, :url), (2, 'import', '各省月报.csv', NULL)"
            ),
            {"title": COPY_TITLE, "url": COPY_URL},
        )
        conn.execute(
            text(
                "INSERT INTO series (id, indicator, entity, measure, period_type) VALUES "
                "(1, 'export_elec', 'CN', 'yoy_pct', 'cum_month')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO observation (id, series_id, period, vintage, value, qualifier, "
                "source_id, batch_id, simulated) VALUES "
                "(1, 1, '2019-01~04', :v1, 4.9, '', 1, 1, :f), "
                "(2, 1, '2019-01~05', :v2, 5.5, '', 2, 2, :f)"
            ),
            {"v1": date(2019, 5, 20), "v2": date(2019, 6, 20), "f": False},
        )
    engine.dispose()


def test_the_upgrade_gives_stored_builtin_figures_their_release_and_comes_back_down(
    db_url: str,
) -> None:
    _store_at_0009_with_figures(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, value, publisher, release FROM observation ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [(1, 4.9, PUBLISHER, RELEASE), (2, 5.5, None, None)]
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0009")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("observation")}
        kept = conn.execute(text("SELECT id, value FROM observation ORDER BY id")).all()
    assert not {"publisher", "release"} & columns
    assert [tuple(r) for r in kept] == [(1, 4.9), (2, 5.5)]
    with engine.begin() as conn:  # and up again
        command.upgrade(_config(conn), "head")
    with engine.connect() as conn:
        again = conn.execute(text("SELECT publisher FROM observation WHERE id = 1")).scalar_one()
    assert again == PUBLISHER
    engine.dispose()


def _data_set_releases() -> dict[tuple[str, str, str], tuple[str | None, str | None]]:
    out: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
    with builtin_data_path().open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            period = parse_period(row["period"], row["period_type"]).code
            out[(row["source_title"], row["source_url"], period)] = (
                row["publisher"] or None,
                row["release"] or None,
            )
    return out


def test_loaded_builtin_figures_carry_the_publisher_and_release_of_the_data_set(
    ctx: Context,
) -> None:
    (record,) = observations(
        ctx,
        SYSTEM,
        SeriesQuery("export_elec", measure="yoy_pct", period="2019-01~04", all_vintages=True),
    )
    assert (record.source_title, record.publisher, record.release) == (
        COPY_TITLE,
        PUBLISHER,
        RELEASE,
    )
    expected = _data_set_releases()
    records = [
        r
        for r in read_observations(ctx, SYSTEM, all_vintages=True, simulated=False)
        if r.source_kind == "published"
    ]
    assert len(records) > 1000
    wrong = [
        r
        for r in records
        if expected[(r.source_title, r.source_url or "", r.period)] != (r.publisher, r.release)
    ]
    assert wrong == []
    assert sum(1 for r in records if r.publisher) > 1000
    assert any(r.publisher is None for r in records)  # copies that name no publisher


def test_an_import_may_name_the_publisher_and_release(ctx: Context, tmp_path: Path) -> None:
    named = tmp_path / "发布稿.csv"
    named.write_text(
        "indicator,region,period,period_type,measure,value,source_title,发布机构,发布稿\n"
        "revenue_elec,CN,2025-09,cum_month,yoy_pct,7.1,转载,国家统计局,2025年9月工业生产\n"
        "revenue_elec,CN,2025-10,cum_month,yoy_pct,7.0,转载,,\n",
        encoding="utf-8",
    )
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "indicator,region,period,period_type,measure,value,source_title\n"
        "revenue_elec,CN,2025-11,cum_month,yoy_pct,6.9,月报\n",
        encoding="utf-8",
    )
    import_file(ctx, named, ColumnMapping(), vintage=date(2026, 1, 5))
    import_file(ctx, plain, ColumnMapping(), vintage=date(2026, 1, 5))
    got = {
        r.period: (r.publisher, r.release)
        for r in observations(ctx, SYSTEM, SeriesQuery("revenue_elec", measure="yoy_pct"))
        if r.source_kind == "import"
    }
    assert got == {
        "2025-01~09": ("国家统计局", "2025年9月工业生产"),
        "2025-01~10": (None, None),
        "2025-01~11": (None, None),
    }
