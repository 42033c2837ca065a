"""The line under the charts of a region and of a warning: where the figures come from, as of
when, and a download that answers with the chart's figures; an enterprise's charts in the
unit of its form."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from factories import ACME, add_enterprises
from figures import Figure, store_figures
from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.early_warning import run_analysis
from wenzeng.web.app import create_app

HTML = {"Accept": "text/html"}


@pytest.fixture
def site(ctx: Context) -> Iterator[TestClient]:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client


ZH_AS_OF = re.compile(r'截至 <time datetime="\d{4}-\d{2}-\d{2}">\d{4}年\d{1,2}月\d{1,2}日</time>')
EN_AS_OF = re.compile(
    r'as of <time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} [A-Z][a-z]{2} \d{4}</time>'
)


def _feet(html: str) -> list[str]:
    return re.findall(r'<p class="chart-foot">(.*?)</p>', html, re.S)


def _csv_rows(client: TestClient, foot: str) -> list[dict[str, str]]:
    link = re.search(r'href="(/explorer\.csv\?[^"]+)"', foot)
    assert link, foot
    r = client.get(link[1].replace("&amp;", "&"))
    assert r.status_code == 200, link[1]
    assert "text/csv" in r.headers["content-type"]
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_region_charts_name_sources_date_and_figures(site: TestClient) -> None:
    """Beijing's built-in published value-added growth: one chart, one line under it, and its
    CSV holds the figures the chart draws."""
    page = site.get("/regions/110000", headers=HTML)
    assert page.status_code == 200
    charts = site.get("/regions/110000.json").json()
    feet = _feet(page.text)
    assert len(feet) == page.text.count('class="chartgrid"') and feet
    for foot in feet:
        assert "数据来源" in foot and ZH_AS_OF.search(foot) and "暂无" not in foot
        assert ".xlsx?" in foot
    rows = _csv_rows(site, feet[0])
    assert len(rows) >= 2
    # from the chart's first period to its last, as the link says
    periods = {r["期间代码 Period code"] for r in rows}
    first, last = re.search(r"from=([^&]+)&amp;to=([^&\"]+)", feet[0]).groups()  # type: ignore[union-attr]
    assert {first, last} <= periods
    english = site.get("/regions/110000?lang=en", headers=HTML).text
    assert all("Source" in f and EN_AS_OF.search(f) for f in _feet(english))
    assert charts["ok"] is True


def test_warning_chart_names_sources_date_and_figures(ctx: Context, site: TestClient) -> None:
    run_analysis(ctx, date(2023, 3, 31))
    login(site, "ana")
    wid = site.get("/warnings.json", params={"indicator": "va_elec"}).json()["table"][0]["id"]
    page = site.get(f"/warnings/{wid}", headers=HTML)
    assert page.status_code == 200
    data = site.get(f"/warnings/{wid}.json").json()
    feet = _feet(page.text)
    assert len(feet) == 1, page.text
    assert "数据来源" in feet[0] and ZH_AS_OF.search(feet[0]) and "暂无" not in feet[0]
    rows = _csv_rows(site, feet[0])
    # the download holds the figures the chart draws (the series' rows of the page)
    assert len(rows) == len(data["series"]) > 0


def _spec(html: str, chart_id: str) -> dict:  # type: ignore[type-arg]
    spec = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html)
    assert spec, html
    return json.loads(spec[1])  # type: ignore[no-any-return]


def test_enterprise_charts_in_the_unit_of_its_form(ctx: Context, site: TestClient) -> None:
    """Stored in 亿元 (the catalogue's unit), converted to the 万元 the enterprise reports in,
    and drawn on the one scale its largest value asks for: 13,000万元 is 1.3亿元; in English
    130 million yuan.  The table keeps the enterprise's 万元."""
    add_enterprises(ctx, ACME)
    rows: list[Figure] = [
        ("revenue_elec", "E9001", "level", "month", f"2025-{m:02d}", v)
        for m, v in ((8, 1.1), (9, 1.25), (10, 1.3))
    ]
    store_figures(ctx, "simulated", date(2025, 11, 20), rows)
    login(site, "ana")
    html = site.get("/enterprises/E9001", headers=HTML).text
    chart = _spec(html, "chart_revenue_elec")
    assert chart["layout"]["yaxis"]["title"]["text"] == "亿元"
    ys = [y for t in chart["data"] for y in t["y"]]
    assert ys == pytest.approx([1.1, 1.25, 1.3])
    assert "13,000.0万元" in html  # the table in the enterprise's own unit
    english = site.get("/enterprises/E9001?lang=en", headers=HTML).text
    chart = _spec(english, "chart_revenue_elec")
    assert chart["layout"]["yaxis"]["title"]["text"] == "million yuan"
    ys = [y for t in chart["data"] for y in t["y"]]
    assert ys == pytest.approx([110.0, 125.0, 130.0])
    assert "130.0 million yuan" in english and "万元" not in english
