"""Search under a national list of key enterprises: how long one search takes in process.

    python bench/search_bench.py [--enterprises 5000] [--repeat 20]

A fresh SQLite store with the built-in catalogue, plan and forms, and ``--enterprises``
synthetic key enterprises (names like 成都某某电子科技有限公司, spread over the regions).  Each
query is searched ``--repeat`` times as an administrator (who may find every enterprise) and
as an enterprise (who may find only itself); the median is printed.  The baseline, in the same
run, is the plainest search over the same names: a case-folded substring test on each name,
no normalisation, no aliases, no ranking, no access check.  The ratio says what the
normalised, ranked and access-checked search costs on top of it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

QUERIES = ["手机", "四川", "规模以上电子信息制造业营业收入", "电子 科技", "revenue", "E00042"]
CITIES = ["成都", "深圳", "苏州", "重庆", "西安", "合肥", "武汉", "东莞", "杭州", "南京"]
WORDS = ["电子", "光电", "微电", "通信", "智能", "半导体", "精密", "显示", "新材料", "芯"]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--enterprises", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    from wenzeng.auth.principal import SYSTEM
    from wenzeng.config import load_settings
    from wenzeng.domain.catalog import EntityKind
    from wenzeng.services import accounts
    from wenzeng.services.context import Context
    from wenzeng.services.search import search
    from wenzeng.services.setup import initialise
    from wenzeng.store.entities import insert_entities

    home = Path(tempfile.mkdtemp(prefix="search-bench-"))
    ctx = Context.open(load_settings(database_url=f"sqlite:///{home / 'w.db'}", data_dir=home))
    initialise(ctx)
    regions = sorted(e.code for e in ctx.catalogue.entities_of(EntityKind.PROVINCE))
    rows = []
    for i in range(args.enterprises):
        name = f"{CITIES[i % len(CITIES)]}{WORDS[i // 10 % len(WORDS)]}科技有限公司{i:05d}"
        rows.append(
            {
                "code": f"E{i:05d}",
                "kind": "enterprise",
                "name_zh": name,
                "name_en": f"Enterprise {i:05d} Electronics Co., Ltd.",
                "region": regions[i % len(regions)],
                "sector": "C39",
                "chain_position": "downstream",
                "attributes": {},
                "simulated": False,
            }
        )
    with ctx.transaction() as conn:
        insert_entities(conn, rows)
    ctx.invalidate()
    for name, role, entity in (("root", "admin", None), ("firm", "enterprise", "E00042")):
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity, password="x" * 12)
    admin = accounts.principal_for_token(ctx, accounts.create_token(ctx, SYSTEM, "root", "bench"))
    firm_token = accounts.create_token(ctx, SYSTEM, "firm", "bench")
    firm = accounts.principal_for_token(ctx, firm_token)
    assert admin is not None and firm is not None
    search(ctx, admin, "预热")  # the catalogue and forms read once, as a running server has them

    cat = ctx.catalogue
    names = [
        *(n for i in cat.indicators.values() for n in (i.name.zh, i.name.en)),
        *(n for e in cat.entities.values() for n in (e.name.zh, e.name.en)),
    ]

    def plain(q: str) -> list[str]:
        folded = q.casefold()
        return [n for n in names if folded in n.casefold()]

    print(
        f"{len(cat.entities)} entities ({args.enterprises} enterprises), "
        f"{len(cat.indicators)} indicators; median of {args.repeat} runs, ms"
    )
    print(f"{'query':<34}{'hits':>6}{'admin':>9}{'enterprise':>12}{'baseline':>10}{'ratio':>8}")
    for q in QUERIES:
        hits = len(search(ctx, admin, q, limit=10_000))
        a = median_ms(lambda q=q: search(ctx, admin, q), args.repeat)  # type: ignore[misc]
        f = median_ms(lambda q=q: search(ctx, firm, q), args.repeat)  # type: ignore[misc]
        b = median_ms(lambda q=q: plain(q), args.repeat)  # type: ignore[misc]
        print(f"{q:<34}{hits:>6}{a:>9.1f}{f:>12.1f}{b:>10.2f}{a / b:>8.0f}×")
    ctx.close()


if __name__ == "__main__":
    main()
