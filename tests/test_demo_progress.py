"""Simulated annual progress reports of the demo: deterministic, valid, marked, a useful mix."""

from __future__ import annotations

from collections import Counter
from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal, Role
from wenzeng.definitions.catalogue import (
    builtin_catalogue,
    builtin_form_files,
    builtin_plan_files,
    expand_fields,
    read_form,
    read_plan,
)
from wenzeng.domain.catalog import Entity, EntityKind
from wenzeng.domain.checking import check_values
from wenzeng.domain.forms import FieldType, Form
from wenzeng.domain.plan import Plan
from wenzeng.ingest.pipeline import OUTPUT_SCHEMA
from wenzeng.ingest.readers import ROW
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.demo import PROGRESS_FORMS, load_demo_progress
from wenzeng.services.loading import store_frame
from wenzeng.services.tracker import tracker
from wenzeng.simulation.progress import (
    COMPLETED,
    IN_PROGRESS,
    MARK,
    MEASURE_STATUSES,
    NOT_APPLICABLE,
    NOT_STARTED,
    Outcome,
    ReporterFigures,
    measure_statuses,
    progress_values,
    report_outcomes,
    return_reason,
)
from wenzeng.store import batches as batch_store
from wenzeng.store.tables import audit_log, submission

ANALYST = Principal("ana", Role.ANALYST, user_id=1)
YEARS = (2023, 2024)


@pytest.fixture(scope="module")
def plan() -> Plan:
    (path,) = [p for p in builtin_plan_files() if p.stem == "eim-2023-2024"]
    return read_plan(path)


@pytest.fixture(scope="module")
def forms() -> dict[str, Form]:
    found = {p.stem: read_form(p) for p in builtin_form_files()}
    return {code: found[code] for code in PROGRESS_FORMS}


def _reporters(form: Form) -> list[Entity]:
    kinds = policy.REPORTER_KINDS[form.reporter]
    return sorted(builtin_catalogue().entities_of(*kinds), key=lambda e: e.code)


def _cases(forms: dict[str, Form]) -> list[tuple[Form, Entity, int]]:
    return [(f, e, y) for f in forms.values() for e in _reporters(f) for y in YEARS]


# ── the generator ─────────────────────────────────────────────────────────────────────
def test_same_output_twice(plan: Plan, forms: dict[str, Form]) -> None:
    form = forms["annual_progress"]
    gd = builtin_catalogue().entity("440000")
    figures = ReporterFigures(revenue=12345.6, revenue_yoy=4.2)
    a = progress_values(form, plan, gd, 2024, figures=figures)
    assert a == progress_values(form, plan, gd, 2024, figures=figures)
    assert a != progress_values(form, plan, gd, 2023, figures=figures)
    assert a != progress_values(form, plan, builtin_catalogue().entity("510000"), 2024)
    codes = [e.code for e in _reporters(form)]
    assert report_outcomes(codes, 2024) == report_outcomes(list(reversed(codes)), 2024)
    assert return_reason(plan, gd, 2024) == return_reason(plan, gd, 2024)
    # another seed, other values
    assert progress_values(form, plan, gd, 2024, seed=1) != progress_values(form, plan, gd, 2024)


def test_values_fit_the_expanded_form(plan: Plan, forms: dict[str, Form]) -> None:
    for form, e, year in _cases(forms):
        fields = {f.code: f for f in expand_fields(form, plan)}
        values = progress_values(form, plan, e, year)
        assert set(values) <= set(fields), (form.code, e.code)
        # every required field and every measure's status is there
        assert {c for c, f in fields.items() if f.required} <= set(values)
        result = check_values(form, values, fields=list(fields.values()))
        assert result.problems == [], (form.code, e.code, year, result.problems[:3])
        assert result.can_submit
        for code, value in values.items():
            f = fields[code]
            if f.type is FieldType.CHOICE:
                assert value in {c.code for c in f.choices}
                continue
            assert value.startswith(MARK), (code, value)
            assert value == value.strip() and value
            assert f.max_length is None or len(value) <= f.max_length


