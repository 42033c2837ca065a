"""User catalogue entries and the plan life cycle on both store backends: versions kept,
removals in one transaction, the migration that brings existing plans in as active."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from wenzeng.domain.units import use_units
from wenzeng.errors import Conflict, ValidationFailed
from wenzeng.services.context import Context
from wenzeng.services.loading import load_plan_file
from wenzeng.services.plan_lifecycle import archive_plan, find_plan_entry, plan_entries
from wenzeng.services.user_catalog import history, load_catalog_file, remove_user_entry
from wenzeng.store.audit import audit_entries
from wenzeng.store.catalog_entries import save_entry
from wenzeng.store.db import MIGRATIONS, make_engine

CATALOG = Path(__file__).parent / "specimens" / "catalog"
SHIPS = CATALOG / "shipbuilding.yaml"
SHIP_PLAN = CATALOG / "shipbuilding-plan.yaml"


@pytest.fixture(autouse=True)
def _builtin_units_after() -> object:
    yield None
    use_units(None)


def test_entries_versions_and_removal_keep_their_history(ctx: Context, tmp_path: Path) -> None:
    first = load_catalog_file(ctx, SHIPS)
    assert len(first.new) == 5 and not first.changed
    assert ctx.catalogue.indicators["ship_completions"].sector == "C373"
    again = load_catalog_file(ctx, SHIPS)
    assert not again.new and not again.changed and len(again.same) == 5
    edited = tmp_path / "ships-2.yaml"
    edited.write_text(
        SHIPS.read_text(encoding="utf-8").replace("factor: 1.0e+4", "factor: 1.0e+3"),
        encoding="utf-8",
    )
    # 万载重吨 at 1,000 DWT is wrong, but a changed unit is a new version all the same
    assert load_catalog_file(ctx, edited).changed == (("unit", "万载重吨"),)
    assert ctx.unit_registry.conversion_factor("万载重吨", "载重吨") == pytest.approx(1000)
    versions = history(ctx, "unit", "万载重吨")
    assert [(v.version, v.source_file, v.superseded_at is None) for v in versions] == [
        (1, "shipbuilding.yaml", False),
        (2, "ships-2.yaml", True),
    ]
    with pytest.raises(Conflict):
        remove_user_entry(ctx, "unit", "万载重吨")
    assert remove_user_entry(ctx, "unit", "万载重吨", force=True)
    assert ctx.unit_registry.find("万载重吨") is None
    assert len(history(ctx, "unit", "万载重吨")) == 2


def test_a_file_with_a_bad_entry_stores_none_of_it(ctx: Context, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SHIPS.read_text(encoding="utf-8").replace("sector: C373", "sector: C999"),
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as caught:
        load_catalog_file(ctx, bad)
    (issue,) = caught.value.issues
    assert issue.loc.key == "indicators.0.sector" and issue.loc.line is not None
    assert "C999" in issue.msg_zh
    assert ctx.user_entries == []


def test_a_plan_is_archived_and_its_forced_removal_leaves_the_rest(ctx: Context) -> None:
    load_catalog_file(ctx, SHIPS)
    assert load_plan_file(ctx, SHIP_PLAN) == ("ship-2024-2030", True)
    assert archive_plan(ctx, "ship-2024-2030")
    assert not archive_plan(ctx, "ship-2024-2030")
    assert find_plan_entry(ctx, "ship-2024-2030").status() == "archived"
    remove_user_entry(ctx, "indicator", "ship_completions", force=True)
    entry = find_plan_entry(ctx, "ship-2024-2030")
    assert entry.plan is None and "ship_completions" in entry.problem_zh
    assert [e.code for e in plan_entries(ctx) if e.usable] == ["eim-2023-2024", "eim-2025-2026"]
    with ctx.reading() as conn:
        trail = audit_entries(conn, object_type="plan", object_id="ship-2024-2030")
        removal = audit_entries(conn, object_type="catalog_indicator")
    assert [a["action"] for a in trail] == ["archive"]
    assert removal[0]["details"]["used_by"] == ["计划 ship-2024-2030 / plan ship-2024-2030"]


def test_the_migration_brings_existing_plans_in_as_active(db_url: str) -> None:
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO plan (code, title_zh, title_en, document, builtin, loaded_at) "
                "VALUES ('p', 't', 't', 'doc', :b, :t)"
            ),
            {"b": False, "t": datetime(2025, 1, 1, tzinfo=UTC)},
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, archived_at FROM plan")).one()
        assert row.status == "active" and row.archived_at is None
        assert conn.execute(text("SELECT count(*) FROM catalog_entry")).scalar_one() == 0
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    engine.dispose()


def test_a_stored_entry_a_newer_package_has_built_in_gives_way(ctx: Context) -> None:
    """An entry loaded before the package gained a built-in one of the same code (an
    upgrade) is kept in the store but not used: the built-in one wins."""
    builtin = ctx.base_catalogue.indicators["revenue_elec"]
    document = builtin.model_dump(mode="json", exclude_defaults=True)
    document["name"] = {"zh": "旧的用户指标", "en": "an old user indicator"}
    with ctx.transaction() as conn:
        save_entry(
            conn,
            kind="indicator",
            code="revenue_elec",
            document=document,
            source_file="old.yaml",
            loaded_by="ana",
        )
    ctx.invalidate()
    assert [e.code for e in ctx.user_entries] == ["revenue_elec"]
    assert ctx.catalogue.indicators["revenue_elec"].name.zh == builtin.name.zh
