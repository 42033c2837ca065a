"""Ids beyond what the store can hold (above 2^31 on PostgreSQL, 2^63 on SQLite) name nothing:
every route that takes an id answers 404 for one, on the API and on the pages, never a server
error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

HUGE = "22831384074804470480896"  # > 2^74
BEYOND_64_BITS = str(2**63)  # one past SQLite's largest integer
BEYOND_32_BITS = str(2**31)  # one past PostgreSQL's largest integer
NEGATIVE_HUGE = "-" + HUGE

ID_ROUTES = [
    ("GET", "/api/v1/submissions/{id}"),
    ("PUT", "/api/v1/submissions/{id}"),
    ("POST", "/api/v1/submissions/{id}/submit"),
    ("POST", "/api/v1/submissions/{id}/accept"),
    ("POST", "/api/v1/submissions/{id}/return"),
    ("POST", "/api/v1/submissions/{id}/revise"),
    ("GET", "/api/v1/submissions/{id}/audit"),
    ("GET", "/api/v1/warnings/{id}"),
    ("POST", "/api/v1/warnings/{id}/acknowledge"),
    ("POST", "/api/v1/warnings/{id}/close"),
    ("GET", "/api/v1/reports/{id}/file.html"),
    ("POST", "/api/v1/reports/{id}/publish"),
    ("POST", "/api/v1/reports/{id}/withdraw"),
    ("DELETE", "/api/v1/reports/{id}"),
    ("GET", "/submissions/{id}"),
    ("GET", "/submissions/{id}.json"),
    ("POST", "/review/{id}"),
    ("GET", "/warnings/{id}"),
    ("GET", "/warnings/{id}.json"),
    ("POST", "/warnings/{id}/acknowledge"),
    ("POST", "/warnings/{id}/close"),
    ("GET", "/reports/{id}/file.html"),
    ("POST", "/reports/{id}/publish"),
    ("POST", "/reports/{id}/withdraw"),
    ("POST", "/reports/{id}/delete"),
]

BODIES: dict[str, dict[str, object]] = {
    "PUT /api/v1/submissions/{id}": {"values": {}, "version": 1},
    "POST /api/v1/submissions/{id}/submit": {"version": 1},
    "POST /api/v1/submissions/{id}/accept": {"version": 1},
    "POST /api/v1/submissions/{id}/return": {"version": 1, "reason": "不全 / incomplete"},
    "POST /api/v1/submissions/{id}/revise": {"version": 1},
    "POST /api/v1/warnings/{id}/acknowledge": {"note": "已阅 / seen"},
    "POST /api/v1/warnings/{id}/close": {"note": "已处理 / handled"},
}
FORM = {"version": "1", "action": "accept", "note": "已处理 / handled"}


@pytest.fixture
def admin(ctx: Context) -> Iterator[tuple[TestClient, dict[str, str]]]:
    accounts.add_user(ctx, SYSTEM, username="boss", role="admin")
    token = accounts.create_token(ctx, SYSTEM, "boss", "tests")
    app = create_app(ctx.settings, context=ctx)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("big", [HUGE, BEYOND_64_BITS, BEYOND_32_BITS])
def test_every_id_route_answers_404_for_an_id_beyond_the_store(
    admin: tuple[TestClient, dict[str, str]], big: str
) -> None:
    client, headers = admin
    answers = {}
    for method, route in ID_ROUTES:
        url = route.format(id=big)
        if route.startswith("/api/"):
            json = BODIES.get(f"{method} {route}")
            r = client.request(method, url, headers=headers, json=json)
        else:
            r = client.request(
                method, url, headers=headers, data=FORM if method == "POST" else None
            )
        answers[f"{method} {url}"] = r.status_code
    assert {call: status for call, status in answers.items() if status != 404} == {}


def test_a_negative_id_beyond_64_bits_is_not_a_server_error(
    admin: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = admin
    for path in ("/api/v1/warnings/", "/api/v1/submissions/", "/api/v1/reports/"):
        url = path + NEGATIVE_HUGE + ("/file.html" if "reports" in path else "")
        assert client.get(url, headers=headers).status_code == 404, url


@pytest.mark.parametrize("top", [str(2**63 - 1), str(2**31 - 1), "0"])
def test_an_id_at_the_edges_is_simply_not_found(
    admin: tuple[TestClient, dict[str, str]], top: str
) -> None:
    client, headers = admin
    assert client.get(f"/api/v1/warnings/{top}", headers=headers).status_code == 404
    assert client.get(f"/submissions/{top}.json", headers=headers).status_code == 404


@pytest.mark.parametrize("name", ["²", "١٢", "12²", "².json"])
def test_a_page_id_of_other_digits_than_0_to_9_is_not_found(
    admin: tuple[TestClient, dict[str, str]], name: str
) -> None:
    client, headers = admin
    for page in ("/warnings/", "/submissions/"):
        assert client.get(page + name, headers=headers).status_code == 404, page + name
