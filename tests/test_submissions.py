"""The submission lifecycle: rules, transitions, audit log, vintages, concurrent edits."""

from __future__ import annotations

from datetime import date

import pytest

from factories import ACME as ACME_E
from factories import BETA as BETA_E
from factories import add_enterprises, enterprise_values
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.series import SeriesQuery, observations

FORM = "monthly_enterprise"
ANALYST = Principal("ana", Role.ANALYST, user_id=1)
ACME = Principal("acme", Role.ENTERPRISE, user_id=2, entity="E9001")
OTHER = Principal("other", Role.ENTERPRISE, user_id=3, entity="E9002")
SICHUAN = Principal("sc", Role.PROVINCE, user_id=4, entity="510000")
GUANGDONG = Principal("gd", Role.PROVINCE, user_id=5, entity="440000")


good = enterprise_values


@pytest.fixture
def cx(ctx: Context) -> Context:
    add_enterprises(ctx, ACME_E, BETA_E)
    return ctx


def accepted(cx: Context, period: str, values: dict[str, object]) -> subs.Submission:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period=period, values=values)
    s = subs.submit(
        cx, ACME, s.id, version=s.version, explanations={p["rule"]: "属实" for p in s.problems}
    )
    return subs.accept(cx, ANALYST, s.id, version=s.version, vintage=date(2025, 11, 5))


def test_full_lifecycle_writes_observations_with_vintages(cx: Context) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025年10月", values=good())
    assert (s.status, s.version, s.period) == (subs.Status.DRAFT, 1, "2025-10")
    assert s.values["revenue_cum"] == 95000.0
    s = subs.submit(cx, ACME, s.id, version=s.version)
    assert s.status is subs.Status.SUBMITTED
    s = subs.return_(cx, ANALYST, s.id, version=s.version, reason="利润偏高，请核实")
    assert s.status is subs.Status.RETURNED and s.return_reason == "利润偏高，请核实"
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(profit_cum=5000),
        version=s.version,
    )
    s = subs.submit(cx, ACME, s.id, version=s.version)
    s = subs.accept(cx, ANALYST, s.id, version=s.version, vintage=date(2025, 11, 12))
    assert s.status is subs.Status.ACCEPTED
    (rev,) = observations(
        cx,
        SYSTEM,
        SeriesQuery("revenue_elec", entity="E9001", measure="level", period="2025-01~10"),
    )
    assert rev.value == pytest.approx(9.5)  # 95,000 万元 → 9.5 亿元
    assert rev.source_kind == "submission" and rev.vintage == date(2025, 11, 12)
    assert f"#{s.id}" in rev.source_title
    # a correction after acceptance adds a vintage and keeps the old one
    s = subs.revise(cx, ACME, s.id, version=s.version)
    assert (s.status, s.revision) == (subs.Status.DRAFT, 2)
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(revenue_cum=96000),
        version=s.version,
    )
    s = subs.submit(cx, ACME, s.id, version=s.version)
    subs.accept(cx, ANALYST, s.id, version=s.version, vintage=date(2025, 12, 1))
    history = observations(
        cx,
        SYSTEM,
        SeriesQuery(
            "revenue_elec", entity="E9001", measure="level", period="2025-01~10", all_vintages=True
        ),
    )
    assert [h.value for h in history] == pytest.approx([9.5, 9.6])
    (then,) = observations(
        cx,
        SYSTEM,
        SeriesQuery(
            "revenue_elec",
            entity="E9001",
            measure="level",
            period="2025-01~10",
            as_of=date(2025, 11, 30),
        ),
    )
    assert then.value == pytest.approx(9.5)


