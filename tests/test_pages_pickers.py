"""The pages' period pickers: the overview as it stood for a month (``/?period=``), the
comparison's range (``&from=&to=``), the map's legend in one scale, and the figures of a
region's chart of several indicators.

The overview tests open the concluded 2023–2024 plan, whose months (2023年1月 to 2024年12月)
and built-in published figures do not depend on today's date."""

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
from openpyxl import load_workbook

from figures import store_figures
from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.periods import parse_period
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan, plan_months, target_figures
from wenzeng.services.tracking import assess_plan
from wenzeng.store.analysis import add_warning
from wenzeng.web.app import create_app
from wenzeng.web.pages.regions import legend_texts, scale_classes

HTML = {"Accept": "text/html"}
ENDED = "eim-2023-2024"
PLACES = ("110000", "310000", "440000", "510000")


@dataclass
class Site:
    client: TestClient
    ctx: Context


def _warning(ctx: Context, key: str, period: str) -> None:
    with ctx.transaction() as conn:
        add_warning(
            conn,
            {
                "key": key,
                "rule": key,
                "klass": "emerging",
                "indicator": "va_elec",
                "entity": "CN",
                "period": period,
                "severity": "high",
                "status": "new",
                "first_seen": date(2025, 1, 20),
                "last_seen": date(2025, 1, 20),
                "times_seen": 1,
                "evidence": {},
                "explanation_zh": f"测试预警 {period}",
                "explanation_en": f"test warning {period}",
                "simulated": False,
            },
        )


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@pytest.fixture
def site(ctx: Context) -> Iterator[Site]:
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    _warning(ctx, "early", "2024-03")
    _warning(ctx, "late", "2024-01~10")
    _warning(ctx, "after", "2025-03")  # after the plan's newest month
    # year-to-date revenue growth of four places, January 2020 to June 2025, published
    rows = [
        ("revenue_elec", code, "yoy_pct", "cum_month", f"{y}-01~{m:02d}", float(i + m))
        for i, code in enumerate(PLACES)
        for y, m in _months((2020, 1), (2025, 6))
    ]
    # levels, for the map's legend: 8209 to 9847 亿元
    rows += [
        ("revenue_elec", code, "level", "cum_month", "2025-01~06", value)
        for code, value in zip(PLACES, (8209.0, 8600.0, 9100.0, 9847.0), strict=True)
    ]
    # Sichuan's value added growth by both publishers: one chart of two indicators
    rows += [
        (code, "510000", "yoy_pct", "cum_month", f"2025-01~{m:02d}", 10.0 + m)
        for code in ("va_elec_prov", "va_cce_prov")
        for m in (3, 4, 5, 6)
    ]
    store_figures(ctx, "published", date(2025, 7, 20), rows, title="测试发布 / test release")
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield Site(client, ctx)


def _overview(site: Site, query: str = "") -> dict[str, Any]:
    r = site.client.get(f"/index.json?plan={ENDED}{query}")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _cards(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["target"]: c for c in data["targets"]}


# -- the overview ------------------------------------------------------------------------------
def test_the_overview_offers_the_plans_months_newest_first_and_shows_the_newest(
    site: Site,
) -> None:
    data = _overview(site)
    period = data["period"]
    assert period["code"] == "2024-12" and period["newest"] is True
    codes = [o["code"] for o in period["options"]]
    assert codes[0] == "2024-12" and codes[-1] == "2023-01" and len(codes) == 24
    assert (period["options"][3]["zh"], period["options"][3]["en"]) == ("2024年9月", "Sep 2024")
    # the default is the newest month, asked for or not
    asked = _overview(site, "&period=2024-12")
    assert asked["targets"] == data["targets"]
    page = site.client.get(f"/?plan={ENDED}", headers=HTML).text
    assert '<option value="2024-12" selected>2024年12月</option>' in page
    assert 'name="period"' in page and "data-autosubmit" in page
    english = site.client.get(f"/?plan={ENDED}&lang=en", headers=HTML).text
    assert '<option value="2024-09" >Sep 2024</option>' in english