def test_texts_name_the_reporter_and_the_measure(plan: Plan, forms: dict[str, Form]) -> None:
    form = forms["annual_progress"]
    gd = builtin_catalogue().entity("440000")
    values = progress_values(form, plan, gd, 2024)
    assert gd.name.zh in values["summary"]
    for m in plan.measures:
        actions = values[f"m{m.code.replace('.', '_').lower()}__actions"]
        assert m.title.zh in actions and gd.name.zh in actions
    assoc = forms["annual_progress_association"]
    ceia = builtin_catalogue().entity("assoc_ceia")
    assert ceia.name.zh in progress_values(assoc, plan, ceia, 2024)["summary"]


def test_key_figures_quote_the_monitoring_figures(plan: Plan, forms: dict[str, Form]) -> None:
    gd = builtin_catalogue().entity("440000")
    figures = ReporterFigures(revenue=36543.2, revenue_yoy=6.1, profit=1234.5, profit_yoy=-2.3)
    text = progress_values(forms["annual_progress"], plan, gd, 2024, figures=figures)["key_figures"]
    assert text.startswith(MARK)
    assert "36543.2亿元" in text and "同比增长6.1%" in text
    assert "1234.5亿元" in text and "同比下降2.3%" in text
    assert "出口交货值" not in text  # not given, not invented


def test_status_mix_and_applicability(plan: Plan, forms: dict[str, Form]) -> None:
    form = forms["annual_progress"]
    reporters = _reporters(form)
    local = {m.code for m in plan.measures if "local_miit" in m.responsible}
    assert local and local != {m.code for m in plan.measures}
    shares: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    by_year: dict[int, Counter[str]] = {}
    for year in YEARS:
        by_year[year] = Counter()
        for e in reporters:
            for code, status in measure_statuses(plan, e, year).items():
                shares[code in local][status] += 1
                by_year[year][status] += 1
    for year in YEARS:
        assert set(by_year[year]) == set(MEASURE_STATUSES), by_year[year]

    def na(c: Counter[str]) -> float:
        return c[NOT_APPLICABLE] / sum(c.values())

    assert na(shares[False]) > 3 * na(shares[True])
    # the plan's last year is further on than its first
    assert by_year[2024][COMPLETED] > 2 * by_year[2023][COMPLETED]
    assert by_year[2024][NOT_STARTED] < by_year[2023][NOT_STARTED]
    assert by_year[2024][IN_PROGRESS] < by_year[2023][IN_PROGRESS]


def test_a_measure_never_goes_backwards(plan: Plan, forms: dict[str, Form]) -> None:
    rank = {NOT_STARTED: 0, IN_PROGRESS: 1, COMPLETED: 2}
    for form in forms.values():
        for e in _reporters(form):
            first = measure_statuses(plan, e, 2023)
            last = measure_statuses(plan, e, 2024)
            for code, before in first.items():
                after = last[code]
                if before == NOT_APPLICABLE:
                    assert after == NOT_APPLICABLE
                else:
                    assert rank[after] >= rank[before], (e.code, code, before, after)


def test_report_outcomes_mix() -> None:
    provinces = [f"P{i:02d}" for i in range(37)]
    got = Counter(report_outcomes(provinces, 2024).values())
    assert got == {
        Outcome.ACCEPTED: 24,
        Outcome.SUBMITTED: 4,
        Outcome.DRAFT: 2,
        Outcome.RETURNED: 1,
        Outcome.MISSING: 6,
    }
    earlier = Counter(report_outcomes(provinces, 2023, latest=False).values())
    assert Outcome.SUBMITTED not in earlier and earlier[Outcome.ACCEPTED] == 28
    associations = Counter(report_outcomes([f"A{i}" for i in range(11)], 2024).values())
    assert associations[Outcome.MISSING] >= 1 and associations[Outcome.RETURNED] == 1
    # an entity's outcome depends on its own hash: adding one moves few others
    more = report_outcomes([*provinces, "P99"], 2024)
    base = report_outcomes(provinces, 2024)
    assert sum(base[c] != more[c] for c in provinces) <= 5


