"""What figures can be, by the catalogue: least values and parts never above their whole.

The relations are data on the indicators (``minimum:``, ``part_of:`` in indicators.yaml).
One definition serves both ways figures come in:

- imports: :func:`breaches` checks a long frame of observations and names every breach by
  its rows (a part above its whole names both rows);
- forms: :func:`with_catalogue_checks` gives a form's fields mapped to such indicators the
  least value as their ``min`` and adds a ``part <= whole`` rule for a part and its whole
  reported on one form.

Only figures of one entity, period, period type, measure (levels, or shares) and vintage
are compared; values are in the indicators' canonical units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from wenzeng.domain.catalog import Indicator, Measure
from wenzeng.domain.forms import Form, FormField
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.units import units

COMPARED = (Measure.LEVEL.value, Measure.SHARE_PCT.value)  # growth rates are never compared
KEY = ("entity", "measure", "period_type", "period", "vintage")
_SHOWN = ("label", "published_value", "published_unit")
_TOLERANCE = 1e-9  # relative: conversions must not make equal figures unequal


def part_relations(indicators: Mapping[str, Indicator]) -> dict[str, tuple[str, ...]]:
    """Every whole of each part, following ``part_of`` through (5G ⊂ smart ⊂ all phones).

    Raises ValueError when the relation goes round in a circle."""
    out: dict[str, tuple[str, ...]] = {}
    for code, ind in indicators.items():
        if not ind.part_of:
            continue
        seen: list[str] = []
        todo = [w for w in ind.part_of if w in indicators]
        while todo:
            whole = todo.pop(0)
            if whole == code:
                raise ValueError(
                    f"part_of 成环：{code} 是其自身的一部分 / part_of goes round: {code} is "
                    "part of itself"
                )
            if whole not in seen:
                seen.append(whole)
                todo.extend(w for w in indicators[whole].part_of if w in indicators)
        out[code] = tuple(seen)
    return out


def _factor(part: Indicator, whole: Indicator) -> float:
    """Multiply a part's value by this to have it in the whole's unit."""
    if part.unit and whole.unit and part.unit != whole.unit:
        return units().conversion_factor(part.unit, whole.unit)
    return 1.0


@dataclass(frozen=True)
class Relations:
    """The plausibility relations of a catalogue's indicators, ready to apply."""

    indicators: Mapping[str, Indicator]
    minimum: dict[str, float]
    wholes: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, indicators: Mapping[str, Indicator]) -> Relations:
        minimum = {c: i.minimum for c, i in indicators.items() if i.minimum is not None}
        return cls(indicators, minimum, part_relations(indicators))

    @property
    def part_codes(self) -> set[str]:
        """The indicators that are a part or a whole."""
        return {*self.wholes, *(w for ws in self.wholes.values() for w in ws)}

    @property
    def codes(self) -> set[str]:
        return {*self.minimum, *self.part_codes}

    def pairs(self) -> list[tuple[str, str, float]]:
        """(part, whole, factor of the part's unit to the whole's) for every relation."""
        ind = self.indicators
        return [(p, w, _factor(ind[p], ind[w])) for p, ws in self.wholes.items() for w in ws]


def figure(value: float, unit: str | None) -> str:
    """3021.7 with 万部 → '3021.7万部' (no trailing zeros, no exponent for usual figures)."""
    text = f"{value:.10g}" if abs(value) < 1e15 else f"{value:g}"
    return f"{text}{unit or ''}"


def _figure_en(value: float, unit: str | None) -> str:
    shown = units().find(unit) if unit else None
    return f"{value:.10g}" + (f" {shown.name_en}" if shown else (f" {unit}" if unit else ""))


def _unit_of(ind: Indicator, measure: str) -> str | None:
    return ind.unit if measure == Measure.LEVEL.value else "%"


def _as_written(r: dict[str, Any], ind: Indicator, prefix: str = "") -> tuple[str, str]:
    """(name, figure) of a row in Chinese: as the file wrote them where it says."""
    name = r[f"{prefix}label"] or ind.name.zh
    unit = _unit_of(ind, r["measure"])
    if r[f"{prefix}published_value"] is not None:  # without a unit, it is in the indicator's
        return name, f"{r[f'{prefix}published_value']}{r[f'{prefix}published_unit'] or unit or ''}"
    return name, figure(r[f"{prefix}value"], unit)