def test_a_chosen_month_shows_the_figures_up_to_it_judged_on_them(site: Site) -> None:
    newest = _cards(_overview(site))
    mid = _overview(site, "&period=2024-06")
    assert mid["period"]["code"] == "2024-06" and mid["period"]["newest"] is False
    cards = _cards(mid)
    end = date(2024, 6, 30)
    for card in cards.values():
        if card["shown"]:
            assert parse_period(card["shown"]["period"]).end <= end, card["target"]
        for x in card["sparkline"]["data"][0]["x"] if card["sparkline"] else []:
            assert x <= end.isoformat()
    # the 5G phone share: by December the year's figure settles it; in June it is projected
    # from the year-to-date share of 2024年1-6月
    assert newest["phone_5g_share"]["assessment"]["figure_kind"] != "projected"
    assert cards["phone_5g_share"]["shown"]["period"] == "2024-01~06"
    assert cards["phone_5g_share"]["assessment"]["figure_kind"] == "projected"
    assert cards["phone_5g_share"]["assessment"]["probability"] is not None
    # a label is read as well as a code
    assert _overview(site, "&period=2024年6月")["targets"] == mid["targets"]
    page = site.client.get(f"/?plan={ENDED}&period=2024-06", headers=HTML).text
    assert '<option value="2024-06" selected>2024年6月</option>' in page
    assert "按2024年6月的情况显示" in page


def test_the_warnings_are_those_about_figures_up_to_the_month(site: Site) -> None:
    login(site.client, "ana")
    everything = site.client.get(f"/index.json?plan={ENDED}").json()
    assert everything["warning_total"] == 3  # the newest month: every open warning
    newest = site.client.get(f"/index.json?plan={ENDED}&period=2024-12").json()
    assert newest["warning_total"] == 3
    november = site.client.get(f"/index.json?plan={ENDED}&period=2024-11").json()
    assert november["warning_total"] == 2
    june = site.client.get(f"/index.json?plan={ENDED}&period=2024-06").json()
    assert june["warning_total"] == 1
    assert [w["explanation_en"] for w in june["warnings"]] == ["test warning 2024-03"]
    assert sum(c["count"] for c in june["warning_counts"]) == 1
    february = site.client.get(f"/index.json?plan={ENDED}&period=2024-02").json()
    assert february["warning_total"] == 0


def test_a_month_with_nothing_says_so(site: Site) -> None:
    data = _overview(site, "&period=2010-01")
    assert data["nothing"] is True
    assert all(c["shown"] is None for c in data["targets"])
    assert data["period"]["options"][-1]["code"] == "2010-01"  # the month asked for is offered
    page = site.client.get(f"/?plan={ENDED}&period=2010-01", headers=HTML)
    assert page.status_code == 200
    assert "2010年1月及以前尚无本方案目标的数据" in page.text
    assert _overview(site)["nothing"] is False


@pytest.mark.parametrize("bad", ["abc", "2024", "2024-Q2", "2024-13"])
def test_a_bad_period_is_refused_in_both_languages(site: Site, bad: str) -> None:
    page = site.client.get(f"/?plan={ENDED}&period={bad}", headers=HTML)
    assert page.status_code == 422
    assert "参数 period" in page.text and "parameter period" in page.text
    assert "Traceback" not in page.text
    twin = site.client.get(f"/index.json?plan={ENDED}&period={bad}")
    assert twin.status_code == 422 and "parameter period" in twin.json()["message"]


# -- the comparison's range ----------------------------------------------------------------------
def _compare(site: Site, fmt: str = "json", query: str = "") -> Any:
    url = f"/compare.{fmt}?regions={','.join(PLACES)}&indicator=revenue_elec{query}"
    return site.client.get(url)


