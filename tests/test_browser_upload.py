"""A key enterprise's round with files, in a real browser (Debian's chromium).

甲公司's reporter sees on /report every form the catalogue asks of an enterprise, uploads its
figures as offices produce them: first two files that cannot be read (a CSV in UTF-16, a
workbook with a text in a number cell), each refused with the file, row and field named in
Chinese and English and nothing stored; then a GBK-encoded CSV, whose warning it explains on
the form before submitting. Staff return the report with a reason; the reporter sees 已退回 and
the reason on /report, corrects it by uploading an .xlsx with a merged two-row header and
submits it at once; staff accept it after the confirmation dialog, and /report says 已接受.
Screenshots go to test-output/screenshots/upload-*.png.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from browser_kit import (
    CHROMIUM,
    SHOTS,
    browser_fixture,
    log_in,
    log_out,
    serious_violations,
    site_fixture,
    too_wide,
)
from factories import ACME
from wenzeng.domain import labels
from wenzeng.domain.periods import PeriodType, reporting_period

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
USERS = {"acme": ("enterprise", "E9001"), "ana": ("analyst", None)}
PERIOD = reporting_period(PeriodType.MONTH)  # the month being reported now
FORM = "monthly_enterprise"
# 甲公司's figures in 万元 (people in 人); a profit of half the revenue asks for a word
FIGURES = {
    "工业总产值（当月）（万元）": "12,000",
    "工业总产值（1-本月累计）（万元）": "130,000",
    "营业收入（当月）（万元）": "11,000",
    "营业收入（1-本月累计）（万元）": "120,000",
    "营业收入累计同比增长（%）": "5.0",
    "利润总额（1-本月累计）（万元）": "60,000",
    "出口交货值（当月）（万元）": "3,000",
    "出口交货值（1-本月累计）（万元）": "33,000",
    "新签订单金额（当月）（万元）": "12,500",
    "产成品存货（月末）（万元）": "8,000",
    "应收账款（月末）（万元）": "20,000",
    "从业人员平均人数（当月）（人）": "1,500",
}
REASON = "利润总额占营业收入一半，请核对是否误填"

site = site_fixture("upload", USERS, enterprises=(ACME,))
browser = browser_fixture()


def office_csv() -> str:
    """The figures as an office saves them from its spreadsheet: Chinese headers with units,
    numbers with thousands separators, quoted."""
    header = ",".join(["报送单位代码", "报告期", *FIGURES])
    row = ",".join(["E9001", PERIOD.label_zh, *(f'"{v}"' for v in FIGURES.values())])
    return f"{header}\n{row}\n"


def merged_xlsx(revenue_month: Any, profit_cum: Any) -> bytes:
    """The report as a workbook with a title and a two-row header: 营业收入（万元） merged over
    当月 and 1-本月累计, the columns with one header row merged down over both."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业月报"
    ws.append([f"重点企业生产经营情况月报（{PERIOD.label_zh}）"])
    ws.merge_cells("A1:N1")
    ws.append(
        ["报送单位代码", "报告期", "工业总产值（万元）", None, "营业收入（万元）", None]
        + ["营业收入累计同比增长（%）", "利润总额（1-本月累计）（万元）", "出口交货值（万元）"]
        + [None, "新签订单金额（当月）（万元）", "产成品存货（月末）（万元）"]
        + ["应收账款（月末）（万元）", "从业人员平均人数（当月）（人）"]
    )
    ws.append([None, None, "当月", "1-本月累计", "当月", "1-本月累计", None, None, "当月"])
    ws.cell(3, 10, "1-本月累计")
    for col in "ABGHKLMN":
        ws.merge_cells(f"{col}2:{col}3")
    for left, right in (("C", "D"), ("E", "F"), ("I", "J")):
        ws.merge_cells(f"{left}2:{right}2")
    ws.append(
        ["E9001", PERIOD.label_zh, 12000, 130000, revenue_month, 120000, "5.0%", profit_cum]
        + [3000, 33000, 12500, 8000, 20000, 1500]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SHOTS / f"upload-{name}.png"), full_page=True)


