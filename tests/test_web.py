"""The first page and its JSON twin, and the one error body of the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from wenzeng.services.context import Context
from wenzeng.web.app import create_app


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings, ctx)) as c:
        yield c


def test_first_page_lists_the_five_targets_with_figures_and_sources(client: TestClient) -> None:
    page = client.get("/?plan=eim-2023-2024")
    assert page.status_code == 200
    html = page.text
    for title in (
        "计算机、通信和其他电子设备制造业增加值平均增速",
        "5G手机出货量占比",
        "太阳能电池产量",
        "75英寸及以上彩色电视机市场份额",
    ):
        assert title in html
    assert "654GW" in html  # solar cells 2024, published
    assert "20.3万亿元" in html  # broad-scope revenue: only 2022 is published …
    assert "目标口径数据未发布" in html and "无数据" in html  # … and the page says so
    assert html.count('class="badge achieved"') == 4
    assert "至少</small>35.3" in html  # the TV share is a lower bound from its parts
    assert "工信部联电子〔2023〕132号" in html
    assert "http" not in html.split("<body>")[1].split("来源")[0]  # no outside asset before data
    assert '<link rel="stylesheet" href="/static/wenzeng.css">' in html


def test_english_switch(client: TestClient) -> None:
    assert "主要目标" in client.get("/?lang=fr").text  # unknown: Chinese, the default
    html = client.get("/?plan=eim-2023-2024&lang=en").text
    assert "Headline targets" in html and "solar" in html.lower()
    assert "Headline targets" in client.get("/").text  # the choice is remembered
    assert "主要目标" in client.get("/?lang=zh").text


def test_json_twin_carries_the_same_figures(client: TestClient) -> None:
    data = client.get("/index.json?plan=eim-2023-2024").json()
    assert data["ok"] is True
    cards = {c["target"]: c for c in data["targets"]}
    assert len(cards) == 5
    assert cards["solar_cell_output"]["display"]["text_zh"] == "654GW"
    assert cards["solar_cell_output"]["shown"]["source_title"]
    assert cards["tv_75plus_share"]["exact"] is None
    assert cards["phone_5g_share"]["shown"]["period_label_zh"] == "2024年1-11月"


def test_api_observations_and_error_body(client: TestClient) -> None:
    r = client.get("/api/v1/observations", params={"indicator": "va_elec", "period": "2024年1-9月"})
    assert r.status_code == 200 and r.json()["observations"][0]["value"] == 12.8
    r = client.get("/api/v1/observations", params={"indicator": "nope"})
    assert r.status_code == 404
    body = r.json()
    assert body["ok"] is False and body["status"] == 404
    assert (
        body["errors"][0]["code"] == "not_found" and "unknown indicator" in body["errors"][0]["msg"]
    )
    r = client.get("/api/v1/observations", params={"indicator": "va_elec", "as_of": "soon"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "as_of"]


def test_openapi_is_published(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/observations" in spec["paths"]
