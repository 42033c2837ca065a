"""Property: every way of reading observations agrees on the figure shown, and shows only what
the reader may see.

For any mix of published and unpublished vintages (random vintage dates, values and sources)
of a region's and a key enterprise's series, and for every kind of reader, the API, the
explorer's JSON twin, the region page's JSON twin and ``services.series.observations`` show
the same value for each period: the newest vintage among the figures the reader may see
(ties: the first stored), computed here from the entity scope.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import ACME, BETA, add_enterprises
from figures import store_figures
from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, SYSTEM, Principal
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.web.app import create_app

INDICATOR, MEASURE, PERIOD_TYPE = "revenue_elec", "yoy_pct", "cum_month"
ENTITIES = ("510000", "E9001")  # Sichuan, and a key enterprise located in it
SOURCES = ("published", "submission", "import", "simulated")
USERS = {
    "admin": ("admin", None),
    "sichuan": ("province", "510000"),
    "guangdong": ("province", "440000"),
    "ccia": ("association", "assoc_ccia"),  # E9001's sector
    "csia": ("association", "assoc_csia"),
    "e9001": ("enterprise", "E9001"),
    "e9002": ("enterprise", "E9002"),
    "citizen": ("public", None),
}


@dataclass
class Reader:
    name: str
    principal: Principal
    headers: dict[str, str]


@dataclass
class Site:
    ctx: Context
    client: TestClient
    readers: list[Reader]
    years: Iterator[int]


@pytest.fixture
def site(sqlite_ctx: Context) -> Iterator[Site]:
    ctx = sqlite_ctx
    add_enterprises(ctx, ACME, BETA)
    readers = [Reader("anonymous", ANONYMOUS, {})]
    for name, (role, entity) in USERS.items():
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity)
        token = accounts.create_token(ctx, SYSTEM, name, "tests")
        p = accounts.principal_for_token(ctx, token)
        assert p is not None
        readers.append(Reader(name, p, {"Authorization": f"Bearer {token}"}))
    with TestClient(create_app(ctx.settings, ctx)) as client:
        # each example writes its figures in a year of its own, later than any before
        yield Site(ctx, client, readers, itertools.count(2101))


figures = st.lists(
    st.tuples(
        st.sampled_from(ENTITIES),
        st.integers(min_value=2, max_value=4),  # the period: January to that month
        st.sampled_from(SOURCES),
        st.integers(min_value=0, max_value=40),  # the vintage: days after the period's end
        st.integers(min_value=-200, max_value=200).map(lambda v: v / 10),
    ),
    min_size=1,
    max_size=8,
)


def _expected(
    site: Site, p: Principal, stored: list[tuple[str, str, str, date, float]]
) -> dict[tuple[str, str], float]:
    """(entity, period) → the value ``p`` must be shown: the newest vintage ``p`` may see,
    the first stored among equal vintages."""
    cat = site.ctx.catalogue
    out: dict[tuple[str, str], tuple[date, int, float]] = {}
    for i, (entity, period, source, vintage, value) in enumerate(stored):
        if source != "published" and not policy.entity_in_scope(p, entity, cat):
            continue
        best = out.get((entity, period))
        if best is None or (vintage, -i) > (best[0], -best[1]):
            out[(entity, period)] = (vintage, i, value)
    return {k: v[2] for k, v in out.items()}


def _shown(site: Site, r: Reader, year: int) -> dict[str, dict[tuple[str, str], float]]:
    """(entity, period) → value, of this year's periods, on each way of reading."""
    mine = str(year)
    out: dict[str, dict[tuple[str, str], float]] = {
        "api": {},
        "explorer": {},
        "service": {},
        "region": {},
    }
    for entity in ENTITIES:
        query = {"indicator": INDICATOR, "entity": entity, "measure": MEASURE}
        api = site.client.get(
            "/api/v1/observations",
            headers=r.headers,
            params={**query, "period_type": PERIOD_TYPE},
        ).json()
        explorer = site.client.get(
            "/explorer.json", headers=r.headers, params={**query, "period_type": PERIOD_TYPE}
        ).json()
        service = observations(
            site.ctx,
            r.principal,
            SeriesQuery(INDICATOR, entity=entity, measure=MEASURE, period_type=PERIOD_TYPE),
        )
        for way, rows in (
            ("api", api["observations"]),
            ("explorer", explorer["table"]),
            ("service", [x.as_dict() for x in service]),
        ):
            for row in rows:
                if row["period"].startswith(mine):
                    assert (row["entity"], row["period"]) not in out[way], (way, row)
                    out[way][(row["entity"], row["period"])] = row["value"]
                    assert row["source_kind"] == "published" or policy.entity_in_scope(
                        r.principal, row["entity"], site.ctx.catalogue
                    ), (r.name, way, row)
    region = site.client.get("/regions/510000.json", headers=r.headers).json()
    for row in region["latest"]:
        if (row["indicator"], row["measure"], row["period_type"]) == (
            INDICATOR,
            MEASURE,
            PERIOD_TYPE,
        ) and row["period"].startswith(mine):
            out["region"][("510000", row["period"])] = row["value"]
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=figures)
def test_every_way_of_reading_shows_the_newest_figure_the_reader_may_see(
    site: Site, drawn: list[tuple[str, int, str, int, float]]
) -> None:
    year = next(site.years)
    stored = []
    for entity, month, source, days, value in drawn:
        period = f"{year}-01~{month:02d}"
        vintage = date(year, month, 28) + timedelta(days=days)
        store_figures(
            site.ctx, source, vintage, [(INDICATOR, entity, MEASURE, PERIOD_TYPE, period, value)]
        )
        stored.append((entity, period, source, vintage, value))
    for r in site.readers:
        want = _expected(site, r.principal, stored)
        shown = _shown(site, r, year)
        assert shown["service"] == want, r.name
        assert shown["api"] == want, r.name
        assert shown["explorer"] == want, r.name
        # the region page lists the latest period of each series
        newest = max((k for k in want if k[0] == "510000"), default=None, key=lambda k: k[1])
        assert shown["region"] == ({newest: want[newest]} if newest else {}), r.name
