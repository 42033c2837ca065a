"""Import benchmark: 1,000,000 observations from CSV into SQLite and PostgreSQL, and a wide
workbook as bureaus publish them.

Each measurement runs in a fresh subprocess so that its peak memory (max
RSS) is its own.  The baseline is a plain row-by-row ORM insert (one
``session.add`` per row, one commit) of a 50,000-row sample; the ratio of
rows per second is printed next to it.

The wide case: a generated .xlsx of key enterprises as rows (a merged title with the
period, a two-row merged header: each indicator over 本月 | 同比增长(%) | 1-9月累计 |
同比增长(%)), about 200,000 value cells, imported through the same service path
(``import_file``) into SQLite, against a plain baseline in the same run: reading the same
file with openpyxl in read-only mode and unpivoting it with polars, which is the least any
import of it must do.

    python bench/import_bench.py [--rows 1000000] [--sample 50000] [--postgres URL]
                                 [--wide-cells 200000] [--only long|wide]

The PostgreSQL URL defaults to WENZENG_TEST_POSTGRES_URL; without it only
SQLite is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

INDICATORS = [
    ("revenue_elec_prov", "level", "亿元"),
    ("revenue_elec_prov", "yoy_pct", "%"),
    ("output_value_elec", "level", "亿元"),
    ("export_elec", "level", "亿元"),
    ("profit_elec", "level", "亿元"),
    ("employment", "level", "人"),
]


def make_csv(path: Path, rows: int) -> None:
    """A long-format file of provincial and enterprise-like figures, rows in random order."""
    from wenzeng.definitions.catalogue import builtin_catalogue
    from wenzeng.domain.catalog import EntityKind

    cat = builtin_catalogue()
    regions = [
        e.code for e in cat.entities_of(EntityKind.PROVINCE, EntityKind.PLAN_CITY, EntityKind.XPCC)
    ]
    rnd = random.Random(7)
    keys = [
        (ind, region, f"{year}-{month:02d}", ptype, measure, unit)
        for ind, measure, unit in INDICATORS
        for region in regions
        for ptype in ("month", "cum_month")
        for year in range(1901, 2200)
        for month in range(1, 13)
    ][:rows]
    if len(keys) < rows:
        raise SystemExit(f"at most {len(keys):,} distinct rows can be generated")
    rnd.shuffle(keys)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("indicator,region,period,period_type,measure,value,unit\n")
        for ind, region, period, ptype, measure, unit in keys:
            value = rnd.uniform(-20, 40) if measure == "yoy_pct" else rnd.uniform(1, 9000)
            fh.write(f"{ind},{region},{period},{ptype},{measure},{value:.2f},{unit}\n")


# The wide workbook: indicators the key enterprises report (headed by their catalogue names),
# each as 本月, its growth, 1-9月累计 and its growth; amounts in 万元 as enterprises keep them.
WIDE_INDICATORS = [
    ("规模以上电子信息制造业营业收入", "万元"),
    ("规模以上电子信息制造业利润总额", "万元"),
    ("规模以上电子信息制造业出口交货值", "万元"),
    ("电子信息制造业工业总产值", "万元"),
    ("新签订单金额", "万元"),
    ("从业人员平均人数", "人"),
]
WIDE_SUBCOLUMNS = ["本月", "同比增长(%)", "1-9月累计", "同比增长(%)"]
WIDE_TITLE = "2024年9月重点电子信息制造企业主要经济指标"


def wide_enterprises(rows: int) -> list[dict[str, object]]:
    """The entity rows of the enterprises the wide workbook lists (kept in the store)."""
    regions = ["440000", "320000", "510000", "330000", "370000", "500000", "610000"]
    return [
        {
            "code": f"B{i:06d}",
            "kind": "enterprise",
            "name_zh": f"测试电子信息制造企业{i:06d}有限公司",
            "name_en": f"Bench electronics manufacturer {i:06d}",
            "region": regions[i % len(regions)],
            "sector": "C39",
            "simulated": True,
        }
        for i in range(1, rows + 1)
    ]


def make_wide_workbook(path: Path, cells: int) -> int:
    """Write the wide workbook with about ``cells`` value cells; return its data rows."""
    from openpyxl import Workbook

    width = len(WIDE_INDICATORS) * len(WIDE_SUBCOLUMNS)
    rows = -(-cells // width)
    rnd = random.Random(11)
    wb = Workbook()
    ws = wb.active
    ws.title = "重点企业"
    ws.append([WIDE_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width + 1)
    top: list[str | None] = ["企业名称"]
    for name, unit in WIDE_INDICATORS:
        top += [f"{name}（{unit}）", None, None, None]
    ws.append(top)
    ws.append([None] + WIDE_SUBCOLUMNS * len(WIDE_INDICATORS))
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    for k in range(len(WIDE_INDICATORS)):
        first = 2 + k * len(WIDE_SUBCOLUMNS)
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 3)
    for e in wide_enterprises(rows):
        line: list[object] = [e["name_zh"]]
        for _name, unit in WIDE_INDICATORS:
            month = rnd.uniform(10, 900) if unit == "人" else rnd.uniform(100, 90_000)
            line += [
                round(month),
                round(rnd.uniform(-30, 40), 1),
                round(month * rnd.uniform(8, 10)),
                round(rnd.uniform(-30, 40), 1),
            ]
        ws.append(line)
    wb.save(path)
    return rows


def run_wide(url: str, xlsx_path: Path, rows: int) -> dict[str, float]:
    """The wide workbook through ``import_file``, as ``wenzeng import`` runs it."""
    from wenzeng.config import load_settings
    from wenzeng.ingest.pipeline import ColumnMapping
    from wenzeng.services.context import Context
    from wenzeng.services.setup import initialise
    from wenzeng.store.entities import insert_entities

    ctx = Context.open(load_settings(database_url=url))
    initialise(ctx)
    with ctx.transaction() as conn:
        insert_entities(conn, wide_enterprises(rows))
    ctx.invalidate()
    t0 = time.perf_counter()
    result = import_file_service()(ctx, xlsx_path, ColumnMapping())
    seconds = time.perf_counter() - t0
    ctx.close()
    return {"rows": result.rows, "seconds": seconds}


def run_wide_baseline(xlsx_path: Path) -> dict[str, float]:
    """The least any import of the workbook does: read it (openpyxl, read-only) and unpivot
    the value cells to one row each (polars), with no checks and no writing."""
    import polars as pl
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    wb = load_workbook(xlsx_path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    grid = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    wb.close()
    names = ["entity"] + [
        f"{name}/{sub}/{k}"
        for name, _unit in WIDE_INDICATORS
        for k, sub in enumerate(WIDE_SUBCOLUMNS)
    ]
    frame = pl.DataFrame(
        {n: [None if r[i] is None else str(r[i]) for r in grid] for i, n in enumerate(names)}
    )
    long = frame.unpivot(index="entity", variable_name="column", value_name="value")
    long = long.filter(pl.col("value").is_not_null())
    seconds = time.perf_counter() - t0
    return {"rows": long.height, "seconds": seconds}


def import_file_service() -> Any:
    """The import use case ``wenzeng import`` calls."""
    from wenzeng.services.importing import import_file

    return import_file


def pg_schema(url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def run_bulk(url: str, csv_path: Path) -> dict[str, float]:
    from wenzeng.config import load_settings
    from wenzeng.ingest.pipeline import ColumnMapping
    from wenzeng.services.context import Context
    from wenzeng.store.db import upgrade

    ctx = Context.open(load_settings(database_url=url))
    upgrade(ctx.engine)
    t0 = time.perf_counter()
    result = import_file_service()(ctx, csv_path, ColumnMapping())
    seconds = time.perf_counter() - t0
    ctx.close()
    return {"rows": result.rows, "seconds": seconds}


def run_naive(url: str, csv_path: Path, sample: int) -> dict[str, float]:
    """One ORM object per row, added one by one: what a first attempt usually looks like."""
    import csv
    from datetime import date

    from sqlalchemy import select
    from sqlalchemy.orm import Session, registry

    from wenzeng.config import load_settings
    from wenzeng.domain.periods import parse_period
    from wenzeng.services.context import Context
    from wenzeng.store.db import upgrade
    from wenzeng.store.tables import observation, series, source

    reg = registry()

    class Obs:
        pass

    class Ser:
        pass

    reg.map_imperatively(Obs, observation)
    reg.map_imperatively(Ser, series)
    ctx = Context.open(load_settings(database_url=url))
    upgrade(ctx.engine)
    cat = ctx.catalogue
    with ctx.engine.begin() as conn:
        src = conn.execute(
            source.insert().values(kind="import", title="naive").returning(source.c.id)
        ).scalar_one()
        from wenzeng.store import batches as batch_store

        batch_id = batch_store.create_batch(conn, "import", file="naive")
    with csv_path.open(encoding="utf-8") as fh:
        rows = [r for _, r in zip(range(sample), csv.DictReader(fh), strict=False)]
    t0 = time.perf_counter()
    with Session(ctx.engine) as session:
        for r in rows:
            entity = cat.entity(r["region"]).code
            key = dict(
                indicator=r["indicator"],
                entity=entity,
                measure=r["measure"],
                period_type=r["period_type"],
            )
            s = session.scalars(select(Ser).filter_by(**key)).first()
            if s is None:
                s = Ser(**key)
                session.add(s)
                session.flush()
            o = Obs(
                series_id=s.id,
                period=parse_period(r["period"], r["period_type"]).code,
                vintage=date.today(),
                value=float(r["value"]),
                qualifier="",
                published_value=r["value"],
                published_unit=r["unit"],
                source_id=src,
                batch_id=batch_id,
                simulated=False,
            )
            session.add(o)
        session.commit()
    seconds = time.perf_counter() - t0
    ctx.close()
    return {"rows": len(rows), "seconds": seconds}


def child(args: argparse.Namespace) -> None:
    csv_path = Path(args.csv)
    if args.mode == "bulk":
        out = run_bulk(args.url, csv_path)
    elif args.mode == "wide":
        out = run_wide(args.url, csv_path, args.sample)
    elif args.mode == "wide_baseline":
        out = run_wide_baseline(csv_path)
    else:
        out = run_naive(args.url, csv_path, args.sample)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(
    mode: str, url: str, csv_path: Path, sample: int, *, fail: bool = True
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--url",
        url,
        "--csv",
        str(csv_path),
        "--sample",
        str(sample),
    ]
    # a file of a million observations has a million and one lines: the row limit (a
    # safeguard for uploads, 1,000,000 by default) is raised so that the bench measures speed
    env = {**os.environ, "WENZENG_LIMIT_ROWS": os.environ.get("WENZENG_LIMIT_ROWS", "10000000")}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        if not fail:
            return {"failed": True, "error": done.stderr.strip().splitlines()[-1][:1500]}
        raise SystemExit(f"{mode} on {url} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--sample", type=int, default=50_000)
    p.add_argument("--postgres", default=os.environ.get("WENZENG_TEST_POSTGRES_URL"))
    p.add_argument("--wide-cells", type=int, default=200_000)
    p.add_argument("--only", choices=["long", "wide"])
    p.add_argument("--child", choices=["bulk", "naive", "wide", "wide_baseline"])
    p.add_argument("--url")
    p.add_argument("--csv")
    args = p.parse_args()
    if args.child:
        args.mode = args.child
        child(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "wide":
            long_csv(args, Path(tmp))
        if args.only != "long":
            wide_workbook(args, Path(tmp))


def wide_workbook(args: argparse.Namespace, tmpdir: Path) -> None:
    xlsx = tmpdir / "wide.xlsx"
    t0 = time.perf_counter()
    rows = make_wide_workbook(xlsx, args.wide_cells)
    width = len(WIDE_INDICATORS) * len(WIDE_SUBCOLUMNS)
    print(
        f"\ngenerated a wide workbook: {rows:,} enterprises x {width} value columns = "
        f"{rows * width:,} cells ({xlsx.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - t0:.1f}s"
    )
    base = measure("wide_baseline", "", xlsx, rows)
    ours = measure("wide", f"sqlite:///{tmpdir / 'wide'}.db", xlsx, rows, fail=False)
    print(f"{'method':<46} {'cells':>9} {'seconds':>8} {'cells/s':>10} {'peak MB':>8}")
    print(
        f"{'openpyxl read-only + polars unpivot (baseline)':<46} {base['rows']:>9,.0f} "
        f"{base['seconds']:>8.2f} {base['rows'] / base['seconds']:>10,.0f} "
        f"{base['peak_rss_mb']:>8.0f}"
    )
    if "failed" in ours:
        print(f"{'wenzeng import (SQLite)':<46} failed: {ours['error']}")
        return
    print(
        f"{'wenzeng import (SQLite)':<46} {ours['rows']:>9,.0f} {ours['seconds']:>8.2f} "
        f"{ours['rows'] / ours['seconds']:>10,.0f} {ours['peak_rss_mb']:>8.0f}"
    )
    if ours["rows"] != base["rows"]:
        print(f"note: the import stored {ours['rows']:,} of {base['rows']:,} cells")
    print(f"wenzeng import / baseline time: {ours['seconds'] / base['seconds']:.2f}x")


def long_csv(args: argparse.Namespace, tmpdir: Path) -> None:
    csv_path = tmpdir / "observations.csv"
    t0 = time.perf_counter()
    make_csv(csv_path, args.rows)
    print(
        f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t0:.1f}s"
    )
    targets = [("SQLite", lambda name: (f"sqlite:///{tmpdir / name}.db", None))]
    if args.postgres:
        targets.append(("PostgreSQL", lambda _name: pg_schema(args.postgres)))
    print(f"{'store':<11} {'method':<34} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'peak MB':>8}")
    for label, make_url in targets:
        results = {}
        for mode, rows in (("bulk", args.rows), ("naive", args.sample)):
            url, schema = make_url(f"{mode}")
            try:
                r = measure(mode, url, csv_path, args.sample)
            finally:
                if schema:
                    drop_schema(args.postgres, schema)
            results[mode] = r
            name = (
                "wenzeng import (validate + bulk)"
                if mode == "bulk"
                else f"naive ORM row-by-row ({rows:,})"
            )
            print(
                f"{label:<11} {name:<34} {r['rows']:>10,.0f} {r['seconds']:>8.2f} "
                f"{r['rows'] / r['seconds']:>10,.0f} {r['peak_rss_mb']:>8.0f}"
            )
        ratio = (results["bulk"]["rows"] / results["bulk"]["seconds"]) / (
            results["naive"]["rows"] / results["naive"]["seconds"]
        )
        print(f"{label:<11} speed-up over the naive insert: {ratio:.1f}x")


if __name__ == "__main__":
    main()
