"""The warning rules on series built to trigger them and built not to; keeping warnings;
and the backtest on the real published series."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from wenzeng.analysis.warnings import Names, Panel, build_panel, run_rules
from wenzeng.auth.principal import Principal, Role
from wenzeng.domain.warning_rules import SeriesSpec, WarningConfig
from wenzeng.errors import Forbidden, ValidationFailed
from wenzeng.services.backtest import run_backtest
from wenzeng.services.context import Context
from wenzeng.services.early_warning import (
    list_warnings,
    run_analysis,
    set_warning_status,
    warning_config,
)

CONFIG = warning_config()
NAMES = Names(lambda code, lang: code, lambda code, lang: code)
ANALYST = Principal("ana", Role.ANALYST, user_id=1)
NOW = 2024 * 12 + 5  # June 2024


def only(*codes: str) -> WarningConfig:
    return CONFIG.model_copy(update={"rules": [r for r in CONFIG.rules if r.code in codes]})


def panel(spec: SeriesSpec, rows: dict[str, list[float]]) -> Panel:
    data = []
    for entity, values in rows.items():
        n = len(values)
        for i, v in enumerate(values):
            y, m = divmod(NOW - n + 1 + i, 12)
            code = f"{y}-{m + 1:02d}" if spec.period_type == "month" else f"{y}-01~{m + 1:02d}"
            data.append((entity, code, v, False))
    frame = pl.DataFrame(
        data,
        schema=[
            ("entity", pl.Utf8),
            ("period", pl.Utf8),
            ("value", pl.Float64),
            ("simulated", pl.Boolean),
        ],
        orient="row",
    )
    return build_panel(spec, frame, NOW, 36)


VA_M = SeriesSpec(indicator="va_elec", measure="yoy_pct", period_type="month")
VA_C = SeriesSpec(indicator="va_elec", measure="yoy_pct", period_type="cum_month")
EXP_M = SeriesSpec(indicator="export_elec", measure="yoy_pct", period_type="month")
REV_REG = SeriesSpec(
    indicator="revenue_elec", measure="yoy_pct", period_type="cum_month", entities="regions"
)
REV_NAT = REV_REG.model_copy(update={"entities": "nation"})
STABLE = [9.0, 9.5, 8.8, 9.2, 9.1, 9.4, 8.9, 9.3, 9.0, 9.6, 8.7, 9.2, 9.1, 9.0]


def fired(config: WarningConfig, panels: dict[SeriesSpec, Panel]) -> list[str]:
    findings, _ = run_rules(config, panels, NAMES)
    return [f"{f.rule}:{f.entity}" for f in findings]


def test_a_break_from_the_recent_pattern() -> None:
    cfg = only("growth_break")
    assert fired(cfg, {VA_M: panel(VA_M, {"CN": [*STABLE, -1.1]})}) == ["growth_break:CN"]
    assert fired(cfg, {VA_M: panel(VA_M, {"CN": [*STABLE, 8.5]})}) == []
    assert fired(cfg, {VA_M: panel(VA_M, {"CN": [*STABLE, 25.0]})}) == []  # upside is no warning


def test_a_short_series_is_not_judged() -> None:
    findings, stats = run_rules(
        only("growth_break"), {VA_M: panel(VA_M, {"CN": [9.0, 9.2, -5.0]})}, NAMES
    )
    assert findings == [] and stats.insufficient == 1 and stats.judged == 0


def test_a_sudden_drop_in_a_leading_series() -> None:
    cfg = only("leading_drop")
    assert fired(cfg, {EXP_M: panel(EXP_M, {"CN": [5.0, 6.0, -9.0]})}) == ["leading_drop:CN"]
    assert fired(cfg, {EXP_M: panel(EXP_M, {"CN": [5.0, 6.0, -1.0]})}) == []


def test_signal_light_turning_cold() -> None:
    cfg = only("signal_cold")
    findings, _ = run_rules(cfg, {VA_C: panel(VA_C, {"CN": [6.0, 4.0]})}, NAMES)
    (f,) = findings
    assert f.severity == "medium" and f.evidence["light"] == "偏冷"  # between 0 and 5
    findings, _ = run_rules(cfg, {VA_C: panel(VA_C, {"CN": [6.0, -2.6]})}, NAMES)
    assert findings[0].severity == "high" and findings[0].evidence["light"] == "过冷"
    assert fired(cfg, {VA_C: panel(VA_C, {"CN": [6.0, 8.0]})}) == []


def test_sustained_slowing() -> None:
    cfg = only("growth_slowing")
    assert fired(cfg, {VA_C: panel(VA_C, {"CN": [12.0, 11.0, 9.5, 8.0]})}) == ["growth_slowing:CN"]
    assert fired(cfg, {VA_C: panel(VA_C, {"CN": [12.0, 11.0, 11.5, 8.0]})}) == []  # two only
    assert fired(cfg, {VA_C: panel(VA_C, {"CN": [9.0, 8.9, 8.8, 8.7]})}) == []  # too small


def test_a_downward_shift_in_level() -> None:
    cfg = only("level_shift_down")
    rng = np.random.default_rng(3)
    shifted = list(9 + rng.normal(0, 0.5, 20)) + list(1 + rng.normal(0, 0.5, 5))
    assert fired(cfg, {VA_M: panel(VA_M, {"CN": shifted})}) == ["level_shift_down:CN"]
    calm = list(9 + rng.normal(0, 0.5, 25))
    assert fired(cfg, {VA_M: panel(VA_M, {"CN": calm})}) == []


def test_a_region_falling_behind_the_nation() -> None:
    cfg = only("region_diverging")
    panels = {
        REV_REG: panel(REV_REG, {"440000": [9.0, 8.0, 9.5], "510000": [-1.0, -2.0, -3.0]}),
        REV_NAT: panel(REV_NAT, {"CN": [9.0, 9.0, 9.0]}),
    }
    assert fired(cfg, panels) == ["region_diverging:510000"]


def test_growth_carried_by_few_regions() -> None:
    spec = SeriesSpec(
        indicator="revenue_elec", measure="level", period_type="cum_month", entities="regions"
    )
    cfg = only("growth_concentrated")
    flat = [100.0] * 12
    few = {f"R{i}": [*flat, 100.0, 100.0 + (30 if i < 2 else 0)] for i in range(10)}
    many = {f"R{i}": [*flat, 100.0, 103.0] for i in range(10)}
    assert fired(cfg, {spec: panel(spec, few)}) == ["growth_concentrated:regions"]
    assert fired(cfg, {spec: panel(spec, many)}) == []


def test_stocks_outgrowing_sales() -> None:
    inv = SeriesSpec(
        indicator="inventory_finished", measure="yoy_pct", period_type="month", entities="regions"
    )
    rev = SeriesSpec(
        indicator="revenue_elec", measure="yoy_pct", period_type="month", entities="regions"
    )
    cfg = only("stock_outgrowing_sales")
    panels = {
        inv: panel(inv, {"A": [30.0, 32.0, 35.0], "B": [30.0, 5.0, 35.0]}),
        rev: panel(rev, {"A": [5.0, 5.0, 5.0], "B": [5.0, 5.0, 5.0]}),
    }
    assert fired(cfg, panels) == ["stock_outgrowing_sales:A"]


@pytest.fixture
def analysed(sqlite_ctx: Context) -> Context:
    run_analysis(sqlite_ctx, date(2023, 3, 31))
    return sqlite_ctx


def test_warnings_are_kept_and_not_raised_again(analysed: Context) -> None:
    first = list_warnings(analysed, ANALYST)
    assert first and all(w["status"] == "new" for w in first)
    again = run_analysis(analysed, date(2023, 3, 31))
    assert again.new == 0 and again.updated == len(first)
    assert len(list_warnings(analysed, ANALYST)) == len(first)


def test_acknowledge_and_close_with_a_note(analysed: Context) -> None:
    w = list_warnings(analysed, ANALYST)[0]
    with pytest.raises(Forbidden):
        set_warning_status(
            analysed,
            Principal("e", Role.ENTERPRISE, user_id=9, entity="E1"),
            w["id"],
            "acknowledged",
        )
    assert (
        set_warning_status(analysed, ANALYST, w["id"], "acknowledged")["status"] == "acknowledged"
    )
    with pytest.raises(ValidationFailed, match="needs a note"):
        set_warning_status(analysed, ANALYST, w["id"], "closed")
    closed = set_warning_status(analysed, ANALYST, w["id"], "closed", "已在座谈会上研究")
    assert closed["status"] == "closed" and closed["note"] == "已在座谈会上研究"
    # a closed problem that is still there is raised as new in a later run
    later = run_analysis(analysed, date(2023, 3, 31))
    assert later.new == 1


def test_backtest_catches_the_real_downturn_and_stays_quiet_in_calm_months(
    sqlite_ctx: Context,
) -> None:
    bt = run_backtest(sqlite_ctx, date(2019, 6, 1), date(2025, 12, 31))
    new = {m.as_of: m.new for m in bt.months}
    dec22 = {(n["rule"], n["indicator"], n["period"]) for n in new[date(2022, 12, 31)]}
    assert ("growth_break", "va_elec", "2022-11") in dec22  # single month −1.1 %
    mar23 = {(n["rule"], n["indicator"], n["period"]) for n in new[date(2023, 3, 31)]}
    assert ("signal_cold", "va_elec", "2023-01~02") in mar23  # cumulative −2.6 %
    quiet = sum(1 for m in bt.months if not m.new)
    assert quiet / len(bt.months) >= 0.75
    assert sum(len(m.new) for m in bt.months) <= 40
