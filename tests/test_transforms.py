"""Known answers and properties of wenzeng.analysis.transforms."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzeng.analysis import transforms
from wenzeng.analysis.transforms import (
    COMBINED_SPAN,
    aggregate,
    annual_from_cumulative,
    average_annual_growth,
    cum_to_month,
    growth_required,
    levels_from_yoy,
    month_to_cum,
    share,
    yoy_from_annual,
    yoy_from_levels,
)
from wenzeng.domain.catalog import Aggregation

FAST = settings(max_examples=40, deadline=None)


def frame(rows: list[tuple[Any, ...]], keys: list[str], *, span: bool = False) -> pl.DataFrame:
    """A series frame from ``(*keys, year, month, value[, span])`` tuples."""
    cols = [*keys, "year", "month", "value"] + (["span"] if span else [])
    schema: dict[str, Any] = {k: pl.String for k in keys}
    schema |= {"year": pl.Int32, "month": pl.Int8, "value": pl.Float64}
    if span:
        schema["span"] = pl.String
    return pl.DataFrame(rows, schema=[(c, schema[c]) for c in cols], orient="row")


def as_dict(df: pl.DataFrame, keys: list[str], col: str = "value") -> dict[tuple[Any, ...], Any]:
    period = [c for c in ("year", "month") if c in df.columns]
    return {tuple(r[c] for c in [*keys, *period]): r[col] for r in df.iter_rows(named=True)}


# -- cum_to_month ---------------------------------------------------------------------


def test_cum_to_month_combined_jan_feb_and_gap() -> None:
    cum = frame(
        [
            ("a", 2024, 2, 10.0),  # 1-2月 published combined, no January
            ("a", 2024, 3, 25.0),
            ("a", 2024, 5, 50.0),  # April missing: May alone is unknown
            ("a", 2024, 6, 70.0),
        ],
        ["ind"],
    )
    out = cum_to_month(cum, ["ind"])
    assert out.columns == ["ind", "year", "month", "value", "span"]
    assert out.dtypes[1:4] == [pl.Int32, pl.Int8, pl.Float64]
    assert out.rows() == [
        ("a", 2024, 2, 10.0, COMBINED_SPAN),
        ("a", 2024, 3, 15.0, "03"),
        ("a", 2024, 5, None, "05"),
        ("a", 2024, 6, 20.0, "06"),
    ]


def test_cum_to_month_with_january_several_keys_and_years() -> None:
    keys = ["ind", "entity"]
    cum = frame(
        [
            ("rev", "GD", 2024, 1, 3.0),
            ("rev", "GD", 2024, 2, 7.0),
            ("rev", "GD", 2024, 3, 12.0),
            ("rev", "JS", 2024, 2, 9.0),
            ("rev", "JS", 2024, 3, 13.5),
            ("rev", "GD", 2023, 12, 100.0),  # December of the year before does not leak
            ("rev", "GD", 2023, 11, 90.0),
            ("out", "GD", 2024, 3, 1.0),  # month 3 with no month 2: unknown
        ],
        keys,
    )
    out = cum_to_month(cum, keys)
    assert as_dict(out, keys) == {
        ("out", "GD", 2024, 3): None,
        ("rev", "GD", 2023, 11): None,
        ("rev", "GD", 2023, 12): 10.0,
        ("rev", "GD", 2024, 1): 3.0,
        ("rev", "GD", 2024, 2): 4.0,
        ("rev", "GD", 2024, 3): 5.0,
        ("rev", "JS", 2024, 2): 9.0,
        ("rev", "JS", 2024, 3): 4.5,
    }
    spans = as_dict(out, keys, "span")
    assert spans[("rev", "GD", 2024, 2)] == "02"
    assert spans[("rev", "JS", 2024, 2)] == COMBINED_SPAN
    assert spans[("rev", "GD", 2024, 1)] == "01"
    # sorted by keys, year, month
    assert out.select("ind", "entity", "year", "month").rows() == sorted(
        out.select("ind", "entity", "year", "month").rows()
    )


def test_cum_to_month_null_values() -> None:
    cum = frame(
        [
            ("a", 2024, 1, None),  # a null January is treated as absent
            ("a", 2024, 2, 8.0),
            ("a", 2024, 3, None),
            ("a", 2024, 4, 20.0),
            ("a", 2024, 5, 26.0),
        ],
        ["k"],
    )
    out = cum_to_month(cum, ["k"])
    assert out.select("month", "value", "span").rows() == [
        (1, None, "01"),
        (2, 8.0, COMBINED_SPAN),
        (3, None, "03"),
        (4, None, "04"),
        (5, 6.0, "05"),
    ]


# -- month_to_cum ---------------------------------------------------------------------


def test_month_to_cum_combined_span() -> None:
    single = frame(
        [
            ("a", 2024, 2, 10.0, COMBINED_SPAN),
            ("a", 2024, 3, 15.0, "03"),
            ("a", 2024, 4, 20.0, "04"),
        ],
        ["k"],
        span=True,
    )
    out = month_to_cum(single, ["k"])
    assert out.columns == ["k", "year", "month", "value"]
    assert out.rows() == [("a", 2024, 2, 10.0), ("a", 2024, 3, 25.0), ("a", 2024, 4, 45.0)]


def test_month_to_cum_gaps_nulls_and_keys() -> None:
    single = frame(
        [
            ("a", 2024, 1, 1.0),
            ("a", 2024, 2, 2.0),
            ("a", 2024, 4, 4.0),  # March missing
            ("a", 2024, 5, 5.0),
            ("a", 2025, 1, 10.0),  # a new year starts afresh
            ("a", 2025, 2, None),
            ("a", 2025, 3, 30.0),
            ("b", 2024, 2, 7.0),  # February alone, no January, no span: unknown
            ("b", 2024, 3, 1.0),
        ],
        ["k"],
    )
    out = month_to_cum(single, ["k"])
    assert as_dict(out, ["k"]) == {
        ("a", 2024, 1): 1.0,
        ("a", 2024, 2): 3.0,
        ("a", 2024, 4): None,
        ("a", 2024, 5): None,
        ("a", 2025, 1): 10.0,
        ("a", 2025, 2): None,
        ("a", 2025, 3): None,
        ("b", 2024, 2): None,
        ("b", 2024, 3): None,
    }


def test_month_to_cum_null_january_beside_combined() -> None:
    single = frame(
        [("a", 2024, 1, None, "01"), ("a", 2024, 2, 8.0, COMBINED_SPAN), ("a", 2024, 3, 2.0, "03")],
        ["k"],
        span=True,
    )
    assert month_to_cum(single, ["k"])["value"].to_list() == [None, 8.0, 10.0]


def test_month_to_cum_rejects_double_january_and_bad_span() -> None:
    both = frame([("a", 2024, 1, 1.0, "01"), ("a", 2024, 2, 8.0, COMBINED_SPAN)], ["k"], span=True)
    with pytest.raises(ValueError, match="twice"):
        month_to_cum(both, ["k"])
    bad = frame([("a", 2024, 3, 1.0, COMBINED_SPAN)], ["k"], span=True)
    with pytest.raises(ValueError, match="span"):
        month_to_cum(bad, ["k"])


# -- YoY --------------------------------------------------------------------------------


def test_yoy_from_levels_year_boundary_and_bad_bases() -> None:
    keys = ["ind", "entity"]
    levels = frame(
        [
            ("rev", "GD", 2023, 1, 100.0),
            ("rev", "GD", 2023, 12, 200.0),
            ("rev", "GD", 2024, 1, 110.0),
            ("rev", "GD", 2024, 12, 150.0),
            ("rev", "JS", 2023, 1, 0.0),
            ("rev", "JS", 2024, 1, 5.0),
            ("rev", "SH", 2023, 1, -4.0),
            ("rev", "SH", 2024, 1, 2.0),
            ("pro", "GD", 2023, 1, 40.0),
            ("pro", "GD", 2024, 1, 30.0),
            ("pro", "GD", 2024, 2, 30.0),  # no base
        ],
        keys,
    )
    out = yoy_from_levels(levels, keys)
    got = as_dict(out, keys)
    assert got[("rev", "GD", 2024, 1)] == pytest.approx(10.0)
    assert got[("rev", "GD", 2024, 12)] == pytest.approx(-25.0)
    assert got[("pro", "GD", 2024, 1)] == pytest.approx(-25.0)
    assert got[("rev", "GD", 2023, 1)] is None
    assert got[("rev", "GD", 2023, 12)] is None
    assert got[("rev", "JS", 2024, 1)] is None  # base 0
    assert got[("rev", "SH", 2024, 1)] is None  # base negative
    assert got[("pro", "GD", 2024, 2)] is None  # base missing
    assert out.height == levels.height


def test_yoy_matches_span() -> None:
    levels = frame(
        [
            ("a", 2023, 2, 40.0, "02"),  # February alone
            ("a", 2024, 2, 90.0, COMBINED_SPAN),  # Jan-Feb combined: not comparable
            ("a", 2023, 3, 50.0, "03"),
            ("a", 2024, 3, 55.0, "03"),
        ],
        ["k"],
        span=True,
    )
    out = yoy_from_levels(levels, ["k"])
    assert out.columns == ["k", "year", "month", "value", "span"]
    got = as_dict(out, ["k"])
    assert got[("a", 2024, 2)] is None
    assert got[("a", 2024, 3)] == pytest.approx(10.0)


def test_levels_from_yoy() -> None:
    levels = frame([("a", 2023, 1, 200.0), ("a", 2023, 2, 80.0)], ["k"])
    yoy = frame(
        [("a", 2024, 1, 5.0), ("a", 2024, 2, None), ("a", 2024, 3, 3.0), ("b", 2024, 1, 1.0)],
        ["k"],
    )
    out = levels_from_yoy(levels, yoy, ["k"])
    assert out.columns == ["k", "year", "month", "value"]
    assert as_dict(out, ["k"]) == {
        ("a", 2024, 1): pytest.approx(210.0),
        ("a", 2024, 2): None,  # growth missing
        ("a", 2024, 3): None,  # base missing
        ("b", 2024, 1): None,
    }


def test_yoy_from_annual() -> None:
    annual = pl.DataFrame(
        {"k": ["a", "a", "a"], "year": [2022, 2023, 2024], "value": [50.0, 60.0, 45.0]}
    )
    out = yoy_from_annual(annual, ["k"])
    assert out.columns == ["k", "year", "value"]
    assert out["value"].to_list() == [None, pytest.approx(20.0), pytest.approx(-25.0)]


# -- share ----------------------------------------------------------------------------


def test_share() -> None:
    num = frame(
        [("a", 2024, 3, 30.0), ("a", 2024, 4, 5.0), ("a", 2024, 5, 5.0), ("a", 2024, 6, 5.0)],
        ["k"],
    )
    den = frame([("a", 2024, 3, 120.0), ("a", 2024, 4, 0.0), ("a", 2024, 5, -10.0)], ["k"])
    out = share(num, den, ["k"])
    assert out["value"].to_list() == [25.0, None, None, None]


# -- scalar growth arithmetic ---------------------------------------------------------


def test_average_annual_growth_known_answers() -> None:
    assert average_annual_growth([21.0, 0.0]) == pytest.approx(10.0)  # not 10.5
    assert average_annual_growth([10.0, -10.0]) == pytest.approx((math.sqrt(0.99) - 1) * 100)
    assert average_annual_growth([10.0, -10.0]) == pytest.approx(-0.50126, abs=1e-5)
    assert average_annual_growth([5.0, 5.0, 5.0]) == 5.0
    assert average_annual_growth((-50.0,)) == -50.0


@pytest.mark.parametrize("bad", [[], [-100.0], [3.0, -120.0], [math.nan], [math.inf]])
def test_average_annual_growth_rejects(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        average_annual_growth(bad)


def test_growth_required() -> None:
    # docs/methods.md#required-growth example: from 22.0 to 24.0 in 2 years -> 4.45 %
    assert growth_required(22.0, 24.0, 2) == pytest.approx(4.4466, abs=1e-4)
    assert growth_required(100.0, 121.0, 2) == pytest.approx(10.0)
    assert growth_required(100.0, 81.0, 2) == pytest.approx(-10.0)
    assert growth_required(5.0, 5.0, 3) == 0.0
    assert growth_required(5.0, 0.0, 3) == -100.0
    for args in [(0.0, 1.0, 1), (-1.0, 1.0, 1), (1.0, -1.0, 1), (1.0, 2.0, 0), (1.0, 2.0, -1)]:
        with pytest.raises(ValueError):
            growth_required(*args)


# -- aggregate ------------------------------------------------------------------------


def _panel() -> pl.DataFrame:
    return frame(
        [
            ("rev", "east", "JS", 2024, 3, 10.0),
            ("rev", "east", "ZJ", 2024, 3, 20.0),
            ("rev", "east", "SH", 2024, 3, None),
            ("rev", "west", "SC", 2024, 3, 5.0),
            ("rev", "west", "CQ", 2024, 3, None),
            ("rev", "east", "JS", 2024, 4, None),
        ],
        ["ind", "region", "entity"],
    )


def test_aggregate_sum_counts_contributors() -> None:
    out = aggregate(_panel(), ["ind", "region"], Aggregation.SUM)
    assert out.columns == ["ind", "region", "year", "month", "value", "n"]
    assert out.rows() == [
        ("rev", "east", 2024, 3, 30.0, 2),
        ("rev", "east", 2024, 4, None, 0),
        ("rev", "west", 2024, 3, 5.0, 1),
    ]
    total = aggregate(_panel(), ["ind"], "sum")
    assert total.rows() == [("rev", 2024, 3, 35.0, 3), ("rev", 2024, 4, None, 0)]


def test_aggregate_weighted_mean() -> None:
    growth = frame(
        [
            ("east", "JS", 2024, 3, 10.0),
            ("east", "ZJ", 2024, 3, 20.0),
            ("east", "SH", 2024, 3, None),  # no growth
            ("east", "FJ", 2024, 3, 99.0),  # no weight
            ("east", "AH", 2024, 3, 50.0),  # negative weight: does not contribute
        ],
        ["region", "entity"],
    )
    # annual weights: no month column, joined on region, entity, year
    weights = pl.DataFrame(
        {
            "region": ["east"] * 4,
            "entity": ["JS", "ZJ", "SH", "AH"],
            "year": [2024] * 4,
            "weight": [1.0, 3.0, 5.0, -2.0],
        }
    )
    out = aggregate(growth, ["region"], Aggregation.WEIGHTED_MEAN, weights=weights)
    assert out.rows() == [("east", 2024, 3, pytest.approx(17.5), 2)]  # (10 + 60) / 4

    zero = weights.with_columns(pl.lit(0.0).alias("weight"))
    assert aggregate(growth, ["region"], "weighted_mean", weights=zero)["value"].to_list() == [None]


def test_aggregate_ratio_of_sums() -> None:
    keys = ["region", "entity"]
    num = frame(
        [
            ("east", "JS", 2024, 3, 30.0),
            ("east", "ZJ", 2024, 3, 10.0),
            ("east", "SH", 2024, 3, 50.0),  # no denominator: left out
        ],
        keys,
    )
    den = frame([("east", "JS", 2024, 3, 100.0), ("east", "ZJ", 2024, 3, 100.0)], keys)
    out = aggregate(pl.DataFrame(), ["region"], "ratio_of_sums", numerator=num, denominator=den)
    assert out.rows() == [("east", 2024, 3, pytest.approx(20.0), 2)]  # 100 * 40 / 200, not mean


def test_aggregate_keeps_spans_apart() -> None:
    single = frame(
        [("a", "JS", 2024, 2, 9.0, COMBINED_SPAN), ("a", "ZJ", 2024, 2, 4.0, "02")],
        ["ind", "entity"],
        span=True,
    )
    out = aggregate(single, ["ind"], "sum")
    assert out.columns == ["ind", "year", "month", "value", "n", "span"]
    assert out.rows() == [("a", 2024, 2, 9.0, 1, COMBINED_SPAN), ("a", 2024, 2, 4.0, 1, "02")]


def test_aggregate_errors() -> None:
    with pytest.raises(ValueError, match="not aggregable"):
        aggregate(_panel(), ["ind"], Aggregation.NONE)
    with pytest.raises(ValueError, match="weights"):
        aggregate(_panel(), ["ind"], Aggregation.WEIGHTED_MEAN)
    with pytest.raises(ValueError, match="numerator"):
        aggregate(_panel(), ["ind"], Aggregation.RATIO_OF_SUMS)
    with pytest.raises(ValueError, match="not key columns"):
        aggregate(_panel(), ["sector"], Aggregation.SUM)
    with pytest.raises(ValueError):
        aggregate(_panel(), ["ind"], "median")


# -- annual, validation ---------------------------------------------------------------


def test_annual_from_cumulative() -> None:
    cum = frame(
        [
            ("a", 2023, 11, 90.0),
            ("a", 2023, 12, 100.0),
            ("a", 2024, 9, 80.0),  # year not complete: no annual value
            ("b", 2023, 12, None),
        ],
        ["k"],
    )
    out = annual_from_cumulative(cum, ["k"])
    assert out.columns == ["k", "year", "value"]
    assert out.rows() == [("a", 2023, 100.0), ("b", 2023, None)]


def test_validation() -> None:
    dup = frame([("a", 2024, 3, 1.0), ("a", 2024, 3, 2.0)], ["k"])
    with pytest.raises(ValueError, match="more than one row"):
        cum_to_month(dup, ["k"])
    with pytest.raises(ValueError, match="1-12"):
        cum_to_month(frame([("a", 2024, 13, 1.0)], ["k"]), ["k"])
    with pytest.raises(ValueError, match="lacks"):
        yoy_from_levels(frame([("a", 2024, 3, 1.0)], ["k"]), ["entity"])
    with pytest.raises(ValueError, match="reserved"):
        month_to_cum(frame([("a", 2024, 3, 1.0)], ["k"]), ["k", "value"])
    # plain integer columns are cast to the series dtypes
    raw = pl.DataFrame({"k": ["a", "a"], "year": [2024, 2024], "month": [2, 3], "value": [4, 9]})
    out = cum_to_month(raw, ["k"])
    assert out.schema["year"] == pl.Int32 and out.schema["month"] == pl.Int8
    assert out["value"].to_list() == [4.0, 5.0]
    assert cum_to_month(raw.clear(), ["k"]).height == 0


# -- properties -----------------------------------------------------------------------

amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)
ENTITIES = ["e0", "e1", "e2"]
YEARS = [2022, 2023, 2024]


def _close(a: float | None, b: float | None, scale: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, scale))


@st.composite
def complete_single_months(draw: st.DrawFn) -> pl.DataFrame:
    """Single-month levels of complete years, some opening with a combined Jan–Feb."""
    rows = []
    for entity in ENTITIES[: draw(st.integers(1, 3))]:
        for year in YEARS[: draw(st.integers(1, 3))]:
            combined = draw(st.booleans())
            for month in range(2 if combined else 1, 13):
                span = COMBINED_SPAN if combined and month == 2 else f"{month:02d}"
                rows.append(("ind", entity, year, month, draw(amounts), span))
    return frame(rows, ["ind", "entity"], span=True)


@FAST
@given(complete_single_months())
def test_month_cum_month_round_trip(single: pl.DataFrame) -> None:
    keys = ["ind", "entity"]
    back = cum_to_month(month_to_cum(single, keys), keys)
    assert (
        back.select(*keys, "year", "month", "span").rows()
        == single.select(*keys, "year", "month", "span").rows()
    )
    scale = float(single["value"].abs().sum())
    for a, b in zip(back["value"].to_list(), single["value"].to_list(), strict=True):
        assert _close(a, b, scale)


@st.composite
def cumulative_with_gaps(draw: st.DrawFn) -> pl.DataFrame:
    rows = []
    for entity in ENTITIES[: draw(st.integers(1, 3))]:
        for year in YEARS[: draw(st.integers(1, 2))]:
            months = draw(st.sets(st.integers(1, 12), min_size=1))
            rows += [("ind", entity, year, m, draw(amounts)) for m in sorted(months)]
    return frame(rows, ["ind", "entity"])


@FAST
@given(cumulative_with_gaps())
def test_cum_month_cum_round_trip(cum: pl.DataFrame) -> None:
    """C comes back wherever months 2..m were all published, and is null elsewhere."""
    keys = ["ind", "entity"]
    back = month_to_cum(cum_to_month(cum, keys), keys)
    assert back.height == cum.height
    present = set(cum.select(*keys, "year", "month").rows())
    original = as_dict(cum, keys)
    scale = float(cum["value"].abs().sum())
    for key, value in as_dict(back, keys).items():
        *ks, year, month = key
        complete = all((*ks, year, m) in present for m in range(2, month + 1))
        expected = original[key] if complete else None
        assert _close(value, expected, scale), (key, value, expected)


@st.composite
def positive_levels(draw: st.DrawFn) -> pl.DataFrame:
    rows = []
    for entity in ENTITIES[: draw(st.integers(1, 3))]:
        for year in YEARS:
            for month in draw(st.sets(st.integers(1, 12), max_size=5)):
                rows.append((entity, year, month, draw(positive)))
    return frame(rows, ["entity"])


@FAST
@given(positive_levels())
def test_levels_from_yoy_inverts_yoy(levels: pl.DataFrame) -> None:
    yoy = yoy_from_levels(levels, ["entity"])
    back = levels_from_yoy(levels, yoy, ["entity"])
    original = as_dict(levels, ["entity"])
    growth = as_dict(yoy, ["entity"])
    for key, value in as_dict(back, ["entity"]).items():
        if growth[key] is None:
            assert value is None
        else:
            entity, year, month = key
            base = original[(entity, year - 1, month)]
            # about one ulp of the larger level: a growth near -100 % cannot say more
            assert abs(value - original[key]) <= 1e-15 * max(base, original[key])


rates = st.floats(min_value=-99.0, max_value=500.0, allow_nan=False)


@FAST
@given(rates, st.integers(1, 20))
def test_average_of_equal_rates_is_the_rate(rate: float, n: int) -> None:
    assert average_annual_growth([rate] * n) == rate


@FAST
@given(st.lists(rates, min_size=1, max_size=20))
def test_average_growth_between_min_and_max_and_compounds(values: list[float]) -> None:
    mean = average_annual_growth(values)
    assert min(values) <= mean <= max(values)
    total = math.prod(1 + g / 100 for g in values)
    assert (1 + mean / 100) ** len(values) == pytest.approx(total, rel=1e-9)


@FAST
@given(positive, st.floats(min_value=0.01, max_value=100.0), st.integers(1, 10))
def test_growth_required_reaches_target(current: float, factor: float, periods: int) -> None:
    target = current * factor
    g = growth_required(current, target, periods)
    assert current * (1 + g / 100) ** periods == pytest.approx(target, rel=1e-9)


@st.composite
def split_panel(draw: st.DrawFn) -> tuple[pl.DataFrame, list[bool]]:
    rows = []
    for region in ["east", "west"]:
        for entity in [f"{region}{i}" for i in range(draw(st.integers(1, 4)))]:
            for month in draw(st.sets(st.integers(1, 3), min_size=1)):
                rows.append((region, entity, 2024, month, draw(st.none() | amounts)))
    mask = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    return frame(rows, ["region", "entity"]), mask


@FAST
@given(split_panel())
def test_aggregate_sum_is_additive(case: tuple[pl.DataFrame, list[bool]]) -> None:
    """Summing over a split of the entities, then adding the parts, gives the whole."""
    panel, mask = case
    m = pl.Series(mask, dtype=pl.Boolean)
    whole = aggregate(panel, ["region"], "sum")
    parts = [aggregate(p, ["region"], "sum") for p in (panel.filter(m), panel.filter(~m))]
    values = [as_dict(p, ["region"]) for p in parts]
    counts = [as_dict(p, ["region"], "n") for p in parts]
    whole_n = as_dict(whole, ["region"], "n")
    scale = float(panel["value"].abs().sum())
    for key, value in as_dict(whole, ["region"]).items():
        assert whole_n[key] == sum(c.get(key, 0) for c in counts)
        present = [v[key] for v in values if v.get(key) is not None]
        expected = math.fsum(present) if present else None
        assert _close(value, expected, scale)


# -- the fast paths give the straightforward answers ---------------------------------

KEY_VALUES = ["a", "b", None]


@st.composite
def shuffled_levels(draw: st.DrawFn) -> pl.DataFrame:
    """Unsorted single-month levels of two key columns (some keys null), with gaps,
    null values and, sometimes, a span column."""
    rows = []
    for k1 in KEY_VALUES[: draw(st.integers(1, 3))]:
        for k2 in KEY_VALUES[: draw(st.integers(1, 3))]:
            for year in YEARS[: draw(st.integers(1, 3))]:
                for month in sorted(draw(st.sets(st.integers(1, 12), max_size=12))):
                    value = draw(st.none() | st.sampled_from([0.0, -3.0]) | positive)
                    span = draw(st.sampled_from([f"{month:02d}", None] + [COMBINED_SPAN] * 2))
                    rows.append((k1, k2, year, month, value, span if month == 2 else None))
    order = draw(st.permutations(range(len(rows))))
    with_span = draw(st.booleans())
    df = frame([rows[i] for i in order], ["k1", "k2"], span=True)
    return df if with_span else df.drop("span")


def _reference_order(rows: list[tuple[Any, ...]], n_keys: int) -> list[tuple[Any, ...]]:
    """Rows sorted as ``sort(keys, year, month, nulls_last=True)``."""
    return sorted(rows, key=lambda r: tuple((v is None, v or "") for v in r[:n_keys]) + r[n_keys:])


@FAST
@given(shuffled_levels())
def test_yoy_from_levels_equals_reference(levels: pl.DataFrame) -> None:
    keys = ["k1", "k2"]
    spans = "span" in levels.columns
    rows = levels.select(*keys, "year", "month", "value", *(["span"] if spans else [])).rows()
    base = {(r[0], r[1], r[2], r[3]): r for r in rows}
    expected = []
    for r in _reference_order(rows, 2):
        b = base.get((r[0], r[1], r[2] - 1, r[3]))
        ok = b is not None and b[4] is not None and b[4] > 0 and r[4] is not None
        ok = ok and (not spans or b[5] == r[5])  # type: ignore[index]
        growth = (r[4] - b[4]) / b[4] * 100.0 if ok else None  # type: ignore[index]
        expected.append((*r[:4], growth, *r[5:]))
    out = yoy_from_levels(levels, keys)
    assert out.rows() == expected
    assert yoy_from_levels(levels, keys, check=False).equals(out)
    in_order = levels.sort([*keys, "year", "month"], nulls_last=True)  # left as it is
    assert yoy_from_levels(in_order, keys).equals(out)


@FAST
@given(shuffled_levels())
def test_month_to_cum_equals_reference(levels: pl.DataFrame) -> None:
    keys = ["k1", "k2"]
    levels = levels.drop("span", strict=False)
    rows = _reference_order(levels.rows(), 2)
    present = {(r[0], r[1], r[2], r[3]): r[4] for r in rows}
    expected = []
    for k1, k2, year, month, _ in rows:
        values = [present.get((k1, k2, year, m)) for m in range(1, month + 1)]
        if any(v is None for v in values):
            expected.append((k1, k2, year, month, None))
            continue
        total = 0.0
        for v in values:
            total += v  # type: ignore[operator]
        expected.append((k1, k2, year, month, total))
    out = month_to_cum(levels, keys)
    assert out.rows() == expected
    assert month_to_cum(levels, keys, check=False).equals(out)
    # cum → month → cum on frames already in order (the fast path) agrees with itself
    back = month_to_cum(cum_to_month(out.drop_nulls("value"), keys), keys)
    assert (
        back.select(*keys, "year", "month").rows()
        == out.drop_nulls("value").select(*keys, "year", "month").rows()
    )


@FAST
@given(shuffled_levels())
def test_cum_to_month_equals_reference(cum: pl.DataFrame) -> None:
    keys = ["k1", "k2"]
    cum = cum.drop("span", strict=False)
    rows = _reference_order(cum.rows(), 2)
    present = {(r[0], r[1], r[2], r[3]): r[4] for r in rows}
    expected = []
    for k1, k2, year, month, value in rows:
        before = present.get((k1, k2, year, month - 1))
        combined = month == 2 and before is None
        if month == 1 or combined:
            x = value
        else:
            x = None if value is None or before is None else value - before
        expected.append((k1, k2, year, month, x, COMBINED_SPAN if combined else f"{month:02d}"))
    assert cum_to_month(cum, keys).rows() == expected


def test_year_on_year_by_join_when_rows_cannot_be_coded(monkeypatch: pytest.MonkeyPatch) -> None:
    levels = frame(
        [
            ("b", 2024, 3, 11.0, "03"),
            ("a", 2023, 2, 40.0, COMBINED_SPAN),
            ("a", 2024, 2, 50.0, COMBINED_SPAN),
            ("a", 2024, 1, 5.0, "01"),
            ("a", 2023, 12, 7.0, "12"),
            ("b", 2023, 3, 10.0, "03"),
            ("b", 2023, 4, 10.0, "04"),
            ("b", 2024, 4, 10.0, None),
        ],
        ["k"],
        span=True,
    )
    annual = levels.filter(pl.col("month") == 3).drop("month", "span")
    fast = [
        yoy_from_levels(levels, ["k"]),
        cum_to_month(levels, ["k"]),
        yoy_from_annual(annual, ["k"]),
    ]
    monkeypatch.setattr(transforms, "_CODE_LIMIT", 0)
    slow = [
        yoy_from_levels(levels, ["k"]),
        cum_to_month(levels, ["k"]),
        yoy_from_annual(annual, ["k"]),
    ]
    for a, b in zip(fast, slow, strict=True):
        assert a.equals(b)
    assert as_dict(fast[0], ["k"])[("a", 2024, 2)] == pytest.approx(25.0)
    assert as_dict(fast[0], ["k"])[("b", 2024, 4)] is None  # span differs from its base
    assert as_dict(fast[1], ["k"])[("a", 2024, 1)] == 5.0  # December does not leak


def test_duplicates_are_found_whether_sorted_or_not() -> None:
    rows = [("a", 2024, 3, 1.0), ("a", 2024, 4, 1.0), ("a", 2024, 3, 2.0)]
    for df in (frame(rows, ["k"]), frame(sorted(rows), ["k"])):
        for call in (
            lambda d: month_to_cum(d, ["k"]),
            lambda d: yoy_from_levels(d, ["k"]),
            lambda d: aggregate(d, [], "sum"),
            lambda d: share(d, frame([("a", 2024, 3, 1.0)], ["k"]), ["k"]),
            lambda d: share(frame([("a", 2024, 3, 1.0)], ["k"]), d, ["k"]),
            lambda d: annual_from_cumulative(d, ["k"]),
        ):
            with pytest.raises(ValueError, match="more than one row"):
                call(df)
    # keys of a dtype that does not compare as it sorts (floats) are searched by hash
    floats = pl.DataFrame({"k": [1.5, 0.5, 1.5], "year": [2024] * 3, "month": [3, 3, 3]})
    with pytest.raises(ValueError, match="more than one row"):
        yoy_from_levels(floats.with_columns(value=pl.lit(1.0)), ["k"])
    unique = frame([("a", 2024, 3, 1.0), ("b", 2024, 3, 2.0)], ["k"])
    assert aggregate(unique, [], "sum", check=False)["value"].to_list() == [3.0]


def test_outputs_sorted_for_unsorted_and_sorted_inputs() -> None:
    rows = [("b", 2024, 1, 1.0), ("a", 2024, 2, 2.0), (None, 2023, 1, 3.0), ("a", 2024, 1, 4.0)]
    for df in (frame(rows, ["k"]), frame(_reference_order(rows, 1), ["k"])):
        for out in (
            month_to_cum(df, ["k"]),
            yoy_from_levels(df, ["k"]),
            cum_to_month(df, ["k"]),
            levels_from_yoy(df, df, ["k"]),
            share(df, df, ["k"]),
        ):
            assert out.select("k", "year", "month").rows() == [
                ("a", 2024, 1),
                ("a", 2024, 2),
                ("b", 2024, 1),
                (None, 2023, 1),
            ]
