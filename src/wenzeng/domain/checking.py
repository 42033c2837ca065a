"""Checking a submission against its form: field checks, then the form's rules.

Two tiers, as 联网直报 has them: an *error* blocks the submission until it is
corrected; a *warning* lets it through once the reporter has written an
explanation (如情况属实无需修改，则可以填写上报说明后强制上报).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from wenzeng.domain.expressions import Env, History
from wenzeng.domain.forms import FieldType, Form, FormField, Severity
from wenzeng.domain.text import clip, clip_value, quote
from wenzeng.domain.units import UnitError, conversion_factor
from wenzeng.domain.values import OutOfBounds, ValueError_, as_figure, parse_value


@dataclass(frozen=True)
class Problem:
    field: str | None
    rule: str  # required | type | min | max | choice | length | unit | a rule code of the form
    severity: Severity
    msg_zh: str
    msg_en: str
    values: dict[str, Any] = dc_field(default_factory=dict)
    explanation: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", clip_value(self.values))

    @property
    def msg(self) -> str:
        return f"{self.msg_zh} / {self.msg_en}"

    @property
    def needs_explanation(self) -> bool:
        return self.severity is Severity.WARNING and not self.explanation

    def as_dict(self) -> dict[str, Any]:
        return {
            "loc": ["field", self.field] if self.field else [],
            "field": self.field,
            "rule": self.rule,
            "code": self.rule,
            "severity": self.severity.value,
            "msg": self.msg,
            "msg_zh": self.msg_zh,
            "msg_en": self.msg_en,
            "values": self.values,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class CheckResult:
    values: dict[str, Any]  # cleaned values: numbers as float, texts stripped, blanks dropped
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def unexplained(self) -> list[Problem]:
        return [p for p in self.problems if p.needs_explanation]

    @property
    def can_submit(self) -> bool:
        return not self.errors and not self.unexplained


def format_number(value: Any) -> str:
    """12000.0 → '12000', 0.125 → '0.125'; other values as they are."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return str(value)


# how a figure a rule looked up is named in its hint: 上年同期 出口交货值, not last_year(export_cum)
_LOOKUP_WORDS: dict[str, tuple[str, str]] = {
    "prev": ("上期", "previous period's"),
    "last_year": ("上年同期", "a year earlier,"),
    "prev_cum": ("上期累计", "previous cumulative"),
    "national": ("全国", "national"),
    "others": ("其他单位合计", "other reporters' total"),
}
_LOOKUP = re.compile(r"^(?P<fn>[a-z_]+)\((?P<code>[a-z0-9_]+)\)$")


def _term(key: str, names: Mapping[str, tuple[str, str]], lang: int) -> str:
    """A value a rule used, named for people: a field by its label, a look-up by its words."""
    m = _LOOKUP.match(key)
    if m and m["fn"] in _LOOKUP_WORDS:
        field = names.get(m["code"], (m["code"], m["code"]))[lang]
        return f"{_LOOKUP_WORDS[m['fn']][lang]} {field}"
    return names.get(key, (key, key))[lang]


_TRAILING_UNIT = re.compile(r"^(?P<num>.*?\d)\s*(?P<unit>[A-Za-z\u4e00-\u9fff]+)$")


def _unit_in(raw: str) -> tuple[str, str | None]:
    """Split a unit written after a number: '1,234 万元' → ('1,234', '万元')."""
    m = _TRAILING_UNIT.match(raw.strip())
    return (m["num"], m["unit"]) if m else (raw.strip(), None)


def clean_field(f: FormField, raw: Any) -> tuple[Any, Problem | None]:
    """One field's value, cleaned; or the problem with it."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if f.type is FieldType.TEXT:
        text = str(raw).strip()
        if f.max_length and len(text) > f.max_length:
            return None, Problem(
                f.code,
                "length",
                Severity.ERROR,
                f"{f.label.zh}超过{f.max_length}个字",
                f"{f.label.en} is longer than {f.max_length} characters",
                {f.code: len(text)},
            )
        return text, None
    if f.type is FieldType.CHOICE:
        text = str(raw).strip()
        for c in f.choices:
            if text in (c.code, c.label.zh, c.label.en):
                return c.code, None
        allowed = "、".join(c.label.zh for c in f.choices)
        return None, Problem(
            f.code,
            "choice",
            Severity.ERROR,
            f"{f.label.zh}应为以下之一：{allowed}（填写的是 {quote(text)}）",
            f"{f.label.en} must be one of {', '.join(c.code for c in f.choices)} "
            f"(found {quote(text)})",
            {f.code: text},
        )
    return _clean_number(f, raw)


def _out_of_bounds(f: FormField, raw: Any) -> Problem:
    """A number no figure can be (NaN, infinity, or beyond the bound of :mod:`values`)."""
    return Problem(
        f.code,
        "type",
        Severity.ERROR,
        f"{f.label.zh}不是有效数值（非有限数或绝对值不小于10¹⁵）：{quote(raw)}",
        f"{f.label.en} is not a valid figure (not finite, or 10^15 or more in size): {quote(raw)}",
        {f.code: raw if isinstance(raw, str) else str(raw)},  # NaN has no place in JSON
    )


def _read_number(f: FormField, raw: Any) -> tuple[float | None, bool, str | None, Problem | None]:
    """(value, written with %, unit written after it, problem) of a number field's input."""
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, int | float):
        try:
            return as_figure(raw), False, None, None
        except OutOfBounds:
            return None, False, None, _out_of_bounds(f, raw)
    text, written_unit = _unit_in(str(raw))
    try:
        parsed = parse_value(text)
    except OutOfBounds:
        return None, False, None, _out_of_bounds(f, raw)
    except ValueError_:
        return (
            None,
            False,
            None,
            Problem(
                f.code,
                "type",
                Severity.ERROR,
                f"{f.label.zh}不是数字：{quote(raw)}",
                f"{f.label.en} is not a number: {quote(raw)}",
                {f.code: raw},
            ),
        )
    return parsed.value, parsed.percent, written_unit, None


