"""The demo's calibration is data: loaded, validated, and the generated demo unchanged by it."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from wenzeng.definitions.catalogue import Catalogue, builtin_catalogue
from wenzeng.errors import ValidationFailed
from wenzeng.simulation.calibration import calibration_file, load_calibration, read_calibration
from wenzeng.simulation.demo import DemoData, build_demo

# A small demo: four provinces (two with local shocks), a plan city and the XPCC.
SMALL_DEMO_ENTITIES = {"440000", "410000", "420000", "650000", "440300", "660000"}
# sha256 of the small demo with seed 7, taken when the calibration constants were code, and
# taken again when the frame gained its empty publisher and release columns (without them
# the frame still hashes to ebb0711…c5764763, the value of the constants as code).
SMALL_DEMO_FINGERPRINT = "31b782a7a9e485f1f8b040dd19402b5b01d2df8135a9575a81c3203bcb2447fc"


def _fingerprint(data: DemoData) -> str:
    h = hashlib.sha256()
    for e in data.enterprises:
        h.update(repr(e).encode())
    for link in data.links:
        h.update(repr(link).encode())
    for name, column in data.frame.to_dict().items():
        h.update(name.encode())
        if column.dtype == pl.Float64:
            h.update(column.to_numpy().astype(np.float64).tobytes())
        elif column.dtype == pl.Date:
            h.update(
                "|".join(d.isoformat() if isinstance(d, date) else "" for d in column).encode()
            )
        else:
            h.update("|".join("" if v is None else str(v) for v in column).encode())
    return h.hexdigest()


def _small_catalogue() -> Catalogue:
    full = builtin_catalogue()
    entities = {c: e for c, e in full.entities.items() if c in SMALL_DEMO_ENTITIES}
    return Catalogue(full.indicators, entities, full.sectors)


def test_small_demo_is_unchanged() -> None:
    data = build_demo(_small_catalogue(), 7)
    assert len(data.enterprises) == 300 and data.frame.height > 0
    assert _fingerprint(data) == SMALL_DEMO_FINGERPRINT


def test_shipped_calibration_is_valid_and_complete() -> None:
    cal = load_calibration()
    assert sum(cal.season) == pytest.approx(1.0, abs=0.01)
    assert set(cal.national_revenue) == set(range(2017, 2027))
    assert cal.revenue_shock[(2020, 2)] == 0.62
    assert cal.local_shock["410000"][(2022, 11)] == 0.72
    assert cal.province("440000").share == 0.32
    assert cal.province("no-such-province") == cal.default_province
    assert cal.sub_regions["440300"].province == "440000"
    assert set(cal.sector_mix) <= set(cal.sector_profiles)
    assert len(cal.brand_first) * len(cal.brand_second) >= 300  # a brand per enterprise


def _broken(old: str, new: str) -> str:
    text = calibration_file().read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("  revenue: [0.068, 0.064,", "  revenue: [0.064,", "season.revenue"),
        ("    2020: {1: 0.90, 2: 0.62,", "    2020: {13: 0.90, 2: 0.62,", "shocks.revenue"),
        ('{province: "440000", share: 0.52', '{province: "990000", share: 0.52', "sub_regions"),
        ("    2017: 8300000\n", "", "national"),
        ("share: 0.320, drift", "share: -0.3, drift", "provinces.440000.share"),
        ("  large_revenue: 100.0", "  large_revenue: 100.0\n  colour: red", "enterprises.colour"),
        ("  C3825: [光伏组件]", "  C3825: [光伏组件]\n  C999: [电子琴]", "products"),
    ],
)
def test_a_broken_calibration_is_refused_naming_the_key(old: str, new: str, key: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        read_calibration(Path("calibration.yaml"), _broken(old, new))
    keys = [i.loc.key or "" for i in err.value.issues]
    assert any(k.startswith(key) for k in keys), keys
