"""The target kinds beyond one figure: counts of entities above a threshold, ranks,
qualitative targets, growth derived from levels, and several years still to come."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from wenzeng.analysis.tracking import FigureKind, Peers, ProgressNote, Status, assess
from wenzeng.definitions.catalogue import builtin_catalogue
from wenzeng.domain.catalog import Indicator
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Plan, Target
from wenzeng.ingest.pipeline import ColumnMapping
from wenzeng.services.context import Context
from wenzeng.services.importing import import_file
from wenzeng.services.tracking import assess_plan, target_rows

CAT = builtin_catalogue()


def rec(
    indicator: str,
    period: Period,
    value: float,
    measure: str = "level",
    unit: str | None = "亿元",
    entity: str = "CN",
) -> ObservationRecord:
    return ObservationRecord(
        indicator,
        entity,
        measure,
        period.type.value,
        period.code,
        date(2025, 1, 1),
        value,
        "",
        unit,
        str(value),
        unit,
        "published",
        f"source of {indicator} {entity} {period.code}",
        None,
        None,
        False,
        1,
    )


def fetcher(*records: ObservationRecord):  # type: ignore[no-untyped-def]
    def fetch(indicator: str, measure: str, entity: str = "CN") -> list[ObservationRecord]:
        return [
            r
            for r in records
            if r.indicator == indicator and r.measure == measure and r.entity == entity
        ]

    return fetch


def target(**kw: Any) -> Target:
    base: dict[str, Any] = {
        "code": "t",
        "title": {"zh": "目标", "en": "target"},
        "text_zh": "目标",
        "period": {"start": 2025, "end": 2026},
    }
    base.update(kw)
    return Target.model_validate(base)


COUNT = {
    "computation": "count_above",
    "indicator": "revenue_elec_prov",
    "measure": "level",
    "threshold": 1,
    "threshold_unit": "万亿元",
    "entity_kind": "province",
    "comparator": "ge",
    "value": 3,
    "unit": "个",
}
PROVINCES = [("440000", "广东省"), ("320000", "江苏省"), ("110000", "北京市"), ("510000", "四川省")]


# -- the schema -------------------------------------------------------------------------------------
def test_the_schema_asks_each_computation_for_what_it_needs() -> None:
    q = target(computation="qualitative", text_zh="个人电脑、手机向智能化、高端化迈进")
    assert q.is_qualitative and q.indicator_ is None and q.goal_text() == "定性目标"
    with pytest.raises(ValueError, match="qualitative"):
        _ = q.indicator
    with pytest.raises(ValidationError, match="value is required"):
        target(computation="value_at_end", indicator="va_cce", measure="yoy_pct", unit="%")
    with pytest.raises(ValidationError, match="threshold"):
        target(**{**COUNT, "threshold": None})
    with pytest.raises(ValidationError, match="entity_kind"):
        target(**{**COUNT, "entity_kind": None})
    with pytest.raises(ValidationError, match="only meaningful for count_above"):
        target(
            computation="value_at_end",
            indicator="va_cce",
            measure="yoy_pct",
            comparator="gt",
            value=5,
            unit="%",
            threshold=1,
        )
    with pytest.raises(ValidationError, match="Extra inputs"):
        target(**COUNT, threshold_value=3)
    t = target(**COUNT)
    assert t.summary()["entity_kind"] == "province" and t.goal_text() == "≥3个"


# -- count_above --------------------------------------------------------------------------------------
def _count(t: Target, *records: ObservationRecord, as_of: date = date(2027, 3, 1)):  # type: ignore[no-untyped-def]
    peers = Peers(fetcher(*records), lambda kind: PROVINCES if kind == "province" else [])
    return assess(t, CAT.indicator(t.indicator), CAT.indicators, fetcher(), as_of, peers)


def test_a_count_settled_by_the_entities_known_above() -> None:
    y = Period.annual(2026)
    records = [
        rec("revenue_elec_prov", y, 52000, entity="440000"),
        rec("revenue_elec_prov", y, 3.8, unit="万亿元", entity="320000"),
        rec("revenue_elec_prov", y, 12000, entity="510000"),
        rec("revenue_elec_prov", y, 6000, entity="110000"),
    ]
    a = _count(target(**COUNT), *records)
    assert a.status is Status.ACHIEVED and a.figure == 3 and a.figure_kind is FigureKind.ACTUAL
    assert "广东省 5.2万亿元" in a.figure_note_zh and "北京市 0.6万亿元" in a.figure_note_zh
    assert {e.entity for e in a.evidence} == {"440000", "320000", "510000", "110000"}
    assert "revenue_elec_prov" not in a.rule_zh + a.figure_note_zh
    missed = _count(target(**{**COUNT, "value": 4}), *records)
    assert missed.status is Status.UNLIKELY and missed.figure == 3


def test_a_count_with_entities_unknown_is_at_risk_and_says_what_is_known() -> None:
    y = Period.annual(2026)
    records = [
        rec("revenue_elec_prov", y, 52000, entity="440000"),
        rec("revenue_elec_prov", y, 6000, entity="110000"),
        rec("revenue_elec_prov", Period.cum_month(2026, 6), 20000, entity="320000"),
    ]
    a = _count(target(**COUNT), *records, as_of=date(2026, 8, 1))
    assert a.status is Status.AT_RISK and a.figure == 1
    assert a.figure_kind is FigureKind.LOWER_BOUND
    assert "江苏省" in a.figure_note_zh and "四川省" in a.figure_note_zh  # no figure yet
    assert [e.entity for e in a.related] == ["320000"]  # its January–June figure
    assert "已知1个" in a.rule_zh and "2个尚无数据" in a.rule_zh
    hopeless = _count(target(**{**COUNT, "value": 4}), *records, as_of=date(2026, 8, 1))
    assert hopeless.status is Status.UNLIKELY  # 1 known + 2 unknown cannot make 4
    nothing = _count(target(**COUNT), as_of=date(2026, 8, 1))
    assert nothing.status is Status.NO_DATA and nothing.figure is None


# -- rank ---------------------------------------------------------------------------------------------
RANK_IND = Indicator.model_validate(
    {
        "code": "revenue_rank",
        "name": {"zh": "营业收入在41个工业大类中的位次", "en": "revenue rank among 41 divisions"},
        "unit": "位",
        "frequency": "annual",
        "nature": "stock",
        "measures": ["level"],
        "series_kinds": ["level"],
        "aggregation": "none",
        "publisher": "test",
    }
)
RANK = {
    "computation": "rank",
    "indicator": "revenue_rank",
    "measure": "level",
    "comparator": "le",
    "value": 1,
    "unit": "位",
}


def test_a_rank_is_judged_on_the_final_year_or_stands_on_the_latest() -> None:
    t = target(**RANK)
    cat = {**CAT.indicators, "revenue_rank": RANK_IND}
    first = rec("revenue_rank", Period.annual(2026), 1, unit="位")
    a = assess(t, RANK_IND, cat, fetcher(first), date(2027, 4, 1))
    assert a.status is Status.ACHIEVED and a.figure == 1 and "排名第1位" in a.rule_zh
    second = rec("revenue_rank", Period.annual(2026), 2, unit="位")
    assert assess(t, RANK_IND, cat, fetcher(second), date(2027, 4, 1)).status is Status.UNLIKELY
    so_far = rec("revenue_rank", Period.annual(2025), 1, unit="位")
    b = assess(t, RANK_IND, cat, fetcher(so_far), date(2026, 4, 1))
    assert b.status is Status.BASICALLY and "2025年" in b.rule_zh
    assert assess(t, RANK_IND, cat, fetcher(), date(2026, 4, 1)).status is Status.NO_DATA


# -- qualitative --------------------------------------------------------------------------------------
def test_a_qualitative_target_reports_progress_never_a_number() -> None:
    t = target(computation="qualitative", text_zh="个人电脑、手机向智能化、高端化迈进")
    notes = [ProgressNote("广东省", "2025年", "手机高端化取得进展")]
    a = assess(
        t, None, CAT.indicators, fetcher(), date(2026, 1, 1), Peers(progress=lambda _: notes)
    )
    assert a.status is Status.QUALITATIVE and a.status.zh == "定性目标"
    assert a.figure is None and a.progress == notes
    assert "依据报送的进展评估" in a.rule_zh and "手机高端化取得进展" in a.rule_zh
    assert a.as_dict()["progress"][0]["reporter"] == "广东省"
    bare = assess(t, None, CAT.indicators, fetcher(), date(2026, 1, 1))
    assert bare.status is Status.QUALITATIVE and "尚无报送的进展" in bare.rule_zh


# -- growth from levels -------------------------------------------------------------------------------
LEVELS = CAT.indicator("revenue_elec_broad")  # published only as levels


def test_growth_at_the_end_derived_from_two_years_of_levels() -> None:
    t = target(
        computation="value_at_end",
        indicator="revenue_elec_broad",
        measure="yoy_pct",
        comparator="gt",
        value=5,
        unit="%",
    )
    records = [
        rec("revenue_elec_broad", Period.annual(2025), 24, unit="万亿元"),
        rec("revenue_elec_broad", Period.annual(2026), 265000),  # 26.5 万亿元 in 亿元
    ]
    a = assess(t, LEVELS, CAT.indicators, fetcher(*records), date(2027, 3, 1))
    assert a.figure == pytest.approx(10.42, abs=0.01) and a.figure_kind is FigureKind.DERIVED
    assert a.status is Status.ACHIEVED
    assert "由" + LEVELS.name.zh + "水平值推算" in a.figure_note_zh
    assert sorted(e.period for e in a.evidence) == ["2025", "2026"]


def test_average_growth_from_levels_with_the_years_to_come_projected() -> None:
    t = target(
        computation="average_annual_growth",
        indicator="revenue_elec_broad",
        measure="yoy_pct",
        comparator="gt",
        value=5,
        unit="%",
    )
    # earlier years: 6 % a year, and 5 % to September (1 point below the year's)
    records = []
    for y in range(2019, 2025):
        records.append(rec("revenue_elec_broad", Period.annual(y), 100 * 1.06 ** (y - 2019)))
        records.append(rec("revenue_elec_broad", Period.cum_month(y, 9), 70 * 1.05 ** (y - 2019)))
    records.append(rec("revenue_elec_broad", Period.cum_month(2025, 9), 70 * 1.05**5 * 1.07))
    a = assess(t, LEVELS, CAT.indicators, fetcher(*records), date(2025, 11, 1))
    assert a.figure_kind is FigureKind.PROJECTED and a.projection is not None
    # 2025 ≈ 7 % + 1 point; 2026 not begun, taken at the same rate
    assert a.figure == pytest.approx(8.0, abs=0.05)
    assert "2026年尚未开始" in a.projection.basis and "由水平值推算" in a.projection.basis
    assert "2025、2026年增速需年均达到" in a.required_zh
    assert a.required_value == pytest.approx(5.0, abs=0.01)
    assert a.status is Status.BASICALLY
    assert sorted(e.period_label_zh for e in a.evidence) == ["2024年1-9月", "2025年1-9月"]


# -- the store, both backends ---------------------------------------------------------------------------
def _plan(targets: list[dict[str, Any]], code: str) -> Plan:
    return Plan.model_validate(
        {
            "schema": "wenzeng/plan/v1",
            "code": code,
            "title": {"zh": "测试方案", "en": "test plan"},
            "document_number": "测试〔2025〕1号",
            "issuers": [{"code": "miit", "name": {"zh": "工业和信息化部", "en": "MIIT"}}],
            "issued": "2025-01-01",
            "period": {"start": 2025, "end": 2026},
            "scope": {"zh": "电子信息制造业", "en": "electronics"},
            "source": {"title": "测试"},
            "targets": targets,
            "areas": [{"code": "a", "kind": "measure", "title": {"zh": "举措", "en": "measures"}}],
            "measures": [
                {"code": "m1", "area": "a", "title": {"zh": "举措", "en": "m"}, "text": "x"}
            ],
        }
    )


def test_counts_and_qualitative_targets_from_the_store(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "provinces.csv"
    path.write_text(
        "indicator,region,period,period_type,measure,value,unit\n"
        "revenue_elec_prov,440000,2026,year,level,5.2,万亿元\n"
        "revenue_elec_prov,320000,2026,year,level,38000,亿元\n"
        "revenue_elec_prov,110000,2026,year,level,6000,亿元\n",
        encoding="utf-8",
    )
    import_file(ctx, path, ColumnMapping(), vintage=date(2027, 2, 1))
    count = {**COUNT, "code": "provinces", "title": {"zh": "过万亿省份", "en": "provinces"}}
    qual = {
        "code": "upgrade",
        "title": {"zh": "智能化高端化", "en": "upgrade"},
        "text_zh": "个人电脑、手机向智能化、高端化迈进",
        "period": {"start": 2025, "end": 2026},
        "computation": "qualitative",
    }
    plan = _plan(
        [{**target(**count).model_dump(by_alias=True, exclude_none=True)}, qual], "t-kinds"
    )
    later = {a.target.code: a for a in assess_plan(ctx, plan, date(2027, 3, 1))}
    p = later["provinces"]
    assert p.status is Status.AT_RISK and p.figure == 2  # 3 needed, most provinces unknown
    assert "广东省 5.2万亿元" in p.figure_note_zh and "江苏省 3.8万亿元" in p.figure_note_zh
    assert "北京市 0.6万亿元" in p.figure_note_zh
    assert later["upgrade"].status is Status.QUALITATIVE and later["upgrade"].figure is None
    before = {a.target.code: a for a in assess_plan(ctx, plan, date(2027, 1, 1))}
    assert before["provinces"].status is Status.NO_DATA  # imported with a later vintage
    rows = {r["target"]: r for r in target_rows(list(later.values()))}
    assert rows["过万亿省份"]["figure"] == "至少 2个" and rows["智能化高端化"]["figure"] == "—"


# -- plan show and analyze agree --------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    from wenzeng.cli import run

    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)

    def call(*args: str) -> str:
        code = run(list(args))
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.out

    return call


def test_plan_show_and_analyze_give_every_target_the_same_figure_and_status(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    plans = [row["code"] for row in json.loads(cli("plan", "list", "--format", "json"))]
    assert plans
    for as_of in ("2024-08", "2025-02", "2026-11"):
        analysed = json.loads(cli("analyze", "--as-of", as_of, "--format", "json"))
        for code in plans:
            shown = json.loads(cli("plan", "show", code, "--as-of", as_of, "--format", "json"))
            keys = ("status", "figure", "figure_kind", "rule_zh")
            got = {t["target"]: [t[k] for k in keys] for t in shown["targets"]}
            want = {t["target"]: [t[k] for k in keys] for t in analysed["assessments"][code]}
            assert got == want and len(got) == len(shown["plan"]["targets"])


def test_qualitative_progress_comes_from_the_annual_progress_reports(ctx: Context) -> None:
    from datetime import UTC, datetime

    from wenzeng.store.submissions import insert_submission

    stamp = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)

    def row(reporter: str, status: str, summary: str) -> dict[str, Any]:
        return {
            "form": "annual_progress",
            "reporter": reporter,
            "period": "2025",
            "status": status,
            "revision": 1,
            "version": 1,
            "values": {"summary": summary, "problems_suggestions": "无"},
            "explanations": {},
            "problems": [],
            "channel": "web",
            "created_by": "tester",
            "created_at": stamp,
            "updated_at": stamp,
            "submitted_at": stamp if status != "draft" else None,
        }

    with ctx.transaction() as conn:
        insert_submission(conn, row("440000", "accepted", "推动手机智能化高端化，旗舰机型占比提升"))
        insert_submission(conn, row("320000", "draft", "智能化高端化工作尚在起草"))
        insert_submission(conn, row("110000", "submitted", "集成电路产能稳步扩大"))
    qual = {
        "code": "upgrade",
        "title": {"zh": "智能化高端化", "en": "upgrade"},
        "text_zh": "个人电脑、手机向智能化、高端化迈进",
        "period": {"start": 2025, "end": 2026},
        "computation": "qualitative",
    }
    plan = _plan([qual], "t-progress")
    (a,) = assess_plan(ctx, plan, date(2026, 1, 5))
    assert a.status is Status.QUALITATIVE and a.figure is None
    assert [(n.reporter, n.period) for n in a.progress] == [("广东省", "2025年")]
    assert "旗舰机型占比提升" in a.rule_zh
    (early,) = assess_plan(ctx, plan, date(2025, 11, 1))  # before it was submitted
    assert early.progress == [] and "尚无报送的进展" in early.rule_zh


def test_the_catalogue_check_knows_the_new_kinds() -> None:
    growth = {
        "code": "growth",
        "title": {"zh": "营收增速", "en": "growth"},
        "text_zh": "电子信息制造业年均营收增速5%以上",
        "period": {"start": 2025, "end": 2026},
        "computation": "average_annual_growth",
        "indicator": "revenue_elec_broad",  # published only as levels
        "measure": "yoy_pct",
        "comparator": "ge",
        "value": 5,
        "unit": "%",
    }
    count = {**COUNT, "code": "provinces", "title": {"zh": "过万亿省份", "en": "provinces"}}
    qual = {
        "code": "upgrade",
        "title": {"zh": "智能化高端化", "en": "upgrade"},
        "text_zh": "个人电脑、手机向智能化、高端化迈进",
        "period": {"start": 2025, "end": 2026},
        "computation": "qualitative",
    }
    count["text_zh"] = "5个省份的电子信息制造业营收过万亿元"
    count["period"] = {"start": 2025, "end": 2026}
    assert CAT.check_plan(_plan([growth, count, qual], "t-check"), "plan.yaml") == []
    wrong_unit = {**count, "threshold_unit": "GW"}
    (issue,) = CAT.check_plan(_plan([wrong_unit], "t-check2"), "plan.yaml")
    assert issue.loc.key == "targets.0"
    level_share = {**growth, "indicator": "phone_5g_share", "measure": "level", "unit": "%"}
    assert CAT.check_plan(_plan([level_share], "t-check3"), "plan.yaml")  # not published so


def test_the_chinese_texts_name_indicators_never_code_them(ctx: Context) -> None:
    from wenzeng.services.plans import stored_plans

    codes = [c for c in CAT.indicators if "_" in c]  # codes, not words
    for plan in stored_plans(ctx):
        for as_of in (date(2024, 8, 1), date(2025, 3, 1), date(2026, 11, 30)):
            for a in assess_plan(ctx, plan, as_of):
                texts = [a.rule_zh, a.figure_note_zh, a.required_zh]
                texts += [a.projection.basis] if a.projection else []
                found = [c for c in codes for text in texts if c in text]
                assert not found, (a.target.code, as_of, found)
