"""The demo's calibration is data: loaded, validated, and the generated demo unchanged by it."""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import polars as pl

from wenzeng.definitions.catalogue import Catalogue, builtin_catalogue
from wenzeng.simulation.demo import DemoData, build_demo

# A small demo: four provinces (two with local shocks), a plan city and the XPCC.
SMALL_DEMO_ENTITIES = {"440000", "410000", "420000", "650000", "440300", "660000"}
# sha256 of the small demo with seed 7, taken when the calibration constants were code.
SMALL_DEMO_FINGERPRINT = "ebb07110680531fad907d3e7add715a92921c7af9c59b72175d235c7c5764763"


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
            h.update("|".join(d.isoformat() if isinstance(d, date) else "" for d in column).encode())
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
