"""End to end in a real browser (Debian's headless chromium, driven by Playwright).

A province fills in its monthly report by uploading a CSV with mistakes, reads the validation
report, uploads the corrected file and submits; department staff accept it; the region page
then shows the figure. Every page visited is saved as a screenshot under
test-output/screenshots/, and no page may request anything from outside 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_kit import CHROMIUM, SHOTS, chromium, serving
from wenzeng.auth.principal import SYSTEM
from wenzeng.config import load_settings
from wenzeng.services import accounts, reports
from wenzeng.services.context import Context
from wenzeng.services.setup import initialise

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
PASSWORD = "correct horse battery"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HEADER = (
    "报送单位代码,报告期,计算机、通信和其他电子设备制造业增加值增速（当月）（%）,"
    "计算机、通信和其他电子设备制造业增加值增速（1-本月累计）（%）,营业收入（1-本月累计）（亿元）,"
    "营业收入累计同比增长（%）,利润总额（1-本月累计）（亿元）,出口交货值（1-本月累计）（亿元）,"
    "出口交货值累计同比增长（%）,规模以上企业单位数"
)
BAD = (
    HEADER
    + '\n510000,2025年13月,8.5,9.1,"11,234.5",6.2,520,3100,4.1,1800\n'
    + '510000,2025年10月,八点五,9.1,"11,234.5",6.2,520,3100,4.1,1800\n'
)
GOOD = HEADER + '\n510000,2025年10月,8.5,9.1,"11,234.5",6.2,520,3100,4.1,1800\n'
# as a bureau passes it on: the period in the title, no 报告期 column, a note and a source below
TITLED = (
    "四川省2025年10月电子信息制造业运行情况\n"
    + HEADER.replace("报告期,", "")
    + '\n510000,8.5,9.1,"11,234.5",6.2,520,3100,4.1,1800\n'
    + "注：1.本表数据为快报数。\n资料来源：四川省统计局。\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("site")
    settings = load_settings(database_url=f"sqlite:///{home / 'wenzeng.db'}", data_dir=home)
    ctx = Context.open(settings)
    initialise(ctx)
    accounts.add_user(
        ctx,
        SYSTEM,
        username="sichuan",
        role="province",
        entity="510000",
        password=PASSWORD,
        display_name="四川省经信厅",
    )
    accounts.add_user(
        ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD, display_name="分析员"
    )
    # the reports page lists one published report (every format) and one draft
    ana = accounts.authenticate(ctx, "ana", PASSWORD)
    published = reports.generate(ctx, ana, "quarterly", "2024Q3")
    assert published.report_id is not None
    reports.set_published(ctx, ana, published.report_id, True)
    reports.generate(ctx, ana, "annual", "2024", formats=("html",), lang="en")
    (home / "bad.csv").write_bytes(BAD.encode("gbk"))
    (home / "good.csv").write_bytes(GOOD.encode("gbk"))
    (home / "titled.csv").write_bytes(TITLED.encode("gb18030"))
    os.environ["WENZENG_E2E_HOME"] = str(home)
    try:
        with serving(settings, ctx) as base:
            yield base
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium(ARGS) as b:
        yield b


def page_for(browser, base: str, outside: list[str]):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page, base: str, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    # a reporter lands on what it owes, department staff on the overview with their to-dos
    page.wait_for_url(lambda url: url in (f"{base}/report", f"{base}/"))


def test_province_uploads_fixes_submits_and_staff_accepts(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    home = Path(os.environ["WENZENG_E2E_HOME"])
    outside: list[str] = []
    page = page_for(browser, site, outside)
    page.goto(site)
    shot(page, "01-overview")
    login(page, site, "sichuan")
    shot(page, "02-report-index")
    page.goto(f"{site}/report/upload")
    page.select_option("select[name=form]", "monthly_province")
    page.set_input_files("input[name=file]", str(home / "bad.csv"))
    page.click("button.primary")
    page.wait_for_selector("table.report")
    shot(page, "03-upload-report")
    report = page.inner_text("table.report")
    assert "报告期" in report and "营业收入" not in report.split("八点五")[0][-5:]
    assert "八点五" in report  # the value that is not a number, with its row
    assert "nothing was written" in page.inner_text(".alert.error")
    assert "/jobs/" in page.url  # the upload ran as a job; its page shows the report
    page.goto(f"{site}/report/upload")
    page.select_option("select[name=form]", "monthly_province")
    page.set_input_files("input[name=file]", str(home / "titled.csv"))
    page.click("button[name=preview]")
    page.wait_for_selector("#preview-h")
    shot(page, "03b-upload-preview")
    seen = page.inner_text("main")
    assert "取自标题" in seen and "2025年10月" in seen and "本表数据为快报数" in seen
    assert "未发现阻断性问题" in seen
    page.goto(f"{site}/report/upload")
    page.select_option("select[name=form]", "monthly_province")
    page.set_input_files("input[name=file]", str(home / "good.csv"))
    page.check("input[name=submit]")
    page.click("button.primary")
    page.wait_for_selector(".alert.ok")
    shot(page, "04-upload-done")
    assert "已保存 1" in page.inner_text(".alert.ok")
    assert "已报送待审核" in page.inner_text("ul.stored")
    page.click("ul.stored a")
    assert "待审核" in page.inner_text("main")
    shot(page, "05-submission")
    page.click("form.inline button.link")  # log out

    login(page, site, "ana")
    page.goto(f"{site}/review")
    shot(page, "06-review")
    page.once("dialog", lambda d: d.accept())  # accepting asks first
    page.click("button[value=accept]")
    page.wait_for_url(f"{site}/review?done=accepted&id=1")
    assert "已接受报送 #1" in page.inner_text("main")
    assert "没有待审核的报送" in page.inner_text("main")
    page.goto(f"{site}/regions/510000")
    shot(page, "07-region")
    main = page.inner_text("main")
    assert "11,234" in main and "报送 #1" in main  # the accepted figure, traced to its report
    assert outside == []


PAGES = [
    # (name, path, who may see it: "public" or a set of roles)
    ("overview", "/", "public"),
    ("overview-en", "/?lang=en", "public"),
    ("target-va", "/targets/va_growth?lang=zh", "public"),
    ("target-tv", "/targets/tv_75plus_share", "public"),
    ("regions", "/regions", "public"),
    ("region-sichuan", "/regions/510000", "public"),
    ("explorer", "/explorer?indicator=va_elec&measure=yoy_pct&period_type=cum_month", "public"),
    ("warnings", "/warnings", {"ana", "sichuan"}),
    ("enterprises", "/enterprises", {"ana", "sichuan"}),
    ("tracker", "/tracker?form=monthly_province&period=2025-10", {"ana"}),
    ("review", "/review", {"ana"}),
    ("report", "/report", {"sichuan", "ana"}),  # staff see that they owe no form
    ("report-form", "/report/monthly_province/2025-11", {"sichuan"}),
    ("reports", "/reports", "public"),
    ("reports-en", "/reports?lang=en", "public"),
]


def test_every_page_for_its_roles_with_screenshots_and_nothing_from_outside(
    site: str,
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from wenzeng.services.context import Context  # noqa: F401  (the site fixture made the store)

    outside: list[str] = []
    for who in (None, "sichuan", "ana"):
        page = page_for(browser, site, outside)
        if who:
            login(page, site, who)
        for name, path, allowed in PAGES:
            ok = allowed == "public" or (who is not None and who in allowed)
            response = page.goto(f"{site}{path}")
            assert response is not None
            if ok:
                assert response.status == 200, (who, path, response.status)
                page.wait_for_load_state("networkidle")
                shot(page, f"{who or 'public'}-{name}")
                assert "Traceback" not in page.content()
            else:
                # anonymous: sent to the login page; logged in without the role: refused
                assert response.status in (200, 403, 404), (who, path, response.status)
                assert page.url.startswith(f"{site}/login") or response.status in (403, 404), (
                    who,
                    path,
                )
        page.close()
    assert outside == []
    charts = list(SHOTS.glob("*.png"))
    assert len(charts) >= 20


def test_staff_generate_and_publish_a_report_and_the_public_reads_it(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    page = page_for(browser, site, outside)
    login(page, site, "ana")
    page.goto(f"{site}/reports?lang=zh")
    page.fill("input[name=period]", "2024Q9")  # no such quarter: told on the page
    page.click("form.generate button.primary")
    page.wait_for_selector(".alert.error")
    assert "unreadable period" in page.inner_text(".alert.error")
    assert page.input_value("input[name=period]") == "2024Q9"
    shot(page, "ana-reports-error")
    page.fill("input[name=period]", "2024Q3")
    # while a report is being made the button is disabled and the wait is explained
    page.evaluate(
        "() => { document.querySelector('form.generate').onsubmit = e => e.preventDefault(); }"
    )
    page.click("form.generate button.primary")
    assert page.is_visible("form.generate .busy")
    assert page.is_disabled("form.generate button.primary")
    page.reload()
    page.select_option("select[name=kind]", "meeting")
    page.fill("input[name=period]", "2024Q3")
    page.uncheck("input[name=formats][value=pdf]")
    page.uncheck("input[name=formats][value=docx]")
    page.click("form.generate button.primary")
    # the report is made as a job: its page says when it is ready and links to it
    page.wait_for_selector(".alert.ok", timeout=60_000)
    assert "/jobs/" in page.url and "报告已生成" in page.inner_text(".alert.ok")
    shot(page, "ana-report-job")
    page.click(".alert.ok a")
    page.wait_for_selector(".alert.ok")
    shot(page, "ana-reports-generated")
    notice = page.inner_text(".alert.ok")
    rid = notice.split("#", 1)[1].split("（", 1)[0]
    row = f"tr[data-report='{rid}']"
    assert "运行座谈会材料" in page.inner_text(row) and "未发布" in page.inner_text(row)
    page.click(f"{row} form[action$='/publish'] button")
    page.wait_for_selector(".alert.ok")
    assert "已发布" in page.inner_text(row)
    page.close()

    public = page_for(browser, site, outside)
    public.goto(f"{site}/reports")
    assert public.is_visible(f"tr[data-report='{rid}']")
    with public.expect_popup() as popup:
        public.click(f"tr[data-report='{rid}'] td.title a")
    report = popup.value
    report.wait_for_load_state()
    assert "座谈会" in report.title() or "座谈会" in report.inner_text("body")
    shot(report, "public-report-inline")
    public.close()
    assert outside == []


def watch_errors(page, into: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Collect what the browser refuses (the policy's violations) and every script error."""

    def console(m) -> None:  # type: ignore[no-untyped-def]
        if m.type == "error" and "Failed to load resource" not in m.text:  # a 404 is no error
            into.append(f"{page.url}: {m.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: into.append(f"{page.url}: {e}"))


def test_no_page_breaks_the_content_security_policy(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """Every page works under the policy: nothing refused, no script error, charts drawn."""
    outside: list[str] = []
    refused: list[str] = []
    for who in (None, "ana", "sichuan"):
        page = page_for(browser, site, outside)
        watch_errors(page, refused)
        if who:
            login(page, site, who)
        for _name, path, allowed in PAGES:
            if allowed != "public" and (who is None or who not in allowed):
                continue
            response = page.goto(f"{site}{path}")
            assert response is not None and response.status == 200, (who, path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            for chart in page.query_selector_all("div.chart[data-spec]"):
                assert chart.query_selector("svg.main-svg") is not None, (who, path)
        page.goto(f"{site}/regions/000000")  # the error page's back link goes back
        page.click("a.back")
        page.wait_for_load_state()
        assert not page.url.endswith("/regions/000000")
        page.close()
    assert refused == []
    assert outside == []