# ── loading into a store ──────────────────────────────────────────────────────────────
def _simulated_figures(ctx: Context, entity: str) -> None:
    """A few simulated monitoring figures of a reporter, as the demo writes them."""
    rows = [
        ("revenue_elec", "level", 36543.21, "亿元"),
        ("revenue_elec", "yoy_pct", 6.1, "%"),
        ("export_elec", "level", 15000.04, "亿元"),
    ]
    frame = pl.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "entity": [entity] * len(rows),
            "measure": [r[1] for r in rows],
            "period_type": ["cum_month"] * len(rows),
            "period": ["2024-01~10"] * len(rows),
            "vintage": [date(2024, 11, 30)] * len(rows),
            "value": [r[2] for r in rows],
            "qualifier": [""] * len(rows),
            "published_value": [str(r[2]) for r in rows],
            "published_unit": [r[3] for r in rows],
            "source_title": ["模拟演示数据（测试）"] * len(rows),
            "source_url": [None] * len(rows),
            "note": [None] * len(rows),
            "publisher": [None] * len(rows),
            "release": [None] * len(rows),
            ROW: list(range(1, len(rows) + 1)),
        },
        schema=OUTPUT_SCHEMA,
    )
    with ctx.transaction() as conn:
        batch_id = batch_store.create_batch(conn, "demo", note="test")
        store_frame(
            conn,
            frame.drop(ROW),
            batch_id=batch_id,
            source_kind="simulated",
            default_title="",
            simulated=True,
        )
    ctx.invalidate()


def test_loading_the_progress_reports(ctx: Context, forms: dict[str, Form]) -> None:
    codes = [e.code for e in _reporters(forms["annual_progress"])]
    outcomes = report_outcomes(codes, 2024)
    quoted = next(c for c in codes if outcomes[c] is not Outcome.MISSING)
    _simulated_figures(ctx, quoted)
    ticks: list[int] = []
    result = load_demo_progress(ctx, progress=ticks.append)
    assert result.filed == sum(ticks) > 0
    assert set(result.counts) == {(f, str(y)) for f in PROGRESS_FORMS for y in YEARS}

    t = tracker(ctx, ANALYST, "annual_progress", "2024", today=date(2024, 12, 15))
    counts = t.counts
    assert counts["missing"] >= 3
    assert counts["draft"] in (1, 2) and counts["returned"] == 1
    assert counts["accepted"] + counts["submitted"] >= 0.7 * len(t.rows)
    assert counts["accepted"] > counts["submitted"] > 0
    assert counts["late"] == counts["missing"] + counts["draft"] + counts["returned"]
    assoc = tracker(ctx, ANALYST, "annual_progress_association", "2024").counts
    assert assoc["missing"] >= 1 and assoc["accepted"] >= 5

    reports = subs.list_submissions(ctx, ANALYST, form="annual_progress", period="2024")
    statuses: Counter[str] = Counter()
    for s in reports:
        assert s.problems == []
        statuses.update(v for k, v in s.values.items() if k.endswith("__status"))
        assert all(v.startswith(MARK) for k, v in s.values.items() if not k.endswith("__status"))
    assert set(statuses) == set(MEASURE_STATUSES)
    assert statuses[COMPLETED] > statuses[IN_PROGRESS] > statuses[NOT_STARTED]
    # the key figures quote the reporter's monitoring data where it has some
    (with_figures,) = [s for s in reports if s.reporter == quoted]
    assert "36543.2亿元" in with_figures.values["key_figures"]
    assert "15000.0亿元" in with_figures.values["key_figures"]
    assert all("36543.2" not in s.values["key_figures"] for s in reports if s.reporter != quoted)
    (returned,) = [s for s in reports if s.status is subs.Status.RETURNED]
    assert returned.return_reason and returned.return_reason.startswith(MARK)
    # the steps went through the submission service: its audit trail is there
    (accepted, *_) = [s for s in reports if s.status is subs.Status.ACCEPTED]
    trail = [a["action"] for a in subs.audit_trail(ctx, ANALYST, accepted.id)]
    assert trail == ["create", "submit", "accept"]
    assert accepted.reviewed_by == "analyst"

    # loading again adds nothing
    with ctx.reading() as conn:
        before = conn.execute(select(func.count()).select_from(submission)).scalar_one()
        audits = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    again = load_demo_progress(ctx)
    assert again.filed == 0 and again.kept == result.filed
    with ctx.reading() as conn:
        assert conn.execute(select(func.count()).select_from(submission)).scalar_one() == before
        assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == audits


def test_reporters_of_the_forms_are_regions_and_associations(forms: dict[str, Form]) -> None:
    kinds = {e.kind for f in forms.values() for e in _reporters(f)}
    assert kinds == {
        EntityKind.PROVINCE,
        EntityKind.PLAN_CITY,
        EntityKind.XPCC,
        EntityKind.ASSOCIATION,
    }
