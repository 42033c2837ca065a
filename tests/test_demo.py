"""The simulated demo data set: flagged, kept apart from published figures, idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from wenzeng.config import load_settings
from wenzeng.domain.catalog import EntityKind
from wenzeng.services.context import Context
from wenzeng.services.demo import load_demo
from wenzeng.services.loading import LoadResult
from wenzeng.services.setup import initialise
from wenzeng.simulation.demo import SOURCE_TITLE, build_demo
from wenzeng.store import batches as batch_store
from wenzeng.store import observations as observation_store
from wenzeng.store.entities import stored_entities, supply_links
from wenzeng.store.tables import batch, entity, observation, series, source, supply_link


def _published(ctx: Context) -> list[tuple[Any, ...]]:
    stmt = (
        select(
            series.c.indicator,
            series.c.entity,
            series.c.measure,
            series.c.period_type,
            observation.c.period,
            observation.c.vintage,
            observation.c.value,
            observation.c.qualifier,
            observation.c.simulated,
            observation.c.batch_id,
            observation.c.source_id,
            observation.c.id,
        )
        .join(series, series.c.id == observation.c.series_id)
        .join(batch, batch.c.id == observation.c.batch_id)
        .where(batch.c.kind == "builtin")
        .order_by(observation.c.id)
    )
    with ctx.reading() as conn:
        return [tuple(r) for r in conn.execute(stmt)]


@dataclass
class Loaded:
    ctx: Context
    first: LoadResult
    published_before: list[tuple[Any, ...]]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    ctx = Context.open(load_settings(database_url=f"sqlite:///{db.as_posix()}"))
    initialise(ctx)
    before = _published(ctx)
    first = load_demo(ctx)
    yield Loaded(ctx, first, before)
    ctx.close()


def _count(ctx: Context, stmt: Any) -> int:
    with ctx.reading() as conn:
        return int(conn.execute(stmt).scalar_one())


def test_first_load_writes_a_demo_batch(loaded: Loaded) -> None:
    assert loaded.first.batch_id is not None
    assert 300_000 <= loaded.first.rows <= 1_200_000
    with loaded.ctx.reading() as conn:
        demo = [b for b in batch_store.batches(conn) if b["kind"] == "demo"]
    assert len(demo) == 1
    assert demo[0]["rows"] == loaded.first.rows


def test_loading_again_adds_nothing(loaded: Loaded) -> None:
    ctx = loaded.ctx
    rows = _count(ctx, select(func.count()).select_from(observation))
    entities = _count(ctx, select(func.count()).select_from(entity))
    links = _count(ctx, select(func.count()).select_from(supply_link))
    again = load_demo(ctx)
    assert again.batch_id is None
    assert again.rows == 0
    assert again.skipped == loaded.first.rows
    report = initialise(ctx, demo=True)
    assert report.demo is not None and report.demo.rows == 0
    assert report.builtin.rows == 0
    assert _count(ctx, select(func.count()).select_from(observation)) == rows
    assert _count(ctx, select(func.count()).select_from(entity)) == entities
    assert _count(ctx, select(func.count()).select_from(supply_link)) == links
    assert _count(ctx, select(func.count()).select_from(batch).where(batch.c.kind == "demo")) == 1


def test_every_demo_row_is_flagged_simulated(loaded: Loaded) -> None:
    ctx = loaded.ctx
    demo_rows = (
        select(observation.c.simulated, source.c.kind, source.c.title)
        .join(batch, batch.c.id == observation.c.batch_id)
        .join(source, source.c.id == observation.c.source_id)
        .where(batch.c.kind == "demo")
        .distinct()
    )
    with ctx.reading() as conn:
        kinds = {tuple(r) for r in conn.execute(demo_rows)}
    assert kinds == {(True, "simulated", SOURCE_TITLE)}
    # and nothing simulated lies outside the demo batch
    outside = (
        select(func.count())
        .select_from(observation)
        .join(batch, batch.c.id == observation.c.batch_id)
        .where(observation.c.simulated.is_(True), batch.c.kind != "demo")
    )
    assert _count(ctx, outside) == 0
    assert (
        _count(ctx, select(func.count()).select_from(entity).where(entity.c.simulated.is_(False)))
        == 0
    )
    assert (
        _count(
            ctx,
            select(func.count()).select_from(supply_link).where(supply_link.c.simulated.is_(False)),
        )
        == 0
    )


def test_no_simulated_row_for_the_nation_or_region_groups(loaded: Loaded) -> None:
    ctx = loaded.ctx
    cat = ctx.base_catalogue
    banned = ["CN"] + [e.code for e in cat.entities_of(EntityKind.REGION_GROUP, EntityKind.NATION)]
    stmt = (
        select(func.count())
        .select_from(observation)
        .join(series, series.c.id == observation.c.series_id)
        .where(observation.c.simulated.is_(True), series.c.entity.in_(banned))
    )
    assert _count(ctx, stmt) == 0
    # simulated rows belong only to reporting regions and the demo enterprises
    with ctx.reading() as conn:
        entities = set(
            conn.execute(
                select(series.c.entity)
                .distinct()
                .join(observation, observation.c.series_id == series.c.id)
                .where(observation.c.simulated.is_(True))
            ).scalars()
        )
        enterprises = {e["code"] for e in stored_entities(conn, "enterprise")}
    regions = {
        e.code for e in cat.entities_of(EntityKind.PROVINCE, EntityKind.PLAN_CITY, EntityKind.XPCC)
    }
    assert entities <= regions | enterprises
    assert regions <= entities


def test_published_rows_are_unchanged(loaded: Loaded) -> None:
    assert loaded.published_before
    assert _published(loaded.ctx) == loaded.published_before


def _published_national_revenue(ctx: Context, year: int) -> float:
    with ctx.reading() as conn:
        found = observation_store.query_observations(
            conn,
            units=ctx.units,
            indicator="revenue_elec",
            entities=["CN"],
            measure="level",
            period_type="year",
            periods=[str(year)],
            simulated=False,
        )
    assert len(found) == 1
    return found[0].value


@pytest.mark.parametrize("year", [2023, 2024])
def test_provincial_revenue_adds_up_to_the_published_national_level(
    loaded: Loaded, year: int
) -> None:
    ctx = loaded.ctx
    national = _published_national_revenue(ctx, year)
    provinces = [e.code for e in ctx.base_catalogue.entities_of(EntityKind.PROVINCE)]
    with ctx.reading() as conn:
        found = observation_store.query_observations(
            conn,
            units=ctx.units,
            indicator="revenue_elec",
            entities=provinces,
            measure="level",
            period_type="cum_month",
            periods=[f"{year}-01~12"],
            simulated=True,
        )
    assert {r.entity for r in found} == set(provinces)
    total = sum(r.value for r in found)
    assert abs(total / national - 1) <= 0.10, (total, national)
    shares = {r.entity: r.value / total for r in found}
    assert 0.25 <= shares["440000"] <= 0.40  # Guangdong about a third
    assert 0.10 <= shares["320000"] <= 0.20  # Jiangsu about 15 %


def test_enterprises_and_supplier_links(loaded: Loaded) -> None:
    ctx = loaded.ctx
    cat = ctx.base_catalogue
    provinces = {e.code for e in cat.entities_of(EntityKind.PROVINCE)}
    with ctx.reading() as conn:
        enterprises = stored_entities(conn, "enterprise")
        links = supply_links(conn)
    assert 200 <= len(enterprises) <= 400
    by_code = {e["code"]: e for e in enterprises}
    for e in enterprises:
        assert e["region"] in provinces
        assert e["sector"] in cat.sectors
        assert e["chain_position"] in ("upstream", "midstream", "downstream")
        assert e["simulated"] is True
        assert e["attributes"]["key_enterprise"] is True
        assert e["attributes"]["size"] in ("large", "medium")
        assert "模拟" in e["name_zh"] and "Demo" in e["name_en"]
    assert {e["chain_position"] for e in enterprises} == {"upstream", "midstream", "downstream"}
    assert len(links) >= len(enterprises)
    for link in links:
        assert link["simulated"] is True
        assert link["product"]
        assert by_code[link["supplier"]]["chain_position"] != "downstream"
        assert link["buyer"] != link["supplier"]
    buyers = {link["buyer"] for link in links}
    assert any(by_code[b]["chain_position"] == "downstream" for b in buyers)
    # the enterprises are known to the catalogue of the context
    assert ctx.catalogue.entity(enterprises[0]["code"]).simulated


def test_enterprises_hold_a_plausible_part_of_their_province(loaded: Loaded) -> None:
    ctx = loaded.ctx
    with ctx.reading() as conn:
        enterprises = stored_entities(conn, "enterprise")
        region_of = {e["code"]: e["region"] for e in enterprises}
        found = observation_store.query_observations(
            conn,
            units=ctx.units,
            indicator="revenue_elec",
            entities=sorted(set(region_of) | set(region_of.values())),
            measure="level",
            period_type="cum_month",
            periods=["2024-01~12"],
            simulated=True,
        )
    value = {r.entity: r.value for r in found}
    held: dict[str, float] = {}
    for code, region in region_of.items():
        held[region] = held.get(region, 0.0) + value[code]
    for region, total in held.items():
        assert 0.25 <= total / value[region] <= 0.45, region


def test_monthly_calendar_and_measures(loaded: Loaded) -> None:
    ctx = loaded.ctx
    with ctx.reading() as conn:
        periods = set(
            conn.execute(
                select(series.c.period_type, observation.c.period)
                .distinct()
                .join(series, series.c.id == observation.c.series_id)
                .where(observation.c.simulated.is_(True))
            )
        )
    assert ("month", "2024-09") in periods
    assert ("cum_month", "2024-01~09") in periods
    assert ("cum_month", "2019-01~02") in periods
    assert ("cum_month", "2025-01~12") in periods
    assert not any(p.endswith("-01") or p.endswith("~01") for _, p in periods)
    assert {pt for pt, _ in periods} == {"month", "cum_month"}
    years = {p[:4] for _, p in periods}
    assert years == {str(y) for y in range(2019, 2026)}


def test_generation_is_deterministic(loaded: Loaded) -> None:
    a = build_demo(loaded.ctx.base_catalogue)
    b = build_demo(loaded.ctx.base_catalogue)
    assert a.enterprises == b.enterprises
    assert a.links == b.links
    assert a.frame.equals(b.frame)
    assert a.frame.height == loaded.first.rows


def test_demo_accounts_for_every_role_once(loaded: Loaded) -> None:
    from wenzeng.services import accounts
    from wenzeng.services.setup import DEMO_PASSWORD, demo_accounts

    demo_accounts(loaded.ctx)  # (initialise with demo=True may have made them already)
    names = [u["username"] for u in accounts.list_users(loaded.ctx)]
    assert sorted(names) == sorted(["admin", "analyst", "guangdong", "sichuan", "ceia", "e0001"])
    assert demo_accounts(loaded.ctx) == []  # a store with accounts gets no more
    p = accounts.authenticate(loaded.ctx, "e0001", DEMO_PASSWORD)
    assert (p.role.value, p.entity) == ("enterprise", "E0001")
    assert accounts.authenticate(loaded.ctx, "ceia", DEMO_PASSWORD).sectors == frozenset({"C39"})
