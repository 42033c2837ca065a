"""The scored backtest: the real episodes as data, the score of the published series'
backtest (pinned so that it does not get worse), and the scoring rules on runs built to
hit, miss and raise false alarms."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from wenzeng.analysis.backtest_score import ALL, RunNew, score
from wenzeng.cli import run
from wenzeng.domain.episodes import EpisodeFile, month_number
from wenzeng.services.backtest import episodes, run_backtest, score_backtest
from wenzeng.services.context import Context


def test_the_backtest_catches_every_shock_when_its_figure_is_published(ctx: Context) -> None:
    bt = run_backtest(ctx, date(2019, 6, 1), date(2025, 12, 31))
    s = score_backtest(ctx, bt)
    by_code = {e.code: e for e in s.episodes}
    covid = by_code["collapse_2020q1"]
    # NBS's Jan–Feb 2020 figure (−13.8 %) came out in March: flagged by the March run
    assert covid.published == month_number("2020-03") and covid.lead[ALL] == 0
    assert "2020-03 signal_cold va_elec 2020-01~02" in covid.flags
    assert by_code["dip_2022_11"].lead[ALL] == 0
    assert "2022-12 growth_break va_elec 2022-11" in by_code["dip_2022_11"].flags
    assert by_code["fall_2023_jan_feb"].lead[ALL] == 0
    assert "2023-03 signal_cold va_elec 2023-01~02" in by_code["fall_2023_jan_feb"].flags
    # the pinned score: it must not get worse
    total = s.classes[ALL]
    assert (total.hits, total.misses) == (3, 0)
    assert total.leads == [0, 0, 0]
    assert s.classes["emerging"].hits == 3
    assert total.false_alarms <= 4
    assert total.core_false_alarms <= 1  # value added and revenue in 2019, 2021, 2024, 2025
    # the collapse is read from the other publisher, and the warning says so
    march = next(m for m in bt.months if m.as_of == date(2020, 3, 31))
    flag = next(n for n in march.new if n["rule"] == "signal_cold" and n["indicator"] == "va_elec")
    assert "计算机、通信和其他电子设备制造业" in flag["explanation_zh"]
    assert "累计同比下降13.8%" in flag["explanation_zh"]
    assert "NBS" in flag["explanation_en"]
    light = next(x for x in march.lights if x["indicator"] == "va_elec")
    assert light["light"] == "blue" and light["equivalent"]["indicator"] == "va_cce"
    # growth falling back from the low 2020 base is not reported as slowing
    in_2021 = [n for m in bt.months if m.as_of.year == 2021 for n in m.new]
    assert not [n for n in in_2021 if n["indicator"] in ("va_elec", "revenue_elec")]


EPISODES = EpisodeFile.model_validate(
    {
        "schema": "wenzeng/episodes/v1",
        "core_indicators": ["va"],
        "episodes": [
            {
                "code": "shock",
                "kind": "shock",
                "title": {"zh": "冲击", "en": "shock"},
                "months": "2020-01:2020-02",
                "indicators": ["va", "exports"],
                "within": 2,
                "sources": ["a release"],
            },
            {
                "code": "late",
                "kind": "shock",
                "title": {"zh": "迟报", "en": "late"},
                "months": "2021-01:2021-02",
                "indicators": ["va"],
                "within": 1,
                "sources": ["a release"],
            },
            {
                "code": "calm",
                "kind": "calm",
                "title": {"zh": "平稳", "en": "calm"},
                "months": "2022-01:2022-12",
                "sources": ["a release"],
            },
        ],
    }
)


def _new(rule: str, klass: str, indicator: str, period: str) -> dict[str, str]:
    return {"rule": rule, "class": klass, "indicator": indicator, "period": period}


def test_hits_lead_times_misses_and_false_alarms_per_class() -> None:
    runs = [
        RunNew(month_number("2020-03"), [_new("r1", "trending", "va", "2019-12")]),  # too early
        RunNew(month_number("2020-04"), [_new("r2", "emerging", "other", "2020-01~02")]),
        RunNew(month_number("2020-05"), [_new("r3", "latent", "exports", "2020-02")]),
        RunNew(month_number("2021-06"), [_new("r4", "emerging", "va", "2021-01~02")]),  # late
        RunNew(
            month_number("2022-05"),
            [_new("r5", "emerging", "va", "2022-04"), _new("r6", "latent", "profit", "2022-04")],
        ),
    ]
    published = {"shock": month_number("2020-03"), "late": month_number("2021-03")}
    s = score(runs, EPISODES, published)
    by_code = {e.code: e for e in s.episodes}
    assert by_code["shock"].lead == {"latent": 2, ALL: 2}
    assert not by_code["late"].hit  # four months after publication is outside `within`
    assert (s.classes["latent"].hits, s.classes["latent"].misses) == (1, 1)
    assert (s.classes["emerging"].hits, s.classes["emerging"].misses) == (0, 2)
    assert s.classes[ALL].false_alarms == 2 and s.classes[ALL].core_false_alarms == 1
    assert s.classes["latent"].false_alarms == 1 and s.classes["latent"].core_false_alarms == 0


def test_a_shock_without_published_figures_is_a_miss() -> None:
    s = score([], EPISODES, {"shock": None, "late": None})
    assert s.classes[ALL].misses == 2 and s.classes[ALL].hits == 0


def test_the_built_in_episodes_name_their_sources() -> None:
    eps = episodes()
    kinds = {e.kind for e in eps.episodes}
    assert kinds == {"shock", "calm"}
    assert all(e.sources for e in eps.episodes)
    with pytest.raises(ValueError, match="needs indicators"):
        EpisodeFile.model_validate(
            {
                "schema": "wenzeng/episodes/v1",
                "core_indicators": ["va"],
                "episodes": [
                    {
                        "code": "x",
                        "kind": "shock",
                        "title": {"zh": "冲击", "en": "shock"},
                        "months": "2020-01:2020-02",
                        "sources": ["a"],
                    }
                ],
            }
        )


def test_the_score_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run(["init"]) == 0
    capsys.readouterr()
    code = run(["analyze", "--backtest", "2020-01:2020-06", "--score", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and len(data["months"]) == 6
    covid = next(e for e in data["score"]["episodes"] if e["code"] == "collapse_2020q1")
    assert covid["published"] == "2020-03" and covid["lead_months"]["all"] == 0
    # outside the months replayed the later shocks are misses
    assert data["score"]["classes"]["all"]["hits"] == 1
    assert data["score"]["classes"]["all"]["misses"] == 2
    code = run(["analyze", "--backtest", "2020-01:2020-06", "--score"])
    shown = capsys.readouterr().out
    assert code == 0 and "命中 hits" in shown and "false alarms" in shown
    assert run(["analyze", "--score"]) == 2
    assert "--score needs --backtest" in capsys.readouterr().err
