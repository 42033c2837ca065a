"""An upload as an office sends it: a title naming the period, a unit line, notes below the
rows; and the preview that shows how it is read before anything is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import add_enterprises
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.form_files import preview, upload
from wenzeng.web.app import create_app

ACME = Principal("acme", Role.ENTERPRISE, user_id=2, entity="E9001")

MONEY = {  # 万元, as the form asks
    "营业收入（当月）": 10000,
    "营业收入（1-本月累计）": 84000,
    "output_value_month": 12000,
    "output_value_cum": 100000,
    "profit_cum": 6000,
    "export_month": 3000,
    "export_cum": 30000,
    "orders_new": 12500,
    "inventory_finished": 8000,
    "receivables": 20000,
}


def titled_text(unit: str = "万元", scale: float = 1.0, revenue_cum: float | None = None) -> str:
    """A monthly report as an office sends it: a title with the period, a unit line, the
    header, one row, a footnote and a source line."""
    money = {k: v * scale for k, v in MONEY.items()}
    if revenue_cum is not None:
        money["营业收入（1-本月累计）"] = revenue_cum
    header = ["报送单位代码", *money, "营业收入累计同比增长（%）", "从业人员平均人数（当月）（人）"]
    row = ["E9001", *(f"{v:g}" for v in money.values()), "4.8", "1500"]
    return (
        "重点企业生产经营情况月报（2025年9月）\n"
        f"单位：{unit}\n" + ",".join(header) + "\n" + ",".join(row) + "\n"
        "注：1.本表数据为快报数。\n"
        "资料来源：企业财务报表。\n"
    )


@pytest.fixture
def cx(ctx: Context) -> Context:
    add_enterprises(ctx, ("E9001", "甲公司", "510000", "C392"))
    return ctx


@pytest.fixture
def titled(tmp_path: Path) -> Path:
    path = tmp_path / "月报.csv"
    path.write_bytes(titled_text().encode("gb18030"))
    return path


def test_the_preview_says_how_the_file_is_read_and_writes_nothing(
    cx: Context, titled: Path
) -> None:
    seen = preview(cx, ACME, "monthly_enterprise", titled)
    assert seen.period_from == "title" and seen.title and "2025年9月" in seen.title
    fields = {c["field"]: c for c in seen.columns if c["role"] == "field"}
    assert fields["revenue_cum"]["factor"] == 1.0  # the form's unit is 万元, as the unit line
    assert fields["employment"]["unit"] == "人"
    assert [(r["reporter"], r["period"]) for r in seen.rows] == [("E9001", "2025-09")]
    assert {n["kind"] for n in seen.notes} >= {"note", "source"}
    assert not seen.errors
    assert subs.list_submissions(cx, ACME) == []  # nothing written


def test_a_titled_file_uploads_with_the_period_of_its_title(cx: Context, titled: Path) -> None:
    (s,) = upload(cx, ACME, "monthly_enterprise", titled).submissions
    assert s.period == "2025-09"
    assert s.values["revenue_cum"] == 84000 and s.values["employment"] == 1500


def test_a_unit_line_converts_the_columns_it_fits(cx: Context, tmp_path: Path) -> None:
    path = tmp_path / "亿元.csv"
    path.write_text(titled_text("亿元", 1e-4), encoding="utf-8-sig")
    (s,) = upload(cx, ACME, "monthly_enterprise", path).submissions
    assert s.values["revenue_cum"] == pytest.approx(84000)  # 8.4 亿元
    assert s.values["revenue_month"] == pytest.approx(10000)
    assert s.values["revenue_yoy"] == 4.8  # a % column is not money: the unit line leaves it
    assert s.values["employment"] == 1500


def test_the_preview_names_the_problems_the_upload_would_refuse(
    cx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(titled_text(revenue_cum=-5), encoding="utf-8")
    seen = preview(cx, ACME, "monthly_enterprise", path)
    assert any(
        i.loc.row == 4 and "营业收入（1-本月累计）" in (i.loc.column or "") for i in seen.errors
    )
    assert subs.list_submissions(cx, ACME) == []


@pytest.fixture
def client_and_token(cx: Context) -> Iterator[tuple[TestClient, dict[str, str]]]:
    accounts.add_user(cx, SYSTEM, username="acme", role="enterprise", entity="E9001")
    token = accounts.create_token(cx, SYSTEM, "acme", "tests")
    with TestClient(create_app(cx.settings, context=cx), raise_server_exceptions=False) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_the_api_preview_answers_at_once_and_writes_nothing(
    cx: Context, titled: Path, client_and_token: tuple[TestClient, dict[str, str]]
) -> None:
    client, auth = client_and_token
    r = client.post(
        "/api/v1/forms/monthly_enterprise/upload/preview",
        files={"file": (titled.name, titled.read_bytes(), "text/csv")},
        headers=auth,
    )
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["ok"] and body["dry_run"] and body["period_from"] == "title"
    assert [row["period"] for row in body["rows"]] == ["2025-09"]
    assert any(n["text"].startswith("注") for n in body["notes"])
    assert subs.list_submissions(cx, ACME) == []


def test_the_upload_page_shows_the_preview(
    cx: Context, titled: Path, client_and_token: tuple[TestClient, dict[str, str]]
) -> None:
    client, auth = client_and_token
    r = client.post(
        "/report/upload",
        data={"form": "monthly_enterprise", "preview": "true"},
        files={"file": (titled.name, titled.read_bytes(), "text/csv")},
        headers={**auth, "Accept": "text/html"},
    )
    assert r.status_code == 200, r.text[:500]
    assert "文件读取结果（未保存）" in r.text and "取自标题" in r.text
    assert "本表数据为快报数" in r.text and "甲公司" in r.text
    assert subs.list_submissions(cx, ACME) == []


BUREAU = (
    "四川省2025年10月电子信息制造业主要指标\n"
    "单位：亿元\n"
    "地区,计算机、通信和其他电子设备制造业增加值增速（当月）（%）,"
    "计算机、通信和其他电子设备制造业增加值增速（1-本月累计）（%）,"
    "营业收入/1-10月累计,同比增长(%),利润总额/1-10月累计,出口交货值/1-10月累计,同比增长(%),"
    "规模以上企业单位数\n"
    '四川,8.5,9.1,"11,234.5",6.2,520,3100,4.1,1800\n'
    "注：本表为快报数。\n"
)


def test_a_bureau_table_uploads_to_the_form_its_headers_name(ctx: Context, tmp_path: Path) -> None:
    """Headers as a bureau writes them (营业收入/1-10月累计, then 同比增长(%) for the column
    before) find the form's fields through the catalogue's names; the region by its name."""
    sichuan = Principal("sichuan", Role.PROVINCE, user_id=3, entity="510000")
    path = tmp_path / "四川.csv"
    path.write_bytes(BUREAU.encode("gb18030"))
    seen = preview(ctx, sichuan, "monthly_province", path)
    fields = {c["column"]: c.get("field") for c in seen.columns}
    assert fields["营业收入/1-10月累计"] == "revenue_cum"
    assert fields["同比增长(%)"] == "revenue_yoy"
    assert fields["出口交货值/1-10月累计"] == "export_cum"
    assert "export_yoy" in fields.values()  # the second 同比增长(%) follows its own column
    assert not seen.errors, seen.errors
    (s,) = upload(ctx, sichuan, "monthly_province", path).submissions
    assert (s.reporter, s.period) == ("510000", "2025-10")
    assert s.values["revenue_cum"] == 11234.5 and s.values["export_yoy"] == 4.1
