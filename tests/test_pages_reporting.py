"""Reporting through the pages as a person does it: log in, fill in, fix, submit, review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import ACME, add_enterprises
from web_session import PASSWORD, csrf, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

HERE = Path(__file__).parent / "specimens" / "forms"


@pytest.fixture
def site(sqlite_ctx: Context) -> Iterator[TestClient]:
    ctx = sqlite_ctx
    add_enterprises(ctx, ACME)
    accounts.add_user(
        ctx,
        SYSTEM,
        username="acme",
        role="enterprise",
        entity="E9001",
        password=PASSWORD,
        display_name="甲公司填报员",
    )
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield client


VALUES = {
    "output_value_month": "12000",
    "output_value_cum": "100,000",
    "revenue_month": "11000",
    "revenue_cum": "95000",
    "profit_cum": "6000",
    "export_month": "3000",
    "export_cum": "30000",
    "inventory_finished": "8000",
    "receivables": "20000",
    "employment": "1500",
}


def test_pages_need_login_and_redirect_there(site: TestClient) -> None:
    r = site.get("/report", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/report"


def test_wrong_password_is_told_in_both_languages(site: TestClient) -> None:
    page = site.get("/login")
    r = site.post(
        "/login",
        data={"username": "acme", "password": "nope nope nope", "csrf_token": csrf(page.text)},
    )
    assert r.status_code == 401 and "wrong username or password" in r.text
    r = site.post(
        "/login",
        data={"username": "acme", "password": PASSWORD, "csrf_token": "forged"},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 403 and "CSRF" in r.text


def test_fill_in_fix_submit_and_review(site: TestClient) -> None:
    login(site, "acme", "/report")
    index = site.get("/report")
    assert "重点企业生产经营情况月报" in index.text and "template.xlsx" in index.text
    page = site.get("/report/monthly_enterprise/2025-10")
    assert page.status_code == 200 and "营业收入（当月）" in page.text
    token = csrf(page.text)
    bad = {f"f_{k}": v for k, v in VALUES.items()} | {"f_revenue_cum": "5000"}
    r = site.post(
        "/report/monthly_enterprise/2025-10",
        data={**bad, "csrf_token": token, "version": "", "action": "submit"},
    )
    assert r.status_code == 422
    assert "cannot be submitted" in r.text or "未通过审核" in r.text
    assert "累计" in r.text and "problem error" in r.text  # the rule shows at its field
    version = re.search(r'name="version" value="(\d+)"', r.text)
    assert version
    good = {f"f_{k}": v for k, v in VALUES.items()}
    r = site.post(
        "/report/monthly_enterprise/2025-10",
        data={**good, "csrf_token": token, "version": version.group(1), "action": "submit"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/submissions/")
    detail = site.get(r.headers["location"])
    # the history reads as words: what was done, through which channel, never a stored dict
    assert "待审核" in detail.text and "报送" in detail.text and "网页填报" in detail.text
    assert "{'" not in detail.text and "channel" not in detail.text
    # a forged change without the token is refused
    r = site.post(
        "/report/monthly_enterprise/2025-10",
        data={**good, "action": "save"},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 403
    site.post("/logout", data={"csrf_token": token})
    login(site, "ana", "/report")
    queue = site.get("/review")
    # the queue names the form, the reporter and the period, not their codes
    assert "甲公司" in queue.text and "重点企业生产经营情况月报" in queue.text
    assert "2025年10月" in queue.text and "E9001" not in queue.text
    assert "monthly_enterprise" not in re.sub(r'(href|action)="[^"]*"', "", queue.text)
    sid = re.search(r'action="/review/(\d+)"', queue.text)
    ver = re.search(r'name="version" value="(\d+)"', queue.text)
    assert sid and ver
    r = site.post(
        f"/review/{sid.group(1)}",
        data={"csrf_token": csrf(queue.text), "version": ver.group(1), "action": "accept"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=accepted" in r.headers["location"]
    after = site.get(r.headers["location"])
    assert "没有待审核的报送" in after.text
    assert f"已接受报送 #{sid.group(1)}" in after.text  # told what was done, not left guessing


def test_upload_page_shows_the_validation_report(site: TestClient) -> None:
    login(site, "acme", "/report")
    page = site.get("/report/upload")
    with (HERE / "enterprise_bad.csv").open("rb") as fh:
        r = site.post(
            "/report/upload",
            data={"form": "monthly_enterprise", "csrf_token": csrf(page.text)},
            files={"file": ("enterprise_bad.csv", fh, "text/csv")},
        )
    # the upload is a job: the answer is its page (after a 303), with the validation report
    assert r.status_code == 200 and re.search(r"/jobs/\d+$", str(r.url))
    assert "审核报告" in r.text and "报告期" in r.text and "<td>3</td>" in r.text
    assert "enterprise_bad.csv" in r.text and "失败" in r.text
    with (HERE / "enterprise_gbk.csv").open("rb") as fh:
        r = site.post(
            "/report/upload",
            data={"form": "monthly_enterprise", "csrf_token": csrf(page.text)},
            files={"file": ("enterprise_gbk.csv", fh, "text/csv")},
        )
    assert r.status_code == 200 and "已保存 2" in r.text and "已完成" in r.text
    # each stored report by the names a person reads, with its state, never by its codes
    stored = re.search(r'<ul class="stored">(.*?)</ul>', r.text, re.S)
    assert stored is not None
    assert "甲公司" in stored.group(1) and "重点企业生产经营情况月报" in stored.group(1)
    assert "E9001" not in re.sub(r'href="[^"]*"', "", stored.group(1))
    assert re.search(r"\d{4}年\d{1,2}月", stored.group(1))
    assert "草稿" in stored.group(1) or "已报送待审核" in stored.group(1)


def test_staff_pages_are_refused_to_reporters(site: TestClient) -> None:
    login(site, "acme", "/report")
    r = site.get("/review", headers={"Accept": "text/html"})
    assert r.status_code == 403 and "department staff only" in r.text
    assert "Traceback" not in r.text


def test_reporting_pages_have_data_twins(site: TestClient) -> None:
    login(site, "acme", "/report")
    page = site.get("/report/monthly_enterprise/2025-10")
    good = {f"f_{k}": v for k, v in VALUES.items()}
    r = site.post(
        "/report/monthly_enterprise/2025-10",
        data={**good, "csrf_token": csrf(page.text), "version": "", "action": "submit"},
        follow_redirects=False,
    )
    sid = r.headers["location"].split("/")[2].split("?")[0]
    mine = site.get("/report.json").json()
    assert mine["ok"] and [s["id"] for s in mine["table"]] == [int(sid)]
    assert site.get("/report.csv").text.splitlines()[0].startswith("\ufeff编号 ID,")
    detail = site.get(f"/submissions/{sid}.json").json()
    assert detail["s"]["status"] == "submitted" and detail["trail"][0]["action"] == "create"
    site.post("/logout", data={"csrf_token": csrf(page.text)})
    login(site, "ana", "/report")
    queue = site.get("/review.json").json()
    assert [s["id"] for s in queue["table"]] == [int(sid)]
    assert site.get("/review.xlsx").status_code == 200