def test_the_comparison_shows_the_last_36_months_by_default(site: Site) -> None:
    data = _compare(site).json()
    assert (data["period_range"]["from"], data["period_range"]["to"]) == ("2022-07", "2025-06")
    periods = {r["period"] for r in data["table"]}
    assert min(parse_period(p).end for p in periods) == date(2022, 7, 31)
    assert max(parse_period(p).end for p in periods) == date(2025, 6, 30)
    assert len(data["table"]) == 36 * len(PLACES)
    months = [m["code"] for m in data["period_range"]["months"]]
    assert months[0] == "2025-06" and months[-1] == "2020-01"  # every month held, newest first
    assert data["chart"]["layout"]["xaxis"]["range"][0] < "2022-07-31"


def test_the_comparison_honours_from_and_to_in_every_format(site: Site) -> None:
    query = "&from=2023-01&to=2024-09"
    data = _compare(site, query=query).json()
    assert (data["period_range"]["from"], data["period_range"]["to"]) == ("2023-01", "2024-09")
    ends = [parse_period(r["period"]).end for r in data["table"]]
    assert min(ends) == date(2023, 1, 31) and max(ends) == date(2024, 9, 30)
    assert len(ends) == 21 * len(PLACES)
    rows = list(
        csv.DictReader(io.StringIO(_compare(site, "csv", query).content.decode("utf-8-sig")))
    )
    assert len(rows) == len(ends)
    assert {r["报告期代码 Period code"] for r in rows} == {r["period"] for r in data["table"]}
    book = load_workbook(io.BytesIO(_compare(site, "xlsx", query).content))
    assert book.active.max_row == len(ends) + 1  # and the header
    page = site.client.get(
        f"/compare?regions={','.join(PLACES)}&from=2023-01&to=2024-09", headers=HTML
    ).text
    assert '<option value="2023-01" selected>2023年1月</option>' in page
    assert '<option value="2024-09" selected>2024年9月</option>' in page
    # the download links under the chart carry the range
    assert re.search(r'href="/compare\.csv\?[^"]*from=2023-01&amp;to=2024-09', page)


def test_a_range_that_ends_before_it_starts_is_said_on_the_page(site: Site) -> None:
    query = "&from=2024-09&to=2023-01"
    page = site.client.get(
        f"/compare?regions={','.join(PLACES)}&from=2024-09&to=2023-01", headers=HTML
    )
    assert page.status_code == 200
    assert "起始期间（2024年9月）晚于截止期间（2023年1月）" in page.text
    assert "data-range-error" in page.text and 'id="compare-chart"' not in page.text
    english = site.client.get(
        f"/compare?regions={','.join(PLACES)}&from=2024-09&to=2023-01&lang=en", headers=HTML
    ).text
    assert "The range starts (Sep 2024) after it ends (Jan 2023)" in english
    assert _compare(site, "csv", query).status_code == 422
    bad = site.client.get("/compare?from=someday", headers=HTML)
    assert bad.status_code == 422 and "参数 from" in bad.text and "parameter from" in bad.text


def test_the_comparison_ticks_its_regions_in_the_shared_list(site: Site) -> None:
    page = site.client.get("/compare?regions=510000,440000", headers=HTML).text
    boxes = re.findall(r'<input type="checkbox" name="regions" value="(\w+)" (checked)?>', page)
    assert {code for code, on in boxes if on} == {"510000", "440000"}
    assert len(boxes) > 30
    assert '<fieldset class="places">' in page


# -- the map's legend ----------------------------------------------------------------------------
def test_the_legend_is_written_in_one_scale_in_both_languages(site: Site) -> None:
    url = (
        "/regions.json?indicator=revenue_elec&measure=level&period_type=cum_month&period=2025-01~06"
    )
    data = site.client.get(url).json()
    legend = [c["zh"] for c in data["legend"]]
    assert legend[0] == "8209.0–8536.6亿元" and legend[-1] == "9519.4–9847.0亿元"
    assert all("," not in text for text in legend)
    english = [c["en"] for c in data["legend"]]
    assert english[0] == "821–854 billion yuan" and english[-1] == "952–985 billion yuan"
    page = site.client.get(url.replace(".json", "") + "&lang=en", headers=HTML).text
    assert "952–985 billion yuan" in page


