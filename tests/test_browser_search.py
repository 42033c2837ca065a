"""Search, the comparison of regions and the copy link in a real browser (Debian's chromium):
with the keyboard only, at 1440 and 390 px for the public, an enterprise and an analyst, with
axe-core's checks (no serious or critical violation) and screenshots in
test-output/screenshots/search-*.png."""

from __future__ import annotations

from datetime import date

import pytest

from browser_kit import (
    CHROMIUM,
    SHOTS,
    browser_fixture,
    log_in,
    serious_violations,
    site_fixture,
    too_wide,
)
from factories import ACME, BETA
from figures import store_figures
from wenzeng.services.context import Context

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
USERS = {"acme": ("enterprise", "E9001"), "ana": ("analyst", None)}
COMPARE = "/compare?indicator=revenue_elec&regions=510000&regions=440000&regions=110000"
PAGES = [
    ("search-phone", "/search?q=手机"),
    ("search-sichuan", "/search?q=四川"),
    ("search-company", "/search?q=公司"),
    ("search-empty", "/search"),
    ("compare", COMPARE),
    ("compare-default", "/compare"),
    ("explorer", "/explorer?indicator=revenue_elec&entity=510000"),
    # last: the language chosen is remembered for the pages after it
    ("search-en", "/search?q=Sichuan&lang=en"),
    ("compare-en", COMPARE + "&lang=en"),
]
FIGURES = [
    ("revenue_elec", region, "yoy_pct", "cum_month", f"2025-01~{m:02d}", v + m / 10)
    for region, v in (("510000", 5.0), ("440000", 3.5), ("110000", 8.0), ("330000", 6.0))
    for m in range(2, 11)
]


def seed(ctx: Context) -> None:
    store_figures(ctx, "published", date(2025, 11, 20), FIGURES, title="各省统计局月度数据发布")


site = site_fixture("search", USERS, seed, (ACME, BETA))
browser = browser_fixture()


def test_search_with_the_keyboard_only(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{site}/regions")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")  # from anywhere on the page to the search box
    assert page.evaluate("document.activeElement.id") == "nav-search-q"
    page.keyboard.type("四川")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert "四川省" in page.inner_text("ol.hits")
    # from the box on the results page, the first result is the next stop of Tab
    page.focus("#search-page-q")
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("document.activeElement.textContent") == "四川省"
    page.keyboard.press("Enter")
    page.wait_for_url("**/regions/510000")
    page.close()


def test_an_enterprise_finds_itself_and_no_other(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, site, "acme")
    page.goto(f"{site}/search?q=公司")
    hits = page.inner_text("ol.hits")
    assert "甲公司" in hits and "乙公司" not in hits
    page.close()


def test_the_comparison_draws_a_line_a_region(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{site}{COMPARE}")
    page.wait_for_selector(".chart .main-svg")
    names = page.eval_on_selector_all(".chart .legendtext", "els => els.map(e => e.textContent)")
    assert names == ["四川省", "广东省", "北京市"]
    assert "各省统计局月度数据发布" in page.inner_text(".chart-foot")
    page.close()


def test_the_copy_link_copies_the_address_with_its_choices(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    page.goto(f"{site}{COMPARE}")
    page.wait_for_load_state("networkidle")
    page.click("a.copy-link")
    page.wait_for_function("document.querySelector('a.copy-link').textContent === '链接已复制'")
    assert page.evaluate("navigator.clipboard.readText()") == f"{site}{COMPARE}"
    assert page.url == f"{site}{COMPARE}"  # the page stays
    context.close()
    # without a script the button is a link to the same address
    plain = browser.new_context(java_script_enabled=False)
    page = plain.new_page()
    page.goto(f"{site}{COMPARE}")
    page.click("a.copy-link")
    page.wait_for_load_state()
    assert page.url == f"{site}{COMPARE}"
    plain.close()


def test_the_new_pages_at_two_widths_pass_axe(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    wide: list[str] = []
    for who in (None, "acme", "ana"):
        for width in (1440, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            if who:
                log_in(page, site, who)
            for name, path in PAGES:
                response = page.goto(f"{site}{path}")
                assert response is not None and response.status == 200, (who, path)
                page.wait_for_load_state("networkidle")
                shot = f"search-{who or 'public'}-{width}-{name}"
                page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
                if beyond := too_wide(page, width):
                    wide.append(f"{shot}: {beyond}")
                found += [f"{shot}: {v}" for v in serious_violations(axe, page)]
            page.close()
    assert wide == []  # nothing wider than the screen, a phone's too
    assert found == []
