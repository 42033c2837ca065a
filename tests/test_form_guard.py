"""A form naming a user's indicator is guarded as a plan is: the indicator's removal is
refused while the form names it; after a forced removal the form is listed as unusable with
the reason, and the other forms, the pages and the analysis go on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from web_session import PASSWORD, login
from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.domain.units import use_units
from wenzeng.errors import Conflict, NotFound
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.forms import all_forms, get_form, load_form_file, unusable_forms
from wenzeng.services.user_catalog import load_catalog_file, remove_user_entry
from wenzeng.web.app import create_app

CATALOG = Path(__file__).parent / "specimens" / "catalog"
SHIPS = CATALOG / "shipbuilding.yaml"
SHIP_FORM = CATALOG / "shipbuilding-form.yaml"


@pytest.fixture(autouse=True)
def _builtin_units_after() -> Iterator[None]:
    yield None
    use_units(None)


def test_removal_is_refused_then_forced_and_the_form_is_unusable(ctx: Context) -> None:
    load_catalog_file(ctx, SHIPS)
    assert load_form_file(ctx, SHIP_FORM) == ("ship_monthly", True)
    before = set(all_forms(ctx))
    with pytest.raises(Conflict) as caught:
        remove_user_entry(ctx, "indicator", "ship_completions")
    assert "报表 ship_monthly" in caught.value.message
    with pytest.raises(Conflict, match="form ship_monthly"):
        remove_user_entry(ctx, "unit", "万载重吨")
    assert remove_user_entry(ctx, "indicator", "ship_completions", force=True)
    assert set(all_forms(ctx)) == before - {"ship_monthly"}
    (gone,) = unusable_forms(ctx)
    assert gone.code == "ship_monthly" and not gone.builtin
    assert gone.problem_zh == "报表 ship_monthly 暂不可用：字段 completions_cum 引用了未知指标 " + (
        "'ship_completions'"
    )
    with pytest.raises(NotFound, match="unknown indicator 'ship_completions'"):
        get_form(ctx, "ship_monthly")
    # loading the indicator again restores the form
    load_catalog_file(ctx, SHIPS)
    assert "ship_monthly" in all_forms(ctx) and unusable_forms(ctx) == []


def test_the_command_line_and_the_pages_go_on(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WENZENG_DATABASE_URL", db_url)

    def cli(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    assert cli("init")[0] == 0
    assert cli("catalog", "load", str(SHIPS))[0] == 0
    assert cli("forms", "load", str(SHIP_FORM))[0] == 0
    code, _, err = cli("catalog", "remove", "indicator", "ship_completions")
    assert code == 6 and "报表 ship_monthly" in err
    assert cli("catalog", "remove", "indicator", "ship_completions", "--force")[0] == 0
    code, out, _ = cli("forms", "list", "--format", "csv")
    assert code == 0 and "monthly_province" in out
    assert "不可用 unusable: 报表 ship_monthly 暂不可用" in out
    code, _, err = cli("analyze", "--as-of", "2024-12")
    assert code == 0, err
    assert "跳过 / skipped: 报表 ship_monthly 暂不可用" in err
    code, _, err = cli("forms", "template", "ship_monthly", "--out", "t.csv")
    assert code == 4 and "unknown indicator 'ship_completions'" in err

    from wenzeng.config import load_settings

    ctx = Context.open(load_settings(database_url=db_url))
    try:
        accounts.add_user(ctx, SYSTEM, username="cansi", role="association",
                          entity="assoc_ceia", password=PASSWORD)  # fmt: skip
        with TestClient(create_app(ctx.settings, ctx)) as web:
            assert web.get("/").status_code == 200
            login(web, "cansi")
            page = web.get("/report", headers={"Accept": "text/html"})
            assert page.status_code == 200 and "ship_monthly" not in page.text
            assert web.get("/api/v1/forms").status_code == 200
            gone = web.get("/api/v1/forms/ship_monthly")
            assert gone.status_code == 404 and "暂不可用" in gone.json()["message"]
    finally:
        ctx.close()
