"""Numbers and dates as drawn in a real browser (Debian's headless chromium, Playwright): the
overview, the indicator explorer and the enterprise list at 1440 px and 390 px.  Chart axes
read in 亿/万 with 年/月 ticks, never 2k…10k or "Jan 2023"; every chart has its source line.
Screenshots go to test-output/screenshots/numbers-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_kit import CHROMIUM, SHOTS, browser_fixture, site_fixture

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


site = site_fixture("numbers", {})  # the built-in plans and published figures only
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
