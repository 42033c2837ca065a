"""Series derived from stored observations (analysis/derived.py), and their rows on the pages."""

from __future__ import annotations

from datetime import date

import pytest

from wenzeng.analysis.derived import DERIVATIONS, cumulative, single_months, yoy
from wenzeng.analysis.transforms import COMBINED_SPAN
from wenzeng.domain import labels
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.present.observation_rows import derived_row


def rec(
    period: Period,
    value: float,
    *,
    vintage: date = date(2025, 1, 20),
    simulated: bool = False,
) -> ObservationRecord:
    return ObservationRecord(
        indicator="revenue_elec",
        entity="CN",
        measure="level",
        period_type=period.type.value,
        period=period.code,
        vintage=vintage,
        value=value,
        qualifier="",
        unit="亿元",
        published_value=None,
        published_unit=None,
        source_kind="published",
        source_title="source",
        source_url=None,
        note=None,
        simulated=simulated,
        batch_id=1,
    )


def test_single_months_from_year_to_date_levels() -> None:
    records = [
        rec(Period.cum_month(2024, 2), 200.0),
        rec(Period.cum_month(2024, 3), 320.0, vintage=date(2025, 2, 1)),
        rec(Period.cum_month(2024, 4), 430.0),
    ]
    out = {d.period.code: d for d in single_months(records)}
    assert out["2024-03"].value == 120.0 and out["2024-04"].value == 110.0
    # January–February published together stands for both months, from itself alone
    assert out["2024-02"].span == COMBINED_SPAN and out["2024-02"].value == 200.0
    assert out["2024-02"].inputs == (records[0],)
    # March is worked out from January–March and January–February
    assert out["2024-03"].inputs == (records[1], records[0])
    assert all(d.measure == "level" and d.unit == "亿元" for d in out.values())


def test_year_to_date_from_single_months() -> None:
    records = [rec(Period.month(2024, m), 10.0 * m) for m in (1, 2, 3)]
    out = {d.period.code: d for d in cumulative(records)}
    assert out["2024-01~03"].value == 60.0
    assert out["2024-01~03"].inputs == tuple(records)
    assert out["2024-01~02"].value == 30.0


def test_growth_on_a_year_earlier_from_levels() -> None:
    records = [
        rec(Period.month(2023, 5), 80.0),
        rec(Period.month(2024, 5), 90.0),
        rec(Period.annual(2023), 1000.0),
        rec(Period.annual(2024), 1033.3333),
    ]
    out = {d.period.code: d for d in yoy(records)}
    assert out["2024-05"].value == 12.5 and out["2024-05"].unit == "%"
    assert out["2024-05"].measure == "yoy_pct"
    assert out["2024-05"].inputs == (records[1], records[0])
    assert out["2024"].value == 3.33  # growth is kept to 0.01 point
    # the first year has nothing to compare with
    assert out["2023-05"].value is None and out["2023"].value is None


def test_a_derived_row_names_its_inputs_vintage_and_simulation() -> None:
    records = [
        rec(Period.cum_month(2024, 2), 200.0),
        rec(Period.cum_month(2024, 3), 320.0, vintage=date(2025, 2, 1), simulated=True),
    ]
    rows = {r["period"]: r for r in map(derived_row, single_months(records))}
    march = rows["2024-03"]
    assert march["derived"] and march["value"] == 120.0
    assert march["vintage"] == "2025-02-01"  # the newest input's
    assert march["simulated"] and march["flag"]
    assert march["note"] == "2024年1-3月 320；2024年1-2月 200"
    feb = rows["2024-02"]
    assert (feb["period_label_zh"], feb["period_label_en"]) == ("2024年1-2月", "Jan–Feb 2024")


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_every_derivation_has_a_label_and_handles_nothing(name: str) -> None:
    assert name in labels.TRANSFORM
    assert DERIVATIONS[name]([]) == []
