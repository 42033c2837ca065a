"""Daily work in a real browser (Debian's chromium): the reporter's round and the reviewer's,
every page for every role at 1440 and 390 px with axe-core's checks, and print.

The reporter sees what is due, fills in the form (a wrong figure, corrected: the check follows
at once; a warning, explained), submits; staff return it from the submission page; the
reporter sees 已退回 with the reason, corrects and submits again; staff accept it from the
queue. Screenshots go to test-output/screenshots/daily-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_kit import (
    CHROMIUM,
    PASSWORD,
    SHOTS,
    add_enterprise_warning,
    browser_fixture,
    log_in,
    log_out,
    serious_violations,
    site_fixture,
    too_wide,
)
from factories import ACME, ENTERPRISE_VALUES
from wenzeng.auth.principal import SYSTEM, Role
from wenzeng.config import load_settings
from wenzeng.services import accounts, jobs
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
USERS = {
    "sichuan": ("province", "510000"),
    "acme": ("enterprise", "E9001"),
    "ceia": ("association", "assoc_ceia"),
    "ana": ("analyst", None),
    "root": ("admin", None),
}
# what the seeding leaves for the pages of one thing: an accepted report of 甲公司 (submission
# 1), an upload of its September figures (job 1) and a warning about it (warning 1)
SUBMISSION, JOB, WARNING = "/submissions/1", "/jobs/1", "/warnings/1"
# the pages each role uses, beside the public ones every role sees
PUBLIC = ["/", "/regions", "/regions/510000", "/targets/va_growth", "/explorer", "/reports"]
PAGES = {
    None: PUBLIC + ["/login", "/search?q=四川", "/compare", "/catalog"],
    "sichuan": PUBLIC + ["/report", "/report/upload", "/warnings", WARNING, "/enterprises"],
    "acme": ["/", "/report", "/report/monthly_enterprise/2025-10", "/report/upload", SUBMISSION]
    + [JOB],
    "ceia": ["/", "/report", "/report/association_sector/2025-10", "/report/upload"],
    "ana": PUBLIC
    + ["/review", "/tracker", "/warnings", "/enterprises", "/enterprises/E9001"]
    + ["/report", SUBMISSION, JOB],
    "root": ["/", "/review", "/tracker", "/reports", "/catalog"],
}
UPLOAD = "报送单位代码,报告期," + ",".join(f"{k}" for k in ENTERPRISE_VALUES)


def seed(ctx: Context) -> None:
    """For 甲公司: one accepted report, one uploaded draft and one warning."""
    acme = accounts.authenticate(ctx, "acme", PASSWORD)
    values = dict(ENTERPRISE_VALUES)
    s = subs.save(
        ctx, acme, form_code="monthly_enterprise", reporter="E9001", period="2025-10",
        values=values, channel="web",
    )  # fmt: skip
    s = subs.submit(ctx, acme, s.id, version=s.version)
    subs.accept(ctx, SYSTEM, s.id, version=s.version)
    row = "E9001,2025-09," + ",".join(str(v) for v in ENTERPRISE_VALUES.values())
    params = {"form": "monthly_enterprise", "filename": "九月.csv", "submit": False}
    job, _ = jobs.start(ctx, acme, "upload", params, f"{UPLOAD}\n{row}\n".encode("gbk"))
    add_enterprise_warning(ctx, "E9001", "sudden_drop")
    assert (f"/submissions/{s.id}", f"/jobs/{job['id']}") == (SUBMISSION, JOB)


site = site_fixture("daily", USERS, seed, (ACME,))
browser = browser_fixture()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SHOTS / f"daily-{name}.png"), full_page=True)


def banner(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.inner_text("#banner"))


def test_a_report_returned_corrected_and_accepted(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, site, "sichuan")
    assert page.url == f"{site}/report"  # a reporter lands on what it owes
    row = page.locator("table.due tr[data-form='monthly_province']")
    text = row.inner_text()
    assert "月度" in text and "未报送" in text and "monthly" not in text
    assert row.locator("td").nth(2).inner_text()[:4].isdigit()  # its due date
    shot(page, "01-reporter-due")
    row.locator("a.button").click()
    page.wait_for_load_state("networkidle")
    for code, value in {
        "va_month": "8.5",
        "va_cum": "9.1",
        "revenue_cum": "-1",
        "revenue_yoy": "6.2",
        "profit_cum": "520",
        "export_cum": "3100",
        "export_yoy": "4.1",
        "enterprises": "1800",
    }.items():
        page.fill(f"#f_{code}", value)
    page.locator("tr[data-field='revenue_cum'] .problem.error", has_text="不能小于0").wait_for()
    assert "错误" in banner(page) and "error" in banner(page)
    shot(page, "02-reporter-error")
    # corrected: the error goes at once, and the one banner says what is left
    page.fill("#f_revenue_cum", "400")  # below the profit: a warning that needs a word
    page.wait_for_selector("tr[data-field='revenue_cum'] .problem.error", state="detached")
    page.wait_for_selector("textarea[name^='x_']")
    assert page.locator(".problem.error").count() == 0
    assert "须填写情况说明" in banner(page) and "未通过" not in banner(page)
    rules = [el.get_attribute("data-rule") for el in page.query_selector_all(".problem")]
    assert len(rules) == len(set(rules))  # each warning once, not the server's and the live one
    hint = page.inner_text(".problem.warning")
    assert "profit_cum" not in hint and "revenue_cum" not in hint  # by name, not by code
    page.fill("textarea[name^='x_']", "本月集中确认一笔投资收益，数据属实")
    page.locator("#banner", has_text="检查通过").wait_for()
    shot(page, "03-reporter-explained")
    page.click("button[value=submit]")
    page.wait_for_url("**/submissions/*?done=submitted")
    assert "已报送，等待审核" in page.inner_text(".alert.ok")
    sid = page.url.split("/submissions/")[1].split("?")[0]
    log_out(page)

    log_in(page, site, "ana")
    assert page.url == f"{site}/"  # staff land on the overview with their to-dos
    assert "1 份报送待审核" in page.inner_text("section.todo")
    shot(page, "04-staff-home")
    page.goto(f"{site}/submissions/{sid}")
    assert "审核处理" in page.inner_text("main") and "四川省" in page.inner_text("main")
    shot(page, "05-staff-submission")
    page.fill("section.decide input[name=reason]", "营业收入低于利润总额，请核实")
    page.click("section.decide button[value=return]")
    page.wait_for_url(f"**/submissions/{sid}?done=returned*")
    assert "已退回" in page.inner_text(".alert.warn")
    assert "退回" in page.inner_text("section.history")  # the history says it, in words
    log_out(page)

    log_in(page, site, "sichuan")
    row = page.locator("table.due tr[data-form='monthly_province']")
    assert "已退回" in row.inner_text() and "营业收入低于利润总额" in row.inner_text()
    shot(page, "06-reporter-returned")
    row.locator("a.button.primary").click()
    page.wait_for_load_state("networkidle")
    assert "已退回" in page.inner_text("main")
    page.fill("#f_revenue_cum", "11234.5")
    page.locator("#banner", has_text="检查通过").wait_for()
    page.click("button[value=submit]")
    page.wait_for_url("**/submissions/*?done=submitted")
    log_out(page)

    log_in(page, site, "ana")
    page.goto(f"{site}/review")
    assert "四川省" in page.inner_text("main") and "510000" not in page.inner_text("main")
    shot(page, "07-review-queue")
    asked: list[str] = []

    def confirm(d) -> None:  # type: ignore[no-untyped-def]
        asked.append(d.message)
        d.accept()

    page.once("dialog", confirm)
    page.click(f"form[action='/review/{sid}'] button[value=accept]")
    page.wait_for_url(f"**/review?done=accepted&id={sid}")
    assert asked and "确认接受" in asked[0]
    assert f"已接受报送 #{sid}" in page.inner_text(".alert.ok")
    shot(page, "08-review-accepted")
    page.close()


def test_every_page_for_every_role_at_two_widths_passes_axe(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    wide: list[str] = []
    for who, paths in PAGES.items():
        for width in (1440, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            if who:
                log_in(page, site, who)
            for path in paths:
                response = page.goto(f"{site}{path}")
                assert response is not None and response.status == 200, (who, path)
                page.wait_for_load_state("networkidle")
                name = f"{who or 'public'}-{width}-{path.strip('/').replace('/', '_') or 'home'}"
                shot(page, name.replace("?", "_"))
                if beyond := too_wide(page, width):
                    wide.append(f"{name}: {beyond}")
                found += [f"{name}: {v}" for v in serious_violations(axe, page)]
            page.close()
    assert wide == []  # nothing wider than the screen, a phone's too
    assert found == []


def html_pages(routes: list[Any]) -> Iterator[Any]:
    """The routes of the app's pages: GET, left out of the API's document, answering HTML;
    those of included routers too."""
    from fastapi.responses import HTMLResponse

    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from html_pages(inner.routes)
        elif (
            "GET" in (getattr(route, "methods", None) or ())
            and not getattr(route, "include_in_schema", True)
            and getattr(route, "response_class", None) is HTMLResponse
        ):
            yield route


def test_every_page_of_the_app_is_checked_for_some_role(tmp_path: Path) -> None:
    """The list above is checked against the app: a new page cannot be missed, nor a role."""
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=tmp_path)
    routes = list(html_pages(create_app(settings).routes))
    assert len(routes) > 15  # the walk reaches the pages of every router
    listed = {path.split("?")[0] for paths in PAGES.values() for path in paths}
    missing = [r.path for r in routes if not any(r.path_regex.match(p) for p in listed)]
    assert missing == []
    roles = {USERS[who][0] for who in PAGES if who} | {
        Role.PUBLIC.value for who in PAGES if not who
    }
    assert roles == {r.value for r in Role}
    # and every page listed is one of the app's
    assert [p for p in listed if not any(r.path_regex.match(p) for r in routes)] == []


def test_the_overview_fits_one_screen_and_prints_without_navigation(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, site, "ana")
    page.goto(f"{site}/")
    page.wait_for_load_state("networkidle")
    # every target card and the warnings' counts within the first 900 px
    for card in page.query_selector_all(".cards .card"):
        box = card.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900
    page.emulate_media(media="print")
    assert not page.is_visible("header.top nav")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.close()


def test_tables_sort_by_a_click_on_their_header(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, site, "ana")
    page.goto(f"{site}/tracker?form=monthly_province")
    header = page.locator("table.sortable thead th").nth(0)
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    ids = [int(t) for t in page.locator("table.sortable tbody tr td:first-child").all_inner_texts()]
    assert len(ids) > 30 and ids == sorted(ids)
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    again = [
        int(t) for t in page.locator("table.sortable tbody tr td:first-child").all_inner_texts()
    ]
    assert again == sorted(ids, reverse=True)
    page.close()
