"""The analysis pages: a target in depth, early warnings, the indicator explorer, and their twins."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from factories import ACME, add_enterprises
from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.early_warning import run_analysis
from wenzeng.services.importing import import_file
from wenzeng.web.app import create_app

HTML = {"Accept": "text/html"}


@pytest.fixture
def site(sqlite_ctx: Context) -> Iterator[TestClient]:
    add_enterprises(sqlite_ctx, ACME)
    accounts.add_user(sqlite_ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    accounts.add_user(
        sqlite_ctx,
        SYSTEM,
        username="acme",
        role="enterprise",
        entity="E9001",
        password=PASSWORD,
    )
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as client:
        yield client


@pytest.fixture
def analysed(sqlite_ctx: Context, site: TestClient) -> TestClient:
    run_analysis(sqlite_ctx, date(2023, 3, 31))
    return site


def check_twins(client: TestClient, path: str, query: str = "", table: bool = True) -> dict:
    """The JSON twin parses; with a table, the CSV has the header line and the Excel file opens."""
    q = f"?{query}" if query else ""
    r = client.get(f"{path}.json{q}")
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["ok"] is True
    if table:
        text = client.get(f"{path}.csv{q}").content.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
        assert header == [h for _, h in data["columns"]]
        book = load_workbook(io.BytesIO(client.get(f"{path}.xlsx{q}").content))
        sheet = book.active
        assert sheet is not None and sheet.max_row == len(data["table"]) + 1
    return data


# -- a target ---------------------------------------------------------------------------------------
def test_target_page_shows_figure_status_and_sources(site: TestClient) -> None:
    r = site.get("/targets/solar_cell_output?plan=eim-2023-2024")
    assert r.status_code == 200
    html = r.text
    assert "654" in html and "达标" in html and 'class="badge achieved"' in html
    assert 'href="https://www.excite.co.jp/news/article/36kr_36kr_332480"' in html
    assert "2025-03-01" in html  # the vintage of the figure
    assert 'data-spec="target-chart"' in html and "/assets/plotly.min.js" in html
    data = check_twins(site, "/targets/solar_cell_output", "plan=eim-2023-2024", table=False)
    assert data["assessment"]["figure"] == 654 and data["assessment"]["status"] == "achieved"
    assert data["evidence"][0]["source_url"].startswith("https://")
    assert any(v["used"] and v["value"] == 654 for v in data["vintages"])
    chart = data["chart"]
    annual = [t for t in chart["data"] if t["name"].endswith("（年度）")]
    assert annual and 654 in annual[0]["y"]
    assert any(s.get("y0") == 450 for s in chart["layout"]["shapes"])  # the target line


def test_target_projection_and_tolerance_band(site: TestClient) -> None:
    data = site.get("/targets/va_growth.json", params={"as_of": "2024-11-30"}).json()
    proj = data["projection"]
    assert proj is not None and proj["lower"] < proj["mean"] < proj["upper"]
    assert 0 <= proj["probability"] <= 1
    traces = data["chart"]["data"]
    marker = [t for t in traces if "error_y" in t]
    assert marker and marker[0]["x"] == ["2024-12-31"]
    lines = {s["y0"] for s in data["chart"]["layout"]["shapes"] if s["type"] == "line"}
    assert {5.0, 4.5} <= lines  # 5 % 左右: the target and the bottom of its band
    html = site.get("/targets/va_growth?as_of=2024-11-30").text
    assert "80%区间" in html and "达标概率" in html


def test_unknown_target_is_a_404_page(site: TestClient) -> None:
    r = site.get("/targets/nope", headers=HTML)
    assert r.status_code == 404
    assert "no such target" in r.text and "Traceback" not in r.text
    assert site.get("/targets/nope.json").status_code == 404


# -- warnings ---------------------------------------------------------------------------------------
def test_warnings_need_login(site: TestClient) -> None:
    r = site.get("/warnings", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/warnings"
    r = site.get("/warnings.json")
    assert r.status_code == 401 and r.json()["ok"] is False
    assert site.get("/warnings/1", headers=HTML, follow_redirects=False).status_code == 303


def test_warning_list_filters_and_twins(analysed: TestClient) -> None:
    login(analysed, "ana")
    html = analysed.get("/warnings").text
    assert "全国规模以上电子信息制造业增加值2023年1-2月累计同比下降2.6%，信号灯为过冷" in html
    assert 'class="sev high"' in html and "苗头性" in html
    data = check_twins(analysed, "/warnings")
    cold = [w for w in data["table"] if w["rule"] == "signal_cold" and w["indicator"] == "va_elec"]
    assert cold and cold[0]["period_label_zh"] == "2023年1-2月"
    text = analysed.get("/warnings.csv").content.decode("utf-8-sig")
    assert "信号灯为过冷" in text
    trending = analysed.get("/warnings.json", params={"klass": "trending"}).json()["table"]
    assert trending and all(w["klass"] == "trending" for w in trending)
    only = analysed.get("/warnings.json", params={"indicator": "va_elec", "entity": "全国"})
    assert {w["indicator"] for w in only.json()["table"]} == {"va_elec"}


def test_warning_detail_acknowledge_and_close(analysed: TestClient) -> None:
    token = login(analysed, "ana")
    rows = analysed.get("/warnings.json", params={"indicator": "va_elec"}).json()["table"]
    wid = next(w["id"] for w in rows if w["rule"] == "signal_cold")
    page = analysed.get(f"/warnings/{wid}")
    assert page.status_code == 200
    assert "Value added of electronic information manufacturing" in page.text  # both languages
    assert f'action="/warnings/{wid}/acknowledge"' in page.text
    data = check_twins(analysed, f"/warnings/{wid}", table=False)
    assert data["chart"]["data"][0]["y"] and data["warning"]["evidence"]["value"] == -2.6
    assert any(r["period"] == "2023-01~02" for r in data["series"])
    line = data["chart"]["data"][0]["y"]
    assert line[-1] == -2.6 and line[-2] is not None  # Jan–Feb follows Jan–Nov: no break
    r = analysed.post(
        f"/warnings/{wid}/acknowledge", data={"csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/warnings/{wid}"
    assert analysed.get(f"/warnings/{wid}.json").json()["warning"]["status"] == "acknowledged"
    r = analysed.post(f"/warnings/{wid}/close", data={"csrf_token": token, "note": " "})
    assert r.status_code == 422 and "needs a note" in r.text
    r = analysed.post(
        f"/warnings/{wid}/close",
        data={"csrf_token": token, "note": "已在运行分析会上研究"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    closed = analysed.get(f"/warnings/{wid}.json").json()["warning"]
    assert closed["status"] == "closed" and closed["note"] == "已在运行分析会上研究"
    assert "已在运行分析会上研究" in analysed.get(f"/warnings/{wid}").text


def test_reporters_see_warnings_but_may_not_handle_them(analysed: TestClient) -> None:
    token = login(analysed, "acme")
    rows = analysed.get("/warnings.json").json()["table"]
    assert rows
    wid = rows[0]["id"]
    page = analysed.get(f"/warnings/{wid}")
    assert page.status_code == 200 and "/acknowledge" not in page.text
    for action, data in (("acknowledge", {}), ("close", {"note": "不是问题"})):
        r = analysed.post(
            f"/warnings/{wid}/{action}", data={"csrf_token": token, **data}, headers=HTML
        )
        assert r.status_code == 403, action
    assert analysed.get(f"/warnings/{wid}.json").json()["warning"]["status"] == "new"
    assert analysed.get("/warnings/999999", headers=HTML).status_code == 404


# -- the explorer -----------------------------------------------------------------------------------
def test_explorer_shows_a_published_series(site: TestClient) -> None:
    query = "indicator=va_elec&period_type=cum_month&measure=yoy_pct"
    r = site.get(f"/explorer?{query}")
    assert r.status_code == 200
    row = re.search(r">2024年1-9月</td>.*?</tr>", r.text, re.S)
    assert row and "12.8" in row.group(0) and "<a href=" in row.group(0)
    assert 'data-spec="explorer-chart"' in r.text
    data = check_twins(site, "/explorer", query)
    found = [x for x in data["table"] if x["period"] == "2024-01~09"]
    assert found and found[0]["value"] == 12.8 and found[0]["source_title"]
    assert 12.8 in data["chart"]["data"][0]["y"]
    text = site.get(f"/explorer.csv?{query}").content.decode("utf-8-sig")
    assert any(line.startswith("2024年1-9月,2024-01~09,yoy_pct,12.8") for line in text.splitlines())
    assert site.get("/explorer").status_code == 200  # the empty form


def test_explorer_single_month_from_cumulative(site: TestClient) -> None:
    data = site.get(
        "/explorer.json", params={"indicator": "phone_ship_total", "transform": "single_month"}
    ).json()
    july = next(x for x in data["table"] if x["period"] == "2024-07")
    assert july["value"] == pytest.approx(17100 - 14700) and july["derived"] is True


def test_explorer_errors_are_shown_on_the_page(site: TestClient) -> None:
    r = site.get("/explorer?indicator=nope", headers=HTML)
    assert r.status_code == 422 and "unknown indicator" in r.text and "未知指标" in r.text
    r = site.get("/explorer?indicator=va_elec&from=abc", headers=HTML)
    assert r.status_code == 422 and "unreadable period" in r.text
    r = site.get("/explorer.json?indicator=va_elec&as_of=soon")
    assert r.status_code == 422 and r.json()["ok"] is False


def test_yoy_and_cumulative_transforms_on_constructed_levels(
    sqlite_ctx: Context, site: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "levels.csv"
    path.write_text(
        "indicator,region,period,period_type,measure,value,unit,source_title\n"
        "revenue_elec,510000,2023-05,month,level,800,亿元,测试来源\n"
        "revenue_elec,510000,2024-01,month,level,300,亿元,测试来源\n"
        "revenue_elec,510000,2024-02,month,level,200,亿元,测试来源\n"
        "revenue_elec,510000,2024-03,month,level,500,亿元,测试来源\n"
        "revenue_elec,510000,2024-05,month,level,1000,亿元,测试来源\n",
        encoding="utf-8",
    )
    import_file(sqlite_ctx, path, ColumnMapping.parse([], []), vintage=date(2024, 6, 20))
    params = {"indicator": "revenue_elec", "entity": "四川", "transform": "yoy"}
    # imported (unpublished) figures are not for the public …
    assert site.get("/explorer.json", params=params).json()["table"] == []
    login(site, "ana")
    rows = site.get("/explorer.json", params=params).json()["table"]
    may = next(x for x in rows if x["period"] == "2024-05")
    assert may["value"] == pytest.approx(25.0) and may["unit"] == "%"
    assert may["vintage"] == "2024-06-20"
    cum = site.get("/explorer.json", params={**params, "transform": "cumulative"}).json()["table"]
    by = {x["period"]: x["value"] for x in cum}
    assert by["2024-01~03"] == pytest.approx(1000.0)
    assert by["2024-01~05"] is None  # April is missing: never interpolated
    text = site.get("/explorer.csv", params=params).content.decode("utf-8-sig")
    assert "2024年5月,2024-05,yoy_pct,25.0" in text
