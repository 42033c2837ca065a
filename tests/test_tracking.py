"""Target tracking on constructed series whose outcome is certain, and on the real data."""

from __future__ import annotations

from datetime import date

import pytest

from wenzeng.analysis.tracking import FigureKind, Status, assess, meets
from wenzeng.definitions.catalogue import builtin_catalogue
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Comparator, Computation, PlanPeriod, Target
from wenzeng.domain.text import I18n
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan
from wenzeng.services.tracking import assess_plan

CAT = builtin_catalogue()
TODAY = date(2026, 1, 1)


def rec(
    indicator: str,
    period: Period,
    value: float,
    measure: str = "yoy_pct",
    unit: str | None = "%",
    qualifier: str = "",
) -> ObservationRecord:
    return ObservationRecord(
        indicator,
        "CN",
        measure,
        period.type.value,
        period.code,
        date(2025, 1, 1),
        value,
        qualifier,
        unit,
        str(value),
        unit,
        "published",
        f"source of {indicator} {period.code}",
        None,
        None,
        False,
        1,
    )


def target(**kw: object) -> Target:
    base: dict[str, object] = dict(
        code="t",
        title=I18n(zh="目标", en="target"),
        text_zh="目标",
        indicator="va_cce",
        measure="yoy_pct",
        comparator=Comparator.APPROX,
        value=5,
        unit="%",
        tolerance=0.5,
        period=PlanPeriod(start=2023, end=2024),
        computation=Computation.AVERAGE_ANNUAL_GROWTH,
    )
    base.update(kw)
    return Target.model_validate(base)


def fetcher(*records: ObservationRecord):  # type: ignore[no-untyped-def]
    def fetch(indicator: str, measure: str) -> list[ObservationRecord]:
        return [r for r in records if r.indicator == indicator and r.measure == measure]

    return fetch


def test_average_growth_is_compounded_and_judged_with_the_tolerance() -> None:
    t = target()
    a = assess(
        t,
        CAT.indicator("va_cce"),
        CAT.indicators,
        fetcher(rec("va_cce", Period.annual(2023), 3.4), rec("va_cce", Period.annual(2024), 11.8)),
        TODAY,
    )
    assert a.figure == pytest.approx(7.52, abs=0.005)  # not (3.4 + 11.8) / 2 = 7.6
    assert a.status is Status.ACHIEVED and a.figure_kind is FigureKind.ACTUAL
    assert "(1+3.4%) × (1+11.8%)" in a.figure_note_zh
    low = assess(
        t,
        CAT.indicator("va_cce"),
        CAT.indicators,
        fetcher(rec("va_cce", Period.annual(2023), 4.0), rec("va_cce", Period.annual(2024), 4.4)),
        TODAY,
    )
    assert low.status is Status.BASICALLY  # 4.2 % is within twice the tolerance below 5 %
    miss = assess(
        t,
        CAT.indicator("va_cce"),
        CAT.indicators,
        fetcher(rec("va_cce", Period.annual(2023), 1.0), rec("va_cce", Period.annual(2024), 2.0)),
        TODAY,
    )
    assert miss.status is Status.UNLIKELY and "not met" in miss.rule_en


def test_the_other_publisher_fills_a_gap_and_says_so() -> None:
    a = assess(
        target(),
        CAT.indicator("va_cce"),
        CAT.indicators,
        fetcher(rec("va_elec", Period.annual(2023), 3.4), rec("va_cce", Period.annual(2024), 11.8)),
        TODAY,
    )
    assert a.figure_kind is FigureKind.ALTERNATE
    assert f"2023年用{CAT.indicator('va_elec').name.zh}" in a.figure_note_zh
    assert "va_elec" not in a.figure_note_zh


def test_a_year_under_way_is_projected_from_the_pattern_of_earlier_years() -> None:
    # in earlier years the growth to September was always 1 point above the year's
    history = []
    for y in range(2018, 2024):
        history += [
            rec("va_cce", Period.cum_month(y, 9), 8.0),
            rec("va_cce", Period.annual(y), 7.0),
        ]
    history += [
        rec("va_cce", Period.annual(2023), 7.0),
        rec("va_cce", Period.cum_month(2024, 9), 9.0),
    ]
    a = assess(
        target(), CAT.indicator("va_cce"), CAT.indicators, fetcher(*history), date(2024, 11, 1)
    )
    assert a.figure_kind is FigureKind.PROJECTED and a.projection is not None
    # 2024 ≈ 9 − 1 = 8 %; average of 7 and 8, compounded
    assert a.projection.mean == pytest.approx(((1.07 * 1.08) ** 0.5 - 1) * 100, abs=0.01)
    assert a.projection.lower < a.projection.mean < a.projection.upper
    assert a.projection.probability > 0.9 and a.status is Status.BASICALLY
    assert a.required_value is not None and a.required_value < 4.5  # 2024 needs < 4.5 %


def test_projection_that_falls_short_is_at_risk_or_unlikely() -> None:
    history = [
        rec("va_cce", Period.annual(2023), 1.0),
        rec("va_cce", Period.cum_month(2024, 6), 3.0),
    ]
    a = assess(
        target(), CAT.indicator("va_cce"), CAT.indicators, fetcher(*history), date(2024, 8, 1)
    )
    assert a.status in (Status.AT_RISK, Status.UNLIKELY)
    assert a.projection is not None and a.projection.probability < 0.8
    assert a.projection.analogues == 0  # no earlier year to learn from: a wide interval


