"""Import benchmark: 1,000,000 observations from CSV into SQLite and PostgreSQL.

Each measurement runs in a fresh subprocess so that its peak memory (max
RSS) is its own.  The baseline is a plain row-by-row ORM insert (one
``session.add`` per row, one commit) of a 50,000-row sample; the ratio of
rows per second is printed next to it.

    python bench/import_bench.py [--rows 1000000] [--sample 50000] [--postgres URL]

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
    from wenzeng.services.loading import import_file
    from wenzeng.store.db import upgrade

    ctx = Context.open(load_settings(database_url=url))
    upgrade(ctx.engine)
    t0 = time.perf_counter()
    result = import_file(ctx, csv_path, ColumnMapping())
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
    else:
        out = run_naive(args.url, csv_path, args.sample)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(mode: str, url: str, csv_path: Path, sample: int) -> dict[str, float]:
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
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} on {url} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--sample", type=int, default=50_000)
    p.add_argument("--postgres", default=os.environ.get("WENZENG_TEST_POSTGRES_URL"))
    p.add_argument("--child", choices=["bulk", "naive"])
    p.add_argument("--url")
    p.add_argument("--csv")
    args = p.parse_args()
    if args.child:
        args.mode = args.child
        child(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
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
        print(
            f"{'store':<11} {'method':<34} {'rows':>10} {'seconds':>8} {'rows/s':>10} "
            f"{'peak MB':>8}"
        )
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
