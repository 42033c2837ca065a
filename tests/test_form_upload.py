"""Uploading filled-in forms as offices produce them; templates to fill in."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from factories import ENTERPRISE_VALUES, add_enterprises
from wenzeng.auth.principal import Principal, Role
from wenzeng.errors import ValidationFailed
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.form_files import template_csv, template_xlsx, upload
from wenzeng.services.forms import get_form
from wenzeng.store.audit import audit_entries

HERE = Path(__file__).parent / "specimens" / "forms"
ACME = Principal("acme", Role.ENTERPRISE, user_id=2, entity="E9001")


@pytest.fixture
def cx(ctx: Context) -> Context:
    add_enterprises(
        ctx, ("E9001", "甲公司", "510000", "C392"), ("E9002", "乙公司", "510000", "C392")
    )
    return ctx


def count(cx: Context) -> int:
    with cx.reading() as conn:
        return len(audit_entries(conn, object_type="submission"))


def test_gbk_csv_with_units_in_headers(cx: Context) -> None:
    result = upload(cx, ACME, "monthly_enterprise", HERE / "enterprise_gbk.csv")
    sep, octo = sorted(result.submissions, key=lambda s: s.period)
    assert (sep.period, octo.period) == ("2025-09", "2025-10")
    assert sep.values["output_value_month"] == 12000  # full-width digits and separators
    assert sep.values["revenue_cum"] == pytest.approx(84000)  # 8.4 亿元 → 84,000 万元
    assert sep.values["revenue_yoy"] == 4.8  # '4.8%'
    assert "orders_new" not in octo.values  # '—' is missing
    assert all(s.channel == "upload" and s.status is subs.Status.DRAFT for s in result.submissions)


def test_excel_with_two_row_merged_headers(cx: Context) -> None:
    result = upload(cx, ACME, "monthly_enterprise", HERE / "enterprise_merged.xlsx")
    (s,) = result.submissions
    assert s.values["revenue_month"] == 11000 and s.values["revenue_cum"] == 95000
    assert s.values["export_cum"] == 30000 and s.values["employment"] == 1500


def test_bad_file_is_reported_by_row_and_column_and_writes_nothing(cx: Context) -> None:
    before = count(cx)
    with pytest.raises(ValidationFailed, match="nothing was written") as info:
        upload(cx, ACME, "monthly_enterprise", HERE / "enterprise_bad.csv")
    found = {(i.loc.row, i.loc.column, i.code.value) for i in info.value.issues}
    assert (3, "报告期", "bad_period") in found
    assert (4, "营业收入（当月）（万元）", "rule_failed") in found
    assert any(r == 5 and code == "reference" for r, _, code in found)  # another enterprise
    assert count(cx) == before
    assert subs.list_submissions(cx, ACME) == []


def test_uploading_again_updates_the_drafts(cx: Context) -> None:
    upload(cx, ACME, "monthly_enterprise", HERE / "enterprise_gbk.csv")
    again = upload(cx, ACME, "monthly_enterprise", HERE / "enterprise_gbk.csv")
    assert {s.version for s in again.submissions} == {2}


def test_upload_and_submit(cx: Context) -> None:
    result = upload(cx, ACME, "monthly_enterprise", HERE / "enterprise_merged.xlsx", submit=True)
    assert [s.status for s in result.submissions] == [subs.Status.SUBMITTED]


def test_columns_that_fit_no_field(cx: Context, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "报送单位代码,报告期,营业收入（当月）（GW）,颜色\nE9001,2025-10,1,红\n", encoding="utf-8"
    )
    with pytest.raises(ValidationFailed, match="do not fit form") as info:
        upload(cx, ACME, "monthly_enterprise", path)
    msgs = [i.msg for i in info.value.issues]
    assert any("column '营业收入（当月）（GW）' is in GW" in m for m in msgs)
    assert any("no field of the form matches column '颜色'" in m for m in msgs)


def test_an_unreadable_file_says_nothing_was_written(cx: Context, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("报送单位代码,报告期\nE9001,2025-10\n".encode("utf-16"))
    before = count(cx)
    with pytest.raises(ValidationFailed) as info:
        upload(cx, ACME, "monthly_enterprise", path)
    message = info.value.message
    assert "未写入任何数据" in message and "nothing was written" in message
    assert "文件编码无法识别" in message  # and why, with the file named in the issue
    assert [Path(str(i.loc.file)).name for i in info.value.issues] == ["utf16.csv"]
    assert count(cx) == before


def test_templates_round_trip(cx: Context, tmp_path: Path) -> None:
    form = get_form(cx, "monthly_enterprise")
    header = template_csv(form).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["报送单位代码", "报告期", "工业总产值（当月）（万元）"]
    assert len(header) == 2 + len(form.fields)
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(form)))
    ws = wb.active
    assert ws.cell(2, 3).value == "工业总产值（当月）（万元）"
    # a filled-in template imports
    ws.cell(3, 1, "E9001")
    ws.cell(3, 2, "2025年10月")
    values = ENTERPRISE_VALUES
    for col, f in enumerate(form.fields, start=3):
        ws.cell(3, col, values[f.code])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    (s,) = upload(cx, ACME, "monthly_enterprise", path).submissions
    assert len(s.values) == len(form.fields)
