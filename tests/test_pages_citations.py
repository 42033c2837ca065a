"""The pages cite a figure by who published it and the release (工业和信息化部运行监测协调局
《…》), with the copy it was read from as a secondary link, and by the copy's title only where
no publisher is known; English pages name the publisher in English and mark the release's
title as Chinese."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

import polars as pl
import pytest
from fastapi.testclient import TestClient

from figures import SCHEMA
from wenzeng.analysis.tracking import Evidence
from wenzeng.domain.observation import ObservationRecord
from wenzeng.services.context import Context
from wenzeng.services.loading import store_frame
from wenzeng.services.plan_in_force import plan_in_force
from wenzeng.services.plans import target_figures
from wenzeng.services.tracking import assess_plan
from wenzeng.store import batches as store
from wenzeng.web.app import create_app

HTML = {"Accept": "text/html"}
PLAN = "eim-2023-2024"  # its figures are MIIT's and CAICT's releases, read from reposts
# a figure of Sichuan as a bureau's release, read from a repost
SICHUAN = {
    "indicator": "va_cce_prov",
    "entity": "510000",
    "measure": "yoy_pct",
    "period_type": "cum_month",
    "period": "2025-01~12",
    "vintage": date(2026, 1, 20),
    "value": 12.1,
    "qualifier": "",
    "published_value": "12.1",
    "published_unit": "%",
    "source_title": "四川全年计算机通信电子设备制造业增加值增长12.1%（转载）",
    "source_url": "https://news.example.cn/sc/2026/0120.html",
    "note": None,
    "publisher": "四川省统计局",
    "release": "2025年四川经济运行情况",
}


@pytest.fixture
def client(sqlite_ctx: Context) -> Iterator[TestClient]:
    frame = pl.DataFrame(
        [SICHUAN], schema={**SCHEMA, "publisher": pl.Utf8, "release": pl.Utf8}, orient="row"
    )
    with sqlite_ctx.transaction() as conn:
        batch = store.create_batch(conn, "builtin", note="tests")
        store_frame(conn, frame, batch_id=batch, source_kind="published", default_title="")
    sqlite_ctx.invalidate()
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as c:
        yield c


def _card(html: str, target: str) -> str:
    """The overview's card of one target."""
    (card,) = [a for a in html.split("<article")[1:] if f'href="/targets/{target}"' in a]
    return card.split("</article>")[0]


def _released(ctx: Context) -> list[ObservationRecord]:
    """The figures the cards of the concluded plan show that name a publisher and release."""
    plan = plan_in_force(ctx, PLAN, date.today())
    shown = [f.shown for f in target_figures(ctx, plan) if f.shown is not None]
    return [r for r in shown if r.publisher and r.release]


def test_the_overview_cites_publisher_and_release_with_the_copy_as_a_link(
    client: TestClient, sqlite_ctx: Context
) -> None:
    plan = plan_in_force(sqlite_ctx, PLAN, date.today())
    figures = [f for f in target_figures(sqlite_ctx, plan) if f.shown and f.shown.publisher]
    assert figures
    zh = client.get(f"/?plan={PLAN}&lang=zh", headers=HTML).text
    en = client.get(f"/?plan={PLAN}&lang=en", headers=HTML).text
    released = 0
    for f in figures:
        r = f.shown
        assert r is not None and r.publisher is not None and r.source_url
        card = _card(zh, f.target.code)
        cited = f"{r.publisher}《{r.release}》" if r.release else r.publisher
        assert f'<span class="cite" title="{cited}">{cited}</span>' in card
        assert r.source_title not in card
        host = r.source_url.split("/")[2]
        assert "（阅读副本：<a " in card and f">{host}</a>）" in card
        if r.release:
            released += 1
            english = _card(en, f.target.code)
            assert f", 《{r.release}》 (in Chinese)</span>" in english
            assert " (copy read: <a " in english and r.source_title not in english
    assert released  # some card cites a release by its title


def _evidence_cited(ctx: Context) -> tuple[str, list[Evidence], set[str]]:
    """A target of the plan whose evidence names a release, its evidence, and the titles of
    the copies read that only such evidence comes from."""
    for a in assess_plan(ctx, plan_in_force(ctx, PLAN, date.today())):
        evidence = [*a.evidence, *a.related]
        if any(e.publisher and e.release for e in evidence):
            named = {e.source_title for e in evidence if e.publisher}
            unnamed = {e.source_title for e in evidence if not e.publisher}
            return a.target.code, evidence, named - unnamed
    raise AssertionError("no evidence names a release")


def test_a_target_page_cites_its_evidence_by_publisher_and_release(
    client: TestClient, sqlite_ctx: Context
) -> None:
    code, evidence, copies = _evidence_cited(sqlite_ctx)
    html = client.get(f"/targets/{code}?plan={PLAN}&lang=zh", headers=HTML).text
    for e in evidence:
        if e.publisher and e.release:
            assert f'<span class="cite" title="{e.publisher}《{e.release}》">' in html
    assert copies and not [t for t in copies if t in html]
    data = client.get(f"/targets/{code}.csv?plan={PLAN}").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert {(r["发布机构 Publisher"], r["发布稿 Release"]) for r in rows} >= {
        (e.publisher, e.release) for e in evidence if e.release
    }


def test_the_region_page_cites_publisher_and_release_under_charts_and_in_its_table(
    client: TestClient,
) -> None:
    html = client.get("/regions/510000?lang=zh", headers=HTML).text
    cited = "四川省统计局《2025年四川经济运行情况》"
    assert f'<span class="cite" title="{cited}">{cited}</span>' in html  # the latest figures
    assert re.search(f"数据来源：[^<]*{cited}", html)  # under the chart of value added
    assert "（阅读副本：<a " in html and ">news.example.cn</a>）" in html
    assert SICHUAN["source_title"] not in html
    english = client.get("/regions/510000?lang=en", headers=HTML).text
    assert (
        "Sichuan Provincial Bureau of Statistics, 《2025年四川经济运行情况》 (in Chinese)"
        in english
    )
    assert SICHUAN["source_title"] not in english
    data = client.get("/regions/510000.json").json()
    (row,) = [r for r in data["table"] if r["period"] == "2025-01~12"]
    assert (row["publisher"], row["release"]) == ("四川省统计局", "2025年四川经济运行情况")


def test_a_figure_without_a_publisher_is_cited_by_the_copy_read(client: TestClient) -> None:
    url = "/explorer?indicator=elec_industry_total_prov&entity=510000&lang=zh"
    html = client.get(url, headers=HTML).text
    title = "2020年四川电子信息产业高速增长，总量超1.2万亿（雅安市经信局）"  # names no publisher
    assert f'rel="noreferrer" title="{title}">{title}</a>' in html
    assert "阅读副本" not in html and 'class="cite"' not in html
