"""Every kind of check, passing and failing, on the built-in forms; and the rule language."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import ENTERPRISE_VALUES
from wenzeng.definitions.catalogue import (
    builtin_form_files,
    builtin_plan_files,
    expand_fields,
    read_form,
    read_plan,
)
from wenzeng.domain.checking import check_values
from wenzeng.domain.expressions import Env, ExpressionError, compile_expression
from wenzeng.domain.forms import Form

FORMS = {p.stem: read_form(p) for p in builtin_form_files()}


def history(table: dict[tuple[str, str], float]) -> Any:
    return lambda fn, code: table.get((fn, code))


def rules_hit(
    form: Form,
    values: dict[str, Any],
    hist: dict[tuple[str, str], float] | None = None,
    fields: Any = None,
) -> dict[str, str]:
    result = check_values(form, values, history=history(hist or {}), fields=fields)
    return {p.rule: p.severity.value for p in result.problems}


ENTERPRISE = ENTERPRISE_VALUES
ASSOCIATION = {
    "revenue_cum": 1000,
    "revenue_yoy": 5,
    "profit_cum": 50,
    "export_cum": 300,
    "output_value_cum": 1100,
    "revenue_computers": 300,
    "revenue_communications": 500,
    "revenue_other": 200,
    "phone_ship_total": 2500,
    "phone_ship_5g": 2200,
    "phone_5g_share": 88,
}


def test_clean_values_pass() -> None:
    assert rules_hit(FORMS["monthly_enterprise"], ENTERPRISE) == {}
    assert rules_hit(FORMS["association_sector"], ASSOCIATION) == {}


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"employment": None}, "required"),
        ({"revenue_month": "abc"}, "type"),
        ({"employment": "12.5"}, "type"),
        ({"receivables": "12%"}, "unit"),
        ({"receivables": "12 GW"}, "unit"),
        ({"revenue_month": -5}, "min"),
        ({"surprise": 1}, "unknown_field"),
        ({"revenue_cum": 5000}, "revenue_cum_ge_month"),  # arithmetic within the form
        ({"export_cum": 200000}, "export_le_output_value"),
    ],
)
def test_blocking_field_and_form_checks(change: dict[str, Any], rule: str) -> None:
    values = {k: v for k, v in {**ENTERPRISE, **change}.items() if v is not None}
    assert rules_hit(FORMS["monthly_enterprise"], values).get(rule) == "error"


def test_a_unit_written_after_the_number_is_converted() -> None:
    result = check_values(FORMS["monthly_enterprise"], {**ENTERPRISE, "receivables": "2 亿元"})
    assert result.values["receivables"] == 20000 and not result.problems


def test_parts_must_sum_to_the_total_within_a_tolerance() -> None:
    form = FORMS["association_sector"]
    assert "revenue_parts_add_up" not in rules_hit(form, {**ASSOCIATION, "revenue_other": 205})
    assert rules_hit(form, {**ASSOCIATION, "revenue_other": 250})["revenue_parts_add_up"] == "error"
    partial = {k: v for k, v in ASSOCIATION.items() if k != "revenue_other"}
    assert "revenue_parts_add_up" not in rules_hit(form, partial)  # `when` not met


def test_shipments_of_5g_within_the_total_and_share_consistent() -> None:
    form = FORMS["association_sector"]
    hit = rules_hit(form, {**ASSOCIATION, "phone_ship_5g": 2600})
    assert hit["phone_5g_within_total"] == "error"
    assert any(r for r, s in hit.items() if "share" in r and s == "error")


def test_cumulative_not_below_last_month() -> None:
    form = FORMS["monthly_enterprise"]
    ok = rules_hit(form, ENTERPRISE, {("prev_cum", "revenue_cum"): 84000})
    assert "revenue_cum_ge_prev_cum" not in ok
    bad = rules_hit(form, ENTERPRISE, {("prev_cum", "revenue_cum"): 96000})
    assert bad["revenue_cum_ge_prev_cum"] == "error"


@pytest.mark.parametrize(
    ("hist", "rule"),
    [
        ({("prev", "revenue_month"): 5000}, "revenue_month_vs_prev"),
        ({("last_year", "revenue_month"): 5000}, "revenue_month_vs_last_year"),
        ({("last_year", "revenue_cum"): 80000}, "revenue_yoy_consistent"),  # 18.75 % ≠ 5 %
        ({("prev", "inventory_finished"): 5000}, "inventory_jump"),
        ({("prev", "receivables"): 10000}, "receivables_jump"),
    ],
)
def test_warnings_against_history(hist: dict[tuple[str, str], float], rule: str) -> None:
    form = FORMS["monthly_enterprise"]
    assert rules_hit(form, ENTERPRISE, hist).get(rule) == "warning"


@pytest.mark.parametrize(
    ("hist", "rule"),
    [
        ({("prev", "revenue_month"): 10500}, "revenue_month_vs_prev"),
        ({("last_year", "revenue_month"): 10000}, "revenue_month_vs_last_year"),
        ({("last_year", "revenue_cum"): 90476}, "revenue_yoy_consistent"),  # 5.0 %
        ({("prev", "inventory_finished"): 7500}, "inventory_jump"),
    ],
)
def test_warnings_stay_quiet_when_history_agrees(
    hist: dict[tuple[str, str], float], rule: str
) -> None:
    assert rule not in rules_hit(FORMS["monthly_enterprise"], ENTERPRISE, hist)


def test_province_sum_against_the_national_figure() -> None:
    form = FORMS["monthly_province"]
    values = {
        "va_month": 8,
        "va_cum": 9,
        "revenue_cum": 20000,
        "revenue_yoy": 5,
        "profit_cum": 1000,
        "export_cum": 8000,
        "export_yoy": 3,
        "enterprises": 500,
    }
    near = {("others", "revenue_cum"): 100000, ("national", "revenue_cum"): 121000}
    far = {("others", "revenue_cum"): 130000, ("national", "revenue_cum"): 121000}
    assert "revenue_within_national" not in rules_hit(form, values, near)
    assert rules_hit(form, values, far)["revenue_within_national"] == "warning"


def test_choice_and_length_on_the_annual_progress_report() -> None:
    form = FORMS["annual_progress"]
    plan = read_plan(builtin_plan_files()[0])
    fields = expand_fields(form, plan)
    status = next(f for f in fields if f.code.endswith("__status"))
    hit = check_values(form, {"summary": "x" * 2001, status.code: "finished?"}, fields=fields)
    kinds = {(p.field, p.rule) for p in hit.problems}
    assert ("summary", "length") in kinds and (status.code, "choice") in kinds
    ok = check_values(form, {"summary": "进展顺利", status.code: "已完成"}, fields=fields)
    assert ok.values[status.code] == "completed"
    assert not [p for p in ok.problems if p.field in ("summary", status.code)]


# -- the language ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "not allowed"),
        ("revenue.real > 0", "Attribute is not allowed"),
        ("revenue[0] > 0", "Subscript is not allowed"),
        ("'a' == 'a'", "constant 'a'"),
        ("(lambda: 1)()", "not allowed"),
        ("exec('1')", "unknown function exec()"),
        ("prev(1)", "prev\\(\\) takes one field name"),
        ("colour > 1", "unknown field 'colour'"),
        ("revenue >", "syntax error"),
    ],
)
def test_the_language_refuses_everything_else(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_expression(text, {"revenue"})


def test_missing_values_make_a_rule_not_applicable() -> None:
    e = compile_expression("a / prev(a) - 1 <= 0.5", {"a"})
    assert e.evaluate(Env({"a": 3})) is None  # no history
    assert e.evaluate(Env({"a": 3}, lambda fn, c: 2.0)) is True
    assert e.evaluate(Env({"a": 3}, lambda fn, c: 0.0)) is None  # division by zero
    assert compile_expression("not present(a)", {"a"}).evaluate(Env({})) is True
    assert compile_expression("present(a) and a > 1", {"a"}).evaluate(Env({})) is False
    assert compile_expression("coalesce(a, 7) == 7", {"a"}).evaluate(Env({})) is True
    assert compile_expression("0 <= a <= 10", {"a"}).evaluate(Env({"a": 11})) is False


@given(st.floats(-1e9, 1e9), st.floats(-1e9, 1e9))
def test_arithmetic_matches_python(a: float, b: float) -> None:
    e = compile_expression("abs(a - b) * 2 + min(a, b) - max(a, b) / 4", {"a", "b"})
    assert e.evaluate(Env({"a": a, "b": b})) == pytest.approx(
        abs(a - b) * 2 + min(a, b) - max(a, b) / 4
    )
