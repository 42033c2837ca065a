"""The pages of places and organisations: the region tile map, a region, the key enterprise
lists, an enterprise, and the tracker — each for the roles meant to see it, refused to others.

E9001 (甲公司) is a key enterprise in Sichuan (510000), communications equipment (C392);
E9002 (乙公司) is in Guangdong (440000), electronic devices (C397), and supplies E9001.
Simulated regional figures exist for Beijing, Sichuan and Guangdong (2025年1-10月) and
Shanghai (only 2025年1-11月); the store also holds the built-in published figures.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from factories import ACME, BETA, ENTERPRISE_VALUES, add_enterprises
from figures import Figure, store_figures
from web_session import PASSWORD, csrf, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.catalog import EntityKind
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.store.analysis import add_warning
from wenzeng.store.entities import insert_supply_links
from wenzeng.web.app import create_app

USERS = {
    # name: (role, entity)
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "sichuan": ("province", "510000"),
    "guangdong": ("province", "440000"),
    "ccia": ("association", "assoc_ccia"),  # C392: E9001's sector
    "e9001": ("enterprise", "E9001"),
    "e9002": ("enterprise", "E9002"),
    "citizen": ("public", None),
}
SIM = "模拟演示数据（非真实统计）/ Simulated demo data (not real statistics)"
HTML = {"Accept": "text/html"}


def simulated(ctx: Context, rows: list[Figure]) -> None:
    """Store simulated figures (indicator, entity, measure, period type, period, value)."""
    store_figures(ctx, "simulated", date(2025, 11, 20), rows, title=SIM)


@dataclass
class Site:
    client: TestClient
    ctx: Context
    tokens: dict[str, str]
    sid: int

    def get(self, who: str | None, url: str, **headers: str) -> Any:
        h = dict(headers)
        if who:
            h["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.client.get(url, headers=h, follow_redirects=False)


@pytest.fixture
def site(sqlite_ctx: Context) -> Iterator[Site]:
    ctx = sqlite_ctx
    add_enterprises(ctx, ACME, BETA)
    with ctx.transaction() as conn:
        insert_supply_links(
            conn, [{"buyer": "E9001", "supplier": "E9002", "product": "芯片", "simulated": False}]
        )
    ytd = "2025-01~10"
    simulated(
        ctx,
        [
            ("revenue_elec", "110000", "yoy_pct", "cum_month", ytd, 18.0),  # red: ≥ 15
            ("revenue_elec", "510000", "yoy_pct", "cum_month", ytd, 6.1),
            ("revenue_elec", "440000", "yoy_pct", "cum_month", ytd, 4.8),
            ("revenue_elec", "510000", "yoy_pct", "cum_month", "2025-01~09", 5.5),
            ("revenue_elec", "310000", "yoy_pct", "cum_month", "2025-01~11", 7.0),  # ahead
            ("revenue_elec", "E9001", "level", "cum_month", ytd, 120.5),
        ],
    )
    tokens = {}
    for name, (role, entity) in USERS.items():
        accounts.add_user(
            ctx,
            SYSTEM,
            username=name,
            role=role,
            entity=entity,
            password=PASSWORD,
            email=f"{name}@example.org",
        )
        tokens[name] = accounts.create_token(ctx, SYSTEM, name, "tests")
    reporter = accounts.principal_for_token(ctx, tokens["e9001"])
    assert reporter is not None
    s = subs.save(
        ctx,
        reporter,
        form_code="monthly_enterprise",
        reporter="E9001",
        period="2024-01",
        values=ENTERPRISE_VALUES,
    )
    notes = {pr["rule"]: "属实" for pr in s.problems}
    s = subs.submit(ctx, reporter, s.id, version=s.version, explanations=notes)
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield Site(client, ctx, tokens, s.id)


def rows_by_code(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in data["table"]}


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(body)).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


# -- the region map ---------------------------------------------------------------------------
def tiles(html: str) -> dict[str, tuple[int, int]]:
    found = re.findall(
        r'class="tile[^"]*" data-code="(\d+)" data-row="(\d+)" data-col="(\d+)"', html
    )
    return {code: (int(r), int(c)) for code, r, c in found}


def test_the_map_has_a_tile_per_province_and_the_xpcc(site: Site) -> None:
    page = site.get(None, "/regions")
    assert page.status_code == 200
    placed = tiles(page.text)
    provinces = [e.code for e in site.ctx.catalogue.entities_of(EntityKind.PROVINCE)]
    assert len(provinces) == 31 and set(provinces) <= set(placed)
    assert "660000" in placed and len(placed) == 32  # the XPCC beside Xinjiang
    assert placed["110000"][0] == placed["130000"][0] - 1  # Beijing in the row above Hebei
    assert len(set(placed.values())) == 32  # one square each
    assert 'class="legend"' in page.text
    for city in ("大连市", "青岛市", "宁波市", "厦门市", "深圳市", "新疆生产建设兵团"):
        assert city in page.text  # listed beside the map
    assert "grid-row:" in page.text and "title=" in page.text


def test_public_users_see_published_figures_not_a_grey_map(site: Site) -> None:
    data = site.get(None, "/regions.json").json()
    shown = [r for r in data["table"] if r["value"] is not None]
    assert shown, "the public map shows the published regional figures held"
    assert all(r["source_kind"] == "published" and not r["simulated"] for r in shown)
    assert {r["period"] for r in shown} == {data["period"]}
    assert data["indicator"]["code"] != "revenue_elec" and data["empty_reason"] is None
    assert "尚未公开发布" in data["notices"][0]["zh"]  # told why another series is shown
    page = site.get(None, "/regions")
    assert "模拟" not in page.text.split('class="tilemap"')[1].split("</section>")[0]
    lit = site.get(None, "/regions.json?colour=light").json()  # by value, and says so
    assert any(r["value"] is not None for r in lit["table"]) and len(lit["notices"]) == 2
    # asking for the unpublished series explicitly: grey tiles, the reason and what else to see
    asked = site.get(None, "/regions.json?indicator=revenue_elec").json()
    assert all(r["value"] is None for r in asked["table"])
    assert asked["empty_reason"]["en"].startswith("No regional figure")
    assert asked["elsewhere"], "published regional series are suggested instead"
    page = site.get(None, "/regions?indicator=revenue_elec")
    assert "尚未公开发布" in page.text and "登录" in page.text
    q = "indicator=va_cce_prov&measure=yoy_pct&period_type=cum_month"
    pub = site.get(None, f"/regions.json?{q}").json()
    shown = [r for r in pub["table"] if r["value"] is not None]
    assert shown and all(r["source_kind"] == "published" and not r["simulated"] for r in shown)
    assert pub["empty_reason"] is None


def test_every_tile_shows_the_same_period(site: Site) -> None:
    data = site.get("analyst", "/regions.json").json()
    assert data["period"] == "2025-01~10"  # held by three of the four regions with figures
    rows = rows_by_code(data)
    assert {r["period"] for r in data["table"] if r["value"] is not None} == {"2025-01~10"}
    shanghai = rows["310000"]  # only a newer period: grey, and says so
    assert shanghai["value"] is None and shanghai["fill"] == "#d9dee4"
    assert shanghai["latest_period"] == "2025-01~11"
    assert shanghai["tip_zh"] == "上海市：2025年1-10月无数据（最新为2025年1-11月）"
    assert data["without_period"] == 1
    options = {o["code"]: o["regions"] for o in data["options"]["periods"]}
    assert options == {"2025-01~11": 1, "2025-01~10": 3, "2025-01~09": 1}
    assert [o["code"] for o in data["options"]["periods"]][0] == "2025-01~11"  # newest first
    page = site.get("analyst", "/regions")
    assert '<select name="period">' in page.text and "时期类型" in page.text
    assert '<option value="2025-01~10" selected>2025年1-10月（3个地区）</option>' in page.text
    assert "无本期" in page.text and "该期无数据，最新为 2025年1-11月" in page.text
    link = re.search(r'href="([^"]+)" data-link="map"', page.text)
    assert link is not None
    url = link.group(1).replace("&amp;", "&").replace("/regions?", "/regions.json?")
    shared = site.get("analyst", url).json()
    assert shared["period"] == "2025-01~10" and shared["table"] == data["table"]


def test_the_period_is_picked_and_carried_in_the_url(site: Site) -> None:
    newer = site.get("analyst", "/regions.json?period=2025-01~11").json()
    assert newer["period"] == "2025-01~11" and not newer["notices"]
    assert [r["code"] for r in newer["table"] if r["value"] is not None] == ["310000"]
    assert rows_by_code(newer)["510000"]["latest_period"] == "2025-01~10"
    # a period label is read too, as a period of the series' type
    older = site.get("analyst", "/regions.json?period=2025年1-9月").json()
    assert older["period"] == "2025-01~09"
    assert [r["code"] for r in older["table"] if r["value"] is not None] == ["510000"]
    # a period of another period type (the type was changed): the default period, quietly
    other = site.get("analyst", "/regions.json?period=2024").json()
    assert other["period"] == "2025-01~10" and not other["notices"]
    # a period no region has: the default one, and the user told
    none = site.get("analyst", "/regions.json?period=2023-01~05").json()
    assert none["period"] == "2025-01~10"
    assert none["notices"][0]["zh"] == "2023年1-5月没有可显示的地区数据，改为显示2025年1-10月。"
    bad = site.get("analyst", "/regions.json?period=soon")
    assert bad.status_code == 422 and "期间 period" in bad.json()["message"]
    page = site.get("analyst", "/regions?period=2025-01~11")
    assert '<option value="2025-01~11" selected>' in page.text


def test_simulated_figures_follow_the_scope_and_are_tagged(site: Site) -> None:
    staff = rows_by_code(site.get("analyst", "/regions.json").json())
    assert staff["510000"]["value"] == 6.1 and staff["510000"]["period"] == "2025-01~10"
    assert staff["510000"]["flag"] == "模拟数据 / simulated"
    assert staff["440000"]["value"] == 4.8
    own = rows_by_code(site.get("sichuan", "/regions.json").json())
    assert own["510000"]["value"] == 6.1 and own["440000"]["value"] is None
    page = site.get("sichuan", "/regions")
    assert "模拟" in page.text and "6.1%" in page.text
    assert "四川省：6.1% · 2025年1-10月" in page.text  # the tooltip: full name, value, period


def test_colouring_by_signal_light(site: Site) -> None:
    data = site.get("admin", "/regions.json?colour=light").json()
    assert data["colour"] == "light" and data["signal"]["thresholds"] == [-5, 0, 10, 15]
    rows = rows_by_code(data)
    assert rows["110000"]["light"] == "red" and rows["110000"]["fill"] == "#D62F2F"
    assert rows["510000"]["light"] == "green"
    assert [c["code"] for c in data["legend"]] == ["blue", "light_blue", "green", "yellow", "red"]
    # an indicator without thresholds falls back to the value scale, and says so
    other = site.get("admin", "/regions.json?indicator=employment&colour=light").json()
    assert other["colour"] == "scale" and other["notices"]


def test_the_value_scale_has_a_legend(site: Site) -> None:
    data = site.get("admin", "/regions.json").json()
    assert len(data["legend"]) == 5
    fills = rows_by_code(data)
    assert fills["110000"]["fill"] == data["legend"][-1]["colour"]  # the largest value
    assert fills["440000"]["fill"] == data["legend"][0]["colour"]  # the smallest
    assert fills["120000"]["fill"] == "#d9dee4"  # no figure: grey


def test_bad_map_parameters_are_refused_not_crashed(site: Site) -> None:
    assert site.get(None, "/regions.json?indicator=nope").status_code == 404
    assert site.get(None, "/regions.json?indicator=phone_ship_total").status_code == 422
    assert site.get(None, "/regions.json?colour=rainbow").status_code == 422
    assert site.get(None, "/regions.pdf", **HTML).status_code == 404
    fixed = site.get(None, "/regions.json?measure=share_pct").json()
    assert fixed["notices"] and fixed["measure"] == "yoy_pct"


def test_map_twins(site: Site) -> None:
    rows = csv_rows(site.get("admin", "/regions.csv").content)
    assert rows[0][:2] == ["代码 Code", "地区 Region"] and "模拟数据 Simulated" in rows[0]
    assert len(rows) == 1 + 37  # 31 provinces, 5 cities, the XPCC
    sichuan = next(r for r in rows if r[0] == "510000")
    assert "6.1" in sichuan and "2025-01~10" in sichuan and "模拟数据 / simulated" in sichuan
    book = xlsx_rows(site.get("admin", "/regions.xlsx").content)
    assert book[0][0] == "代码 Code" and len(book) == 38


# -- one region -------------------------------------------------------------------------------
def test_a_region_page_shows_its_enterprises_only_to_staff_and_itself(site: Site) -> None:
    for who in ("admin", "sichuan"):
        page = site.get(who, "/regions/510000")
        assert page.status_code == 200 and "四川省" in page.text
        assert "甲公司" in page.text and 'href="/enterprises/E9001"' in page.text, who
    for who in ("guangdong", "ccia", "citizen", None):
        page = site.get(who, "/regions/510000")
        assert page.status_code == 200 and "甲公司" not in page.text, who
    data = site.get("guangdong", "/regions/510000.json").json()
    assert data["enterprises"] is None and data["submissions"] is None
    assert data["warnings"] == []
    own = site.get("sichuan", "/regions/510000.json").json()
    assert [e["code"] for e in own["enterprises"]] == ["E9001"]
    assert own["submissions"] == []
    assert site.get(None, "/regions/510000.json").json()["warnings"] is None


def test_a_region_page_has_charts_latest_figures_and_sources(site: Site) -> None:
    page = site.get("sichuan", "/regions/510000")
    assert "/assets/plotly.min.js" in page.text and 'data-spec="chart_revenue_elec"' in page.text
    data = site.get("sichuan", "/regions/510000.json").json()
    latest = {(r["indicator"], r["period_type"]): r for r in data["latest"]}
    assert latest[("revenue_elec", "cum_month")]["value"] == 6.1
    assert latest[("revenue_elec", "cum_month")]["source_title"] == SIM
    assert "_charts" not in data  # the chart specs are presentation, not data
    published = [r for r in data["latest"] if r["source_kind"] == "published"]
    assert published, "Sichuan's published figures are listed with their sources"
    public = site.get(None, "/regions/510000.json").json()
    assert all(r["source_kind"] == "published" for r in public["latest"])
    rows = csv_rows(site.get("sichuan", "/regions/510000.csv").content)
    assert rows[0][0] == "指标代码 Indicator"


def warn(ctx: Context, entity: str, rule: str, severity: str) -> None:
    """Store an early warning about ``entity`` as an analysis run keeps it."""
    with ctx.transaction() as conn:
        add_warning(
            conn,
            {
                "key": f"{rule}:{entity}",
                "rule": rule,
                "klass": "emerging",
                "indicator": "revenue_elec",
                "entity": entity,
                "period": "2025-10",
                "severity": severity,
                "status": "new",
                "first_seen": date(2025, 11, 20),
                "last_seen": date(2025, 11, 20),
                "times_seen": 1,
                "evidence": {},
                "explanation_zh": f"{entity} 营业收入骤降",
                "explanation_en": f"{entity}: revenue fell sharply",
                "simulated": False,
            },
        )


def test_a_region_page_lists_the_warnings_of_its_enterprises(site: Site) -> None:
    warn(site.ctx, "E9002", "sudden_drop", "high")  # 乙公司, located in Guangdong
    warn(site.ctx, "E9002", "inventory_build", "medium")
    warn(site.ctx, "440000", "growth_gap", "low")
    warn(site.ctx, "E9001", "sudden_drop", "high")  # 甲公司, Sichuan
    for who in ("guangdong", "analyst"):
        listed = {w["id"] for w in site.get(who, "/warnings.json").json()["table"]}
        page = site.get(who, "/regions/440000.json").json()
        mine = page["warnings"]
        assert len(mine) == 3, who
        assert {w["entity"] for w in mine} == {"E9002", "440000"}
        assert {w["id"] for w in mine} <= listed  # the same warnings the warnings list shows
        assert mine[0]["severity_zh"] in ("高", "中", "低") and mine[0]["entity_zh"]
    html = site.get("guangdong", "/regions/440000").text
    assert "暂无预警" not in html and "乙公司" in html and "共 3 条" in html
    assert "高" in html and "新发现" in html and 'href="/warnings/' in html
    assert "high" not in html.split("<h2>预警")[1].split("</section>")[0].replace("sev high", "")
    sichuan = site.get("sichuan", "/regions/510000.json").json()
    assert [w["entity"] for w in sichuan["warnings"]] == ["E9001"]
    assert site.get("sichuan", "/regions/440000.json").json()["warnings"] == []  # not its scope
    assert "该地区及其重点企业暂无预警" in site.get("sichuan", "/regions/440000").text
    assert site.get(None, "/regions/440000.json").json()["warnings"] is None


def test_unknown_regions_are_a_404_page(site: Site) -> None:
    page = site.get(None, "/regions/999999", **HTML)
    assert page.status_code == 404 and "未知地区" in page.text and "<html" in page.text
    assert site.get(None, "/regions/999999.json").status_code == 404
    assert site.get("admin", "/regions/E9001.json").status_code == 404  # not a region


# -- the enterprise lists --------------------------------------------------------------------
def listed(site: Site, who: str, query: str = "") -> list[str]:
    r = site.get(who, f"/enterprises.json{query}")
    assert r.status_code == 200, (who, r.text)
    return [e["code"] for e in r.json()["table"]]


def test_the_enterprise_lists_are_scoped(site: Site) -> None:
    assert listed(site, "admin") == ["E9001", "E9002"]
    assert listed(site, "analyst") == ["E9001", "E9002"]
    assert listed(site, "sichuan") == ["E9001"]
    assert listed(site, "guangdong") == ["E9002"]
    assert listed(site, "ccia") == ["E9001"]
    assert listed(site, "e9001") == ["E9001"]
    assert site.get("citizen", "/enterprises.json").status_code == 403
    assert site.get("citizen", "/enterprises", **HTML).status_code == 403
    assert site.get(None, "/enterprises.json").status_code == 401
    assert site.get(None, "/enterprises", **HTML).status_code == 303  # to the login page


def test_enterprise_filters_and_columns(site: Site) -> None:
    assert listed(site, "admin", "?region=440000") == ["E9002"]
    assert listed(site, "admin", "?sector=C39") == ["E9001", "E9002"]
    assert listed(site, "admin", "?sector=C392") == ["E9001"]
    assert listed(site, "admin", "?chain_position=upstream") == []
    data = site.get("admin", "/enterprises.json").json()
    acme = rows_by_code(data)["E9001"]
    assert acme["sector_zh"] == "通信设备制造" and acme["region_zh"] == "四川省"
    assert acme["suppliers"] == 1 and acme["buyers"] == 0 and acme["list"] == "重点电子整机企业"
    assert rows_by_code(data)["E9002"]["buyers"] == 1
    sectors = {s["sector"]: s for s in data["sectors"]["rows"]}
    assert "C3841" in sectors and "C3825" in sectors  # the plan's scope beyond C39
    assert sectors["C392"]["enterprises"] == 1 and sectors["C392"]["revenue"] == 120.5
    assert sectors["C392"]["flag"] == "模拟数据 / simulated"
    assert sectors["C397"]["enterprises"] == 1 and sectors["C397"]["revenue"] is None
    assert data["sectors"]["period"] == "2025-01~10"
    header = csv_rows(site.get("admin", "/enterprises.csv").content)[0]
    for column in ("代码 Code", "国民经济行业 Sector (GB/T 4754)", "产业链位置 Chain position"):
        assert column in header
    assert {"名单 List", "供应商数 Suppliers", "客户数 Buyers", "模拟数据 Simulated"} <= set(header)
    book = xlsx_rows(site.get("sichuan", "/enterprises.xlsx").content)
    assert len(book) == 2 and book[1][0] == "E9001"
    page = site.get("admin", "/enterprises")
    assert page.status_code == 200 and "重点电子整机及上游供应链企业名单" in page.text


def test_an_enterprise_with_its_suppliers_and_buyers(site: Site) -> None:
    page = site.get("admin", "/enterprises/E9001")
    assert page.status_code == 200 and "乙公司" in page.text
    assert 'href="/enterprises/E9002"' in page.text and "芯片" in page.text
    # Sichuan sees its enterprise's supplier, but cannot open a Guangdong enterprise
    page = site.get("sichuan", "/enterprises/E9001")
    assert "乙公司" in page.text and 'href="/enterprises/E9002"' not in page.text
    data = site.get("e9001", "/enterprises/E9001.json").json()
    assert [s["code"] for s in data["suppliers"]] == ["E9002"] and data["buyers"] == []
    assert data["latest"][0]["value"] == 120.5
    buyer = site.get("guangdong", "/enterprises/E9002.json").json()
    assert [b["code"] for b in buyer["buyers"]] == ["E9001"]
    for who in ("guangdong", "e9002", "citizen"):
        assert site.get(who, "/enterprises/E9001.json").status_code == 404, who
    assert site.get("e9001", "/enterprises/E9002", **HTML).status_code == 404
    assert site.get("admin", "/enterprises/NOPE.json").status_code == 404


# -- the tracker ------------------------------------------------------------------------------
def test_the_tracker_shows_who_submitted_and_who_is_late(site: Site) -> None:
    q = "?form=monthly_enterprise&period=2024-01"
    data = site.get("analyst", f"/tracker.json{q}").json()
    rows = {r["reporter"]: r for r in data["table"]}
    assert rows["E9001"]["status"] == "submitted" and rows["E9001"]["late"] is False
    assert rows["E9001"]["link"] == f"/submissions/{site.sid}"
    assert rows["E9002"]["status"] == "missing" and rows["E9002"]["late"] is True
    assert data["counts"] == {"submitted": 1, "missing": 1, "late": 1}
    late = site.get("analyst", f"/tracker.json{q}&status=late").json()
    assert [r["reporter"] for r in late["table"]] == ["E9002"] and late["reporters"] == 2
    page = site.get("admin", f"/tracker{q}")
    assert page.status_code == 200 and f'href="/submissions/{site.sid}"' in page.text
    assert "逾期" in page.text and "/tracker/remind" in page.text
    rows_csv = csv_rows(site.get("admin", f"/tracker.csv{q}").content)
    assert rows_csv[0][0] == "单位代码 Reporter code" and len(rows_csv) == 3
    assert (
        xlsx_rows(site.get("admin", f"/tracker.xlsx{q}").content)[0][0] == "单位代码 Reporter code"
    )
    assert site.get("admin", "/tracker").status_code == 200  # a form and period by default


def test_the_tracker_is_for_department_staff_only(site: Site) -> None:
    for who in ("sichuan", "ccia", "e9001", "citizen"):
        assert site.get(who, "/tracker.json").status_code == 403, who
        assert site.get(who, "/tracker", **HTML).status_code == 403, who
    assert site.get(None, "/tracker.json").status_code == 401
    assert site.get("admin", "/tracker.json?form=nope").status_code == 404
    assert site.get("admin", "/tracker.json?form=monthly_enterprise&period=xx").status_code == 422


def test_the_remind_button_queues_reminders_once(site: Site) -> None:
    client = site.client
    login(client, "analyst")
    page = client.get("/tracker?form=monthly_enterprise&period=2024-01")
    data = {"form": "monthly_enterprise", "period": "2024-01"}
    refused = client.post("/tracker/remind", data=data, headers=HTML, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    r = client.post(
        "/tracker/remind", data={**data, "csrf_token": csrf(page.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/tracker?form=monthly_enterprise&period=2024-01&queued=1"
    assert "已生成 1 条催报提醒" in client.get(r.headers["location"]).text
    again = client.post(
        "/tracker/remind", data={**data, "csrf_token": csrf(page.text)}, follow_redirects=False
    )
    assert again.headers["location"].endswith("queued=0")
    other = site.get("sichuan", "/tracker")  # a province may not queue reminders either
    assert other.status_code == 403
    r = site.client.post(
        "/tracker/remind",
        data=data,
        headers={"Authorization": f"Bearer {site.tokens['sichuan']}"},
        follow_redirects=False,
    )
    assert r.status_code == 403
