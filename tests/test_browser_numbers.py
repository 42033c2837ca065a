"""Numbers and dates as drawn in a real browser (Debian's headless chromium, Playwright): the
overview, the indicator explorer and the enterprise list at 1440 px and 390 px.  Chart axes
read in 亿/万 with 年/月 ticks, never 2k…10k or "Jan 2023"; every chart has its source line.
Screenshots go to test-output/screenshots/numbers-*.png."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from browser_kit import CHROMIUM, SHOTS, browser_fixture, log_in, site_fixture
from factories import ACME
from figures import Figure, store_figures
from wenzeng.services.context import Context

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
PAGES = {
    "overview": "/?plan=eim-2023-2024",
    "explorer": "/explorer?indicator=revenue_elec&entity=CN&measure=level",
    "explorer-growth": "/explorer?indicator=va_cce&entity=CN",
    "enterprises": "/enterprises",
    "target": "/targets/va_growth?plan=eim-2023-2024",
    "one-point": "/explorer?indicator=revenue_elec&entity=CN&measure=level&period_type=year"
    "&from=2024&to=2024",
}


def seed(ctx: Context) -> None:
    """An enterprise with published figures, for its page and the sector summary."""
    figures: list[Figure] = [
        ("revenue_elec", "E9001", "level", kind, f"2025-{m:02d}", v * m)
        for m in range(3, 11)
        for kind, v in (("month", 1.3), ("cum_month", 9.5))
    ]
    store_figures(ctx, "published", date(2025, 11, 20), figures)


site = site_fixture("numbers", {"ana": ("analyst", None)}, seed, (ACME,))
browser = browser_fixture()


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("name", list(PAGES))
def test_chart_numbers_in_the_browser(browser, site: str, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(site + PAGES[name])
        charts = page.locator("div.chart")
        if charts.count():
            page.wait_for_selector("div.chart .main-svg", timeout=15_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"numbers-{name}-{width}.png"), full_page=True)
        y_ticks = page.locator("g.ytick text, g.y2tick text").all_text_contents()
        x_ticks = page.locator("g.xtick text").all_text_contents()
        for tick in y_ticks:
            assert not re.search(r"\d[kMG]$", tick), (name, y_ticks)
        for tick in x_ticks:
            assert not re.search(r"[A-Z][a-z]{2}", tick), (name, x_ticks)
        if x_ticks:
            assert any("年" in t for t in x_ticks), (name, x_ticks)
        # every drawn chart is followed by its source and as-of line
        drawn = page.locator("div.chart").count()
        feet = page.locator(".chart-foot").count()
        assert feet >= drawn, (name, drawn, feet)
        html = page.content()
        assert "满足目标 ≈" not in html
    finally:
        page.close()


ENGLISH = {
    "explorer-en": "/explorer?indicator=revenue_elec&entity=CN&measure=level&lang=en",
    "enterprises-en": "/enterprises?lang=en",
    "enterprise-en": "/enterprises/E9001?lang=en",
    "region-en": "/regions/440000?lang=en",
}
EN_DAY = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")
ZH_DAY = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@pytest.mark.parametrize("name", list(ENGLISH))
def test_english_charts_in_million_billion_trillion(browser, site: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """English pages as drawn: axis titles and legends in English units, no 万 or 亿, ticks
    never 2k…10k, and the date under each chart as 1 Mar 2026."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        log_in(page, site, "ana")
        page.goto(site + ENGLISH[name])
        if name == "enterprises-en":  # one sector with figures: its figure, not a chart
            header = page.locator("th.num").all_inner_texts()
            assert any(h.endswith("(billion yuan)") for h in header), header
        else:
            assert page.locator("div.chart").count(), name
            page.wait_for_selector("div.chart .main-svg", timeout=15_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"numbers-{name}-1440.png"), full_page=True)
        titles = page.locator(
            "g.g-gtitle text, g.g-ytitle text, g.g-xtitle text, g.legendtext"
        ).all_text_contents()
        assert titles or name == "enterprises-en", name
        for title in titles:
            assert not re.search(r"[万亿]", title), (name, titles)
        for tick in page.locator("g.ytick text, g.xtick text").all_text_contents():
            assert not re.search(r"\d[kMG]$", tick), (name, tick)
        for day in page.locator(".chart-foot time").all_text_contents():
            assert EN_DAY.match(day), (name, day)
        cells = page.locator("td.num").all_inner_texts()
        assert not any(re.search(r"[万亿]", c) for c in cells), (name, cells)
    finally:
        page.close()


def test_chinese_dates_under_the_charts(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        page.goto(site + PAGES["explorer"] + "&lang=zh")
        days = page.locator(".chart-foot time, td time").all_text_contents()
        assert days
        assert all(ZH_DAY.match(d) for d in days), days
    finally:
        page.close()
