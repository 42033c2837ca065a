"""Figures and dates on the pages as their readers write them: English pages in million,
billion and trillion with English units and dates as 1 Mar 2026, never 万, 亿 or an ISO date;
Chinese pages with dates as 2026年3月1日.  The data twins keep the stored value, unit and
ISO date."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import ACME, add_enterprises
from figures import Figure, store_figures
from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

HTML = {"Accept": "text/html"}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CHINESE_SCALE = re.compile(r"[万亿]")
ZH_DATE = re.compile(
    r'<time datetime="(\d{4})-(\d{2})-(\d{2})">(\d{4})年(\d{1,2})月(\d{1,2})日</time>'
)
EN_DATE = re.compile(
    r'<time datetime="(\d{4})-(\d{2})-(\d{2})">(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})</time>'
)
EXPLORER = {"indicator": "revenue_elec", "entity": "CN", "measure": "level"}
# pages with figures and dates that anyone may see
PUBLIC_PAGES = [
    ("/explorer", EXPLORER),
    ("/explorer", {"indicator": "va_cce", "entity": "CN"}),
    ("/targets/va_growth", {"plan": "eim-2023-2024"}),
    ("/regions/440000", {}),
    ("/enterprises", {}),
    ("/compare", {"indicator": "revenue_elec"}),
    ("/warnings", {}),
]


class _Visible(HTMLParser):
    """The text a person sees: no scripts, styles or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    v = _Visible()
    v.feed(html)
    return " ".join(" ".join(v.parts).split())


def _sources(data: Any) -> set[str]:
    """The titles of the sources a twin names: quoted as published, dates and 亿 and all."""
    out: set[str] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            if "source" in k and isinstance(v, str) and v:
                out.update({v, *(half.strip() for half in v.split(" / "))})
            elif "source" in k and isinstance(v, list):
                out.update(s for s in v if isinstance(s, str))
            else:
                out |= _sources(v)
    elif isinstance(data, list):
        for v in data:
            out |= _sources(v)
    return out


def our_text(client: TestClient, path: str, params: dict[str, str]) -> str:
    """The visible text of a page, without the titles of the sources it quotes."""
    html = client.get(path, params=params, headers=HTML)
    assert html.status_code == 200, (path, html.text)
    text = visible(html.text)
    twin = client.get(f"{path}.json", params={**params, "lang": params.get("lang", "zh")})
    for s in sorted(_sources(twin.json()), key=len, reverse=True):
        text = text.replace(" ".join(s.split()), "")
    return text


@pytest.fixture
def site(ctx: Context) -> Iterator[TestClient]:
    add_enterprises(ctx, ACME)
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    accounts.add_user(
        ctx, SYSTEM, username="acme", role="enterprise", entity="E9001", password=PASSWORD
    )
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client


@pytest.mark.parametrize(("path", "params"), PUBLIC_PAGES)
def test_english_pages_write_no_wan_yi_and_no_iso_date(
    site: TestClient, path: str, params: dict[str, str]
) -> None:
    text = our_text(site, path, {**params, "lang": "en"})
    assert not CHINESE_SCALE.findall(text), re.findall(r".{0,40}[万亿].{0,10}", text)
    assert not ISO_DATE.findall(text), re.findall(r".{0,40}\d{4}-\d{2}-\d{2}.{0,10}", text)


@pytest.mark.parametrize(("path", "params"), PUBLIC_PAGES)
def test_chinese_pages_write_dates_in_nian_yue_ri(
    site: TestClient, path: str, params: dict[str, str]
) -> None:
    text = our_text(site, path, {**params, "lang": "zh"})
    assert not ISO_DATE.findall(text), re.findall(r".{0,40}\d{4}-\d{2}-\d{2}.{0,10}", text)
    html = site.get(path, params={**params, "lang": "zh"}, headers=HTML).text
    for m in ZH_DATE.finditer(html):  # the machine's date and the reader's are one date
        assert (int(m[1]), int(m[2]), int(m[3])) == (int(m[4]), int(m[5]), int(m[6]))


def test_explorer_rows_read_in_wan_yi_and_the_twins_keep_the_stored_value(
    site: TestClient,
) -> None:
    html = site.get("/explorer", params={**EXPLORER, "lang": "zh"}, headers=HTML).text
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">.*?</tr>", html, re.S)
    assert rows
    for row in rows:
        # each figure with its unit, on the scale its size asks for: 16.19万亿元, not 161,900
        # 亿元; a published 亿元 kept up to five digits (80,400.0亿元)
        value = re.search(r'<td class="num nowrap"[^>]*>([^<]*)</td>', row)
        assert value, row
        assert re.fullmatch(r"\d{1,2},?\d{0,3}(\.\d{1,2})?(万亿|亿|万)元", value[1]), value[1]
        assert ZH_DATE.search(row), row
    twin = site.get("/explorer.json", params=EXPLORER).json()["table"]
    assert {r["unit"] for r in twin} == {"亿元"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["vintage"]) for r in twin)
    table = site.get("/explorer.csv", params=EXPLORER).content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(table)))
    assert {r["单位 Unit"] for r in lines} == {"亿元"}
    top = max(float(r["数值 Value"]) for r in lines)
    assert top > 10000  # the stored 亿元, not the written 万亿元
    written = f"{top / 1e4:.2f}万亿元"
    assert written in html

    english = site.get("/explorer", params={**EXPLORER, "lang": "en"}, headers=HTML).text
    assert f"{top / 1e4:.2f} trillion yuan" in english
    assert EN_DATE.search(english)
    chart = site.get("/explorer.json", params={**EXPLORER, "lang": "en"}).json()["chart"]
    assert chart["layout"]["yaxis"]["title"]["text"] in ("billion yuan", "trillion yuan")
    assert all(re.search(r"\((b|tr)illion yuan\)$", t["name"]) for t in chart["data"])


