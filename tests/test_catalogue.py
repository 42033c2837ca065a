"""Integrity of the built-in catalogues and their agreement with the plan and the data."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from wenzeng.definitions.catalogue import builtin_catalogue, builtin_plan_files, read_plan
from wenzeng.domain.catalog import Aggregation, EntityKind, Measure, SeriesKind
from wenzeng.domain.periods import PeriodType
from wenzeng.domain.plan import Computation
from wenzeng.domain.units import conversion_factor
from wenzeng.services.loading import builtin_data_path

CAT = builtin_catalogue()


def data_rows() -> list[dict[str, str]]:
    with builtin_data_path().open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_regions_of_the_plan_are_all_there() -> None:
    kinds = Counter(e.kind for e in CAT.entities.values())
    assert kinds[EntityKind.PROVINCE] == 31
    assert kinds[EntityKind.PLAN_CITY] == 5
    assert kinds[EntityKind.XPCC] == 1
    assert CAT.entity("CN").kind is EntityKind.NATION
    for code, name in [
        ("110000", "北京"),
        ("440000", "广东"),
        ("650000", "新疆"),
        ("440300", "深圳"),
        ("660000", "新疆生产建设兵团"),
    ]:
        assert CAT.entity(code).name.zh.startswith(name)
    assert CAT.entity("Shaanxi").code == "610000"
    assert CAT.entity("Shanxi").code == "140000"
    assert CAT.entity("四川").code == "510000"


def test_every_label_names_one_entity() -> None:
    owners: dict[str, set[str]] = {}
    for e in CAT.entities.values():
        for label in (e.code, e.name.zh, *e.aliases):
            owners.setdefault(label.casefold(), set()).add(e.code)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


def test_region_groups_partition_the_provinces() -> None:
    provinces = {e.code for e in CAT.entities_of(EntityKind.PROVINCE)}
    four = [CAT.entity(c).members for c in ("East", "Central", "West", "Northeast")]
    assert sorted(m for g in four for m in g) == sorted(provinces)
    assert set(CAT.entity("Jing-Jin-Ji").members) <= set(CAT.entity("East").members)


def test_tiles_are_unique() -> None:
    tiles = [e.tile for e in CAT.entities.values() if e.tile is not None]
    assert len(tiles) == len(set(tiles))
    assert all(e.tile is not None for e in CAT.entities_of(EntityKind.PROVINCE))


def test_indicator_references_resolve() -> None:
    for ind in CAT.indicators.values():
        for ref in (ind.weight_indicator, ind.numerator, ind.denominator):
            assert ref is None or ref in CAT.indicators, (ind.code, ref)
        if ind.sector:
            assert ind.sector in CAT.sectors
        if ind.aggregation is Aggregation.RATIO_OF_SUMS:
            assert ind.numerator and ind.denominator


def test_associations_name_known_sectors() -> None:
    for a in CAT.entities_of(EntityKind.ASSOCIATION):
        assert a.sectors and set(a.sectors) <= set(CAT.sectors), a.code


def test_every_target_indicator_exists_and_is_published_as_targeted() -> None:
    for path in builtin_plan_files():
        plan = read_plan(path)
        for t in plan.targets:
            if t.is_qualitative:  # no indicator: judged by the progress reported
                continue
            ind = CAT.indicator(t.indicator)
            derived = t.measure is Measure.YOY_PCT and Measure.LEVEL in ind.measures
            assert t.measure in ind.measures or derived  # growth from levels is derived
            if t.computation is Computation.COUNT_ABOVE:  # the threshold is in the level's unit
                assert ind.unit and conversion_factor(t.threshold_unit or ind.unit, ind.unit) > 0
            elif t.measure is Measure.LEVEL:
                assert ind.unit and conversion_factor(t.unit, ind.unit) > 0


def test_the_published_data_fits_the_catalogue() -> None:
    for row in data_rows():
        ind = CAT.indicator(row["indicator"])
        measure = Measure(row["measure"])
        assert measure in ind.measures, row
        kind = SeriesKind.of(measure, PeriodType(row["period_type"]))
        assert kind in ind.series_kinds, (row["indicator"], kind)
        entity = CAT.find_entity(row["region"])
        assert entity is not None, row["region"]
        assert entity.kind.value in ind.entity_kinds, (row["indicator"], entity.kind)
        if measure is Measure.LEVEL:
            assert ind.unit is not None
            conversion_factor(row["unit"], ind.unit)


@pytest.mark.parametrize(
    "code",
    [
        "va_cce",
        "revenue_elec",
        "phone_ship_5g_share",
        "pv_cell_output_miit",
        "export_elec",
        "inventory_finished",
    ],
)
def test_core_indicators_are_described(code: str) -> None:
    ind = CAT.indicator(code)
    assert ind.name.zh and ind.name.en
    assert ind.frequency and ind.nature and ind.aggregation
