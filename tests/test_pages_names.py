"""No working page shows an internal code where a name exists.

Every page a reporter, a province, an association or department staff use daily is read as
text (what a person sees: no tags, attributes, scripts or styles), and no code of an
indicator, a form, an entity or a form's rule may stand in it where the catalogue has a
name for it.  The store holds real submissions: accepted, returned, waiting, with
explanations of warnings, made through the services as people make them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from factories import ACME, add_enterprises
from web_session import PASSWORD, csrf, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.errors import ValidationFailed
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.forms import all_forms
from wenzeng.web.app import create_app

ENTERPRISE = {
    "output_value_month": 12000,
    "output_value_cum": 100000,
    "revenue_month": 11000,
    "revenue_cum": 95000,
    "profit_cum": 6000,
    "export_month": 3000,
    "export_cum": 30000,
    "inventory_finished": 8000,
    "receivables": 20000,
    "employment": 1500,
}


@dataclass
class Site:
    client: TestClient
    ctx: Context
    waiting: int
    accepted: int
    returned: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from wenzeng.config import load_settings
    from wenzeng.services.setup import initialise

    home = tmp_path_factory.mktemp("names")
    ctx = Context.open(load_settings(database_url=f"sqlite:///{home / 'w.db'}", data_dir=home))
    initialise(ctx)
    add_enterprises(ctx, ACME)
    accounts.add_user(
        ctx, SYSTEM, username="acme", role="enterprise", entity="E9001", password=PASSWORD
    )
    accounts.add_user(
        ctx, SYSTEM, username="gd", role="province", entity="440000", password=PASSWORD
    )
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst", password=PASSWORD)
    acme = accounts.authenticate(ctx, "acme", PASSWORD)
    ana = accounts.authenticate(ctx, "ana", PASSWORD)

    def filed(period: str, **changes: float) -> subs.Submission:
        s = subs.save(
            ctx,
            acme,
            form_code="monthly_enterprise",
            reporter="E9001",
            period=period,
            values={**ENTERPRISE, **changes},
            explanations={},
            version=None,
            channel="web",
        )
        try:
            return subs.submit(ctx, acme, s.id, version=s.version, explanations={})
        except ValidationFailed as exc:  # a warning: the reporter explains it, as on the page
            notes = {str(i.loc.key): "订单集中交付，数据属实" for i in exc.issues}
            return subs.submit(ctx, acme, s.id, version=s.version, explanations=notes)

    first = filed("2025-09")
    first = subs.accept(ctx, ana, first.id, version=first.version)
    second = filed("2025-08", revenue_month=10000)
    second = subs.return_(ctx, ana, second.id, version=second.version, reason="营业收入请核实")
    third = filed("2025-10", revenue_month=11500)
    with TestClient(create_app(ctx.settings, ctx)) as client:
        yield Site(client, ctx, third.id, first.id, second.id)
    ctx.close()


def visible_text(page: str) -> str:
    """What a person reads on a page: no scripts, styles, tags or attribute values; one
    line per row, paragraph, item or heading."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"\n", " ", page)
    page = re.sub(r"</(tr|p|li|h[1-6]|div|option|section|details)>|<br>", "\n", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def internal_codes(ctx: Context) -> dict[str, str]:
    """Every code that has a name, with the name (what should be shown instead)."""
    cat = ctx.catalogue
    codes: dict[str, str] = {}
    for code, ind in cat.indicators.items():
        codes[code] = ind.name.zh
    for code, e in cat.entities.items():
        codes[code] = e.name.zh
    for code, f in all_forms(ctx).items():
        codes[code] = f.form.title.zh
        for r in f.form.rules:
            codes[r.code] = r.message.zh
    return codes


def codes_in(text: str, codes: dict[str, str]) -> list[str]:
    """The codes in ``text`` that stand where their names should; a code labelled as one
    (行政区划代码 440000), or one beside its name in a code column, is an identifier shown on
    purpose."""
    found = set()
    for line in text.splitlines():
        line = re.sub(r"(代码|code)\s*[:：]?\s*[A-Za-z0-9_]+", " ", line)
        for w in re.findall(r"(?<![A-Za-z0-9_])[A-Za-z0-9_]{3,}(?![A-Za-z0-9_])", line):
            if w in codes and codes[w] not in line:  # a code column beside the name is fine
                found.add(f"{w} (→ {codes[w]}): {line.strip()[:80]}")
    return sorted(found)


def pages_for(s: Site) -> dict[str, list[str]]:
    return {
        "acme": [
            "/",
            "/report",
            f"/submissions/{s.accepted}",
            f"/submissions/{s.returned}",
            f"/submissions/{s.waiting}",
            "/report/monthly_enterprise/2025-08",
        ],
        "gd": ["/", "/report", "/regions/440000", "/warnings"],
        "ana": [
            "/",
            "/review",
            f"/submissions/{s.waiting}",
            f"/submissions/{s.accepted}",
            f"/submissions/{s.returned}",
            "/tracker",
            "/tracker?form=monthly_enterprise&period=2025-10",
            "/warnings",
            "/regions",
            "/targets/va_growth",
            "/enterprises",
        ],
    }


@pytest.mark.parametrize("who", ["acme", "gd", "ana"])
def test_no_working_page_shows_a_code_where_a_name_exists(site: Site, who: str) -> None:
    codes = internal_codes(site.ctx)
    c = site.client
    login(c, who)
    found = {}
    for path in pages_for(site)[who]:
        r = c.get(path)
        assert r.status_code == 200, (who, path, r.status_code)
        shown = codes_in(visible_text(r.text), codes)
        if shown:
            found[path] = shown
    c.post("/logout", data={"csrf_token": csrf(c.get("/login").text)})
    assert found == {}, found


def test_history_and_explanations_read_as_words(site: Site) -> None:
    c = site.client
    login(c, "ana")
    page = visible_text(c.get(f"/submissions/{site.returned}").text)
    # the steps by their names, the channel in words, the return's reason, no stored dict
    for words in ("新建", "报送", "退回", "网页填报", "营业收入请核实"):
        assert words in page, words
    assert "{'" not in page and "channel" not in page and "create" not in page
    c.post("/logout", data={"csrf_token": csrf(c.get("/login").text)})


def test_reporter_sees_what_is_due_when_and_its_state(site: Site) -> None:
    c = site.client
    login(c, "acme")
    due = c.get("/report.json").json()["due"]
    monthly = next(r for r in due if r["form"] == "monthly_enterprise")
    assert monthly["due"] and monthly["frequency_zh"] == "月度"
    assert monthly["status_zh"] in ("未报送", "草稿", "已退回", "已报送待审核", "已接受")
    page = visible_text(c.get("/report").text)
    assert "截止日期" in page and "月度" in page and "monthly" not in page
    # a returned submission says so where the reporter looks first, with its reason
    mine = c.get("/report").text
    assert "已退回" in mine
    c.post("/logout", data={"csrf_token": csrf(c.get("/login").text)})


def test_staff_land_on_their_to_dos_and_reporters_on_what_they_owe(site: Site) -> None:
    c = site.client
    for who, landing in (("ana", "/"), ("acme", "/report")):
        page = c.get("/login")
        r = c.post(
            "/login",
            data={"username": who, "password": PASSWORD, "csrf_token": csrf(page.text)},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == landing, who
        if who == "ana":
            home = visible_text(c.get("/").text)
            assert "今日待办" in home and "份报送待审核" in home
            todo = c.get("/index.json").json()["todo"]
            assert todo["waiting"] >= 1
        c.post("/logout", data={"csrf_token": csrf(c.get("/login").text)})


def test_reviewing_from_the_submission_page_compares_confirms_and_tells(site: Site) -> None:
    c = site.client
    token = login(c, "ana")
    page = c.get(f"/submissions/{site.waiting}")
    text = visible_text(page.text)
    assert "审核处理" in text and "上期" in text and "2025年9月" in text
    assert "+4.5%" in text  # 营业收入（当月） 11500 against 11000 the month before
    assert 'data-confirm="确认接受报送' in page.text  # accepting asks first
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    r = c.post(
        f"/review/{site.waiting}",
        data={
            "csrf_token": token,
            "version": version.group(1),
            "action": "accept",
            "back": "submission",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/submissions/{site.waiting}?done=accepted&id={site.waiting}"
    after = visible_text(c.get(r.headers["location"]).text)
    assert "已接受，数据已入库" in after and "审核处理" not in after
    c.post("/logout", data={"csrf_token": token})


def test_a_target_chart_names_its_source_and_its_figures_download(site: Site) -> None:
    c = site.client
    page = c.get("/targets/va_growth")
    foot = re.search(r'<p class="chart-foot">(.*?)</p>', page.text, flags=re.S)
    assert foot and "数据来源" in foot.group(1) and "截至" in foot.group(1)
    assert 'href="/targets/va_growth.csv"' in foot.group(1)
    csv = c.get("/targets/va_growth.csv")
    assert csv.status_code == 200 and csv.text.startswith("\ufeff指标 Indicator,报告期 Period")
    assert len(csv.text.splitlines()) >= 2  # the figures the target is judged on
    assert c.get("/targets/va_growth.xlsx").status_code == 200
    icon = c.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")


def test_a_returned_report_of_the_period_before_is_no_comparison(site: Site) -> None:
    c = site.client
    login(c, "ana")
    # 2025年9月 was accepted; its period before, 2025年8月, was returned: no figure to judge by
    text = visible_text(c.get(f"/submissions/{site.accepted}").text)
    assert "2025年9月" in text and "上期" not in text and "对比" not in text
    later = visible_text(c.get(f"/submissions/{site.waiting}").text)
    assert "上期" in later  # against the accepted 2025年9月