def test_a_share_derived_from_its_parts() -> None:
    t = target(
        indicator="phone_ship_5g_share",
        measure="share_pct",
        comparator=Comparator.GT,
        value=85,
        tolerance=None,
        period=PlanPeriod(start=2024, end=2024),
        computation=Computation.VALUE_AT_END,
    )
    a = assess(
        t,
        CAT.indicator("phone_ship_5g_share"),
        CAT.indicators,
        fetcher(
            rec("phone_ship_5g", Period.annual(2024), 27200, "level", "万部"),
            rec("phone_ship_total", Period.annual(2024), 31400, "level", "万部"),
        ),
        TODAY,
    )
    assert a.figure_kind is FigureKind.DERIVED and a.figure == pytest.approx(86.62, abs=0.01)
    assert a.status is Status.ACHIEVED and len(a.evidence) == 2


def test_a_lower_bound_from_disjoint_parts() -> None:
    t = target(
        indicator="tv_size_share_75plus",
        measure="share_pct",
        comparator=Comparator.GT,
        value=25,
        tolerance=None,
        period=PlanPeriod(start=2024, end=2024),
        computation=Computation.VALUE_AT_END,
    )
    ind = CAT.indicator("tv_size_share_75plus")
    enough = assess(
        t,
        ind,
        CAT.indicators,
        fetcher(
            rec("tv_size_share_75", Period.annual(2024), 23.2, "share_pct"),
            rec("tv_size_share_85", Period.annual(2024), 10.9, "share_pct"),
        ),
        TODAY,
    )
    assert enough.status is Status.ACHIEVED and enough.figure_kind is FigureKind.LOWER_BOUND
    assert (
        "at least 34.1%" in enough.figure_note_en
        and CAT.indicator("tv_size_share_100").name.en in enough.figure_note_en
    )
    short = assess(
        t,
        ind,
        CAT.indicators,
        fetcher(rec("tv_size_share_75", Period.annual(2024), 20.0, "share_pct")),
        TODAY,
    )
    assert short.status is Status.NO_DATA and "not enough to judge" in short.rule_en


def test_nothing_published_says_no_data() -> None:
    t = target(
        indicator="revenue_elec_broad",
        measure="level",
        comparator=Comparator.GT,
        value=24,
        unit="万亿元",
        tolerance=None,
        period=PlanPeriod(start=2024, end=2024),
        computation=Computation.VALUE_AT_END,
    )
    a = assess(
        t,
        CAT.indicator("revenue_elec_broad"),
        CAT.indicators,
        fetcher(rec("revenue_elec_broad", Period.annual(2022), 203000, "level", "亿元")),
        TODAY,
    )
    assert a.status is Status.NO_DATA and a.figure is None
    assert "2022年 20.3万亿元" in a.rule_zh  # what is known, in the target's unit


def test_a_more_than_figure_that_reaches_the_target_counts() -> None:
    t = target(
        indicator="pv_cell_output_miit",
        measure="level",
        comparator=Comparator.GT,
        value=450,
        unit="GW",
        tolerance=None,
        period=PlanPeriod(start=2024, end=2024),
        computation=Computation.VALUE_AT_END,
    )
    a = assess(
        t,
        CAT.indicator("pv_cell_output_miit"),
        CAT.indicators,
        fetcher(rec("pv_cell_output_miit", Period.annual(2024), 500, "level", "GW", ">")),
        TODAY,
    )
    assert a.status is Status.ACHIEVED and "more than 500" in a.figure_note_en


def test_comparators() -> None:
    assert meets(target(), 4.5) and not meets(target(), 4.49)
    assert not meets(target(comparator=Comparator.GT, tolerance=None), 5)


def test_the_real_targets_come_out_as_the_published_figures_imply(ctx: Context) -> None:
    results = {
        a.target.code: a
        for a in assess_plan(ctx, get_plan(ctx, "eim-2023-2024"), date(2026, 11, 26))
    }
    va = results["va_growth"]
    assert va.status is Status.ACHIEVED and va.figure == pytest.approx(7.52, abs=0.01)
    assert [e.value for e in va.evidence] == [3.4, 11.8]
    rev = results["revenue"]
    assert rev.status is Status.NO_DATA and rev.figure is None
    five_g = results["phone_5g_share"]
    assert five_g.figure_kind is FigureKind.DERIVED and five_g.status is Status.ACHIEVED
    tv = results["tv_75plus_share"]
    assert tv.figure_kind is FigureKind.LOWER_BOUND and tv.figure == pytest.approx(35.3)
    solar = results["solar_cell_output"]
    assert solar.status is Status.ACHIEVED and solar.figure == 654
    assert all(e.source_title for a in results.values() for e in a.evidence)


def test_as_of_a_past_date_sees_only_what_was_known(ctx: Context) -> None:
    results = {
        a.target.code: a for a in assess_plan(ctx, get_plan(ctx, "eim-2023-2024"), date(2024, 8, 1))
    }
    assert results["solar_cell_output"].status is Status.NO_DATA  # 2024 not yet known
    va = results["va_growth"]
    assert va.figure_kind is FigureKind.PROJECTED and va.projection is not None
    assert "2024年1-6月" in va.projection.basis