def _clean_number(f: FormField, raw: Any) -> tuple[Any, Problem | None]:
    value, percent, written_unit, problem = _read_number(f, raw)
    if value is None:
        return None, problem
    assert value is not None
    if percent and f.unit != "%":
        return None, Problem(
            f.code,
            "unit",
            Severity.ERROR,
            f"{f.label.zh}的单位是{f.unit or '无'}，不应带 % 号：{quote(raw)}",
            f"{f.label.en} is in {f.unit or 'no unit'}, not %: {quote(raw)}",
            {f.code: raw},
        )
    if written_unit and f.unit and written_unit != f.unit:
        try:
            value = as_figure(value * conversion_factor(written_unit, f.unit))
        except OutOfBounds:
            return None, _out_of_bounds(f, raw)
        except UnitError:
            return None, Problem(
                f.code,
                "unit",
                Severity.ERROR,
                f"{f.label.zh}应以{f.unit}填报，{quote(written_unit)}无法换算",
                f"{f.label.en} is reported in {f.unit}; {quote(written_unit)} cannot be converted",
                {f.code: raw},
            )
    if f.type is FieldType.INTEGER and not float(value).is_integer():
        return None, Problem(
            f.code,
            "type",
            Severity.ERROR,
            f"{f.label.zh}应为整数：{quote(raw)}",
            f"{f.label.en} must be a whole number: {quote(raw)}",
            {f.code: raw},
        )
    if f.min is not None and value < f.min:
        return value, Problem(
            f.code,
            "min",
            Severity.ERROR,
            f"{f.label.zh}不能小于{f.min:g}（填写的是{value:g}）",
            f"{f.label.en} cannot be below {f.min:g} (found {value:g})",
            {f.code: value},
        )
    if f.max is not None and value > f.max:
        return value, Problem(
            f.code,
            "max",
            Severity.ERROR,
            f"{f.label.zh}不能大于{f.max:g}（填写的是{value:g}）",
            f"{f.label.en} cannot be above {f.max:g} (found {value:g})",
            {f.code: value},
        )
    return value, None


def check_values(
    form: Form,
    raw: Mapping[str, Any],
    *,
    history: History | None = None,
    explanations: Mapping[str, str] | None = None,
    fields: list[FormField] | None = None,
) -> CheckResult:
    """Every problem of one submission's values; nothing stops at the first problem."""
    explanations = explanations or {}
    all_fields = fields if fields is not None else form.fields
    known = {f.code for f in all_fields}
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for code in sorted(set(raw) - known):
        problems.append(
            Problem(
                clip(code),
                "unknown_field",
                Severity.ERROR,
                f"表中没有字段 {quote(code)}",
                f"the form has no field {quote(code)}",
            )
        )
    for f in all_fields:
        value, problem = clean_field(f, raw.get(f.code))
        if problem is not None:
            problems.append(problem)
        if value is not None:
            values[f.code] = value
        elif f.required and problem is None:
            problems.append(
                Problem(
                    f.code,
                    "required",
                    Severity.ERROR,
                    f"{f.label.zh}为必填项",
                    f"{f.label.en} is required",
                )
            )
    bad_fields = {p.field for p in problems if p.severity is Severity.ERROR}
    lookup = history or (lambda _fn, _code: None)
    names = {f.code: (f.label.zh, f.label.en) for f in all_fields}
    for rule in form.rules:
        check, when = rule.compiled
        if check.names & bad_fields:
            continue  # the field's own error says it already
        if when is not None and not when.evaluate(Env(values, lookup)):
            continue
        env = Env(values, lookup)
        outcome = check.evaluate(env)
        if outcome is None or outcome:
            continue  # holds, or not applicable (a value it needs is missing)
        used = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in env.used.items()}
        shown_zh = "，".join(f"{_term(k, names, 0)} {format_number(v)}" for k, v in used.items())
        shown_en = "; ".join(f"{_term(k, names, 1)} {format_number(v)}" for k, v in used.items())
        problems.append(
            Problem(
                form.rule_field(rule),
                rule.code,
                rule.severity,
                f"{rule.message.zh}（{shown_zh}）",
                f"{rule.message.en} ({shown_en})",
                used,
                explanations.get(rule.code) if rule.severity is Severity.WARNING else None,
            )
        )
    return CheckResult(values, problems)
