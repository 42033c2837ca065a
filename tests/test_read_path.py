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

from factories import ACME, BETA, add_enterprises
from figures import store_figures
from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, SYSTEM, Principal, Role
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


READERS = [
    ANONYMOUS,
    SYSTEM,
    Principal("analyst", Role.ANALYST, user_id=1),
    Principal("sichuan", Role.PROVINCE, user_id=2, entity="510000"),
    Principal("guangdong", Role.PROVINCE, user_id=3, entity="440000"),
    Principal(
        "ccia", Role.ASSOCIATION, user_id=4, entity="assoc_ccia", sectors=frozenset({"C392"})
    ),
    Principal("e9001", Role.ENTERPRISE, user_id=5, entity="E9001"),
    Principal("citizen", Role.PUBLIC, user_id=6),
    Principal("logged-out", Role.PROVINCE, entity="510000"),  # no user id: not logged in
]


def test_visibility_is_the_entity_scope(sqlite_ctx: Context) -> None:
    """One rule: a reader may see a figure that is not published exactly when its entity is in
    the reader's scope; published figures are everyone's."""
    add_enterprises(sqlite_ctx, ACME, BETA)
    cat = sqlite_ctx.catalogue
    for p in READERS:
        seen = policy.visibility(p, cat)
        for code in [*cat.entities, "unknown"]:
            scope = policy.entity_in_scope(p, code, cat)
            for source in ("submission", "import", "simulated"):
                assert seen.allows(code, source) == scope, (p.username, code)
                assert policy.may_see_record(p, code, source, cat) == scope
            assert seen.allows(code, "published") and policy.may_see_record(
                p, code, "published", cat
            )
