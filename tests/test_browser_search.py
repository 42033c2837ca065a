"""Search, the comparison of regions and the copy link in a real browser (Debian's chromium):
with the keyboard only, at 1440 and 390 px for the public, an enterprise and an analyst, with
axe-core's checks (no serious or critical violation) and screenshots in
test-output/screenshots/search-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from browser_kit import ARGS, CHROMIUM, SHOTS, chromium, serving
from browser_kit import log_in as kit_log_in
from factories import ACME, BETA, add_enterprises
from figures import store_figures
from wenzeng.auth.principal import SYSTEM
from wenzeng.config import load_settings
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.setup import initialise

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
PASSWORD = "correct horse battery"
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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("search")
    settings = load_settings(database_url=f"sqlite:///{home / 'w.db'}", data_dir=home)
    ctx = Context.open(settings)
    initialise(ctx)
    add_enterprises(ctx, ACME, BETA)
    store_figures(ctx, "published", date(2025, 11, 20), FIGURES, title="各省统计局月度数据发布")
    for name, (role, entity) in USERS.items():
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity, password=PASSWORD)
    try:
        with serving(settings, ctx) as base:
            yield base
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium(ARGS) as b:
        yield b


def log_in(page, base: str, user: str) -> None:  # type: ignore[no-untyped-def]
    kit_log_in(page, base, user, PASSWORD)


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
                if page.evaluate("document.documentElement.scrollWidth") > width + 1:
                    wide.append(shot)
                for v in axe.run(page).response["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        found.append(f"{shot}: {v['id']} {v['nodes'][0]['target']}")
            page.close()
    assert wide == []  # nothing wider than the screen, a phone's too
    assert found == []