def test_explorer_chart_foot_says_the_date_known_by(site: TestClient) -> None:
    q = {**EXPLORER, "as_of": "2024-03-01"}
    zh = site.get("/explorer", params={**q, "lang": "zh"}, headers=HTML).text
    assert '截至 <time datetime="2024-03-01">2024年3月1日</time>' in zh
    en = site.get("/explorer", params={**q, "lang": "en"}, headers=HTML).text
    assert 'as of <time datetime="2024-03-01">1 Mar 2024</time>' in en


def test_an_enterprise_in_english(ctx: Context, site: TestClient) -> None:
    rows: list[Figure] = [
        ("revenue_elec", "E9001", "level", "month", f"2025-{m:02d}", v)
        for m, v in ((8, 11.0), (9, 12.5), (10, 13.0))
    ]
    store_figures(ctx, "simulated", date(2025, 11, 20), rows)
    login(site, "ana")
    zh = site.get("/enterprises/E9001", params={"lang": "zh"}, headers=HTML).text
    assert "130,000.0万元" in zh  # the table in the unit the enterprise fills in
    assert '<time datetime="2025-11-20">2025年11月20日</time>' in zh
    text = our_text(site, "/enterprises/E9001", {"lang": "en"})
    assert "1.30 billion yuan" in text
    assert "20 Nov 2025" in text
    assert not CHINESE_SCALE.search(text) and not ISO_DATE.search(text)


def test_a_reporter_reads_its_due_dates(site: TestClient) -> None:
    login(site, "acme")
    zh = site.get("/report", params={"lang": "zh"}, headers=HTML).text
    due = re.findall(r'data-label="截止日期"><time datetime="([\d-]+)">([^<]+)</time>', zh)
    assert due
    for iso, text in due:
        d = date.fromisoformat(iso)
        assert text == f"{d.year}年{d.month}月{d.day}日"
    en = site.get("/report", params={"lang": "en"}, headers=HTML).text
    assert re.search(
        r'data-label="Due by"><time datetime="[\d-]+">\d{1,2} [A-Z][a-z]{2} \d{4}<', en
    )
    overview = visible(site.get("/", params={"lang": "zh"}, headers=HTML).text)
    assert re.search(r"截止 \d{4}年\d{1,2}月\d{1,2}日", overview), overview
    twin = site.get("/report.json").json()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["due"]) for r in twin["due"])


@pytest.mark.parametrize(
    ("path", "params"),
    [("/", {"plan": "eim-2023-2024"}), ("/targets/revenue", {"plan": "eim-2023-2024"})],
)
def test_english_target_goals_and_figures_read_in_english_units(
    site: TestClient, path: str, params: dict[str, str]
) -> None:
    html = site.get(path, params={**params, "lang": "en"}, headers=HTML).text
    shown = re.findall(r'<p class="(?:goal|value)">(.*?)</p>', html, re.S)
    assert shown, html[:500]
    text = " ".join(visible(s) for s in shown)
    assert "trillion yuan" in text  # the revenue goal of 24万亿元, in English
    assert not CHINESE_SCALE.findall(text), text
    chinese = visible(site.get(path, params={**params, "lang": "zh"}, headers=HTML).text)
    assert "24万亿元" in chinese


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_writes_no_iso_date(ctx: Context, site: TestClient, lang: str) -> None:
    from browser_kit import add_enterprise_warning  # a warning, for the newest-warnings table

    add_enterprise_warning(ctx, "E9001", "revenue_drop")
    login(site, "ana")  # staff see the enterprise's warning
    html = site.get("/", params={"lang": lang}, headers=HTML).text
    shown = re.findall(r"/warnings/(\d+)", html)
    assert shown  # the newest warnings' table
    for path in ("/warnings", f"/warnings/{shown[0]}"):
        seen = visible(site.get(path, params={"lang": lang}, headers=HTML).text)
        assert not ISO_DATE.findall(seen), (path, ISO_DATE.findall(seen))
    # the titles of the sources, linked to their copies, are quoted as published
    text = visible(re.sub(r'<a [^>]*rel="noreferrer"[^>]*>.*?</a>', "", html, flags=re.S))
    assert "2026" in text and not ISO_DATE.findall(text), ISO_DATE.findall(text)
