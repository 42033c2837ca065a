"""The published figures gathered for the 2025–2026 plan: loaded by `wenzeng init` with sources."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wenzeng.auth.principal import SYSTEM
from wenzeng.ingest.published import qualifier_from_note
from wenzeng.services.context import Context
from wenzeng.services.loading import builtin_data_path
from wenzeng.services.series import SeriesQuery, observations

# Indicators the catalogue gained for the figures of the 2025–2026 plan.
NEW_INDICATORS = {
    "revenue_rank_cce",
    "export_share_cce",
    "va_cce_contribution",
    "va_cce_contribution_rank",
    "server_market",
    "li_battery_output_value",
    "li_battery_revenue",
    "li_battery_profit",
    "pv_polysilicon_output",
    "tv_size_share_65",
    "tv_size_share_98",
    "tv_size_share_85plus",
    "tv_size_value_share_85plus_offline",
    "profit_elec_prov",
    "revenue_elec_prov_rank",
    "revenue_elec_prov_share",
}


def published_rows(path: Path | None = None) -> list[dict[str, str]]:
    with (path or builtin_data_path()).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_catalogue_knows_every_new_indicator(ctx: Context) -> None:
    codes = {row["indicator"] for row in published_rows()}
    assert codes >= NEW_INDICATORS
    for code in NEW_INDICATORS:
        assert ctx.catalogue.indicator(code).code == code


def test_rows_of_the_new_indicators_are_stored_with_their_sources(ctx: Context) -> None:
    rows = [r for r in published_rows() if r["indicator"] in NEW_INDICATORS]
    assert rows
    for row in rows:
        stored = observations(
            ctx,
            SYSTEM,
            SeriesQuery(
                row["indicator"],
                entity=row["region"],
                measure=row["measure"],
                period_type=row["period_type"],
                period=row["period"],
                all_vintages=True,
            ),
        )
        sources = {(r.source_title, r.source_url or "") for r in stored}
        assert (row["source_title"], row["source_url"]) in sources, row
        assert float(row["value"]) in {float(r.published_value) for r in stored}, row


def test_ranks_are_levels_in_the_unit_wei(ctx: Context) -> None:
    ranks = observations(
        ctx,
        SYSTEM,
        SeriesQuery("revenue_rank_cce", period="2024", measure="level", all_vintages=True),
    )
    assert len(ranks) == 3  # three sources say so
    assert {(r.value, r.unit) for r in ranks} == {(1.0, "位")}
    (jiangxi,) = observations(
        ctx, SYSTEM, SeriesQuery("revenue_elec_prov_rank", entity="Jiangxi", period="2023")
    )
    assert jiangxi.value == 4.0


def test_a_lower_bound_note_gives_the_qualifier(ctx: Context) -> None:
    (value,) = observations(
        ctx, SYSTEM, SeriesQuery("li_battery_output_value", period="2023", measure="level")
    )
    assert (value.value, value.unit, value.qualifier) == (14000.0, "亿元", ">")
    (exact,) = observations(
        ctx,
        SYSTEM,
        SeriesQuery(
            "li_battery_output", period="2024-10", period_type="cum_month", measure="level"
        ),
    )
    assert (exact.value, exact.qualifier) == (890.0, "")


@pytest.mark.parametrize(
    ("note", "qualifier"),
    [
        ("LOWER BOUND: 全国锂电池总产量超过940GWh", ">"),
        ("LOW RELIABILITY blog; lower bound: 2023年正式突破2500亿元大关", ">"),
        ("Lower Bound only", ">"),
        ("1—10月全國鋰電池總產量890GWh", ""),
        ("LOW RELIABILITY blog", ""),
        (None, ""),
    ],
)
def test_qualifier_from_note_reads_lower_bound_in_any_case(
    note: str | None, qualifier: str
) -> None:
    assert qualifier_from_note(note) == qualifier


def test_no_figure_is_stored_twice_from_the_2025_rows() -> None:
    """A figure already in the file (same indicator, region, period, measure and value) was not
    added again from a later source."""
    key_values: dict[tuple[str, ...], list[float]] = {}
    for r in published_rows():
        key = (r["indicator"], r["region"], r["period"], r["period_type"], r["measure"])
        key_values.setdefault(key, []).append(float(r["value"]))
    rows_2025 = [
        r for r in published_rows() if r["indicator"] in {"va_cce", "server_output", "va_elec"}
    ]
    repeated = {
        (r["indicator"], r["period"], r["period_type"], r["value"])
        for r in rows_2025
        if key_values[
            (r["indicator"], r["region"], r["period"], r["period_type"], r["measure"])
        ].count(float(r["value"]))
        > 1
    }
    assert ("va_cce", "2025", "year", "10.6") not in repeated
    assert ("server_output", "2025", "year", "12.6") not in repeated


def test_the_2025_size_classes_bound_the_75_inch_and_above_share(ctx: Context) -> None:
    plus = ctx.catalogue.indicator("tv_size_share_75plus")
    assert "tv_size_share_98" in plus.lower_bound_from
    shares = {
        code: observations(ctx, SYSTEM, SeriesQuery(code, period="2025", period_type="year"))
        for code in plus.lower_bound_from
    }
    total = sum(recs[0].value for recs in shares.values() if recs)
    assert total == pytest.approx(38.8)
