"""The period pickers in a real browser (Debian's chromium): the map recolours as soon as its
period changes, without 显示 being pressed, and the overview of a chosen month still fits
one 1440×900 screen. Screenshots go to test-output/screenshots/pickers-*.png."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from browser_kit import CHROMIUM, SHOTS, browser_fixture, log_in, site_fixture
from figures import store_figures
from wenzeng.services.context import Context

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
# Year-to-date revenue growth: Beijing leads in May and trails in June.
GROWTH = {
    "2025-01~05": {"110000": 20.0, "310000": 5.0, "440000": 8.0, "510000": 11.0},
    "2025-01~06": {"110000": 1.0, "310000": 12.0, "440000": 15.0, "510000": 18.0},
}
MAP = "/regions?indicator=revenue_elec&measure=yoy_pct&period_type=cum_month&colour=scale"


def seed(ctx: Context) -> None:
    """Beijing, Shanghai, Guangdong and Sichuan's growth for 2025年1-5月 and 1-6月."""
    rows = [
        ("revenue_elec", code, "yoy_pct", "cum_month", period, value)
        for period, values in GROWTH.items()
        for code, value in values.items()
    ]
    store_figures(ctx, "published", date(2025, 7, 20), rows, title="测试发布 / test release")


site = site_fixture("pickers", {"ana": ("analyst", None)}, seed)
browser = browser_fixture()


def _fill(page, code: str) -> str:  # type: ignore[no-untyped-def]
    return str(page.eval_on_selector(f'.tile[data-code="{code}"]', "t => t.style.background"))


def test_the_map_recolours_when_its_period_changes_without_pressing_show(
    site: str, browser
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{site}{MAP}&period=2025-01~06")
    assert page.get_attribute("strong[data-period]", "data-period") == "2025-01~06"
    june = {code: _fill(page, code) for code in GROWTH["2025-01~06"]}
    assert june["110000"] != june["510000"]  # the lowest and the highest
    with page.expect_navigation():
        page.select_option("select[name=period]", "2025-01~05")  # no click on 显示
    page.wait_for_load_state("networkidle")
    assert parse_qs(urlparse(page.url).query)["period"] == ["2025-01~05"]
    assert page.get_attribute("strong[data-period]", "data-period") == "2025-01~05"
    may = {code: _fill(page, code) for code in GROWTH["2025-01~05"]}
    assert may["110000"] == june["510000"]  # Beijing now leads: the darkest class
    assert may["110000"] != june["110000"]
    assert page.is_visible("form.filters button.primary")  # 显示 stays for browsers without scripts
    page.screenshot(path=str(SHOTS / "pickers-map-period.png"), full_page=True)
    # the series controls apply at once too
    with page.expect_navigation():
        page.select_option("select[name=colour]", "light")
    assert parse_qs(urlparse(page.url).query)["colour"] == ["light"]
    assert page.get_attribute("ul.legend", "data-legend") == "light"
    page.close()


@pytest.mark.parametrize("who", [None, "ana"])
def test_the_overview_of_a_chosen_month_fits_one_screen(
    site: str, browser, who: str | None
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    if who:
        log_in(page, site, who)
    page.goto(f"{site}/?plan=eim-2023-2024&period=2024-06")
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector("select[name=period]", "s => s.value") == "2024-06"
    cards = page.query_selector_all(".cards .card")
    assert cards
    for card in cards:
        box = card.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=str(SHOTS / f"pickers-overview-{who or 'public'}.png"))
    # choosing another month opens it at once, the plan kept
    with page.expect_navigation():
        page.select_option("select[name=period]", "2023-12")
    query = parse_qs(urlparse(page.url).query)
    assert query["period"] == ["2023-12"] and query["plan"] == ["eim-2023-2024"]
    assert page.eval_on_selector("select[name=period]", "s => s.value") == "2023-12"
    page.close()
