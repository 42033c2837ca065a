"""One read path for observations: the newest vintage is picked among what the reader may see.

A published figure stays visible to everyone when a newer vintage of the same period arrives
from a source the reader may not see (a submission, collected and unpublished): the API, the
explorer's JSON twin and the region page's JSON twin all show the published figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from figures import store_figures
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

PERIOD = "2026-01~03"
FIGURE = ("revenue_elec", "510000", "yoy_pct", "cum_month", PERIOD)


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    store_figures(ctx, "published", date(2026, 4, 20), [(*FIGURE, 5.0)])
    store_figures(ctx, "submission", date(2026, 4, 25), [(*FIGURE, 7.5)])
    with TestClient(create_app(ctx.settings, ctx)) as c:
        yield c


def test_the_public_sees_the_published_figure_under_a_newer_collected_one(
    client: TestClient,
) -> None:
    region = client.get("/regions/510000.json").json()
    shown = [r for r in region["latest"] if r["indicator"] == "revenue_elec"]
    assert [(r["period"], r["value"]) for r in shown] == [(PERIOD, 5.0)]

    api = client.get(
        "/api/v1/observations",
        params={"indicator": "revenue_elec", "entity": "510000", "period": PERIOD},
    ).json()
    assert api["count"] == 1
    assert [(r["value"], r["source_kind"]) for r in api["observations"]] == [(5.0, "published")]

    explorer = client.get(
        "/explorer.json",
        params={"indicator": "revenue_elec", "entity": "510000", "measure": "yoy_pct"},
    ).json()
    assert [(r["period"], r["value"]) for r in explorer["table"]] == [(PERIOD, 5.0)]
