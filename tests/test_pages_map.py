"""The region map and a region's page in a real browser (Debian's chromium), at 1440 and
390 px: every tile coloured for one period, picked in the 期间 control and carried in the URL;
a region without that period grey and saying so; the public seeing published figures; a
region's page listing the warnings of the key enterprises located in it.

Simulated figures: eleven provinces for 2025年1-12月, Guangdong only for 2026年1-11月 (ahead of
the others). Four warnings about 乙公司, a key enterprise in Guangdong.
Screenshots go to test-output/screenshots/map-*.png.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote

import pytest

from browser_kit import (
    CHROMIUM,
    SHOTS,
    add_enterprise_warning,
    browser_fixture,
    log_in,
    serious_violations,
    site_fixture,
)
from factories import BETA
from figures import store_figures
from wenzeng.services.context import Context

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
USERS = {"ana": ("analyst", None), "guangdong": ("province", "440000")}
WIDTHS = (1440, 390)
GREY = "rgb(217, 222, 228)"  # a tile without a figure to show
AHEAD = "440000"  # Guangdong: only a newer period than the others
OTHERS = ["110000", "120000", "130000", "310000", "320000", "330000", "350000", "370000"]
OTHERS += ["420000", "500000", "510000"]
RULES = ["sudden_drop", "inventory_build", "orders_fall", "export_fall"]


def seed(ctx: Context) -> None:
    """The simulated regional figures, and the four warnings about 乙公司."""
    rows = [
        ("revenue_elec", code, "yoy_pct", "cum_month", "2025-01~12", 2.0 + i)
        for i, code in enumerate(OTHERS)
    ]
    rows.append(("revenue_elec", AHEAD, "yoy_pct", "cum_month", "2026-01~11", 9.5))
    store_figures(ctx, "simulated", date(2026, 11, 20), rows)
    for rule in RULES:
        add_enterprise_warning(ctx, "E9002", rule)


site = site_fixture("map", USERS, seed, (BETA,))
browser = browser_fixture()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SHOTS / f"map-{name}.png"), full_page=True)


TILES = """() => [...document.querySelectorAll("a.tile")].map(t => ({
  code: t.dataset.code, title: t.title, text: t.innerText,
  fill: getComputedStyle(t).backgroundColor}))"""


def tiles(page) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return {t["code"]: t for t in page.evaluate(TILES)}


def fits(page, width: int) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth") <= width + 1)


def test_the_public_sees_published_figures_on_the_map(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{site}/regions")
        shown = page.inner_text("strong[data-period]")
        coloured = {c: t for c, t in tiles(page).items() if t["fill"] != GREY}
        assert coloured, "published regional figures colour the map"
        assert all(shown in t["title"] for t in coloured.values())  # one period, said
        assert "模拟" not in "".join(t["text"] for t in coloured.values())
        assert "尚未公开发布" in page.inner_text("main")  # why not the default series
        assert fits(page, width)
        shot(page, f"public-{width}")
        page.close()


def test_staff_see_one_period_pick_another_and_share_it(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        log_in(page, site, "ana")
        page.goto(f"{site}/regions")
        assert page.inner_text("strong[data-period]") == "2025年1-12月"
        found = tiles(page)
        for code in OTHERS:
            if code in found:
                assert found[code]["fill"] != GREY and "2025年1-12月" in found[code]["title"]
        ahead = found[AHEAD]
        assert ahead["fill"] == GREY and "无本期" in ahead["text"]
        assert "2025年1-12月无数据（最新为2026年1-11月）" in ahead["title"]
        assert "1个地区没有该期数据" in page.inner_text("main")
        assert serious_violations(axe, page) == []
        assert fits(page, width)
        shot(page, f"staff-{width}")
        # pick Guangdong's period: the URL carries it, and only Guangdong is coloured
        page.select_option("select[name=period]", "2026-01~11")
        page.click("form.filters button.primary")
        page.wait_for_url(lambda url: "period=2026-01~11" in unquote(url))
        assert page.inner_text("strong[data-period]") == "2026年1-11月"
        found = tiles(page)
        assert [c for c, t in found.items() if t["fill"] != GREY] == [AHEAD]
        assert "最新为2025年1-12月" in found["510000"]["title"]
        shared = page.url
        shot(page, f"staff-picked-{width}")
        page.close()
        # the link opened elsewhere shows the same period
        other = browser.new_page(viewport={"width": width, "height": 900})
        log_in(other, site, "ana")
        other.goto(shared)
        assert other.inner_text("strong[data-period]") == "2026年1-11月"
        assert other.eval_on_selector("select[name=period]", "s => s.value") == "2026-01~11"
        link = other.get_attribute("a[data-link=map]", "href")
        assert link is not None and "period=2026-01~11" in link
        other.close()


def test_a_region_page_and_the_warnings_list_agree(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        log_in(page, site, "guangdong")
        listed = page.request.get(f"{site}/warnings.json").json()["table"]
        ours = [w for w in listed if w["entity"] == "E9002"]
        assert len(ours) == len(RULES)
        page.goto(f"{site}/regions/{AHEAD}")
        section = page.locator("section.panel", has=page.locator("h2", has_text="预警"))
        text = section.inner_text()
        assert "暂无预警" not in text and "共 4 条" in text
        assert text.count("乙公司") == len(RULES) and "high" not in text
        assert section.locator("a[href^='/warnings/']").count() == len(RULES)
        assert fits(page, width)
        shot(page, f"region-{width}")
        page.close()
