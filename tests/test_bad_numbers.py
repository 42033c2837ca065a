"""Numbers no statistic can be (NaN, infinity, 1e309, 400 digits) are refused at every entrance:
the value layer, file imports, form uploads, the entry pages and the JSON API; each refusal names
the file, row and field, and nothing reaches the store."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from factories import ACME, ENTERPRISE_VALUES, add_enterprises
from web_session import PASSWORD, csrf, login
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.cli import run
from wenzeng.domain.checking import check_values
from wenzeng.domain.values import MAX_MAGNITUDE, OutOfBounds, ValueError_, as_figure, parse_value
from wenzeng.errors import ValidationFailed
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.form_files import upload
from wenzeng.services.forms import get_form
from wenzeng.services.importing import import_file
from wenzeng.store.audit import audit_entries
from wenzeng.store.observations import count_observations
from wenzeng.web.app import create_app

HUGE = "9" * 400
NOT_FIGURES = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", HUGE, "1e15"]


# -- the value layer -------------------------------------------------------------------------
@pytest.mark.parametrize("cell", NOT_FIGURES)
def test_a_number_no_statistic_can_be_is_not_a_value(cell: str) -> None:
    with pytest.raises(ValueError_):
        parse_value(cell)


@pytest.mark.parametrize("cell", ["1e309", HUGE, "1e15", "-2e15", "1,000,000,000,000,000"])
def test_numbers_beyond_the_bound_say_so(cell: str) -> None:
    with pytest.raises(OutOfBounds):
        parse_value(cell)


def test_the_bound_is_above_every_real_figure() -> None:
    assert parse_value("999,999,999,999,999").value == 999_999_999_999_999
    assert parse_value("约-1.3e14").value == -1.3e14  # China's GDP in yuan, with room to spare
    assert as_figure(12) == 12.0
    for x in (math.nan, math.inf, -math.inf, 10**400, MAX_MAGNITUDE):
        with pytest.raises(OutOfBounds):
            as_figure(x)


@given(st.text(alphabet="0123456789.,eE+-naifty%NIF ", max_size=30))
def test_whatever_a_cell_holds_a_value_is_finite_and_bounded(cell: str) -> None:
    try:
        parsed = parse_value(cell)
    except ValueError_:
        return
    assert parsed.value is None or (
        math.isfinite(parsed.value) and abs(parsed.value) < MAX_MAGNITUDE
    )


def test_form_checks_refuse_them_naming_the_field(sqlite_ctx: Context) -> None:
    form = get_form(sqlite_ctx, "monthly_enterprise").form
    raw = dict(ENTERPRISE_VALUES) | {
        "revenue_month": math.nan,
        "revenue_cum": math.inf,
        "export_month": 10**400,
        "export_cum": "1e309",
        "profit_cum": "9e14 万亿元",  # finite as written, beyond the bound once in 万元
    }
    result = check_values(form, raw)
    bad = {p.field: p for p in result.errors}
    for code in ("revenue_month", "revenue_cum", "export_month", "export_cum", "profit_cum"):
        assert code not in result.values
        assert bad[code].rule == "type" and "not a valid figure" in bad[code].msg_en
        assert "不是有效数值" in bad[code].msg_zh
        json.dumps(bad[code].as_dict(), allow_nan=False)  # the error body stays valid JSON
    assert len(bad["export_month"].msg_en) < 200  # 400 digits are quoted by their first few


# -- importing files -------------------------------------------------------------------------
def _count(ctx: Context) -> int:
    with ctx.reading() as conn:
        return count_observations(conn)


def test_an_import_refuses_them_by_row_and_column(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    lines = ["indicator,region,period,period_type,measure,value,unit"]
    cells = ["NaN", "Infinity", "-inf", "1e309", HUGE, "2e15", "9e14"]
    for i, cell in enumerate(cells):
        unit = "万亿元" if cell == "9e14" else "亿元"  # 9e14 万亿元 is 9e18 亿元
        lines.append(f"revenue_elec,CN,2030-{i + 1:02d},month,level,{cell},{unit}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _count(ctx)
    with pytest.raises(ValidationFailed, match="nothing was written") as info:
        import_file(ctx, path, ColumnMapping())
    errors = [i for i in info.value.issues if i.severity == "error"]
    assert sorted(i.loc.row for i in errors if i.loc.row is not None) == list(range(2, 9))
    for issue in errors:
        assert issue.loc.file == str(path) and issue.loc.column == "value"
        assert issue.msg_zh != issue.msg_en
        assert len(issue.msg) < 300
    assert _count(ctx) == before


def test_wenzeng_import_refuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run(["init"]) == 0
    path = tmp_path / "nan.csv"
    path.write_text(
        "indicator,region,period,period_type,measure,value,unit\n"
        "revenue_elec,CN,2030-01,month,level,NaN,亿元\n"
        f"revenue_elec,CN,2030-02,month,level,{HUGE},亿元\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run(["import", str(path)]) == 3
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert "第2行/row 2" in err and "第3行/row 3" in err and "列/column value" in err
    assert HUGE not in err


# -- uploads ---------------------------------------------------------------------------------
HEADER = "报送单位代码,报告期," + ",".join(
    [
        "工业总产值（当月）（万元）",
        "营业收入（当月）（万亿元）",  # converted to 万元 (× 10^8)
        "营业收入（1-本月累计）（万元）",
    ]
)


def test_an_upload_refuses_them_by_row_and_column(ctx: Context, tmp_path: Path) -> None:
    add_enterprises(ctx, ACME)
    acme = Principal("acme", Role.ENTERPRISE, user_id=2, entity="E9001")
    path = tmp_path / "upload.csv"
    path.write_text(
        HEADER + "\n"
        "E9001,2025年9月,NaN,1,100\n"
        "E9001,2025年10月,12000,9e14,100\n"  # 9e22 万元 once converted
        f"E9001,2025年11月,12000,1,{HUGE}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed, match="nothing was written") as info:
        upload(ctx, acme, "monthly_enterprise", path)
    found = {(i.loc.row, i.loc.column) for i in info.value.issues if i.severity == "error"}
    assert (2, "工业总产值（当月）（万元）") in found
    assert (3, "营业收入（当月）（万亿元）") in found
    assert (4, "营业收入（1-本月累计）（万元）") in found
    with ctx.reading() as conn:
        assert not audit_entries(conn, object_type="submission")


# -- the JSON API and the entry page -----------------------------------------------------------
@pytest.fixture
def api(ctx: Context) -> Iterator[tuple[TestClient, dict[str, str]]]:
    add_enterprises(ctx, ACME)
    accounts.add_user(ctx, SYSTEM, username="acme", role="enterprise", entity="E9001")
    token = accounts.create_token(ctx, SYSTEM, "acme", "tests")
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _body(value: str) -> str:
    values = ", ".join(f'"{k}": {v}' for k, v in ENTERPRISE_VALUES.items() if k != "revenue_month")
    return (
        '{"form": "monthly_enterprise", "reporter": "E9001", "period": "2025-10", '
        f'"values": {{{values}, "revenue_month": {value}}}}}'
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", HUGE])
def test_the_api_refuses_json_numbers_that_are_no_numbers(
    api: tuple[TestClient, dict[str, str]], ctx: Context, literal: str
) -> None:
    client, headers = api
    for url in ("/api/v1/submissions/check", "/api/v1/submissions"):
        r = client.post(url, content=_body(literal), headers=headers)
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["ok"] is False and body["errors"][0]["code"] == "json_invalid"
        assert "not valid JSON" in body["errors"][0]["msg"] and len(r.content) < 2000
    with ctx.reading() as conn:
        assert not audit_entries(conn, object_type="submission")


def test_the_api_names_the_field_of_a_figure_too_large(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = api
    r = client.post("/api/v1/submissions/check", content=_body("1e20"), headers=headers)
    assert r.status_code == 200 and r.json()["can_submit"] is False
    (problem,) = [p for p in r.json()["problems"] if p["field"] == "revenue_month"]
    assert problem["severity"] == "error" and "not a valid figure" in problem["msg_en"]
    r = client.post("/api/v1/submissions", content=_body("1e20"), headers=headers)
    assert r.status_code == 201 and "revenue_month" not in r.json()["submission"]["values"]
    s = r.json()["submission"]
    r = client.post(
        f"/api/v1/submissions/{s['id']}/submit",
        json={"version": s["version"]},
        headers=headers,
    )
    assert r.status_code == 422  # it never reaches the review queue


def test_the_entry_page_refuses_them(sqlite_ctx: Context) -> None:
    add_enterprises(sqlite_ctx, ACME)
    accounts.add_user(
        sqlite_ctx, SYSTEM, username="acme", role="enterprise", entity="E9001", password=PASSWORD
    )
    with TestClient(create_app(sqlite_ctx.settings, sqlite_ctx)) as client:
        login(client, "acme", "/report")
        page = client.get("/report/monthly_enterprise/2025-10")
        values = {f"f_{k}": str(v) for k, v in ENTERPRISE_VALUES.items()}
        r = client.post(
            "/report/monthly_enterprise/2025-10",
            data={
                **values,
                "f_revenue_month": "NaN",
                "f_revenue_cum": "1e309",
                "csrf_token": csrf(page.text),
                "version": "",
                "action": "submit",
            },
        )
        assert r.status_code == 422
        assert r.text.count("不是有效数值") + r.text.count("不是数字") >= 2
        waiting = subs.list_submissions(sqlite_ctx, SYSTEM, status=subs.Status.SUBMITTED.value)
        assert waiting == []
