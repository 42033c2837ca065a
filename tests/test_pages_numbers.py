"""Numbers, dates and sources on the pages: the overview's headline figures agree with their
status, levels read in 万/亿, and every chart has its source, as-of date and download."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient

from wenzeng.domain.observation import ObservationRecord
from wenzeng.services.context import Context
from wenzeng.services.forms import all_forms
from wenzeng.web.app import create_app
from wenzeng.web.pages.figures import form_units, latest_rows

HTML = {"Accept": "text/html"}


@pytest.fixture
def site(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="card.*?</article>', html, re.S)


def test_overview_headline_agrees_with_the_goal(site: TestClient) -> None:
    html = site.get("/?plan=eim-2023-2024", headers=HTML).text
    va = next(c for c in _cards(html) if "/targets/va_cce_avg" in c or "平均增速" in c)
    # the average growth read to one decimal beside its status, said to be above the band
    assert re.search(r'<p class="value">7\.5<span class="unit">%</span>', va), va
    assert "高于目标 ≈5%±0.5 的区间（4.5%–5.5%）" in va
    assert "满足目标 ≈" not in html
    # a level in 万亿元, not 203,000 亿元
    assert "20.30万亿元" in html
    assert not re.search(r"\d{1,3}(,\d{3})+ ?亿元", html)
    # growth in a sentence in words
    assert re.search(r"最新：\d{4}年 同比(增长|下降)\d+\.\d%", html)
    # every card with a figure names its source and as-of date and offers the figures
    for card in _cards(html):
        if 'class="latest">最新' in card:
            assert "数据来源" in card and "截至" in card and ".csv" in card


def test_cards_csv_links_answer(site: TestClient) -> None:
    html = site.get("/?plan=eim-2023-2024", headers=HTML).text
    links = sorted(set(re.findall(r'href="(/targets/[a-z0-9_]+\.csv\?plan=[a-z0-9-]+)"', html)))
    assert links
    for link in links:
        r = site.get(link)
        assert r.status_code == 200, link
        assert "text/csv" in r.headers["content-type"]


def test_explorer_levels_in_wan_yi_with_source_line(site: TestClient) -> None:
    q = {"indicator": "revenue_elec", "entity": "CN", "measure": "level"}
    data = site.get("/explorer.json", params=q).json()
    chart = data["chart"]
    assert chart["layout"]["yaxis"]["title"]["text"] in ("亿元", "万亿元")
    assert all(re.search(r"（万?亿元）$", t["name"]) for t in chart["data"])
    top = max(y for t in chart["data"] for y in t["y"] if y is not None)
    assert top < 10000  # never 2k…10k on the axis
    html = site.get("/explorer", params=q, headers=HTML).text
    foot = re.search(r'<p class="chart-foot">(.*?)</p>', html, re.S)
    assert foot, html
    assert "数据来源" in foot[1] and "截至" in foot[1]
    csv_link = re.search(r'href="(/explorer\.csv\?[^"]+)"', foot[1])
    assert csv_link
    r = site.get(csv_link[1].replace("&amp;", "&"))
    assert r.status_code == 200 and r.content.decode("utf-8-sig").count("\n") > 2
    # the unit line says whose unit it is: a percentage chart carries no bare "单位 亿元"
    assert "水平值单位" in html


def test_one_point_is_a_figure_not_a_dot(site: TestClient) -> None:
    q = {"indicator": "revenue_elec", "entity": "CN", "measure": "level", "period_type": "year"}
    rows = site.get("/explorer.json", params=q).json()["table"]
    one = rows[-1]["period"]
    html = site.get("/explorer", params={**q, "from": one, "to": one}, headers=HTML).text
    assert 'class="lone-figure"' in html
    assert "目前仅有一个数据" in html
    assert 'data-spec="explorer-chart"' not in html


def test_sparkline_axis_scaled(site: TestClient) -> None:
    data = site.get("/index.json?plan=eim-2023-2024").json()
    for card in data["targets"]:
        spec = card["sparkline"]
        if spec is None:
            continue
        assert spec["layout"]["yaxis"]["exponentformat"] == "none"
        assert spec["layout"]["xaxis"]["tickformat"] == "%Y年"
        ys = [y for y in spec["data"][0]["y"] if y is not None]
        assert max(abs(y) for y in ys) < 10000, json.dumps(card["target"])
        # the English page's small chart: plain years, English period labels and units
        english = card["sparkline_en"]
        assert english["layout"]["xaxis"]["tickformat"] == "%Y"
        assert english["data"][0]["x"] == spec["data"][0]["x"]
        assert not any("年" in t or "月" in t for t in english["data"][0]["text"])
        assert not any(ch in english["data"][0]["name"] for ch in "万亿年")


def test_an_enterprise_sees_its_figures_in_wan_yuan(ctx: Context) -> None:
    """Stored in 亿元 (the indicator's unit), written on the enterprise's page in the 万元
    its monthly form is filled in."""
    units = form_units(all_forms(ctx).values(), "enterprise")
    assert units["profit_elec"] == "万元"
    record = ObservationRecord(
        "profit_elec", "E9001", "level", "cum_month", "2026-10", date(2026, 11, 5),
        0.6812, "", "亿元", "0.6812", "亿元", "report", "企业填报", None, None, False, 1,
    )  # fmt: skip
    growth = replace(record, measure="yoy_pct", value=-5.0, unit="%", published_unit="%")
    rows = latest_rows(ctx.catalogue, [record, growth], units)
    texts = {r["measure"]: r["figure_text"] for r in rows}
    assert texts == {"level": "6812.0万元", "yoy_pct": "-5.0%"}