def test_legend_texts_of_rates_small_and_large_levels() -> None:
    assert legend_texts(scale_classes([5.2, 8.1]), "%")[0] == ("5.2–5.8%", "5.2–5.8%")
    assert legend_texts(scale_classes([-3.5, 18.0]), "%")[0] == ("-3.5 – 0.8%", "-3.5 – 0.8%")
    assert legend_texts(scale_classes([0.5, 3.2]), "亿元")[-1] == (
        "2.66–3.20亿元",
        "266–320 million yuan",
    )
    assert legend_texts(scale_classes([12000, 165000]), "亿元")[-1] == (
        "13.44–16.50万亿元",
        "13.4–16.5 trillion yuan",
    )
    assert legend_texts(scale_classes([3.0, 3.0]), "亿元") == [("3.00亿元", "300 million yuan")]


# -- a region's chart of several indicators ----------------------------------------------------
def test_a_chart_of_two_indicators_downloads_both(site: Site) -> None:
    page = site.client.get("/regions/510000", headers=HTML).text
    feet = re.findall(r'<p class="chart-foot">(.*?)</p>', page, re.S)
    va = [f for f in feet if "/regions/510000/figures.csv" in f]
    assert len(va) == 1, feet
    link = re.search(r'href="(/regions/510000/figures\.csv\?[^"]+)"', va[0])
    assert link and "indicator=va_elec_prov" in link[1] and "indicator=va_cce_prov" in link[1]
    r = site.client.get(link[1].replace("&amp;", "&"))
    assert r.status_code == 200 and "text/csv" in r.headers["content-type"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert sorted({row["指标代码 Indicator"] for row in rows}) == ["va_cce_prov", "va_elec_prov"]
    # every point the chart draws, and nothing else
    spec = re.search(r'<script type="application/json" id="chart_va">(.*?)</script>', page, re.S)
    assert spec
    drawn = sum(1 for t in json.loads(spec[1])["data"] for y in t["y"] if y is not None)
    assert len(rows) == drawn
    mine = {
        (f"2025-01~{m:02d}", code) for m in (3, 4, 5, 6) for code in ("va_elec_prov", "va_cce_prov")
    }
    assert mine <= {(row["报告期 Period"], row["指标代码 Indicator"]) for row in rows}
    book = site.client.get(link[1].replace("&amp;", "&").replace(".csv?", ".xlsx?"))
    assert load_workbook(io.BytesIO(book.content)).active.max_row == drawn + 1
    # the charts of one indicator keep the explorer's download
    assert any("/explorer.csv?indicator=revenue_elec" in f for f in feet)
    assert site.client.get("/regions/510000/figures.csv?indicator=nothing").status_code == 404
    assert site.client.get("/regions/510000/figures.pdf?indicator=va_elec_prov").status_code == 404


# -- the service layer ---------------------------------------------------------------------------
def test_a_plan_judged_up_to_a_month_uses_only_the_figures_up_to_it(ctx: Context) -> None:
    plan = get_plan(ctx, ENDED)
    months = plan_months(ctx, plan)
    assert (months[0].code, months[-1].code, len(months)) == ("2024-12", "2023-01", 24)
    june = parse_period("2024-06", "month")
    judged = assess_plan(ctx, plan, date(2026, 1, 1), up_to=june)
    assert {a.as_of for a in judged} == {date(2024, 6, 30)}  # dated the month's last day
    for a in judged:
        for e in a.evidence:
            assert parse_period(e.period).end <= june.end, (a.target.code, e.period)
    now = {a.target.code: a for a in assess_plan(ctx, plan, date(2026, 1, 1))}
    assert now["solar_cell_output"].status.value == "achieved"  # the 2024 output is known
    then = {a.target.code: a for a in judged}
    assert then["solar_cell_output"].status.value != "achieved"
    for fig in target_figures(ctx, plan, june):
        assert fig.shown is None or fig.shown.period_obj.end <= june.end
