"""Search, the comparison of regions and the copy-link button, on SQLite and PostgreSQL.

Search finds indicators by names and aliases (normalised: 规模以上 as 规上, full-width letters),
regions, plans and targets for everyone; the key enterprises only within the user's scope (an
enterprise finds itself and no other); forms only for staff and those who fill them in.
The comparison draws one series for several regions; what a user may not see stays out.

E9001 (甲公司) is a key enterprise in Sichuan (510000), E9002 (乙公司) one in Guangdong (440000).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import ACME, BETA, add_enterprises
from figures import store_figures
from web_session import PASSWORD
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.directory import map_indicators
from wenzeng.services.forms import all_forms
from wenzeng.services.plans import stored_plans
from wenzeng.store.entities import insert_entities
from wenzeng.web.app import create_app

USERS = {
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "sichuan": ("province", "510000"),
    "e9001": ("enterprise", "E9001"),
    "e9002": ("enterprise", "E9002"),
    "citizen": ("public", None),
}
YTD = "2025-01~10"
HTML = {"Accept": "text/html"}


@dataclass
class Site:
    client: TestClient
    ctx: Context
    tokens: dict[str, str]

    def get(self, who: str | None, url: str, **headers: str) -> Any:
        h = dict(headers)
        if who:
            h["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.client.get(url, headers=h, follow_redirects=False)

    def found(self, who: str | None, q: str) -> list[dict[str, Any]]:
        r = self.get(who, f"/search.json?q={q}")
        assert r.status_code == 200, r.text
        return list(r.json()["results"])


@pytest.fixture
def site(ctx: Context) -> Iterator[Site]:
    add_enterprises(ctx, ACME, BETA)
    store_figures(
        ctx,
        "published",
        date(2025, 11, 20),
        [
            ("revenue_elec", "510000", "yoy_pct", "cum_month", "2025-01~09", 5.5),
            ("revenue_elec", "510000", "yoy_pct", "cum_month", YTD, 6.1),
            ("revenue_elec", "440000", "yoy_pct", "cum_month", YTD, 4.8),
            ("revenue_elec", "110000", "yoy_pct", "cum_month", YTD, 18.0),
            ("revenue_elec", "320000", "yoy_pct", "cum_month", YTD, 2.0),
            ("revenue_elec", "330000", "yoy_pct", "cum_month", YTD, 9.0),
            ("revenue_elec", "370000", "yoy_pct", "cum_month", YTD, 7.5),
        ],
        title="某省统计局月度数据发布",
    )
    # a figure only the department and Sichuan may see
    store_figures(
        ctx,
        "simulated",
        date(2025, 11, 21),
        [("revenue_elec", "510000", "yoy_pct", "cum_month", "2025-01~11", 6.6)],
        title="模拟演示数据",
    )
    tokens = {}
    for name, (role, entity) in USERS.items():
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity, password=PASSWORD)
        tokens[name] = accounts.create_token(ctx, SYSTEM, name, "tests")
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield Site(client, ctx, tokens)


def kinds_codes(hits: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(h["kind"], h["code"]) for h in hits]


# -- search -----------------------------------------------------------------------------------
def test_a_full_name_finds_its_indicator_first_and_its_spelling_variants_too(site: Site) -> None:
    ind = site.ctx.catalogue.indicators["revenue_elec"]
    first = site.found(None, ind.name.zh)[0]
    assert (first["kind"], first["code"], first["url"]) == (
        "indicator",
        "revenue_elec",
        "/explorer?indicator=revenue_elec",
    )
    # 规上 for 规模以上 and 营收 for 营业收入, as releases write them
    short = ind.name.zh.replace("规模以上", "规上").replace("营业收入", "营收")
    assert short != ind.name.zh
    assert site.found(None, short)[0]["code"] == "revenue_elec"
    # the code, in full-width letters and upper case
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in "REVENUE_ELEC")
    assert ("indicator", "revenue_elec") in kinds_codes(site.found(None, wide))


def test_an_alias_finds_the_indicators_that_carry_it(site: Site) -> None:
    cat = site.ctx.catalogue
    ind = next(i for i in cat.indicators.values() if i.aliases)
    alias = ind.aliases[0]
    hits = site.found(None, alias)
    mine = next(h for h in hits if h["code"] == ind.code)
    assert mine["matched"] == alias
    # every indicator whose names or aliases hold the text is found, nothing else is
    holders = {
        i.code
        for i in cat.indicators.values()
        if any(alias.casefold() in x.casefold() for x in (i.name.zh, i.name.en, *i.aliases))
    }
    assert holders <= {h["code"] for h in hits if h["kind"] == "indicator"}


def test_a_part_of_a_name_ranks_exact_before_prefix_before_inside(site: Site) -> None:
    hits = [h for h in site.found(None, "手机") if h["kind"] == "indicator"]
    assert hits, "手机 finds indicators"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    for h in hits:
        assert "手机" in h["matched"]
    # the comparison is offered only for an indicator that regions report
    regional = {i.code for i in map_indicators(site.ctx.catalogue)}
    for h in hits:
        assert (h["compare_url"] is not None) == (h["code"] in regional), h["code"]
    assert any(h["compare_url"] is None for h in hits)


def test_regions_are_found_by_chinese_short_and_english_names(site: Site) -> None:
    for q in ("四川", "四川省", "sichuan", "SICHUAN"):
        hits = site.found(None, q)
        assert hits[0]["kind"] == "region" and hits[0]["code"] == "510000", q
        assert hits[0]["url"] == "/regions/510000"
        assert hits[0]["compare_url"] == "/compare?regions=510000"


def test_several_words_must_all_match(site: Site) -> None:
    both = site.found(None, "手机 产量")
    assert both and all("手机" in h["name_zh"] + h["matched"] for h in both)
    assert site.found(None, "手机 不存在的词") == []


def test_plans_and_targets_are_found_with_links_to_their_pages(site: Site) -> None:
    plan = stored_plans(site.ctx)[0]
    target = plan.targets[0]
    hits = site.found(None, target.title.zh)
    hit = next(h for h in hits if h["kind"] == "target" and h["code"] == target.code)
    assert hit["url"] == f"/targets/{target.code}?plan={plan.code}"
    assert site.get(None, hit["url"], **HTML).status_code == 200
    hits = site.found(None, plan.title.zh)
    assert ("plan", plan.code) in kinds_codes(hits)


def test_enterprises_are_found_only_within_the_users_scope(site: Site) -> None:
    def enterprises(who: str | None) -> set[str]:
        return {h["code"] for h in site.found(who, "公司") if h["kind"] == "enterprise"}

    assert enterprises("admin") == {"E9001", "E9002"}
    assert enterprises("analyst") == {"E9001", "E9002"}
    assert enterprises("sichuan") == {"E9001"}  # the key enterprises located in Sichuan
    assert enterprises("e9001") == {"E9001"}  # itself, never another enterprise
    assert enterprises("e9002") == {"E9002"}
    assert enterprises("citizen") == set()
    assert enterprises(None) == set()
    # not by code either, nor in the HTML page
    assert site.found("e9001", "E9002") == []
    page = site.get("e9001", "/search?q=乙公司", **HTML)
    assert page.status_code == 200 and "乙公司" not in page.text.split("<main", 1)[1].replace(
        'value="乙公司"', ""
    ).replace("“乙公司”", "")


def test_forms_are_found_by_staff_and_those_who_fill_them_in(site: Site) -> None:
    form = all_forms(site.ctx)["monthly_enterprise"].form
    q = form.title.zh

    def forms(who: str | None) -> list[dict[str, Any]]:
        return [h for h in site.found(who, q) if h["kind"] == "form"]

    staff = forms("analyst")
    assert [h["url"] for h in staff if h["code"] == form.code] == [f"/review?form={form.code}"]
    assert [h["url"] for h in forms("e9001") if h["code"] == form.code] == ["/report"]
    assert forms(None) == [] and forms("citizen") == []
    assert all(h["code"] != form.code for h in forms("sichuan"))  # a province's forms only


def test_the_search_page_in_html_and_its_twins(site: Site) -> None:
    page = site.get(None, "/search?q=四川", **HTML)
    assert page.status_code == 200
    assert 'href="/regions/510000"' in page.text
    assert re.search(r'<form class="nav-search"[^>]*role="search"', page.text)
    assert '"四川"共找到' in page.text.replace("“", '"').replace("”", '"')
    assert 'href="/search.json?q=%E5%9B%9B%E5%B7%9D"' in page.text or "/search.json?q=" in page.text
    data = site.get(None, "/search.json?q=四川").json()
    assert data["count"] == len(data["results"]) and data["counts"]["region"] >= 1
    rows = list(
        csv.reader(io.StringIO(site.get(None, "/search.csv?q=四川").content.decode("utf-8-sig")))
    )
    assert rows[0][0] == "类别 Kind" and rows[1][4] == "510000"
    # no query: the page with its box, nothing found, no error
    empty = site.get(None, "/search", **HTML)
    assert empty.status_code == 200 and "autofocus" in empty.text
    assert site.get(None, "/search.json").json()["results"] == []


def test_a_search_too_long_is_refused_in_both_languages(site: Site) -> None:
    r = site.get(None, "/search.json?q=" + "手" * 101)
    assert r.status_code == 422
    body = json.dumps(r.json(), ensure_ascii=False)
    assert "搜索词过长" in body and "too long" in body
    page = site.get(None, "/search?q=" + "手" * 101, **HTML)
    assert page.status_code == 422 and "Traceback" not in page.text


def test_every_page_has_the_search_box_in_its_navigation(site: Site) -> None:
    for url in ("/", "/regions", "/explorer", "/reports"):
        html = site.get(None, url, **HTML).text
        assert html.count('action="/search"') == 1, url
        assert 'for="nav-search-q"' in html  # labelled, for screen readers


# -- the comparison of regions ----------------------------------------------------------------
def test_the_comparison_draws_one_line_a_region_with_its_figures(site: Site) -> None:
    url = "/compare.json?indicator=revenue_elec&regions=510000&regions=440000"
    data = site.get(None, url).json()
    lines = data["chart"]["data"]
    assert [t["name"] for t in lines] == ["四川省", "广东省"]
    sichuan = [y for y in lines[0]["y"] if y is not None]
    assert sorted(sichuan) == [5.5, 6.1]  # the public sees the published figures only
    assert {(r["entity"], r["period"], r["value"]) for r in data["table"]} == {
        ("510000", "2025-01~09", 5.5),
        ("510000", YTD, 6.1),
        ("440000", YTD, 4.8),
    }
    assert data["sources"] == ["某省统计局月度数据发布"] and data["as_of"] == "2025-11-20"
    # the same with the regions in one parameter, by name
    same = site.get(None, "/compare.json?indicator=revenue_elec&regions=四川,广东省").json()
    assert same["table"] == data["table"]


def test_the_comparison_shows_each_user_what_their_pages_show(site: Site) -> None:
    url = "/compare.json?indicator=revenue_elec&regions=510000"
    staff = {r["period"] for r in site.get("analyst", url).json()["table"]}
    public = {r["period"] for r in site.get(None, url).json()["table"]}
    sichuan = {r["period"] for r in site.get("sichuan", url).json()["table"]}
    assert "2025-01~11" in staff and "2025-01~11" in sichuan
    assert "2025-01~11" not in public


def test_without_regions_the_five_highest_are_compared(site: Site) -> None:
    data = site.get(None, "/compare.json?indicator=revenue_elec").json()
    assert data["picked_for_you"]
    assert [r["code"] for r in data["regions"]] == [
        "110000",
        "330000",
        "370000",
        "510000",
        "440000",
    ]


def test_the_comparison_page_has_the_source_line_downloads_and_links(site: Site) -> None:
    url = "/compare?indicator=revenue_elec&regions=510000&regions=440000"
    page = site.get(None, url, **HTML)
    assert page.status_code == 200
    foot = re.search(r'<p class="chart-foot">(.*?)</p>', page.text, re.S)
    assert foot and "某省统计局月度数据发布" in foot.group(1) and "2025-11-20" in foot.group(1)
    assert (
        "/compare.csv?indicator=revenue_elec&amp;regions=510000&amp;regions=440000" in foot.group(1)
    )
    assert 'href="/regions/510000"' in page.text
    body = site.get(None, url.replace("/compare?", "/compare.csv?")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["地区代码 Region code", "地区 Region", "英文名称 English name"]
    assert {r[0] for r in rows[1:]} == {"510000", "440000"}
    xlsx = site.get(None, url.replace("/compare?", "/compare.xlsx?"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_bad_comparison_is_refused_naming_the_parameter(site: Site) -> None:
    r = site.get(None, "/compare.json?regions=nowhere")
    assert r.status_code == 422
    assert "regions" in json.dumps(r.json()) and "nowhere" in json.dumps(r.json())
    many = ",".join(sorted(e.code for e in site.ctx.catalogue.entities.values() if e.tile)[:11])
    r = site.get(None, f"/compare.json?regions={many}")
    assert r.status_code == 422 and "at most" in json.dumps(r.json())
    page = site.get(None, "/compare?regions=nowhere", **HTML)
    assert page.status_code == 422 and "没有这个地区" in page.text


def test_the_explorer_links_to_the_comparison(site: Site) -> None:
    page = site.get(None, "/explorer?indicator=revenue_elec&entity=510000", **HTML)
    assert 'href="/compare?indicator=revenue_elec&amp;regions=510000"' in page.text


# -- the copy-link button ---------------------------------------------------------------------
def test_chart_pages_have_a_copy_link_that_is_the_address_itself(site: Site) -> None:
    url = "/compare?indicator=revenue_elec&regions=510000"
    page = site.get(None, url, **HTML).text
    link = re.search(r'<a class="copy-link" href="([^"]+)"', page)
    assert link and link.group(1).replace("&amp;", "&") == url
    explorer = site.get(None, "/explorer?indicator=revenue_elec&entity=510000", **HTML).text
    assert 'class="copy-link" href="/explorer?indicator=revenue_elec&amp;entity=510000"' in explorer
    # pages without a chart have none
    assert 'class="copy-link"' not in site.get(None, "/search?q=四川", **HTML).text


def test_an_enterprise_stored_after_a_search_is_found_by_the_next(site: Site) -> None:
    assert site.found("admin", "丙公司") == []
    with site.ctx.transaction() as conn:  # as another worker would store it: no cache cleared
        insert_entities(
            conn,
            [
                {
                    "code": "E9003",
                    "kind": "enterprise",
                    "name_zh": "丙公司",
                    "name_en": "Bing Ltd",
                    "region": "510000",
                    "sector": "C392",
                    "chain_position": "upstream",
                    "attributes": {},
                    "simulated": False,
                }
            ],
        )
    assert kinds_codes(site.found("admin", "丙公司")) == [("enterprise", "E9003")]
    assert kinds_codes(site.found("sichuan", "丙公司")) == [("enterprise", "E9003")]
    assert site.found("e9001", "丙公司") == []


def test_a_region_page_links_to_its_comparison_with_other_regions(site: Site) -> None:
    page = site.get("analyst", "/regions/510000", **HTML)
    assert page.status_code == 200
    assert 'href="/compare?regions=510000"' in page.text and "与其他地区对比" in page.text
    data = site.get("analyst", "/compare.json?regions=510000").json()
    assert [r["code"] for r in data["regions"]] == ["510000"]