def breaches(
    frame: pl.DataFrame,
    relations: Relations,
    *,
    row_column: str,
    file: str | None = None,
    sheet: str | None = None,
    column: str | None = None,
    column_of: str | None = None,
    limit: int | None = None,
) -> list[Issue]:
    """Every figure of a long frame below its indicator's minimum or above a whole's figure.

    ``frame`` has the columns indicator, entity, measure, period_type, period, vintage (may
    be missing), value and ``row_column`` (the row of the file); optional columns label,
    published_value and published_unit say a figure as the file wrote it.  An issue's
    location is the part's row, at ``column`` or, when given, the row's value of
    ``column_of`` (the column of a wide table the figure came from).  ``limit`` bounds the
    issues of each kind (a broken million-row file makes no million messages).
    """
    codes = relations.codes & set(frame["indicator"].unique().to_list())
    if frame.height == 0 or not codes:
        return []
    key = [k for k in KEY if k in frame.columns]
    shown = [c for c in _SHOWN if c in frame.columns]
    extra = [column_of] if column_of else []
    f = frame.lazy().select(
        "indicator", *key, "value", pl.col(row_column).alias("_row"), *shown, *extra
    )
    f = f.filter(pl.col("value").is_not_null() & pl.col("measure").is_in(COMPARED))
    for c in _SHOWN:
        if c not in shown:
            f = f.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c))
    out = _below_minimum(f, relations, file, sheet, column, column_of, limit)
    out += _above_whole(f, relations, key, file, sheet, column, column_of, limit)
    return out


def _where(row: Any, col: Any, file: str | None, sheet: str | None, column: str | None) -> Location:
    return Location(file=file, sheet=sheet, row=row, column=col if col is not None else column)


def _below_minimum(
    f: pl.LazyFrame,
    relations: Relations,
    file: str | None,
    sheet: str | None,
    column: str | None,
    column_of: str | None,
    limit: int | None,
) -> list[Issue]:
    if not relations.minimum:
        return []
    bounds = pl.DataFrame(
        {"indicator": list(relations.minimum), "_min": list(relations.minimum.values())},
        schema={"indicator": pl.Utf8, "_min": pl.Float64},
    )
    highest = max(relations.minimum.values())
    low = (  # the few figures below the highest minimum first, then each against its own
        f.filter((pl.col("value") < highest) & (pl.col("measure") == Measure.LEVEL.value))
        .collect()
        .join(bounds, on="indicator")
        .filter(pl.col("value") < pl.col("_min"))
        .sort("_row")
    )
    if limit is not None:
        low = low.head(limit)
    out = []
    for r in low.iter_rows(named=True):
        ind = relations.indicators[r["indicator"]]
        least, value, unit = r["_min"], r["value"], ind.unit
        zh_bound = "不能为负数" if least == 0 else f"不能小于 {figure(least, unit)}"
        en_bound = "cannot be negative" if least == 0 else f"cannot be below {least:.10g}"
        name, written = _as_written(r, ind)
        out.append(
            Issue(
                _where(r["_row"], r.get(column_of) if column_of else None, file, sheet, column),
                IssueCode.OUT_OF_RANGE,
                f"第{r['_row']}行 {name} {written} {zh_bound}",
                f"row {r['_row']}: {ind.name.en} {_figure_en(value, unit)} {en_bound}",
                value=value,
            )
        )
    return out