def test_every_step_is_in_the_audit_log(cx: Context) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(revenue_month=11500),
        version=s.version,
    )
    s = subs.submit(cx, ACME, s.id, version=s.version)
    s = subs.accept(cx, ANALYST, s.id, version=s.version)
    trail = subs.audit_trail(cx, ACME, s.id)
    assert [t["action"] for t in trail] == ["create", "update", "submit", "accept"]
    assert [t["actor"] for t in trail] == ["acme", "acme", "acme", "ana"]
    change = trail[1]["details"]["changes"]
    assert change == {"revenue_month": {"old": 11000.0, "new": 11500.0}}
    assert all(t["at"] for t in trail)


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ([], "accept", "cannot accept a submission that is draft"),
        ([], "return", "cannot return a submission that is draft"),
        ([], "revise", "cannot revise a submission that is draft"),
        (["submit"], "submit", "cannot submit a submission that is submitted"),
        (["submit"], "revise", "cannot revise a submission that is submitted"),
        (["submit", "accept"], "accept", "cannot accept a submission that is accepted"),
        (["submit", "accept"], "return", "cannot return a submission that is accepted"),
        (["submit", "accept"], "submit", "cannot submit a submission that is accepted"),
        (["submit", "accept"], "edit", "cannot edit a submission that is accepted"),
        (["submit"], "edit", "cannot edit a submission that is submitted"),
        (["submit", "return"], "accept", "cannot accept a submission that is returned"),
    ],
)
def test_illegal_transitions_are_refused(
    cx: Context, steps: list[str], action: str, message: str
) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    for step in steps:
        s = _do(cx, step, s)
    before = s
    with pytest.raises(Conflict, match=message):
        _do(cx, action, s)
    after = subs.get_submission(cx, ANALYST, s.id)
    assert (after.status, after.version) == (before.status, before.version)


def _do(cx: Context, action: str, s: subs.Submission) -> subs.Submission:
    if action == "submit":
        return subs.submit(cx, ACME, s.id, version=s.version)
    if action == "accept":
        return subs.accept(cx, ANALYST, s.id, version=s.version)
    if action == "return":
        return subs.return_(cx, ANALYST, s.id, version=s.version, reason="请核实")
    if action == "revise":
        return subs.revise(cx, ACME, s.id, version=s.version)
    return subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period=s.period,
        values=good(),
        version=s.version,
    )


def test_legal_transitions_from_returned(cx: Context) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    s = subs.submit(cx, ACME, s.id, version=s.version)
    s = subs.return_(cx, ANALYST, s.id, version=s.version, reason="请核实")
    s = subs.submit(cx, ACME, s.id, version=s.version)  # resubmit as it is
    assert s.status is subs.Status.SUBMITTED and s.return_reason is None


def test_blocking_errors_stop_submission(cx: Context) -> None:
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(revenue_cum=5000, export_cum=200000, employment=None),
    )
    rules = {p["rule"]: p for p in s.problems}
    assert rules["revenue_cum_ge_month"]["severity"] == "error"
    assert rules["revenue_cum_ge_month"]["values"] == {
        "revenue_cum": 5000.0,
        "revenue_month": 11000.0,
    }
    assert rules["export_le_output_value"]["field"] == "export_cum"
    assert rules["required"]["field"] == "employment"
    with pytest.raises(ValidationFailed, match="3 error\\(s\\) to correct") as info:
        subs.submit(cx, ACME, s.id, version=s.version)
    assert {i.loc.key for i in info.value.issues} >= {"revenue_cum_ge_month", "required"}
    assert subs.get_submission(cx, ACME, s.id).status is subs.Status.DRAFT


def test_warnings_need_an_explanation(cx: Context) -> None:
    accepted(
        cx,
        "2025-09",
        good(
            revenue_month=10000,
            revenue_cum=84000,
            output_value_cum=88000,
            export_cum=27000,
            inventory_finished=5000,
        ),
    )
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(revenue_month=16000, revenue_cum=100000),
    )
    warnings = {p["rule"] for p in s.problems if p["severity"] == "warning"}
    assert {"revenue_month_vs_prev", "inventory_jump"} <= warnings
    with pytest.raises(ValidationFailed, match="warning\\(s\\) to explain"):
        subs.submit(cx, ACME, s.id, version=s.version)
    s = subs.submit(
        cx,
        ACME,
        s.id,
        version=s.version,
        explanations={w: "新品上市，订单集中交付" for w in warnings},
    )
    assert s.status is subs.Status.SUBMITTED
    assert s.explanations["inventory_jump"] == "新品上市，订单集中交付"


def test_cumulative_may_not_fall_below_last_month(cx: Context) -> None:
    accepted(cx, "2025-09", good(revenue_cum=90000))
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(revenue_cum=89000, revenue_month=10000),
    )
    (p,) = [p for p in s.problems if p["rule"] == "revenue_cum_ge_prev_cum"]
    assert p["severity"] == "error"
    assert p["values"] == {"revenue_cum": 89000.0, "prev_cum(revenue_cum)": 90000.0}
    # the hint names the items it compared, not their codes
    assert "(Operating revenue (year to date) 89000; previous cumulative" in p["msg_en"]
    assert "revenue_cum" not in p["msg_zh"] + p["msg_en"]


