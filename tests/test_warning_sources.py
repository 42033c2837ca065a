"""Which figures a warning rule reads: a series completed from its equivalents (known first
wins), and growth judged on the two-year average after an abnormal year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from wenzeng.analysis.equivalents import Candidate, merge
from wenzeng.analysis.warnings import Names, build_panel, run_rules
from wenzeng.domain.warning_rules import SeriesSpec
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services.context import Context
from wenzeng.services.early_warning import load_panels, warning_config
from wenzeng.services.importing import import_file

NAMES = Names(lambda code, lang: code, lambda code, lang: code)
D = date


def test_the_figure_known_first_is_used_and_named() -> None:
    own = Candidate("va", "month", "", "", [("CN", "2020-03", 1.0, False, D(2020, 4, 20))])
    other = Candidate(
        "va_nbs",
        "month",
        "NBS 增加值",
        "NBS value added",
        [
            ("CN", "2020-03", 2.0, False, D(2020, 4, 16)),  # known four days earlier: used
            ("CN", "2020-04", 3.0, False, D(2020, 5, 15)),
        ],
    )
    cum = Candidate(
        "va",
        "cum_month",
        "累计",
        "year-to-date",
        [("CN", "2020-01~02", -13.8, False, D(2020, 3, 16))],
    )
    frame, subs = merge("month", [own, other, cum])
    values = dict(zip(frame["period"].to_list(), frame["value"].to_list(), strict=True))
    assert values == {"2020-02": -13.8, "2020-03": 2.0, "2020-04": 3.0}
    assert {m % 12 + 1: s.indicator for (_, m), s in subs.items()} == {
        2: "va",
        3: "va_nbs",
        4: "va_nbs",
    }
    # on the same day the series itself wins; a cumulative after February fills no month
    tie = Candidate("va_nbs", "month", "", "", [("CN", "2020-03", 2.0, False, D(2020, 4, 20))])
    later = Candidate("va", "cum_month", "", "", [("CN", "2020-01~05", 3.7, False, D(2020, 6, 1))])
    frame, subs = merge("month", [own, tie, later])
    assert frame["value"].to_list() == [1.0] and not subs


def _cum_panel(values: dict[str, float]) -> tuple[SeriesSpec, object]:
    spec = SeriesSpec(indicator="va_elec", measure="yoy_pct", period_type="cum_month")
    frame = pl.DataFrame(
        [("CN", code, v, False) for code, v in values.items()],
        schema=[
            ("entity", pl.Utf8),
            ("period", pl.Utf8),
            ("value", pl.Float64),
            ("simulated", pl.Boolean),
        ],
        orient="row",
    )
    return spec, build_panel(spec, frame, 2021 * 12 + 4, 36)


def test_growth_after_an_abnormal_year_is_judged_on_the_two_year_average() -> None:
    config = warning_config()
    slowing = config.model_copy(
        update={"rules": [r for r in config.rules if r.code == "growth_slowing"]}
    )
    rule = slowing.rules[0]
    assert rule.base_effect is not None and rule.base_effect.below == -5.0
    base_2020 = {"2020-01~02": -13.8, "2020-01~03": -7.0, "2020-01~04": -3.0, "2020-01~05": 3.7}
    recovery = {"2021-01~02": 48.5, "2021-01~03": 30.0, "2021-01~04": 24.2, "2021-01~05": 21.5}
    spec, panel = _cum_panel({**base_2020, **recovery})
    # the one-year rates fall three times in a row, but the two-year averages do not
    findings, _ = run_rules(slowing, {spec: panel}, NAMES)  # type: ignore[dict-item]
    assert findings == []
    without = slowing.model_copy(update={"rules": [rule.model_copy(update={"base_effect": None})]})
    findings, _ = run_rules(without, {spec: panel}, NAMES)  # type: ignore[dict-item]
    assert [f.rule for f in findings] == ["growth_slowing"]
    # a real slowing on the two-year average is reported, and the explanation says how
    falling = {"2021-01~02": 48.5, "2021-01~03": 20.0, "2021-01~04": 12.0, "2021-01~05": 3.0}
    spec, panel = _cum_panel({**base_2020, **falling})
    findings, _ = run_rules(slowing, {spec: panel}, NAMES)  # type: ignore[dict-item]
    assert len(findings) == 1
    f = findings[0]
    assert f.evidence["basis"] == "two_year_average" and f.evidence["abnormal_year"] == 2020
    assert "两年平均增速" in f.explanation_zh and "two-year average" in f.explanation_en
    expected = (np.sqrt(1.03 * 1.037) - 1) * 100
    assert abs(f.evidence["value"] - round(expected, 2)) < 1e-9


def test_a_normal_year_before_changes_nothing() -> None:
    config = warning_config()
    slowing = config.model_copy(
        update={"rules": [r for r in config.rules if r.code == "growth_slowing"]}
    )
    calm_2020 = {"2020-01~02": 8.0, "2020-01~03": 8.5, "2020-01~04": 9.0, "2020-01~05": 9.0}
    falling = {"2021-01~02": 12.0, "2021-01~03": 10.0, "2021-01~04": 8.0, "2021-01~05": 6.0}
    spec, panel = _cum_panel({**calm_2020, **falling})
    findings, _ = run_rules(slowing, {spec: panel}, NAMES)  # type: ignore[dict-item]
    assert len(findings) == 1 and "basis" not in findings[0].evidence
    assert findings[0].evidence["value"] == 6.0


def test_a_series_without_its_abnormal_months_takes_the_year_from_its_reference() -> None:
    config = warning_config()
    turning = config.model_copy(
        update={"rules": [r for r in config.rules if r.code == "leading_turning"]}
    )
    rule = turning.rules[0]
    assert rule.base_effect is not None and "va_elec" in rule.base_effect.reference
    exports = SeriesSpec(indicator="export_elec", measure="yoy_pct", period_type="cum_month")
    frame = pl.DataFrame(
        [
            ("CN", code, v, False)
            for code, v in {
                "2020-01~05": 1.5,  # the collapse months of exports were not published
                "2021-01~03": 31.1,
                "2021-01~04": 25.6,
                "2021-01~05": 21.3,
                "2021-01~06": 17.6,
            }.items()
        ],
        schema=[
            ("entity", pl.Utf8),
            ("period", pl.Utf8),
            ("value", pl.Float64),
            ("simulated", pl.Boolean),
        ],
        orient="row",
    )
    panel = build_panel(exports, frame, 2021 * 12 + 5, 36)
    alone, _ = run_rules(turning, {exports: panel}, NAMES)
    assert [f.rule for f in alone] == ["leading_turning"]  # nothing says 2020 was abnormal
    va_spec, va = _cum_panel({"2020-01~02": -13.8, "2020-01~05": 3.7, "2021-01~05": 21.5})
    found, _ = run_rules(turning, {exports: panel, va_spec: va}, NAMES)  # type: ignore[dict-item]
    assert found == []  # 2020 was abnormal for the industry: 2021 is judged on two-year averages


def test_a_regions_own_swings_do_not_make_a_year_abnormal() -> None:
    config = warning_config()
    slowing = config.model_copy(
        update={"rules": [r for r in config.rules if r.code == "growth_slowing"]}
    )
    regional = SeriesSpec(
        indicator="revenue_elec", measure="yoy_pct", period_type="cum_month", entities="regions"
    )
    values = {
        "2020-01~02": -12.0,
        "2020-01~05": 2.0,
        **{"2021-01~02": 30.0, "2021-01~03": 25.0, "2021-01~04": 20.0, "2021-01~05": 15.0},
    }
    frame = pl.DataFrame(
        [("A", code, v, False) for code, v in values.items()],
        schema=[
            ("entity", pl.Utf8),
            ("period", pl.Utf8),
            ("value", pl.Float64),
            ("simulated", pl.Boolean),
        ],
        orient="row",
    )
    panel = build_panel(regional, frame, 2021 * 12 + 4, 36)
    found, _ = run_rules(slowing, {regional: panel}, NAMES)
    assert [f.entity for f in found] == ["A"] and "basis" not in found[0].evidence
    # the nation's value added fell below −5 % in 2020: the region's 2021 is averaged too
    nat_spec, nat = _cum_panel({"2020-01~02": -13.8, "2021-01~05": 21.5})
    found, _ = run_rules(slowing, {regional: panel, nat_spec: nat}, NAMES)  # type: ignore[dict-item]
    assert found == []  # 2021-03 and 2021-04 have no base: not judged


def _release(tmp_path: Path, ctx: Context, name: str, rows: str, vintage: date) -> None:
    path = tmp_path / name
    header = "indicator,region,period,period_type,measure,value,unit,source_title\n"
    path.write_text(header + rows, encoding="utf-8")
    import_file(ctx, path, ColumnMapping(), vintage=vintage)


def test_the_store_gives_the_figure_known_first(ctx: Context, tmp_path: Path) -> None:
    # September: MIIT's figure came out first; October: NBS's did
    _release(
        tmp_path,
        ctx,
        "miit_sep.csv",
        "va_elec,CN,2026-09,month,yoy_pct,4.0,%,MIIT\n",
        D(2026, 10, 10),
    )
    _release(
        tmp_path,
        ctx,
        "nbs.csv",
        "va_cce,CN,2026-09,month,yoy_pct,3.0,%,NBS\nva_cce,CN,2026-10,month,yoy_pct,2.0,%,NBS\n",
        D(2026, 10, 15),
    )
    _release(
        tmp_path,
        ctx,
        "miit_oct.csv",
        "va_elec,CN,2026-10,month,yoy_pct,5.0,%,MIIT\n",
        D(2026, 11, 20),
    )
    va = SeriesSpec(indicator="va_elec", measure="yoy_pct", period_type="month")

    def latest(as_of: date) -> tuple[str, float, str | None]:
        with ctx.reading() as conn:
            panel = load_panels(ctx, conn, [va], as_of, published_only=True)[va]
        col = len(panel.months) - 1
        sub = panel.substitutes.get((0, col))
        return panel.period_code(col), float(panel.values[0, col]), sub.indicator if sub else None

    assert latest(D(2026, 10, 12)) == ("2026-09", 4.0, None)
    assert latest(D(2026, 10, 31)) == ("2026-10", 2.0, "va_cce")  # NBS's, the only one known
    # MIIT's October figure came later: NBS's, known first, stays
    assert latest(D(2026, 11, 30)) == ("2026-10", 2.0, "va_cce")
