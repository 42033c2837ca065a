"""The analysis on a stored panel: ``analyse`` on a store of N simulated key enterprises.

    python bench/store_analysis_bench.py [--enterprises 2000] [--block 2000] [--repeat 1]

The store: the built-in catalogue, plans and published figures (as ``wenzeng init``), and N
key enterprises from the demo simulation (:mod:`wenzeng.simulation.demo`): its enterprises
and their monthly figures, copied under new codes until there are N (each copy's levels
scaled and its growth rates shifted by its own amount, so that no two copies are alike).
SQLite always, in a temporary folder; PostgreSQL too when ``WENZENG_TEST_POSTGRES_URL`` is
set, in a schema of its own that is dropped afterwards.

Timed, each way, the quickest of ``--repeat`` runs: the enterprises' panels read block by
block (``services.panel_blocks.enterprise_blocks``), and the whole ``analyse`` (targets,
the national and regional panels, the enterprises block by block, the rules).  *Now* is
WenZeng's way: each block read one kind of series (indicator, measure, period type) at a
time, one query each.  *Batched*, kept here to compare with, reads each block's series of
one measure and period type in one query, whatever their indicators, and splits the rows by
indicator.  The panels and the findings of the two must be equal; the ratio is batched ÷ now
(above 1: batching is slower).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

AS_OF = date(2025, 10, 31)


def scaled_copies(frame: pl.DataFrame, codes: list[str], n: int) -> tuple[pl.DataFrame, list[str]]:
    """The rows of the enterprises ``codes`` copied under new codes until there are ``n``
    enterprises, and which enterprise each new code copies."""
    parts, origin = [], []
    own = frame.filter(pl.col("entity").is_in(codes))
    for k in range((n + len(codes) - 1) // len(codes)):
        new = {c: f"E{k * len(codes) + i + 1:05d}" for i, c in enumerate(codes)}
        new = {c: v for c, v in new.items() if int(v[1:]) <= n}
        origin += list(new)
        level = pl.col("measure") == "level"
        value = pl.when(level).then(pl.col("value") * (1 + 0.05 * k))
        parts.append(
            own.filter(pl.col("entity").is_in(list(new))).with_columns(
                pl.col("entity").replace_strict(new),
                value.otherwise(pl.col("value") + 0.7 * (k % 5) - 1.4).alias("value"),
            )
        )
    return pl.concat(parts), origin


def build_store(ctx: Any, n: int) -> int:
    """Fill an initialised store with ``n`` simulated enterprises; the rows written."""
    from wenzeng.ingest.readers import ROW
    from wenzeng.services.demo import BATCH_KIND, SOURCE_KIND
    from wenzeng.services.loading import store_frame
    from wenzeng.simulation.demo import SEED, SOURCE_TITLE, build_demo
    from wenzeng.store import batches
    from wenzeng.store.entities import insert_entities

    data = build_demo(ctx.base_catalogue, SEED)
    demo = {e.code: e for e in data.enterprises}
    frame, origin = scaled_copies(data.frame.drop(ROW), sorted(demo), n)
    regions = data.frame.drop(ROW).filter(~pl.col("entity").is_in(list(demo)))
    entities = [
        {
            "code": f"E{i:05d}",
            "kind": "enterprise",
            "name_zh": f"{demo[o].name_zh}{i:05d}",
            "name_en": f"{demo[o].name_en} {i:05d}",
            "region": demo[o].region,
            "sector": demo[o].sector,
            "chain_position": demo[o].chain_position,
            "attributes": demo[o].attributes,
            "simulated": True,
        }
        for i, o in enumerate(origin, start=1)
    ]
    with ctx.transaction() as conn:
        batch_id = batches.create_batch(conn, BATCH_KIND, note=f"bench: {n} enterprises")
        insert_entities(conn, entities)
        written = store_frame(
            conn,
            pl.concat([regions, frame]),
            batch_id=batch_id,
            source_kind=SOURCE_KIND,
            default_title=SOURCE_TITLE,
            simulated=True,
        )
    ctx.invalidate()
    return written


def batched(
    ctx: Any,
    conn: Any,
    specs: Iterable[Any],
    as_of: date | None,
    *,
    length: int,
    published_only: bool = False,
    reader: Any = None,
    size: int = 2000,
) -> Iterator[dict[Any, Any]]:
    """``enterprise_blocks`` reading each block's series of one measure and period type in one
    query, whatever their indicators (which each row then carries)."""
    from wenzeng.analysis.warnings import build_panel
    from wenzeng.auth import policy
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.domain.catalog import EntityKind
    from wenzeng.services.panel_blocks import newest_months
    from wenzeng.store import observations as store
    from wenzeng.store.tables import observation, series

    codes = sorted(e.code for e in ctx.catalogue.entities_of(EntityKind.ENTERPRISE))
    visibility = policy.visibility(reader or SYSTEM, ctx.catalogue)
    simulated = False if published_only else None
    now = newest_months(conn, specs, codes, as_of, simulated=simulated, visibility=visibility)
    kinds: dict[tuple[str, str], list[str]] = {}
    for spec in now:
        kinds.setdefault((spec.measure, spec.period_type), []).append(spec.indicator)
    columns = (
        series.c.indicator,
        series.c.entity,
        observation.c.period,
        observation.c.value,
        observation.c.simulated,
    )
    schema = [
        ("indicator", pl.Utf8),
        ("entity", pl.Utf8),
        ("period", pl.Utf8),
        ("value", pl.Float64),
        ("simulated", pl.Boolean),
    ]
    for lo in range(0, len(codes), size):
        parts: dict[tuple[str, str, str], pl.DataFrame] = {}
        for (measure, period_type), indicators in kinds.items():
            conds, sources = store._panel_conditions(
                indicators=indicators,
                measure=measure,
                period_types=[period_type],
                entities=codes[lo : lo + size],
                as_of=as_of,
                simulated=simulated,
                visibility=visibility,
            )
            rows = store._latest_panel_rows(conn, columns, conds, sources=sources)
            frame = pl.DataFrame(
                [(r[0], r[1], r[2], float(r[3]), bool(r[4])) for r in rows],
                schema=schema,
                orient="row",
            )
            for key, part in frame.partition_by(
                "indicator", include_key=False, as_dict=True
            ).items():
                parts[(measure, period_type, str(key[0]))] = part
        empty = pl.DataFrame(schema=schema[1:])
        yield {
            spec: build_panel(
                spec,
                parts.get((spec.measure, spec.period_type, spec.indicator), empty),
                month,
                length,
            )
            for spec, month in now.items()
        }


def quickest(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def same_panels(a: list[dict[Any, Any]], b: list[dict[Any, Any]]) -> bool:
    return len(a) == len(b) and all(
        x.keys() == y.keys()
        and all(
            x[k].entities == y[k].entities
            and x[k].months == y[k].months
            and np.array_equal(x[k].values, y[k].values, equal_nan=True)
            and np.array_equal(x[k].simulated, y[k].simulated)
            for k in x
        )
        for x, y in zip(a, b, strict=True)
    )


def bench(name: str, url: str, home: Path, args: argparse.Namespace) -> None:
    from wenzeng.config import load_settings
    from wenzeng.services import early_warning, panel_blocks
    from wenzeng.services.context import Context
    from wenzeng.services.setup import initialise

    ctx = Context.open(load_settings(database_url=url, data_dir=home))
    try:
        t = time.perf_counter()
        initialise(ctx)
        rows = build_store(ctx, args.enterprises)
        print(f"{name}: {rows:,} rows stored in {time.perf_counter() - t:.0f} s")
        specs = early_warning.needed_specs(early_warning.warning_config(ctx.user_entries))

        def read(blocks: Callable[..., Iterator[dict[Any, Any]]]) -> list[dict[Any, Any]]:
            with ctx.reading() as conn:
                length = early_warning.PANEL_MONTHS
                return list(blocks(ctx, conn, specs, AS_OF, length=length, size=args.block))

        def analyse() -> Any:
            return early_warning.analyse(ctx, AS_OF)

        analyse()  # the catalogue, plans and caches read once, as a running server has them
        new_read, new_panels = quickest(lambda: read(panel_blocks.enterprise_blocks), args.repeat)
        old_read, old_panels = quickest(lambda: read(batched), args.repeat)
        new_all, new_result = quickest(analyse, args.repeat)
        kept = early_warning.enterprise_blocks
        early_warning.enterprise_blocks = batched  # type: ignore[assignment]
        try:
            old_all, old_result = quickest(analyse, args.repeat)
        finally:
            early_warning.enterprise_blocks = kept
        kinds = len(new_panels[0]) if new_panels else 0
        print(f"  {len(new_panels)} blocks × {kinds} kinds of enterprise series")
        print(f"  {'':<26}{'now s':>8}{'batched s':>11}{'ratio':>8}")
        for what, new, old in (
            ("enterprise panels read", new_read, old_read),
            ("analyse", new_all, old_all),
        ):
            print(f"  {what:<26}{new:>8.2f}{old:>11.2f}{old / new:>7.2f}×")
        panels_equal = same_panels(new_panels, old_panels)
        found_equal = new_result.findings == old_result.findings
        print(f"  panels equal: {panels_equal}; findings equal: {found_equal} ", end="")
        print(f"({len(new_result.findings)} findings)")
        if not (panels_equal and found_equal):
            raise SystemExit(f"{name}: the two ways differ")
    finally:
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--enterprises", type=int, default=2000)
    ap.add_argument("--block", type=int, default=2000, help="enterprises per block")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="store-analysis-bench-"))
    bench("SQLite", f"sqlite:///{home / 'w.db'}", home, args)
    pg = os.environ.get("WENZENG_TEST_POSTGRES_URL")
    if not pg:
        print("PostgreSQL: WENZENG_TEST_POSTGRES_URL is not set, skipped")
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(pg)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg else "?"
    try:
        bench("PostgreSQL", f"{pg}{sep}options=-csearch_path%3D{schema}", home, args)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main()
