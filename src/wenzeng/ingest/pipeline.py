"""Turn a raw table into validated observation rows, collecting every problem.

Work is done per distinct value wherever possible (a million rows carry a
few hundred distinct periods, indicators and regions), and on whole
columns otherwise, so the check stays fast on large files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.catalog import Measure
from wenzeng.domain.issues import Issue, IssueCode, IssueCollector, Location, Severity
from wenzeng.domain.links import is_web_url
from wenzeng.domain.periods import PeriodError, parse_period
from wenzeng.domain.plausibility import breaches
from wenzeng.domain.text import clip, clip_value
from wenzeng.domain.units import UnitError, conversion_factor, get_unit
from wenzeng.domain.values import MAX_MAGNITUDE, OutOfBounds, ValueError_, parse_value
from wenzeng.ingest.readers import COLUMN, ROW, RawTable

FIELDS = (
    "indicator",
    "entity",
    "period",
    "period_type",
    "measure",
    "value",
    "unit",
    "vintage",
    "source_title",
    "source_url",
    "note",
    "qualifier",
    "publisher",
    "release",
)
REQUIRED = ("indicator", "entity", "period", "value")

# Header names recognised without an explicit mapping (compared case-insensitively).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicator_code", "指标", "指标代码", "指标编码"),
    "entity": ("entity", "region", "entity_code", "地区", "地区代码", "主体", "主体代码", "省份"),
    "period": ("period", "期间", "时期", "报告期", "时间", "统计期"),
    "period_type": ("period_type", "期间类型"),
    "measure": ("measure", "口径", "度量", "数据类型"),
    "value": ("value", "数值", "值", "数据", "本期数"),
    "unit": ("unit", "计量单位", "单位"),
    "vintage": ("vintage", "发布日期", "数据日期"),
    "source_title": ("source_title", "source", "来源", "数据来源"),
    "source_url": ("source_url", "url", "链接", "来源链接"),
    "note": ("note", "备注", "说明"),
    "qualifier": ("qualifier", "限定"),
    "publisher": ("publisher", "发布机构", "发布单位"),
    "release": ("release", "发布稿", "发布标题"),
}

OUTPUT_SCHEMA = {
    "indicator": pl.Utf8,
    "entity": pl.Utf8,
    "measure": pl.Utf8,
    "period_type": pl.Utf8,
    "period": pl.Utf8,
    "vintage": pl.Date,
    "value": pl.Float64,
    "qualifier": pl.Utf8,
    "published_value": pl.Utf8,
    "published_unit": pl.Utf8,
    "source_title": pl.Utf8,
    "source_url": pl.Utf8,
    "note": pl.Utf8,
    "publisher": pl.Utf8,  # who published the figure, where the file says
    "release": pl.Utf8,  # the title of the release it was published in
    ROW: pl.Int64,
}


def _listing(columns: list[str], most: int = 30) -> str:
    """A file's column names for a message: each cut short, at most ``most`` of them."""
    shown = ", ".join(clip(c) for c in columns[:most])
    return shown + (f", … (+{len(columns) - most})" if len(columns) > most else "")