def looked_at(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot at 1440 and 390 px; at both no serious finding of axe-core's and nothing
    wider than the screen.  The round goes on at 1440 px."""
    from axe_playwright_python.sync_playwright import Axe

    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"{name}-{width}")
        assert too_wide(page, width) == "", (name, width)
        assert serious_violations(Axe(), page) == [], (name, width)
    page.set_viewport_size({"width": 1440, "height": 900})


def upload(page, site: str, path: Path, *, submit: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Upload ``path`` for the monthly report through the upload page; the job's page
    follows with what came of it."""
    page.goto(f"{site}/report/upload")
    page.select_option("select[name=form]", FORM)
    page.set_input_files("input[name=file]", str(path))
    if submit:
        page.check("input[name=submit]")
    page.click("button.primary")
    page.wait_for_url("**/jobs/*")
    page.wait_for_load_state("networkidle")


def due_row(page, site: str):  # type: ignore[no-untyped-def]
    page.goto(f"{site}/report")
    return page.locator(f"table.due tr[data-form='{FORM}']")


def nothing_stored(page, site: str) -> None:  # type: ignore[no-untyped-def]
    row = due_row(page, site)
    assert "未报送" in row.inner_text()
    assert "尚无报送" in page.inner_text("section[aria-labelledby=subs-h]")


def refusal(page, message: str = "[role=alert]") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A refusal: its message and the first line of the validation report under it."""
    cells = page.locator("table.report tbody tr").first.locator("td").all_inner_texts()
    return {"message": page.inner_text(message), "file": cells[0], "row": cells[1]} | {
        "column": cells[2],
        "problem": cells[4],
    }


def test_the_reporter_sees_every_form_the_catalogue_asks_of_an_enterprise(
    site: str,
    browser,  # type: ignore[no-untyped-def]
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, site, "acme")
    assert page.url == f"{site}/report"
    forms = page.request.get(f"{site}/api/v1/forms").json()["forms"]
    owed = {f["code"]: f["frequency"] for f in forms if f["reporter"] == "enterprise"}
    shown = page.locator("table.due tbody tr").evaluate_all("rs => rs.map(r => r.dataset.form)")
    assert sorted(shown) == sorted(owed) and FORM in owed
    for code, frequency in owed.items():
        text = page.inner_text(f"table.due tr[data-form='{code}']")
        assert "未报送" in text and labels.pair(labels.FREQUENCY, frequency)[0] in text
    assert PERIOD.label_zh in page.inner_text(f"table.due tr[data-form='{FORM}']")
    page.close()


def test_files_uploaded_returned_corrected_and_accepted(
    site: str,
    browser,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, site, "acme")
    shot(page, "01-due")

    # a CSV saved as UTF-16: refused, naming the file, in both languages; nothing stored
    utf16 = tmp_path / "甲公司月报-utf16.csv"
    utf16.write_bytes(office_csv().encode("utf-16"))
    upload(page, site, utf16)
    looked_at(page, "02-wrong-encoding")
    seen = refusal(page)
    assert "文件编码无法识别" in seen["message"] and "unknown text encoding" in seen["message"]
    assert seen["file"] == utf16.name and utf16.name in seen["message"]
    english = page.url.split("?")[0] + "?lang=en"
    page.goto(english)
    assert "encoding" in refusal(page)["problem"]
    page.goto(f"{site}/report?lang=zh")
    nothing_stored(page, site)

    # a workbook with a text in a number cell: the file, its row and the field, both languages
    wrong = tmp_path / "甲公司月报-文字.xlsx"
    wrong.write_bytes(merged_xlsx("一万一千", 6000))
    page.goto(f"{site}/report/upload")  # previewed first: the same report, on the upload page
    page.select_option("select[name=form]", FORM)
    page.set_input_files("input[name=file]", str(wrong))
    page.click("button[name=preview]")
    page.wait_for_selector("#preview-h")
    assert "取自“报告期”列" in page.inner_text("main")
    seen = refusal(page, ".alert.error")
    assert (seen["file"], seen["row"]) == (wrong.name, "4") and "一万一千" in seen["problem"]
    assert "个问题须改正后再上传" in seen["message"]
    shot(page, "03a-preview")
    upload(page, site, wrong)
    looked_at(page, "03-text-in-a-number")
    seen = refusal(page)
    assert seen["file"] == wrong.name and seen["row"] == "4"  # the data row under the header
    assert "营业收入" in seen["column"] and "当月" in seen["column"]
    assert "一万一千" in seen["problem"] and "数" in seen["problem"]
    page.goto(page.url.split("?")[0] + "?lang=en")
    english_problem = refusal(page)["problem"]
    assert "一万一千" in english_problem and "number" in english_problem
    shot(page, "03b-text-in-a-number-en")
    page.goto(f"{site}/report?lang=zh")
    nothing_stored(page, site)

    # the GBK CSV: stored as a draft, with the one warning to explain and no earlier refusal
    gbk = tmp_path / "甲公司月报.csv"
    gbk.write_bytes(office_csv().encode("gbk"))
    upload(page, site, gbk)
    looked_at(page, "04-uploaded")
    assert "已保存 1 份报送" in page.inner_text(".alert.ok")
    stored = page.inner_text("ul.stored")  # by name and state, with where to explain it
    assert "甲公司" in stored and "草稿" in stored and "打开报表填写说明" in stored
    assert page.locator(".alert.error").count() == 0
    report = page.inner_text("table.report")
    assert "利润总额" in report and "40%" in report
    assert "一万一千" not in report and "编码" not in report
    row = due_row(page, site)
    assert "草稿" in row.inner_text()
    row.locator("a.button.primary").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#f_revenue_cum") == "120000"  # read from "120,000"
    warning = page.locator("tr[data-field='profit_cum'] .problem.warning")
    assert warning.count() == 1 and "40%" in warning.inner_text()
    assert page.locator(".problem.error").count() == 0
    assert "须填写情况说明" in page.inner_text("#banner")
    looked_at(page, "05-form-warning")
    page.fill(
        "textarea[name='x_profit_margin_plausible']", "本月处置子公司股权，投资收益计入利润总额"
    )
    page.locator("#banner", has_text="检查通过").wait_for()
    page.click("button[value=submit]")
    page.wait_for_url("**/submissions/*?done=submitted")
    sid = page.url.split("/submissions/")[1].split("?")[0]
    shot(page, "06-submitted")
    log_out(page)

    # staff return it with a reason
    log_in(page, site, "ana")
    page.goto(f"{site}/submissions/{sid}")
    assert "投资收益" in page.inner_text("main")  # the explanation reaches the reviewer
    page.fill("section.decide input[name=reason]", REASON)
    page.click("section.decide button[value=return]")
    page.wait_for_url(f"**/submissions/{sid}?done=returned*")
    shot(page, "07-returned")
    log_out(page)

    # the reporter sees why, and corrects it with the workbook, submitted at once
    log_in(page, site, "acme")
    row = page.locator(f"table.due tr[data-form='{FORM}']")
    assert "已退回" in row.inner_text() and REASON in row.inner_text()
    shot(page, "08-reporter-returned")
    fixed = tmp_path / "甲公司月报-更正.xlsx"
    fixed.write_bytes(merged_xlsx(11000, 6000))
    upload(page, site, fixed, submit=True)
    looked_at(page, "09-corrected")
    assert "已保存 1 份报送" in page.inner_text(".alert.ok")
    assert page.locator("table.report").count() == 0  # nothing left to explain
    assert "已报送待审核" in page.inner_text("ul.stored")  # submitted at once, and says so
    page.click("ul.stored a")
    page.wait_for_load_state("networkidle")
    assert "待审核" in page.inner_text("main")
    log_out(page)

    # staff accept it after the confirmation dialog
    log_in(page, site, "ana")
    page.goto(f"{site}/review")
    asked: list[str] = []

    def confirm(d) -> None:  # type: ignore[no-untyped-def]
        asked.append(d.message)
        d.accept()

    page.once("dialog", confirm)
    page.click(f"form[action='/review/{sid}'] button[value=accept]")
    page.wait_for_url(f"**/review?done=accepted&id={sid}")
    assert asked and "确认接受" in asked[0]
    shot(page, "10-accepted")
    log_out(page)

    log_in(page, site, "acme")
    row = page.locator(f"table.due tr[data-form='{FORM}']")
    assert "已接受" in row.inner_text() and REASON not in row.inner_text()
    shot(page, "11-reporter-accepted")
    page.close()
