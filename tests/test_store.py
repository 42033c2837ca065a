"""The observation store on SQLite and PostgreSQL: round trips, vintages, as-of queries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from wenzeng.auth.principal import SYSTEM
from wenzeng.errors import ValidationFailed
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services.context import Context
from wenzeng.services.importing import import_file
from wenzeng.services.loading import load_builtin
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.store import observations as observation_store
from wenzeng.store.db import schema_status


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_schema_is_at_head(ctx: Context) -> None:
    current, head = schema_status(ctx.engine)
    assert current == head and head


def test_builtin_data_round_trips_with_sources(ctx: Context) -> None:
    with ctx.reading() as conn:
        assert observation_store.count_observations(conn) == 1287
        assert observation_store.count_observations(conn, simulated=True) == 0
    (rec,) = observations(
        ctx, SYSTEM, SeriesQuery("va_elec", period="2024-09", period_type="cum_month")
    )
    assert rec.value == 12.8 and rec.measure == "yoy_pct"
    assert rec.source_kind == "published" and rec.source_title
    # units are normalised in one place; the published form is kept beside the value
    (rev,) = observations(ctx, SYSTEM, SeriesQuery("revenue_elec", period="2024", measure="level"))
    assert rev.value == pytest.approx(161900) and rev.unit == "亿元"
    assert (rev.published_value, rev.published_unit) == ("16.19", "万亿元")


def test_loading_the_builtin_data_twice_adds_nothing(ctx: Context) -> None:
    again = load_builtin(ctx)
    assert again.rows == 0 and again.skipped == 1287
    with ctx.reading() as conn:
        assert observation_store.count_observations(conn) == 1287


def test_qualified_figures_keep_their_qualifier(ctx: Context) -> None:
    (pv,) = observations(
        ctx, SYSTEM, SeriesQuery("pv_cell_output_miit", period="2023", measure="level")
    )
    assert (pv.value, pv.qualifier) == (545.0, ">")  # 超过545GW
    # two sources for 2024 PV cell growth: '超过10%' and 10.6 %; the exact one wins
    (g,) = observations(
        ctx, SYSTEM, SeriesQuery("pv_cell_output_miit", period="2024", measure="yoy_pct")
    )
    assert (g.value, g.qualifier) == (10.6, "")


def test_conflicting_sources_are_both_kept(ctx: Context) -> None:
    rows = observations(
        ctx, SYSTEM, SeriesQuery("phone_output", period="2021", measure="level", all_vintages=True)
    )
    assert sorted(r.value for r in rows) == [166200.0, 176000.0]
    assert len({r.source_title for r in rows}) == 2


def revise(ctx: Context, tmp_path: Path, value: str, vintage: str, name: str) -> None:
    path = write(
        tmp_path,
        name,
        "indicator,region,period,period_type,measure,value,unit\n"
        f"va_elec,CN,2024-09,cum_month,yoy_pct,{value},%\n",
    )
    import_file(ctx, path, ColumnMapping(), vintage=date.fromisoformat(vintage))


def test_revisions_never_overwrite_and_as_of_sees_the_past(ctx: Context, tmp_path: Path) -> None:
    revise(ctx, tmp_path, "12.6", "2025-03-01", "rev1.csv")
    revise(ctx, tmp_path, "12.9", "2025-06-01", "rev2.csv")
    q = SeriesQuery("va_elec", period="2024年1-9月")
    (latest,) = observations(ctx, SYSTEM, q)
    assert latest.value == 12.9 and latest.vintage == date(2025, 6, 1)
    from dataclasses import replace

    (first,) = observations(ctx, SYSTEM, replace(q, as_of=date(2024, 12, 31)))
    assert first.value == 12.8  # as published at the time
    (middle,) = observations(ctx, SYSTEM, replace(q, as_of=date(2025, 3, 1)))  # closed interval
    assert middle.value == 12.6
    assert observations(ctx, SYSTEM, replace(q, as_of=date(2024, 10, 1))) == []  # not yet published
    history = observations(ctx, SYSTEM, replace(q, all_vintages=True))
    assert [h.value for h in history] == [12.8, 12.6, 12.9]
    assert [h.vintage for h in history] == sorted(h.vintage for h in history)


def test_range_queries_mix_period_types_by_end_date(ctx: Context) -> None:
    rows = observations(
        ctx, SYSTEM, SeriesQuery("va_elec", measure="yoy_pct", start="2024-01", end="2024-06")
    )
    kinds = {r.period_type for r in rows}
    assert kinds == {"month", "cum_month"}
    assert all(date(2024, 1, 31) <= r.period_obj.end <= date(2024, 6, 30) for r in rows)


def test_bad_query_arguments_are_refused(ctx: Context) -> None:
    with pytest.raises(ValidationFailed, match="unknown measure"):
        observations(ctx, SYSTEM, SeriesQuery("va_elec", measure="speed"))
    with pytest.raises(ValidationFailed, match="unreadable period"):
        observations(ctx, SYSTEM, SeriesQuery("va_elec", period="soon"))


def test_a_large_load_sets_aside_and_restores_index_and_keys(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import inspect

    import wenzeng.store.bulk as bulk

    monkeypatch.setattr(bulk, "REBUILD_INDEX_ABOVE", 10)
    lines = ["indicator,region,period,period_type,measure,value"]
    lines += [
        f"va_elec,CN,{y}-{m:02d},month,yoy_pct,{m}.5"
        for y in range(1950, 2000)
        for m in range(1, 13)
    ]
    lines += [
        f"va_elec,CN,{y}-01~{m:02d},cum_month,yoy_pct,{m}.5"
        for y in range(1900, 2000)
        for m in range(2, 13)
    ]
    path = write(tmp_path, "large.csv", "\n".join(lines) + "\n")

    def schema() -> tuple[set[str | None], int]:
        with ctx.reading() as conn:
            insp = inspect(conn)
            return (
                {ix["name"] for ix in insp.get_indexes("observation")},
                len(insp.get_foreign_keys("observation")),
            )

    before = schema()
    assert "ix_observation_key" in before[0] and before[1] == 4
    assert import_file(ctx, path, ColumnMapping()).rows == 600 + 1100  # > the 1287 stored
    assert schema() == before
    (rec,) = observations(ctx, SYSTEM, SeriesQuery("va_elec", period="1999-01~12"))
    assert rec.value == 12.5

    # a load that fails after writing rolls back the set-aside too
    real = bulk._copy_postgres if ctx.engine.dialect.name == "postgresql" else bulk._executemany

    def boom(conn, rows, progress):  # type: ignore[no-untyped-def]
        real(conn, rows, progress)
        raise RuntimeError("power cut")

    monkeypatch.setattr(bulk, "_copy_postgres", boom)
    monkeypatch.setattr(bulk, "_executemany", boom)
    lines2 = [ln.replace("va_elec", "va_cce") for ln in lines]
    path2 = write(tmp_path, "large2.csv", "\n".join(lines2) + "\n")
    with ctx.reading() as conn:
        count = observation_store.count_observations(conn)
    with pytest.raises(RuntimeError):
        import_file(ctx, path2, ColumnMapping())
    assert schema() == before
    with ctx.reading() as conn:
        assert observation_store.count_observations(conn) == count
