"""The region map's period and a region's warnings, read from the store on both backends:
one period for every region (the newest one most regions with figures hold, or the one asked
for), and the warnings about a region together with those about its key enterprises."""

from __future__ import annotations

from datetime import date

from factories import ACME, BETA, add_enterprises
from figures import store_figures
from wenzeng.auth.principal import ANONYMOUS, SYSTEM
from wenzeng.domain.periods import parse_period
from wenzeng.services import directory as d
from wenzeng.services.context import Context
from wenzeng.store.analysis import add_warning

YTD = ("revenue_elec", "yoy_pct", "cum_month")


def figures(ctx: Context) -> None:
    rows = [
        ("revenue_elec", code, "yoy_pct", "cum_month", "2025-01~12", value)
        for code, value in (("110000", 3.0), ("310000", 4.0), ("510000", 5.0))
    ]
    rows += [
        ("revenue_elec", "510000", "yoy_pct", "cum_month", "2025-01~11", 4.5),
        ("revenue_elec", "440000", "yoy_pct", "cum_month", "2026-01~11", 9.0),  # ahead
    ]
    store_figures(ctx, "simulated", date(2026, 11, 20), rows)


def test_every_region_is_shown_for_one_period(ctx: Context) -> None:
    figures(ctx)
    choice = d.choose(ctx, *YTD, "scale")
    data = d.region_map(ctx, SYSTEM, choice)
    assert data["period"] == "2025-01~12" and data["period_label_zh"] == "2025年1-12月"
    rows = {r["code"]: r for r in data["rows"]}
    assert {c for c, r in rows.items() if r["value"] is not None} == {"110000", "310000", "510000"}
    assert rows["440000"]["value"] is None and rows["440000"]["latest_period"] == "2026-01~11"
    assert rows["120000"]["latest_period"] is None  # no figure at all
    counts = {o["code"]: o["regions"] for o in data["period_options"]}
    assert counts == {"2026-01~11": 1, "2025-01~12": 3, "2025-01~11": 1}
    picked = d.region_map(ctx, SYSTEM, d.choose(ctx, *YTD, "scale", "2026年1-11月"))
    assert picked["period"] == "2026-01~11"
    assert [r["code"] for r in picked["rows"] if r["value"] is not None] == ["440000"]
    # the public may not see simulated figures: nothing to show, and why
    public = d.region_map(ctx, ANONYMOUS, d.choose(ctx, *YTD, "scale"))
    assert public["period"] is None and public["empty_reason"] is not None


def test_the_default_period_is_the_newest_most_regions_hold() -> None:
    held = {c: parse_period(c) for c in ("2025-01~10", "2025-01~11", "2025-01~12")}
    assert d.common_period(held, {"2025-01~10": 5, "2025-01~11": 4, "2025-01~12": 1}, 6) == (
        "2025-01~11"
    )
    # none held by more than half: the one most hold, the newer on a tie
    assert d.common_period(held, {"2025-01~10": 2, "2025-01~11": 2, "2025-01~12": 1}, 5) == (
        "2025-01~11"
    )
    assert d.common_period({}, {}, 0) is None


def test_a_regions_warnings_include_its_enterprises(ctx: Context) -> None:
    add_enterprises(ctx, ACME, BETA)
    with ctx.transaction() as conn:
        for i, entity in enumerate(("E9002", "E9002", "440000", "E9001")):
            add_warning(
                conn,
                {
                    "key": f"drop{i}:{entity}",
                    "rule": "drop",
                    "klass": "emerging",
                    "indicator": "revenue_elec",
                    "entity": entity,
                    "period": "2026-10",
                    "severity": "high",
                    "status": "new",
                    "first_seen": date(2026, 11, 20),
                    "last_seen": date(2026, 11, 20),
                    "times_seen": 1,
                    "evidence": {},
                    "explanation_zh": "营业收入下降",
                    "explanation_en": "Revenue fell",
                    "simulated": False,
                },
            )
    found = d.region_warnings(ctx, SYSTEM, "440000")
    assert sorted(w["entity"] for w in found) == ["440000", "E9002", "E9002"]
    assert [w["entity"] for w in d.region_warnings(ctx, SYSTEM, "510000")] == ["E9001"]
    assert d.region_warnings(ctx, SYSTEM, "110000") == []