@dataclass
class ColumnMapping:
    """Which column of the file holds which field, and constant values for fields it lacks."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, maps: list[str], sets: list[str]) -> ColumnMapping:
        """From CLI options: ``--map value=数值`` and ``--set source_title=…``."""

        def pairs(items: list[str], what: str) -> dict[str, str]:
            out = {}
            for item in items:
                name, sep, val = item.partition("=")
                if not sep or name.strip() not in FIELDS:
                    raise ValueError(
                        f"无效的{what} {item!r}，应为 字段=值，字段为 {', '.join(FIELDS)} / "
                        f"invalid {what} {item!r}: expected FIELD=VALUE with FIELD one of "
                        f"{', '.join(FIELDS)}"
                    )
                out[name.strip()] = val.strip()
            return out

        return cls(pairs(maps, "--map"), pairs(sets, "--set"))

    def resolve(self, table: RawTable) -> tuple[dict[str, str], list[Issue]]:
        """The column for each field, after recognising common header names."""
        issues = []
        by_key = {c.strip().casefold(): c for c in table.columns}
        found: dict[str, str] = {}
        for f, col in self.columns.items():
            if col in table.columns:
                found[f] = col
            else:
                issues.append(
                    Issue(
                        Location(file=table.file, sheet=table.sheet, column=col),
                        IssueCode.MISSING_COLUMN,
                        f"映射的列 {col!r}（字段 {f}）不存在；文件的列为：{_listing(table.columns)}",
                        f"mapped column {col!r} (field {f}) is not in the file; its columns are: "
                        f"{_listing(table.columns)}",
                    )
                )
        for f in FIELDS:
            if f in found or f in self.constants or f in self.columns:
                continue
            for name in SYNONYMS[f]:
                if name.casefold() in by_key:
                    found[f] = by_key[name.casefold()]
                    break
        for f in REQUIRED:
            if f not in found and f not in self.constants and f not in self.columns:
                issues.append(
                    Issue(
                        Location(file=table.file, sheet=table.sheet),
                        IssueCode.MISSING_COLUMN,
                        f"缺少必填字段 {f}（可用 --map {f}=列名 或 --set {f}=值 指定）；"
                        f"文件的列为：{_listing(table.columns)}",
                        f"required field {f} is missing (use --map {f}=COLUMN or --set {f}=VALUE); "
                        f"the file's columns are: {_listing(table.columns)}",
                    )
                )
        return found, issues


@dataclass
class Validated:
    frame: pl.DataFrame  # OUTPUT_SCHEMA
    issues: IssueCollector

    @property
    def ok(self) -> bool:
        return not self.issues.has_errors


class _Checker:
    def __init__(
        self,
        table: RawTable,
        columns: Mapping[str, str],
        constants: Mapping[str, str],
        catalogue: Catalogue,
        issues: IssueCollector,
    ) -> None:
        self.table, self.columns, self.constants = table, columns, constants
        self.catalogue, self.issues = catalogue, issues

    def column_of(self, f: str) -> str:
        return self.columns.get(f, f)

    def origin(self) -> pl.Expr:
        """Each row's column of origin in a long table made from a wide one, else null."""
        if COLUMN in self.table.frame.columns:
            return pl.col(COLUMN).alias("_origin")
        return pl.lit(None, dtype=pl.Utf8).alias("_origin")

    def expr(self, f: str) -> pl.Expr:
        if f in self.columns:
            return pl.col(self.columns[f]).str.strip_chars()
        if f in self.constants:
            return pl.lit(self.constants[f], dtype=pl.Utf8)
        return pl.lit(None, dtype=pl.Utf8)

    def report(
        self,
        frame: pl.DataFrame,
        mask: pl.Expr,
        f: str,
        code: IssueCode,
        zh: Any,
        en: Any,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """One issue per offending row; ``zh``/``en`` are callables of the cell value (cut
        to a few dozen characters, so that a huge cell makes no huge message)."""
        origin = pl.col(COLUMN) if COLUMN in frame.columns else pl.lit(None, dtype=pl.Utf8)
        bad = frame.filter(mask).select(ROW, pl.col(f"_{f}"), origin.alias("_origin"))
        for row, cell, column in bad.iter_rows():
            value = clip_value(cell)
            if len(self.issues.issues) >= self.issues.limit:
                self.issues.dropped += bad.height
                return
            self.issues.add(
                Issue(
                    Location(
                        file=self.table.file,
                        sheet=self.table.sheet,
                        row=row,
                        column=column or self.column_of(f),
                    ),
                    code,
                    zh(value),
                    en(value),
                    severity,
                    value,
                )
            )


def _lookup(values: pl.Series, fn: Any) -> dict[str, Any]:
    out = {}
    for v in values.drop_nulls().unique().to_list():
        try:
            out[v] = fn(v)
        except (ValueError, KeyError):
            out[v] = None
    return out


def validate_table(
    table: RawTable,
    mapping: ColumnMapping,
    catalogue: Catalogue,
    *,
    default_vintage: date,
    limit: int = 1000,
) -> Validated:
    issues = IssueCollector(limit=limit)
    columns, problems = mapping.resolve(table)
    issues.extend(problems)
    if problems:
        return Validated(pl.DataFrame(schema=OUTPUT_SCHEMA), issues)
    c = _Checker(table, columns, mapping.constants, catalogue, issues)
    # every field as text, blank cells as missing
    origin = [COLUMN] if COLUMN in table.frame.columns else []
    f = table.frame.select(
        pl.col(ROW), *origin, *[c.expr(name).alias(f"_{name}") for name in FIELDS]
    )
    f = f.with_columns(
        *[
            pl.when(pl.col(f"_{n}") != "").then(pl.col(f"_{n}")).alias(f"_{n}")
            for n in FIELDS
            if n in columns
        ]
    )

    for name in ("indicator", "entity", "period"):
        c.report(
            f,
            pl.col(f"_{name}").is_null(),
            name,
            IssueCode.REQUIRED,
            lambda v, n=name: f"{n} 为必填项",
            lambda v, n=name: f"{n} is required",
        )

    # entities: codes, names or aliases
    ent = {
        v: (e.code if (e := catalogue.find_entity(v)) else None)
        for v in f["_entity"].drop_nulls().unique().to_list()
    }
    f = f.with_columns(pl.col("_entity").replace_strict(ent, default=None).alias("entity"))

    # indicators: codes, names or aliases (narrowed by the row's unit and entity kind)
    known = catalogue.indicators
    f = _resolve_indicators(f, c)
    c.report(
        f,
        pl.col("_entity").is_not_null() & pl.col("entity").is_null(),
        "entity",
        IssueCode.UNKNOWN_ENTITY,
        lambda v: f"未知地区或主体 {v!r}",
        lambda v: f"unknown region or entity {v!r}",
    )

    # measure: given, or the indicator's only one
    meas = _lookup(f["_measure"], lambda v: Measure(v.strip().lower()).value)
    single = {k: i.measures[0].value for k, i in known.items() if len(i.measures) == 1}
    f = f.with_columns(
        pl.when(pl.col("_measure").is_not_null())
        .then(pl.col("_measure").replace_strict(meas, default=None))
        .otherwise(pl.col("_indicator").replace_strict(single, default=None))
        .alias("measure")
    )
    # a figure written with a unit that is not % (亿元, 万台) is a level
    with_level = [k for k, i in known.items() if Measure.LEVEL in i.measures]
    f = f.with_columns(
        pl.when(
            pl.col("measure").is_null()
            & pl.col("_measure").is_null()
            & pl.col("_unit").is_not_null()
            & ~pl.col("_unit").str.strip_chars().is_in(["%", "％"])
            & pl.col("_indicator").is_in(with_level)
        )
        .then(pl.lit(Measure.LEVEL.value))
        .otherwise(pl.col("measure"))
        .alias("measure")
    )
    c.report(
        f,
        pl.col("_measure").is_not_null() & pl.col("measure").is_null(),
        "measure",
        IssueCode.UNKNOWN_MEASURE,
        lambda v: f"未知口径 {v!r}（应为 level、yoy_pct 或 share_pct）",
        lambda v: f"unknown measure {v!r} (expected level, yoy_pct or share_pct)",
    )
    c.report(
        f,
        pl.col("_measure").is_null()
        & pl.col("measure").is_null()
        & pl.col("_indicator").is_in(list(known)),
        "measure",
        IssueCode.REQUIRED,
        lambda v: "该指标有多种口径，须填写 measure（level、yoy_pct 或 share_pct）",
        lambda v: (
            "this indicator has several measures: measure is required (level, yoy_pct or share_pct)"
        ),
    )
    pairs_seen = f.select("_indicator", "measure").unique().drop_nulls()
    not_published = [
        (ind, m)
        for ind, m in pairs_seen.iter_rows()
        if ind in known and m not in {x.value for x in known[ind].measures}
    ]
    for ind, m in not_published:
        c.report(
            f,
            (pl.col("_indicator") == ind) & (pl.col("measure") == m),
            "measure",
            IssueCode.MEASURE_NOT_PUBLISHED,
            lambda v, i=ind, mm=m: f"指标 {i} 没有口径 {mm!r}",
            lambda v, i=ind, mm=m: f"indicator {i} has no measure {mm!r}",
        )

    # periods
    pairs = f.select("_period", "_period_type").unique().drop_nulls("_period")
    per: dict[tuple[str, str | None], tuple[str, str] | None] = {}
    per_error: dict[tuple[str, str | None], PeriodError] = {}
    for text, ptype in pairs.iter_rows():
        try:
            p = parse_period(text, ptype)
            per[(text, ptype)] = (p.code, p.type.value)
        except PeriodError as exc:
            per[(text, ptype)] = None
            per_error[(text, ptype)] = exc
    parsed = pl.DataFrame(
        [(t, pt, v[0] if v else None, v[1] if v else None) for (t, pt), v in per.items()],
        schema=[
            ("_period", pl.Utf8),
            ("_period_type", pl.Utf8),
            ("period", pl.Utf8),
            ("period_type", pl.Utf8),
        ],
        orient="row",
    )
    f = f.join(parsed, on=["_period", "_period_type"], how="left", nulls_equal=True)
    bad_periods = f.filter(pl.col("_period").is_not_null() & pl.col("period").is_null())
    for row, value, ptype, origin in bad_periods.select(
        ROW, "_period", "_period_type", c.origin()
    ).iter_rows():
        err = per_error[(value, ptype)]
        issues.add(
            Issue(
                Location(
                    file=table.file,
                    sheet=table.sheet,
                    row=row,
                    column=origin or c.column_of("period"),
                ),
                IssueCode.BAD_PERIOD,
                err.zh,
                err.en,
                value=value,
            )
        )

    f = _check_values(f, c)
    f = _check_units(f, c)
    f = _check_vintage(f, c, default_vintage)
    _check_links(f, c)

    f = f.with_columns(
        pl.col("_indicator").alias("indicator"),
        pl.col("_source_title").alias("source_title"),
        pl.col("_source_url").alias("source_url"),
        pl.col("_note").alias("note"),
        pl.col("_publisher").alias("publisher"),
        pl.col("_release").alias("release"),
        pl.col("_value").alias("published_value"),
        pl.col("_unit").alias("published_unit"),
    )
    out = f.select(list(OUTPUT_SCHEMA)).cast(OUTPUT_SCHEMA)  # type: ignore[arg-type]
    repeated = _check_duplicates(out, c)
    _check_plausibility(f, c)
    if issues.has_errors:
        return Validated(pl.DataFrame(schema=OUTPUT_SCHEMA), issues)
    kept = out.filter(pl.col("value").is_not_null())
    if repeated:  # rows repeated with the same value are stored once
        kept = kept.unique(subset=[*DUPLICATE_KEY, "value"], keep="first", maintain_order=True)
    return Validated(kept, issues)


def _resolve_indicators(f: pl.DataFrame, c: _Checker) -> pl.DataFrame:
    """``_indicator`` becomes the code each label names (labels it cannot resolve stay as
    they are, and are reported); the work is done once per distinct label."""
    cat = c.catalogue
    labels = f["_indicator"].drop_nulls().unique().to_list()
    codes: dict[str, str] = {}
    ambiguous: list[str] = []
    unknown: list[str] = []
    for label in labels:
        match = cat.find_indicator(label)
        if match.code == label:
            continue  # a code: nothing to replace
        if match.code is not None:
            codes[label] = match.code
        elif match.candidates:
            ambiguous.append(label)
        else:
            unknown.append(label)
    f = f.with_columns(pl.col("_indicator").alias("_label"))
    if codes:
        f = f.with_columns(pl.col("_indicator").replace(codes))
    if ambiguous:  # the row's unit and entity kind may tell the candidates apart
        kinds = {e.code: e.kind.value for e in cat.entities.values()}
        rows = f.filter(pl.col("_label").is_in(ambiguous))
        combos = rows.select("_label", "_unit", "entity").unique().iter_rows()
        narrowed = []
        for label, unit, entity in combos:
            m = cat.find_indicator(label, unit=unit, entity_kind=kinds.get(entity or ""))
            narrowed.append((label, unit, entity, m.code))
        table = pl.DataFrame(
            narrowed,
            schema=[
                ("_label", pl.Utf8),
                ("_unit", pl.Utf8),
                ("entity", pl.Utf8),
                ("_code", pl.Utf8),
            ],
            orient="row",
        )
        f = f.join(table, on=["_label", "_unit", "entity"], how="left", nulls_equal=True)
        f = f.with_columns(pl.coalesce("_code", "_indicator").alias("_indicator")).drop("_code")
        for label in ambiguous:
            found = cat.find_indicator(label).candidates
            named = "、".join(f"{x}（{cat.indicators[x].name.zh}）" for x in found)
            named_en = "; ".join(f"{x} ({cat.indicators[x].name.en})" for x in found)
            c.report(
                f,
                (pl.col("_label") == label) & (pl.col("_indicator") == label),
                "indicator",
                IssueCode.UNKNOWN_INDICATOR,
                lambda v, n=named: f"指标 {v!r} 有多种含义：{n}；请填写指标代码或单位",
                lambda v, n=named_en: f"indicator {v!r} could mean {n}; give the code or the unit",
            )
    if unknown:
        c.report(
            f,
            pl.col("_indicator").is_in(unknown),
            "indicator",
            IssueCode.UNKNOWN_INDICATOR,
            lambda v: f"未知指标 {v!r}；可用 `wenzeng catalog indicators` 查看全部指标",
            lambda v: f"unknown indicator {v!r}; `wenzeng catalog indicators` lists them all",
        )
    return f


def _check_plausibility(f: pl.DataFrame, c: _Checker) -> None:
    """Levels below their indicator's minimum, parts above their whole (the catalogue's
    relations), among rows that are otherwise sound."""
    origin = [COLUMN] if COLUMN in f.columns else []
    rows = f.select(
        "indicator",
        "entity",
        "measure",
        "period_type",
        "period",
        "vintage",
        "value",
        ROW,
        # a label written as a code is quoted by the indicator's name: messages say no codes
        pl.when(pl.col("_label") != pl.col("indicator")).then(pl.col("_label")).alias("label"),
        pl.col("_value").alias("published_value"),
        pl.col("_unit").alias("published_unit"),
        *origin,
    )
    c.issues.extend(
        breaches(
            rows,
            c.catalogue.relations,
            row_column=ROW,
            file=c.table.file,
            sheet=c.table.sheet,
            column=c.column_of("value"),
            column_of=COLUMN if origin else None,
            limit=c.issues.limit,
        )
    )


def _sane(value: pl.Expr) -> pl.Expr:
    """Where a number can be a figure: finite and below :data:`MAX_MAGNITUDE` in size."""
    return value.is_finite() & (value.abs() < MAX_MAGNITUDE)


def _check_values(f: pl.DataFrame, c: _Checker) -> pl.DataFrame:
    cast = pl.col("_value").str.replace_all(",", "").cast(pl.Float64, strict=False)
    fast = pl.when(_sane(cast)).then(cast)  # 'NaN', 'inf', '1e309' are left to parse_value
    f = f.with_columns(
        fast.alias("value"),
        pl.lit("").alias("qualifier"),
        pl.lit(False).alias("_percent"),
        pl.col("_value").is_null().alias("_missing"),
    )
    # cells by their place in the frame, not their row: a long table made from a wide one
    # has several cells in each row
    f = f.with_row_index("_i")
    slow = f.filter(pl.col("value").is_null() & pl.col("_value").is_not_null())
    if slow.height:
        fixes, bad, huge, missing = [], [], [], []
        for at, cell in slow.select("_i", "_value").iter_rows():
            try:
                p = parse_value(cell)
            except OutOfBounds:
                huge.append(at)
                continue
            except ValueError_:
                bad.append(at)
                continue
            if p.value is None:
                missing.append(at)
            else:
                fixes.append((at, p.value, p.qualifier, p.percent))
        f = f.with_columns((pl.col("_missing") | pl.col("_i").is_in(missing)).alias("_missing"))
        if fixes:
            fx = pl.DataFrame(
                fixes,
                schema=[("_i", pl.UInt32), ("_v", pl.Float64), ("_q", pl.Utf8), ("_p", pl.Boolean)],
                orient="row",
            )
            f = (
                f.join(fx, on="_i", how="left")
                .with_columns(
                    pl.coalesce("value", "_v").alias("value"),
                    pl.coalesce("_q", "qualifier").alias("qualifier"),
                    pl.coalesce("_p", "_percent").alias("_percent"),
                )
                .drop("_v", "_q", "_p")
            )
        c.report(
            f,
            pl.col("_i").is_in(bad),
            "value",
            IssueCode.NOT_A_NUMBER,
            lambda v: f"不是数字：{v!r}",
            lambda v: f"not a number: {v!r}",
        )
        c.report(
            f,
            pl.col("_i").is_in(huge),
            "value",
            IssueCode.OUT_OF_RANGE,
            lambda v: f"不是有效数值（非有限数或绝对值不小于10¹⁵）：{v!r}",
            lambda v: f"not a valid figure (not finite, or 10^15 or more in size): {v!r}",
        )
    f = f.drop("_i")
    if "qualifier" in c.columns:
        f = f.with_columns(
            pl.coalesce(pl.col("_qualifier"), pl.col("qualifier")).alias("qualifier")
        )
        c.report(
            f,
            pl.col("_qualifier").is_not_null() & ~pl.col("_qualifier").is_in(["", ">", "<", "~"]),
            "qualifier",
            IssueCode.OUT_OF_RANGE,
            lambda v: f"限定符应为 >、< 或 ~：{v!r}",
            lambda v: f"qualifier must be >, < or ~: {v!r}",
        )
    c.report(
        f,
        pl.col("_missing") & pl.col("_indicator").is_not_null(),
        "value",
        IssueCode.REQUIRED,
        lambda v: "数值为空（缺失值请整行删除）",
        lambda v: "the value is empty (leave out rows without a value)",
        severity=Severity.WARNING,
    )
    c.report(
        f,
        (pl.col("measure") == "share_pct") & ((pl.col("value") < 0) | (pl.col("value") > 100)),
        "value",
        IssueCode.OUT_OF_RANGE,
        lambda v: f"占比应在 0–100 之间：{v}",
        lambda v: f"a share must lie between 0 and 100: {v}",
    )
    c.report(
        f,
        (pl.col("measure") == "yoy_pct") & (pl.col("value") <= -100),
        "value",
        IssueCode.OUT_OF_RANGE,
        lambda v: f"同比降幅不可能达到或超过100%：{v}",
        lambda v: f"a year-on-year fall cannot reach 100%: {v}",
    )
    return f


def _check_units(f: pl.DataFrame, c: _Checker) -> pl.DataFrame:
    canon = {k: i.unit for k, i in c.catalogue.indicators.items()}
    combos = f.select("_indicator", "measure", "_unit").unique()
    factors: dict[tuple[Any, Any, Any], float | None] = {}
    reasons: dict[tuple[Any, Any, Any], tuple[str, str]] = {}
    for ind, measure, unit in combos.iter_rows():
        key = (ind, measure, unit)
        if ind not in canon or measure is None:
            factors[key] = 1.0
            continue
        if measure != Measure.LEVEL.value:
            ok = unit is None or get_unit_safe(unit) == "%"
            factors[key] = 1.0 if ok else None
            if not ok:
                reasons[key] = (
                    f"{measure} 的单位应为 %，而不是 {unit!r}",
                    f"the unit of {measure} must be %, not {unit!r}",
                )
            continue
        target = canon[ind]
        if unit is None or target is None:
            factors[key] = 1.0
            continue
        try:
            factors[key] = conversion_factor(unit, target)
        except UnitError:
            factors[key] = None
            reasons[key] = (
                f"单位 {unit!r} 无法换算为指标 {ind} 的单位 {target}",
                f"unit {unit!r} cannot be converted to {ind}'s unit {target}",
            )
    table = pl.DataFrame(
        [(*k, v) for k, v in factors.items()],
        schema=[
            ("_indicator", pl.Utf8),
            ("measure", pl.Utf8),
            ("_unit", pl.Utf8),
            ("_factor", pl.Float64),
        ],
        orient="row",
    )
    f = f.join(table, on=["_indicator", "measure", "_unit"], how="left", nulls_equal=True)
    for key, (zh, en) in reasons.items():
        ind, measure, unit = key
        mask = (
            (pl.col("_indicator") == ind)
            & (pl.col("measure") == measure)
            & (pl.col("_unit").is_null() if unit is None else pl.col("_unit") == unit)
        )
        c.report(f, mask, "unit", IssueCode.UNIT_MISMATCH, lambda v, z=zh: z, lambda v, e=en: e)
    c.report(
        f,
        pl.col("_percent")
        & (pl.col("measure") == "level")
        & (pl.col("_unit").is_null() | (pl.col("_unit") != "%")),
        "value",
        IssueCode.UNIT_MISMATCH,
        lambda v: f"水平值带有 % 号：{v!r}",
        lambda v: f"a level written with a % sign: {v!r}",
    )
    f = f.with_columns((pl.col("value") * pl.col("_factor")).alias("value"))
    c.report(  # a conversion can overflow: 9e307 万亿元 is no longer a number in 元
        f,
        pl.col("value").is_not_null() & ~_sane(pl.col("value")),
        "value",
        IssueCode.OUT_OF_RANGE,
        lambda v: f"换算为指标的单位后不是有效数值（绝对值不小于10¹⁵）：{v!r}",
        lambda v: f"not a valid figure in the indicator's unit (10^15 or more in size): {v!r}",
    )
    return f


def get_unit_safe(unit: str) -> str | None:
    try:
        return get_unit(unit).code
    except UnitError:
        return None


def _check_vintage(f: pl.DataFrame, c: _Checker, default: date) -> pl.DataFrame:
    dates = _lookup(f["_vintage"], lambda v: date.fromisoformat(v[:10].replace("/", "-")))
    f = f.with_columns(
        pl.col("_vintage")
        .replace_strict(dates, default=None, return_dtype=pl.Date)
        .fill_null(pl.when(pl.col("_vintage").is_null()).then(pl.lit(default)))
        .alias("vintage")
    )
    c.report(
        f,
        pl.col("_vintage").is_not_null() & pl.col("vintage").is_null(),
        "vintage",
        IssueCode.BAD_DATE,
        lambda v: f"日期无法识别（应为 YYYY-MM-DD）：{v!r}",
        lambda v: f"unreadable date (expected YYYY-MM-DD): {v!r}",
    )
    return f


def _check_links(f: pl.DataFrame, c: _Checker) -> None:
    """A source link is a web address (http or https): it becomes a link on the pages."""
    links = f["_source_url"].drop_nulls().unique().to_list()
    bad = [u for u in links if not is_web_url(u)]
    if bad:
        c.report(
            f,
            pl.col("_source_url").is_in(bad),
            "source_url",
            IssueCode.BAD_LINK,
            lambda v: f"来源链接须为 http:// 或 https:// 网址：{v!r}",
            lambda v: f"a source link must be an http:// or https:// address: {v!r}",
        )


DUPLICATE_KEY = [
    "indicator",
    "entity",
    "measure",
    "period_type",
    "period",
    "vintage",
    "source_title",
    "source_url",
]


def _check_duplicates(out: pl.DataFrame, c: _Checker) -> bool:
    """Report rows that repeat another row's key; True when there are any."""
    candidates = out.filter(pl.col("value").is_not_null())
    candidates = candidates.filter(candidates.select(DUPLICATE_KEY).is_duplicated())
    if candidates.height == 0:
        return False
    dup = candidates.group_by(DUPLICATE_KEY, maintain_order=True).agg(
        pl.col(ROW), pl.col("value").n_unique().alias("n")
    )
    for rows, n, ind, period in dup.select(ROW, "n", "indicator", "period").iter_rows():
        first = rows[0]
        for row in rows[1:]:
            c.issues.add(
                Issue(
                    Location(file=c.table.file, sheet=c.table.sheet, row=row),
                    IssueCode.DUPLICATE,
                    f"与第{first}行重复（{ind} {period}）" + ("，且数值不同" if n > 1 else ""),
                    f"duplicates row {first} ({ind} {period})"
                    + (" with a different value" if n > 1 else ""),
                    Severity.ERROR if n > 1 else Severity.WARNING,
                )
            )
    return True
