"""Loading the simulated demo data set (``wenzeng init --demo``).

The demo adds fictional key enterprises, their supplier links and monthly
figures for the reporting regions and the enterprises, so that a new user
sees every feature populated.  Every row it writes is flagged ``simulated``,
comes from a source of kind ``simulated`` and belongs to one batch of kind
``demo``; nothing is written for the nation or the region groups, whose
series hold published figures only.  Loading it again does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from wenzeng.errors import Conflict
from wenzeng.ingest.readers import ROW
from wenzeng.services.context import Context
from wenzeng.services.loading import LoadResult, store_frame
from wenzeng.simulation.demo import SEED, SOURCE_TITLE, DemoData, build_demo
from wenzeng.store import repo

BATCH_KIND = "demo"
SOURCE_KIND = "simulated"


def demo_rows(conn: Connection) -> int | None:
    """Rows of the demo batches already stored, or None when the demo was never loaded."""
    found = [b for b in repo.batches(conn) if b["kind"] == BATCH_KIND]
    if not found:
        return None
    return sum(int(b["rows"] or 0) for b in found)


def load_demo(ctx: Context, progress: Callable[[int], None] | None = None) -> LoadResult:
    """Add the simulated demo data, all of it or none; skipped when already loaded."""
    with ctx.transaction() as conn:
        existing = demo_rows(conn)
        if existing is not None:
            return LoadResult(None, 0, [], skipped=existing)
        data = build_demo(ctx.base_catalogue, SEED)
        _check_codes(conn, data)
        batch_id = repo.create_batch(
            conn,
            BATCH_KIND,
            note=f"{SOURCE_TITLE}; seed {SEED}; {len(data.enterprises)} enterprises",
        )
        repo.insert_entities(
            conn,
            [
                {
                    "code": e.code,
                    "kind": "enterprise",
                    "name_zh": e.name_zh,
                    "name_en": e.name_en,
                    "region": e.region,
                    "sector": e.sector,
                    "chain_position": e.chain_position,
                    "attributes": e.attributes,
                    "simulated": True,
                }
                for e in data.enterprises
            ],
        )
        repo.insert_supply_links(
            conn,
            [
                {
                    "buyer": link.buyer,
                    "supplier": link.supplier,
                    "product": link.product,
                    "simulated": True,
                }
                for link in data.links
            ],
        )
        n = store_frame(
            conn,
            data.frame.drop(ROW),
            batch_id=batch_id,
            source_kind=SOURCE_KIND,
            default_title=SOURCE_TITLE,
            simulated=True,
            progress=progress,
        )
    ctx.invalidate()
    return LoadResult(batch_id, n, [])


def _check_codes(conn: Connection, data: DemoData) -> None:
    """Refuse to load over enterprises of the same codes (the whole load is rolled back)."""
    stored = {e["code"] for e in repo.stored_entities(conn)}
    taken = sorted(e.code for e in data.enterprises if e.code in stored)
    if taken:
        raise Conflict(
            f"已有代码相同的企业（{', '.join(taken[:5])}…），无法加载模拟演示数据 / enterprises "
            f"with the demo's codes already exist ({', '.join(taken[:5])}…): the demo data "
            "was not loaded"
        )
