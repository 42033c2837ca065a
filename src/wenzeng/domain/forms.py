"""Report forms (报表) as data: who fills them, when, which fields, and the rules.

Forms are YAML files in ``wenzeng/catalog/forms/`` (see ``docs/forms.md``).
Each field of a numeric form maps to an indicator, a measure and a period
type, with the unit the reporter writes in; the rules are expressions over
field codes (:mod:`wenzeng.domain.expressions`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from wenzeng.domain.catalog import Measure
from wenzeng.domain.expressions import Expression, ExpressionError, compile_expression
from wenzeng.domain.periods import PeriodType
from wenzeng.domain.plan import Due, ReporterKind
from wenzeng.domain.text import I18n

FORM_SCHEMA = "wenzeng/form/v1"


class FieldType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    TEXT = "text"
    CHOICE = "choice"


class Severity(StrEnum):
    ERROR = "error"  # blocks submission (强制性审核)
    WARNING = "warning"  # needs an explanation before submission (核实性审核)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Model):
    code: str
    label: I18n


class FormField(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    label: I18n
    type: FieldType = FieldType.NUMBER
    required: bool = False
    unit: str | None = Field(default=None, description="the unit the reporter writes in")
    indicator: str | None = Field(default=None, description="indicator the value becomes")
    measure: Measure | None = None
    period_type: PeriodType | None = Field(
        default=None, description="the kind of period the figure covers (default: the form's)"
    )
    min: float | None = None
    max: float | None = None
    max_length: int | None = Field(default=None, ge=1)
    choices: list[Choice] = Field(default_factory=list)
    help: I18n | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FormField:
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError(f"field {self.code}: a choice field needs choices")
        if self.indicator and self.type not in (FieldType.NUMBER, FieldType.INTEGER):
            raise ValueError(f"field {self.code}: only number fields can map to an indicator")
        if self.indicator and self.measure is None:
            raise ValueError(f"field {self.code}: a field mapped to an indicator needs a measure")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field {self.code}: min is above max")
        return self

    @property
    def numeric(self) -> bool:
        return self.type in (FieldType.NUMBER, FieldType.INTEGER)


class Rule(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity: Severity
    check: str = Field(min_length=1, description="an expression that must hold")
    message: I18n
    field: str | None = Field(default=None, description="the field a problem is shown at")
    when: str | None = Field(default=None, description="the rule applies only when this holds")
    _check: Expression | None = PrivateAttr(default=None)
    _when: Expression | None = PrivateAttr(default=None)

    @property
    def compiled(self) -> tuple[Expression, Expression | None]:
        assert self._check is not None, "rules are compiled when their form is validated"
        return self._check, self._when


class PerMeasure(_Model):
    """Fields repeated for every measure of a plan (the annual progress report)."""

    plan: str
    fields: list[FormField] = Field(min_length=1)


class Form(_Model):
    schema_: Literal["wenzeng/form/v1"] = Field(alias="schema")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: I18n
    reporter: ReporterKind
    frequency: Literal["monthly", "quarterly", "annual"]
    period_type: PeriodType
    due: Due
    plan: str | None = None
    description: I18n | None = None
    fields: list[FormField] = Field(default_factory=list)
    per_measure: PerMeasure | None = None
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Form:
        if not self.fields and self.per_measure is None:
            raise ValueError("a form needs fields or per_measure fields")
        codes = [f.code for f in self.fields]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate field codes: {', '.join(dupes)}")
        rule_codes = [r.code for r in self.rules]
        dupes = sorted({c for c in rule_codes if rule_codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate rule codes: {', '.join(dupes)}")
        numeric = {f.code for f in self.fields if f.numeric}
        for rule in self.rules:
            try:
                rule._check = compile_expression(rule.check, numeric)
                rule._when = compile_expression(rule.when, numeric) if rule.when else None
            except ExpressionError as exc:
                raise ValueError(f"rule {rule.code}: {exc.en}") from exc
            if rule.field is not None and rule.field not in codes:
                raise ValueError(f"rule {rule.code}: unknown field {rule.field!r}")
        period_types = {self.period_type}
        if self.period_type is PeriodType.MONTH:
            period_types.add(PeriodType.CUM_MONTH)
        for f in self.fields:
            if f.period_type is not None and f.period_type not in period_types:
                raise ValueError(
                    f"field {f.code}: a {self.period_type.value} form cannot report "
                    f"{f.period_type.value} figures"
                )
        return self

    def field(self, code: str) -> FormField:
        for f in self.fields:
            if f.code == code:
                return f
        raise KeyError(code)

    def field_period_type(self, f: FormField) -> PeriodType:
        return f.period_type or self.period_type

    def rule_field(self, rule: Rule) -> str | None:
        """Where a rule's problem is shown: its own field, else the first field it names."""
        if rule.field:
            return rule.field
        check, _ = rule.compiled
        for f in self.fields:
            if f.code in check.names:
                return f.code
        return None