def _above_whole(
    f: pl.LazyFrame,
    relations: Relations,
    key: list[str],
    file: str | None,
    sheet: str | None,
    column: str | None,
    column_of: str | None,
    limit: int | None,
) -> list[Issue]:
    pairs = relations.pairs()
    if not pairs:
        return []
    table = pl.DataFrame(
        pairs,
        schema=[("indicator", pl.Utf8), ("_whole", pl.Utf8), ("_factor", pl.Float64)],
        orient="row",
    )
    related = f.filter(pl.col("indicator").is_in(list(relations.part_codes))).collect()
    parts = related.filter(pl.col("indicator").is_in(list(relations.wholes)))
    if parts.height == 0:
        return []
    wholes = related.select(
        pl.col("indicator").alias("_whole"),
        *key,
        pl.col("value").alias("_wvalue"),
        pl.col("_row").alias("_wrow"),
        *[pl.col(c).alias(f"_w{c}") for c in _SHOWN],
    )
    over = (
        parts.join(table, on="indicator")
        .join(wholes, on=["_whole", *key], nulls_equal=True)
        .filter(
            pl.col("value") * pl.col("_factor")
            > pl.col("_wvalue") + pl.col("_wvalue").abs() * _TOLERANCE
        )
        .sort("_row", "_wrow")
    )
    if limit is not None:
        over = over.head(limit)
    out = []
    for r in over.iter_rows(named=True):
        part, whole = relations.indicators[r["indicator"]], relations.indicators[r["_whole"]]
        pu, wu = _unit_of(part, r["measure"]), _unit_of(whole, r["measure"])
        pv, wv, prow, wrow = r["value"], r["_wvalue"], r["_row"], r["_wrow"]
        pname, pwritten = _as_written(r, part)
        wname, wwritten = _as_written(r, whole, "_w")
        out.append(
            Issue(
                _where(prow, r.get(column_of) if column_of else None, file, sheet, column),
                IssueCode.RULE_FAILED,
                f"第{prow}行 {pname} {pwritten} 大于 第{wrow}行 {wname} {wwritten}"
                f"（前者是后者的一部分）",
                f"row {prow}: {part.name.en} {_figure_en(pv, pu)} exceeds row {wrow}: "
                f"{whole.name.en} {_figure_en(wv, wu)} (the first is part of the second)",
                value=pv,
            )
        )
    return out


# ── forms ────────────────────────────────────────────────────────────────────────────


def _field_min(f: FormField, relations: Relations) -> float | None:
    """The least value of a field mapped to a level with a minimum, in the field's unit."""
    if f.indicator not in relations.minimum or f.measure is not Measure.LEVEL:
        return None
    least = relations.minimum[f.indicator]
    ind = relations.indicators[f.indicator]
    if least and f.unit and ind.unit and f.unit != ind.unit:
        least *= units().conversion_factor(ind.unit, f.unit)
    return least


def _same(check: str) -> str:
    return "".join(check.split())


def _part_check(form: Form, p: FormField, w: FormField, relations: Relations) -> str | None:
    """``p <= w`` (with the factor of their units) when field p is a part of field w."""
    if (
        p.indicator not in relations.wholes
        or w.indicator not in relations.wholes[p.indicator]
        or p.measure is None
        or p.measure is not w.measure
        or p.measure.value not in COMPARED
        or form.field_period_type(p) is not form.field_period_type(w)
    ):
        return None
    factor = 1.0
    if p.measure is Measure.LEVEL and p.unit and w.unit and p.unit != w.unit:
        factor = units().conversion_factor(w.unit, p.unit)
    return f"{p.code} <= {w.code if factor == 1 else f'{w.code} * {factor:.10g}'}"


def with_catalogue_checks(form: Form, relations: Relations) -> Form:
    """The form with the catalogue's relations as its own checks: a field mapped to an
    indicator with a minimum gets it as ``min`` (a stricter ``min`` of the form stays), and
    two fields of one period type mapped to a part and its whole get a ``part <= whole``
    error rule (unless the form states the same check itself)."""
    fields: list[dict[str, Any]] = []
    changed = False
    for f in form.fields:
        data = f.model_dump()
        least = _field_min(f, relations)
        if least is not None and (f.min is None or f.min < least):
            data["min"], changed = least, True
        fields.append(data)
    stated = {_same(r.check) for r in form.rules}
    codes = {r.code for r in form.rules}
    rules = [r.model_dump() for r in form.rules]
    mapped = [f for f in form.fields if f.indicator and f.measure is not None]
    for p in mapped:
        for w in mapped:
            check = _part_check(form, p, w, relations)
            if check is None or _same(check) in stated or f"{w.code}>={p.code}" in stated:
                continue
            code = f"{p.code}_within_{w.code}"
            while code in codes:
                code += "_"
            codes.add(code)
            rules.append(
                {
                    "code": code,
                    "severity": "error",
                    "check": check,
                    "field": p.code,
                    "message": {
                        "zh": f"{p.label.zh}不能大于{w.label.zh}",
                        "en": f"{p.label.en} cannot exceed {w.label.en}",
                    },
                }
            )
            changed = True
    if not changed:
        return form
    data = form.model_dump(by_alias=True)
    data["fields"], data["rules"] = fields, rules
    return Form.model_validate(data)
