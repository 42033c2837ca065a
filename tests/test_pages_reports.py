"""The reports page and API: staff generate, publish, withdraw and delete; the public reads.

Generating a report takes seconds (HTML alone about five, all three formats about twenty),
so most tests ask for HTML only and one test asks for every format.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

HTML = {"Accept": "text/html"}
TITLE_ZH = "2024年第三季度电子信息制造业运行情况"


@dataclass
class Site:
    staff: TestClient  # ana, analyst
    province: TestClient  # sichuan
    public: TestClient  # not logged in
    tokens: dict[str, str]
    csrf: dict[str, str]


@pytest.fixture
def site(sqlite_ctx: Context) -> Iterator[Site]:
    ctx = sqlite_ctx
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    accounts.add_user(
        ctx, SYSTEM, username="sichuan", role="province", entity="510000", password=PASSWORD
    )
    tokens = {u: accounts.create_token(ctx, SYSTEM, u, "tests") for u in ("ana", "sichuan")}
    app = create_app(ctx.settings, ctx)
    with ExitStack() as stack:
        staff, province, public = (stack.enter_context(TestClient(app)) for _ in range(3))
        csrf = {"ana": login(staff, "ana"), "sichuan": login(province, "sichuan")}
        yield Site(staff, province, public, tokens, csrf)


def generate(site: Site, *formats: str, **fields: str) -> int:
    """Generate through the page's form as staff; returns the new report's id."""
    data: dict[str, object] = {
        "csrf_token": site.csrf["ana"],
        "kind": "quarterly",
        "period": "2024Q3",
        "lang": "zh",
        "as_of": "",
        "formats": list(formats or ("html",)),
        **fields,
    }
    r = site.staff.post("/reports", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/jobs/(\d+)", r.headers["location"])  # the report is made as a job
    assert m, r.headers["location"]
    page = site.staff.get(r.headers["location"])
    assert page.status_code == 200 and "报告已生成" in page.text, page.text[-2000:]
    job = site.staff.get(f"/api/v1/jobs/{m.group(1)}").json()["job"]
    assert job["status"] == "done" and job["started_by"] == "ana"
    return int(job["result"]["id"])


def act(site: Site, who: str, rid: int, action: str) -> int:
    client = site.staff if who == "ana" else site.province
    r = client.post(
        f"/reports/{rid}/{action}",
        data={"csrf_token": site.csrf[who]},
        headers=HTML,
        follow_redirects=False,
    )
    return r.status_code


# -- the page --------------------------------------------------------------------------------------
def test_everyone_finds_the_page_and_the_public_is_told_what_it_is(site: Site) -> None:
    r = site.public.get("/reports")
    assert r.status_code == 200
    assert 'href="/reports"' in r.text  # in the navigation, for the public too
    assert "已发布的报告对公众公开" in r.text and "暂无已发布的报告" in r.text
    assert 'action="/reports"' not in r.text  # no form to generate
    assert 'href="/reports"' in site.public.get("/?lang=en").text
    en = site.public.get("/reports?lang=en").text
    assert "Published reports are public" in en and "No report has been published yet" in en
    staff = site.staff.get("/reports?lang=zh").text
    assert 'action="/reports"' in staff and 'name="csrf_token"' in staff
    for zh, en_name in (
        ("季度行业运行情况", "Quarterly operation report"),
        ("年度进展情况汇总", "Annual progress summary"),
    ):
        assert zh in staff and en_name in staff
    assert 'placeholder="2024Q3 / 2024"' in staff
    assert staff.count('type="checkbox" name="formats"') == 3
    assert staff.count("checked") >= 3  # all three formats by default
    assert 'action="/reports"' not in site.province.get("/reports").text


def test_generate_publish_withdraw_delete_and_who_sees_what(site: Site) -> None:
    rid = generate(site, "html")
    page = site.staff.get(f"/reports?done=generated&report={rid}").text
    assert f"已生成报告 #{rid}" in page and TITLE_ZH in page and "未发布" in page
    assert f"/reports/{rid}/file.html" in page
    assert f'action="/reports/{rid}/publish"' in page and f'action="/reports/{rid}/delete"' in page
    assert f"/reports/{rid}/file.pdf" not in page  # only the formats made

    # a draft: unknown to the public and to a province, as a list entry and as a file
    for client in (site.public, site.province):
        assert TITLE_ZH not in client.get("/reports").text
        assert client.get(f"/reports/{rid}/file.html").status_code == 404
        assert client.get("/reports.json").json()["table"] == []
        assert client.get(f"/api/v1/reports/{rid}/file.html").status_code == 404

    # a province may not publish (nor withdraw, nor delete)
    assert act(site, "sichuan", rid, "publish") == 403
    assert act(site, "sichuan", rid, "delete") == 403
    anonymous = site.public.post(f"/reports/{rid}/publish", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")

    # published: the public sees it and downloads it
    assert act(site, "ana", rid, "publish") == 303
    assert "已发布，公众可见" in site.staff.get(f"/reports?done=published&report={rid}").text
    listed = site.public.get("/reports")
    assert TITLE_ZH in listed.text and f'data-report="{rid}"' in listed.text
    assert f'action="/reports/{rid}/withdraw"' not in listed.text  # no buttons for the public
    f = site.public.get(f"/reports/{rid}/file.html")
    assert f.status_code == 200 and f.headers["content-type"].startswith("text/html")
    assert TITLE_ZH in f.content.decode("utf-8")
    disposition = f.headers["content-disposition"]
    assert re.fullmatch(
        r'attachment; filename="wenzeng-quarterly-2024-Q3-zh-\d{4}-\d{2}-\d{2}\.html"', disposition
    ), disposition
    inline = site.public.get(f"/reports/{rid}/file.html?inline=1")
    assert inline.headers["content-disposition"].startswith("inline; filename=")
    assert "sandbox" in inline.headers["content-security-policy"]
    assert site.public.get(f"/reports/{rid}/file.pdf").status_code == 404  # not made
    assert site.public.get(f"/reports/{rid}/file.exe").status_code == 404
    twin = site.public.get("/reports.json").json()
    assert [r["id"] for r in twin["table"]] == [rid] and twin["table"][0]["published"] is True
    csv_text = site.public.get("/reports.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("编号 ID,标题 Title") and TITLE_ZH in csv_text

    # a published report cannot be deleted: told on the page, in both languages
    r = site.staff.post(
        f"/reports/{rid}/delete", data={"csrf_token": site.csrf["ana"]}, headers=HTML
    )
    assert r.status_code == 422
    assert "已发布的报告不能删除" in r.text and "withdraw it first" in r.text

    # withdrawn: hidden from the public again
    assert act(site, "ana", rid, "withdraw") == 303
    assert TITLE_ZH not in site.public.get("/reports").text
    assert site.public.get(f"/reports/{rid}/file.html").status_code == 404
    assert TITLE_ZH in site.staff.get("/reports").text

    # deleted: gone for everyone
    assert act(site, "ana", rid, "delete") == 303
    assert TITLE_ZH not in site.staff.get("/reports").text
    assert site.staff.get(f"/reports/{rid}/file.html").status_code == 404
    assert act(site, "ana", rid, "publish") == 404


def test_all_three_formats_download_as_what_they_are(site: Site) -> None:
    rid = generate(site, "html", "pdf", "docx", lang="en", as_of="2025-06-30")
    assert act(site, "ana", rid, "publish") == 303
    meta = site.public.get("/api/v1/reports").json()["reports"][0]
    assert meta["id"] == rid and meta["lang"] == "en" and meta["as_of"] == "2025-06-30"
    assert [f["format"] for f in meta["files"]] == ["html", "pdf", "docx"]
    page = site.public.get("/reports?lang=en").text
    for fmt in ("html", "pdf", "docx"):
        assert f"/reports/{rid}/file.{fmt}" in page
    files = {}
    for fmt, media in (
        ("html", "text/html"),
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ):
        r = site.public.get(f"/reports/{rid}/file.{fmt}")
        assert r.status_code == 200, (fmt, r.text[:200])
        assert r.headers["content-type"].startswith(media)
        name = f"wenzeng-quarterly-2024-Q3-en-2025-06-30.{fmt}"
        assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
        files[fmt] = r.content
    assert meta["title"] in files["html"].decode("utf-8")
    assert files["pdf"].startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as z:
        assert "word/document.xml" in z.namelist()


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"period": "2024Q9"}, "无法识别的期间 / unreadable period"),
        ({"period": ""}, "请填写报告期"),
        ({"kind": "weekly"}, "未知的报告类型 / unknown report kind"),
        ({"kind": "annual"}, "this report is made for a year"),
        ({"lang": "fr"}, "未知的语言 / unknown language"),
        ({"as_of": "30/06/2025"}, "日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD"),
        ({"formats": []}, "请至少选择一种格式 / choose at least one format"),
    ],
    ids=["period", "no-period", "kind", "kind-period", "lang", "as-of", "no-format"],
)
def test_mistakes_are_told_on_the_page(site: Site, fields: dict[str, object], said: str) -> None:
    data: dict[str, object] = {
        "csrf_token": site.csrf["ana"],
        "kind": "quarterly",
        "period": "2024Q3",
        "lang": "zh",
        "formats": ["html"],
        **fields,
    }
    r = site.staff.post("/reports", data=data, headers=HTML)
    assert r.status_code == 422, r.text[:300]
    assert said in r.text and "Traceback" not in r.text
    assert 'class="alert error"' in r.text and 'action="/reports"' in r.text  # the form again
    if fields.get("period"):
        assert f'value="{fields["period"]}"' in r.text  # what was typed is kept


def test_generating_needs_staff_and_the_csrf_token(site: Site) -> None:
    form = {"kind": "quarterly", "period": "2024Q3", "formats": ["html"]}
    r = site.staff.post("/reports", data=form, headers=HTML)
    assert r.status_code == 403 and "CSRF" in r.text
    r = site.province.post(
        "/reports", data={**form, "csrf_token": site.csrf["sichuan"]}, headers=HTML
    )
    assert r.status_code == 403 and "仅限部门工作人员" in r.text
    r = site.public.post("/reports", data=form, headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/reports"


# -- the API ---------------------------------------------------------------------------------------
def test_api_list_create_publish_withdraw_delete(site: Site) -> None:
    def auth(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {site.tokens[who]}"}

    api = site.public  # a client without a session: the token says who calls
    body = {"kind": "quarterly", "period": "2024-Q3", "formats": ["html"]}
    assert api.post("/api/v1/reports", json=body).status_code == 401
    assert api.post("/api/v1/reports", json=body, headers=auth("sichuan")).status_code == 403
    bad = api.post("/api/v1/reports", json={**body, "period": "2024Q9"}, headers=auth("ana"))
    assert bad.status_code == 422 and "unreadable period" in bad.json()["message"]
    bad = api.post("/api/v1/reports", json={**body, "formats": ["odt"]}, headers=auth("ana"))
    assert bad.status_code == 422 and "unknown format" in bad.json()["message"]

    r = api.post("/api/v1/reports", json=body, headers=auth("ana"))
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    assert job["status"] == "done" and r.headers["location"] == f"/api/v1/jobs/{job['id']}"
    rid = job["result"]["id"]
    listed = api.get("/api/v1/reports", headers=auth("ana")).json()["reports"]
    report = next(x for x in listed if x["id"] == rid)
    assert report["title"] == TITLE_ZH and report["published"] is False
    assert report["files"][0]["format"] == "html" and report["files"][0]["size"] > 1000

    assert api.get("/api/v1/reports").json() == {"ok": True, "count": 0, "reports": []}
    staff_list = api.get("/api/v1/reports", headers=auth("ana")).json()
    assert staff_list["count"] == 1 and staff_list["reports"][0]["id"] == rid
    assert api.get(f"/api/v1/reports/{rid}/file.html").status_code == 404
    got = api.get(f"/api/v1/reports/{rid}/file.html", headers=auth("ana"))
    assert got.status_code == 200 and TITLE_ZH in got.text

    assert api.post(f"/api/v1/reports/{rid}/publish", headers=auth("sichuan")).status_code == 403
    r = api.post(f"/api/v1/reports/{rid}/publish", headers=auth("ana"))
    assert r.status_code == 200 and r.json()["report"]["published"] is True
    assert r.json()["report"]["published_by"] == "ana"
    public_list = api.get("/api/v1/reports").json()
    assert public_list["count"] == 1 and public_list["reports"][0]["id"] == rid
    got = api.get(f"/api/v1/reports/{rid}/file.html")
    assert got.status_code == 200 and got.headers["content-disposition"].startswith("attachment")
    assert api.delete(f"/api/v1/reports/{rid}", headers=auth("ana")).status_code == 422

    r = api.post(f"/api/v1/reports/{rid}/withdraw", headers=auth("ana"))
    assert r.status_code == 200 and r.json()["report"]["published"] is False
    assert api.get("/api/v1/reports").json()["count"] == 0
    assert api.delete(f"/api/v1/reports/{rid}", headers=auth("sichuan")).status_code == 403
    assert api.delete(f"/api/v1/reports/{rid}", headers=auth("ana")).json() == {
        "ok": True,
        "deleted": rid,
    }
    assert api.get("/api/v1/reports", headers=auth("ana")).json()["count"] == 0
    assert api.post(f"/api/v1/reports/{rid}/publish", headers=auth("ana")).status_code == 404