def test_rules_without_history_do_not_fire(cx: Context) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    assert s.problems == []


def test_bad_values_name_field_and_value(cx: Context) -> None:
    s = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(
            revenue_month="一万",
            employment="1500.5",
            receivables="12%",
            orders_new="1.2 亿元",
            profit_cum="-３，０００",
        ),
    )
    by_field = {p["field"]: p for p in s.problems}
    assert by_field["revenue_month"]["rule"] == "type"
    assert "not a number: '一万'" in by_field["revenue_month"]["msg_en"]
    assert by_field["employment"]["rule"] == "type"
    assert by_field["receivables"]["rule"] == "unit"
    assert "orders_new" not in by_field and s.values["orders_new"] == pytest.approx(12000)
    assert s.values["profit_cum"] == -3000


def test_two_people_editing_at_once_one_wins_the_other_is_told(cx: Context) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    first = subs.save(
        cx,
        ACME,
        form_code=FORM,
        reporter="E9001",
        period="2025-10",
        values=good(revenue_month=11111),
        version=s.version,
    )
    with pytest.raises(Conflict, match="changed by someone else"):
        subs.save(
            cx,
            ACME,
            form_code=FORM,
            reporter="E9001",
            period="2025-10",
            values=good(revenue_month=22222),
            version=s.version,
        )
    now = subs.get_submission(cx, ACME, s.id)
    assert now.values["revenue_month"] == 11111 and now.version == first.version
    trail = subs.audit_trail(cx, ACME, s.id)
    assert [t["action"] for t in trail] == ["create", "update"]  # the loser left no trace
    with pytest.raises(Conflict, match="name the version"):
        subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())


def test_scoping_of_submissions(cx: Context) -> None:
    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    assert subs.get_submission(cx, SICHUAN, s.id).id == s.id  # its region
    with pytest.raises(NotFound):
        subs.get_submission(cx, GUANGDONG, s.id)
    with pytest.raises(NotFound):
        subs.get_submission(cx, OTHER, s.id)
    assert [x.id for x in subs.list_submissions(cx, SICHUAN)] == [s.id]
    assert subs.list_submissions(cx, GUANGDONG) == []
    with pytest.raises(Forbidden, match="only for your own organisation"):
        subs.save(cx, OTHER, form_code=FORM, reporter="E9001", period="2025-10", values=good())
    with pytest.raises(Forbidden, match="department staff only"):
        subs.accept(cx, ACME, s.id, version=s.version)
    with pytest.raises(Forbidden, match="not filled in by"):
        subs.save(cx, SICHUAN, form_code=FORM, reporter="510000", period="2025-10", values=good())


def test_period_must_suit_the_form(cx: Context) -> None:
    with pytest.raises(ValidationFailed, match="is a year, not a month"):
        subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025", values=good())


def test_concurrent_revisions_one_wins_nothing_lost(cx: Context) -> None:
    """Several people change the same version at the same moment, in threads."""
    from concurrent.futures import ThreadPoolExecutor

    s = subs.save(cx, ACME, form_code=FORM, reporter="E9001", period="2025-10", values=good())

    def attempt(i: int) -> tuple[int, str]:
        try:
            subs.save(
                cx,
                ACME,
                form_code=FORM,
                reporter="E9001",
                period="2025-10",
                values=good(revenue_month=20000 + i),
                version=s.version,
            )
            return i, "ok"
        except Conflict:
            return i, "conflict"
        except Exception as exc:  # noqa: BLE001 - SQLite may report a busy database
            return i, f"error: {exc}"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    winners = [i for i, o in outcomes if o == "ok"]
    assert len(winners) == 1, outcomes
    assert all(o in ("ok", "conflict") for _, o in outcomes), outcomes
    final = subs.get_submission(cx, ACME, s.id)
    assert final.values["revenue_month"] == 20000 + winners[0]
    assert final.version == s.version + 1
    trail = subs.audit_trail(cx, ACME, s.id)
    assert [t["action"] for t in trail] == ["create", "update"]
