"""An analysis is kept only as of a date inside the data's range: from the first year the
store has figures for (or a plan covers) to today.  ``{"as_of": 0}`` (1970-01-01), the year
794 and tomorrow are refused (422, exit code 3 on the command line), and nothing is stored."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.errors import ValidationFailed
from wenzeng.services import accounts
from wenzeng.services.context import Context
from wenzeng.services.early_warning import analysis_dates, latest_run, run_analysis

TOMORROW = date.today() + timedelta(days=1)


def test_the_range_runs_from_the_first_year_of_data_to_today(ctx: Context) -> None:
    first, last = analysis_dates(ctx)
    assert first.month == 1 and first.day == 1 and first.year <= 2019
    assert first.year >= 2010  # the built-in figures and the plan begin in this century
    assert last == date.today()


@pytest.mark.parametrize("when", [date(1970, 1, 1), date(794, 6, 13), TOMORROW])
def test_the_service_refuses_a_date_outside_the_range(ctx: Context, when: date) -> None:
    with pytest.raises(ValidationFailed, match="outside the data's range"):
        run_analysis(ctx, when)
    assert latest_run(ctx, SYSTEM) is None


def test_the_first_day_of_the_range_is_accepted(ctx: Context) -> None:
    first, _ = analysis_dates(ctx)
    assert run_analysis(ctx, first).run_id is not None
    with pytest.raises(ValidationFailed):
        run_analysis(ctx, first - timedelta(days=1))


@pytest.mark.parametrize("as_of", [0, "1970-01-01", "0794-06-13", TOMORROW.isoformat()])
def test_the_api_refuses_it_with_422(ctx: Context, as_of: object) -> None:
    from wenzeng.web.app import create_app

    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst")
    token = accounts.create_token(ctx, SYSTEM, "ana", "tests")
    with TestClient(create_app(ctx.settings, context=ctx)) as client:
        r = client.post(
            "/api/v1/analysis",
            json={"as_of": as_of},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 422, r.text
    assert "outside the data's range" in r.json()["message"]
    assert latest_run(ctx, SYSTEM) is None


def test_the_command_line_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run(["init"]) == 0
    capsys.readouterr()
    assert run(["analyze", "--as-of", "1970-01"]) == 3
    assert "outside the data's range" in capsys.readouterr().err
    assert run(["analyze", "--as-of", "1970-13-45"]) == 2  # not a date at all: usage
    assert "invalid date" in capsys.readouterr().err
