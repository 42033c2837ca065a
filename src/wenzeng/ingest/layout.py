"""Wide bureau tables read as observations.

Bureaus publish wide tables: entities as rows (地区 | 营业收入(亿元) | 同比增长(%) | …),
products as rows (产品名称 | 计量单位 | 本月 | 1-9月累计 | 同比增长(%)) or indicators as
rows (指标 | 单位 | 1-9月 | 同比增长(%)).  :func:`recognise` reads which kind a table is,
what each column and row holds (with the title and the user's :class:`LayoutHints`), and
melts it into the long table :func:`wenzeng.ingest.pipeline.validate_table` checks: one row
per figure, ``ROW`` its source row and ``COLUMN`` its source column's header.

Every label is looked up once (a 200,000-cell table has a few hundred distinct labels), and
the melt is one unpivot and two joins.  What cannot be read is collected as issues, all at
once, each naming its row or column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import polars as pl

from wenzeng.definitions.catalogue import Catalogue, IndicatorMatch
from wenzeng.domain.catalog import Measure
from wenzeng.domain.issues import Issue, IssueCode, Location, Severity
from wenzeng.domain.periods import Period, PeriodError, PeriodType, parse_period
from wenzeng.domain.values import MISSING
from wenzeng.ingest import headers as h
from wenzeng.ingest.headers import HeaderReading, normalise, read_header
from wenzeng.ingest.layout_lookup import (
    contexts,
    indicator_for,
    is_summary,
    near_entities,
    near_indicators,
    read_label,
    title_entity,
    title_period,
)
from wenzeng.ingest.layout_rows import RowContext, RowsRead, read_rows
from wenzeng.ingest.layout_types import (
    ENTITIES_AS_ROWS,
    INDICATORS_AS_ROWS,
    KINDS,
    PRODUCTS_AS_ROWS,
    SKIP,
    ColumnLayout,
    HintError,
    Layout,
    LayoutHints,
    RowLayout,
)
from wenzeng.ingest.pipeline import SYNONYMS
from wenzeng.ingest.readers import COLUMN, ROW, RawTable

__all__ = [
    "ENTITIES_AS_ROWS",
    "INDICATORS_AS_ROWS",
    "KINDS",
    "PRODUCTS_AS_ROWS",
    "ColumnLayout",
    "HintError",
    "Layout",
    "LayoutHints",
    "Recognised",
    "RowLayout",
    "looks_wide",
    "recognise",
]

LONG_FIELDS = ("indicator", "entity", "period", "period_type", "measure", "value", "unit", "note")
HINT_HELP_ZH = "可用 wenzeng catalog indicators 查看指标，或用 --column/--row 指定"
HINT_HELP_EN = "see wenzeng catalog indicators, or name it with --column/--row"


@dataclass
class Recognised:
    """A wide table read: how (``layout``), the long table, and what could not be read."""

    layout: Layout
    table: RawTable  # long: LONG_FIELDS + ROW + COLUMN
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No errors (a warning, such as a hint that matched nothing, lets it pass)."""
        return not any(i.severity is Severity.ERROR for i in self.issues)


_REPEATED = re.compile(r"_duplicated_\d+$")
_POSITION = re.compile(r"^(?:#|第)(\d+)列?$")


def headers_of(table: RawTable) -> list[str]:
    """Each column's header as written: the framing's, else the frame's names without the
    suffix a CSV parser adds to a repeated one (同比增长(%)_duplicated_0)."""
    written = table.framing.header
    if len(written) == len(table.columns):
        return list(written)
    return [_REPEATED.sub("", c) for c in table.columns]


def _column_key(text: str) -> str:
    """A column as a hint names it: by its header, or by its place (#5, 第5列)."""
    key = normalise(text)
    m = _POSITION.match(key)
    return f"#{int(m.group(1))}" if m else key


def _listed(items: list[str]) -> str:
    return "、".join(items) if items else "—"


def _percent(unit: str | None) -> str | None:
    return "%" if unit in ("%", "％") else None


def _is_blank(col: str) -> pl.Expr:
    return pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")


class _Reader:
    """The state of one recognition: the table, the catalogue, the hints and the issues."""

    def __init__(
        self, table: RawTable, catalogue: Catalogue, hints: LayoutHints, limit: int
    ) -> None:
        self.table, self.catalogue, self.hints = table, catalogue, hints
        self.issues: list[Issue] = []
        self.limit, self.dropped = limit, 0
        self.messages: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
        self.headers = headers_of(table)
        self.readings = [read_header(t) for t in self.headers]
        self.hint_columns = {_column_key(k): v for k, v in hints.columns.items()}
        self.hint_rows = {normalise(k): v for k, v in hints.rows.items()}
        self.hint_rows.update({read_label(k).key: v for k, v in hints.rows.items()})
        self.framed_unit = normalise(table.framing.unit) if table.framing.unit else None
        self.context = contexts(table.framing.title, [r.name or "" for r in self.readings])

    # -- issues -------------------------------------------------------------------
    def issue(
        self,
        code: IssueCode,
        zh: str,
        en: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        if len(self.issues) >= self.limit:
            self.dropped += 1
            return
        where = Location(file=self.table.file, sheet=self.table.sheet, row=row, column=column)
        self.issues.append(Issue(where, code, zh, en, severity, value))

    def unused_hints(self, labels: set[str]) -> None:
        """Hints that name no column or row of the table: a typo, or last month's table."""
        headers = {normalise(t) for t in self.headers} | {
            f"#{i + 1}" for i in range(len(self.headers))
        }
        for text, key in zip(self.hints.columns, self.hint_columns, strict=True):
            if key not in headers:
                self.issue(
                    IssueCode.MISSING_COLUMN,
                    f"--column 指定的列 {text!r} 不在表中；表头为：{_listed(self.headers)}",
                    f"the column {text!r} given with --column is not in the table; its "
                    f"headers are: {', '.join(self.headers)}",
                    column=text,
                    severity=Severity.WARNING,
                )
        for text in self.hints.rows:
            if normalise(text) not in labels and read_label(text).key not in labels:
                self.issue(
                    IssueCode.UNKNOWN_INDICATOR,
                    f"--row 指定的行 {text!r} 不在表中",
                    f"the row {text!r} given with --row is not in the table",
                    value=text,
                    severity=Severity.WARNING,
                )

    def finish(self) -> list[Issue]:
        if self.dropped:
            n = self.dropped
            where = Location(file=self.table.file, sheet=self.table.sheet)
            self.issues.append(
                Issue(
                    where,
                    IssueCode.TOO_LARGE,
                    f"另有 {n} 处问题未列出",
                    f"{n} more problems are not listed",
                )
            )
        return self.issues

    def unknown_indicator(
        self, label: str, found: IndicatorMatch, *, row: int | None, column: str | None
    ) -> None:
        key = (label, found.candidates)
        if key not in self.messages:
            self.messages[key] = self._unknown_message(label, found)
        zh, en = self.messages[key]
        self.issue(IssueCode.UNKNOWN_INDICATOR, zh, en, row=row, column=column, value=label)

    def _unknown_message(self, label: str, found: IndicatorMatch) -> tuple[str, str]:
        if found.candidates:
            known = self.catalogue.indicators
            zh = "、".join(
                f"{c}（{known[c].name.zh}，{known[c].unit or '%'}）" for c in found.candidates
            )
            en = ", ".join(
                f"{c} ({known[c].name.en}, {known[c].unit or '%'})" for c in found.candidates
            )
            return (
                f"{label!r} 可指多个指标：{zh}；请写明单位，或用 --row/--column 指定其一，"
                f"如 --row {label}={found.candidates[0]}",
                f"{label!r} could be any of several indicators: {en}; write its unit, or name "
                f"one with --row/--column, e.g. --row {label}={found.candidates[0]}",
            )
        near = _listed(near_indicators(self.catalogue, label))
        return (
            f"未知指标 {label!r}；相近的有：{near}（{HINT_HELP_ZH}）",
            f"unknown indicator {label!r}; near ones: {near} ({HINT_HELP_EN})",
        )

    # -- the table as a whole -----------------------------------------------------
    def label_column(self) -> int:
        for i, r in enumerate(self.readings):
            if r.role in (h.ENTITY, h.LABEL):
                return i
        for i, r in enumerate(self.readings):  # else the first column that is not a number
            if r.role == h.VALUE:
                return i
        return 0

    def kind(self, label_col: int) -> str:
        if self.hints.kind in KINDS:
            return self.hints.kind
        r = self.readings[label_col]
        if r.role == h.ENTITY:
            return ENTITIES_AS_ROWS
        if r.role == h.LABEL and r.name in h.PRODUCT_WORDS:
            return PRODUCTS_AS_ROWS
        keys = self._distinct_keys(self.table.columns[label_col])
        places = sum(1 for k in keys if is_summary(k) or self.catalogue.find_entity(k))
        if keys and places * 2 >= len(keys):
            return ENTITIES_AS_ROWS
        return PRODUCTS_AS_ROWS if "产量" in self.context else INDICATORS_AS_ROWS

    def _distinct_keys(self, col: str, most: int = 200) -> list[str]:
        values = self.table.frame.get_column(col).drop_nulls().unique().head(most).to_list()
        return [k for k in (read_label(v).key for v in values) if k]

    def base_period(self) -> tuple[Period | None, str | None]:
        if self.hints.period:
            try:
                return parse_period(self.hints.period), "hint"
            except PeriodError as exc:
                self.issue(
                    IssueCode.BAD_PERIOD,
                    f"--period 无法识别：{exc.zh}",
                    f"--period cannot be read: {exc.en}",
                    value=self.hints.period,
                )
                return None, None
        framed = self.table.framing.period
        if framed:
            try:
                return parse_period(framed), "title"
            except PeriodError:
                pass
        found = title_period(self.table.framing.title)
        return (found, "title") if found else (None, None)

    def base_entity(self) -> tuple[str | None, str | None]:
        if self.hints.entity:
            e = self.catalogue.find_entity(normalise(self.hints.entity))
            if e is None:
                near = _listed(near_entities(self.catalogue, self.hints.entity))
                self.issue(
                    IssueCode.UNKNOWN_ENTITY,
                    f"指定的主体 {self.hints.entity!r} 未知；相近的有：{near}"
                    "（可用 wenzeng catalog entities 查看主体）",
                    f"the entity given, {self.hints.entity!r}, is unknown; near ones: {near} "
                    "(see wenzeng catalog entities)",
                    value=self.hints.entity,
                )
                return None, None
            return e.code, "hint"
        e = title_entity(self.catalogue, self.table.framing.title)
        return (e.code, "title") if e else (None, None)

    # -- columns ------------------------------------------------------------------
    def column_period(
        self, r: HeaderReading, base: Period | None, base_from: str | None
    ) -> tuple[Period | None, str | None]:
        if r.period and r.dated:
            try:
                return parse_period(r.period), "header"
            except PeriodError:
                return None, None
        if base is None:
            return None, None
        end = {
            PeriodType.MONTH: base.index,
            PeriodType.CUM_MONTH: base.index,
            PeriodType.QUARTER: base.index * 3,
            PeriodType.YEAR: 12,
        }[base.type]
        if r.period:  # 1-9月, 9月: the year from the title or hint
            try:
                return parse_period(f"{base.year}年{r.period}"), "header"
            except PeriodError:
                return None, None
        if r.period_type == "month":
            return Period.month(base.year, end), "header"
        if r.period_type == "cum_month":
            return Period.cum_month(base.year, end), "header"
        return base, base_from

    def hinted_column(self, layout: ColumnLayout, hint: str) -> ColumnLayout:
        if hint.strip().casefold() == SKIP:
            return replace(layout, role=h.SKIP, skipped=("按 --column 跳过", "skipped by --column"))
        code, _, written = hint.partition(":")
        code, measure = code.strip(), written.strip() or None
        if code not in self.catalogue.indicators:
            self.unknown_indicator(code, IndicatorMatch(None, ()), row=None, column=layout.header)
            return replace(layout, indicator=None)
        if measure is not None and measure not in {m.value for m in Measure}:
            self.issue(
                IssueCode.UNKNOWN_MEASURE,
                f"未知口径 {measure!r}（应为 level、yoy_pct 或 share_pct）",
                f"unknown measure {measure!r} (expected level, yoy_pct or share_pct)",
                column=layout.header,
                value=hint,
            )
        if measure is None:
            return replace(layout, indicator=code)
        return replace(layout, indicator=code, measure=measure, measure_from="hint")

    def columns(
        self, kind: str, label_col: int, base: Period | None, base_from: str | None
    ) -> list[ColumnLayout]:
        out: list[ColumnLayout] = []
        before: tuple[ColumnLayout, str | None] | None = None  # the last level column
        undated: list[str] = []
        for i, r in enumerate(self.readings):
            header = self.headers[i]
            if i == label_col or r.role not in (h.VALUE, h.SKIP):
                role = h.ENTITY if kind == ENTITIES_AS_ROWS and i == label_col else r.role
                out.append(ColumnLayout(i + 1, header, h.LABEL if role == h.VALUE else role))
                continue
            if r.role == h.SKIP:
                why = h.SKIP_WHY[r.skip or "sequence"]
                out.append(ColumnLayout(i + 1, header, h.SKIP, skipped=why))
                continue
            col = self.value_column(i, r, kind, base, base_from, before)
            if col.skipped is None and col.period is None:
                undated.append(header)
            if col.skipped is None and col.measure == "level":
                before = (col, r.name)
            out.append(col)
        if undated:
            self.issue(
                IssueCode.BAD_PERIOD,
                f"无法确定期间：标题和表头都没有写明（列：{_listed(undated)}）；"
                "请用 --period 指定，如 --period 2024年1-9月",
                f"no period: neither the title nor the header says it (columns: "
                f"{', '.join(undated)}); give it with --period, e.g. --period 2024年1-9月",
            )
        return out

    def value_column(
        self,
        i: int,
        r: HeaderReading,
        kind: str,
        base: Period | None,
        base_from: str | None,
        before: tuple[ColumnLayout, str | None] | None,
    ) -> ColumnLayout:
        """A column of figures; 同比增长(%) after a level column is that level's growth."""
        inherit = None
        if before and r.measure in ("yoy_pct", "share_pct") and r.name in (None, before[1]):
            inherit = before[0]
        period, period_from = self.column_period(r, base, base_from)
        col = ColumnLayout(
            i + 1,
            self.headers[i],
            h.VALUE,
            measure=r.measure,
            measure_from="header" if r.measure else None,
            unit=(r.unit or self.framed_unit) if r.measure in (None, "level") else _percent(r.unit),
            period=period.code if period else None,
            period_type=period.type.value if period else None,
            period_from=period_from,
        )
        if inherit is not None:
            col = replace(col, indicator=inherit.indicator)
            if r.period_type is None and not r.period:
                col = replace(
                    col,
                    period=inherit.period,
                    period_type=inherit.period_type,
                    period_from=inherit.period_from,
                )
        hint = self.hint_columns.get(f"#{i + 1}", self.hint_columns.get(normalise(self.headers[i])))
        if hint is not None:
            col = self.hinted_column(col, hint)
        elif kind == ENTITIES_AS_ROWS and inherit is None:
            col = self.column_indicator(col, r)
        return self._fill_measure(col)

    def _fill_measure(self, col: ColumnLayout) -> ColumnLayout:
        if col.measure or col.skipped:
            return col
        ind = self.catalogue.indicators.get(col.indicator or "")
        if ind is not None and len(ind.measures) == 1:
            return replace(col, measure=ind.measures[0].value)
        return replace(col, measure="level")

    def column_indicator(self, col: ColumnLayout, r: HeaderReading) -> ColumnLayout:
        if self.hints.indicator:
            if self.hints.indicator not in self.catalogue.indicators:
                return col  # reported once, in recognise
            return replace(col, indicator=self.hints.indicator)
        if r.name is None:
            self.issue(
                IssueCode.UNKNOWN_COLUMN,
                f"第{col.position}列 {col.header!r} 没有写明指标；请用 --indicator 或 --column "
                f"{col.header}=指标代码 指定",
                f"column {col.position} {col.header!r} names no indicator; name it with "
                f"--indicator or --column {col.header}=CODE",
                column=col.header,
            )
            return col
        unit = r.unit if r.measure in (None, "level") else None
        found = indicator_for(self.catalogue, r.name, unit=unit, context=self.context)
        if not found.code and r.label and r.label != r.name:
            found = indicator_for(self.catalogue, r.label, unit=unit, context=[])
        if not found.code:
            self.unknown_indicator(r.name, found, row=None, column=col.header)
        return replace(col, indicator=found.code)

    # -- rows ---------------------------------------------------------------------
    def rows(self, kind: str, label_col: int, unit_col: int | None, entity: str | None) -> RowsRead:
        names = self.table.columns
        values = [c for i, c in enumerate(names) if self._is_value(i, label_col)]
        empty = pl.all_horizontal([_is_blank(c) for c in values]) if values else pl.lit(True)
        unit = pl.col(names[unit_col]) if unit_col is not None else pl.lit(None, dtype=pl.Utf8)
        frame = self.table.frame.select(
            pl.col(ROW),
            pl.col(names[label_col]).alias("_label"),
            empty.alias("_empty"),
            unit.alias("_unit"),
        )
        ctx = RowContext(
            self.catalogue,
            kind,
            self.headers[label_col],
            entity,
            self.context,
            self.hint_rows,
        )
        return read_rows(frame, ctx, self)

    def _is_value(self, i: int, label_col: int) -> bool:
        return i != label_col and self.readings[i].role == h.VALUE


def _column_frame(layout: Layout, names: list[str]) -> pl.DataFrame:
    """One row per column of figures: what each of its cells is."""
    cols = [c for c in layout.columns if c.role == h.VALUE and c.skipped is None]
    return pl.DataFrame(
        {
            "_c": [names[c.position - 1] for c in cols],
            "_pos": [c.position for c in cols],
            COLUMN: [c.header for c in cols],
            "_col_indicator": [c.indicator for c in cols],
            "measure": [c.measure for c in cols],
            "_said": [c.measure_from is not None for c in cols],
            "_col_unit": [c.unit for c in cols],
            "period": [c.period for c in cols],
            "period_type": [c.period_type for c in cols],
        },
        schema={
            "_c": pl.Utf8,
            "_pos": pl.Int64,
            COLUMN: pl.Utf8,
            "_col_indicator": pl.Utf8,
            "measure": pl.Utf8,
            "_said": pl.Boolean,
            "_col_unit": pl.Utf8,
            "period": pl.Utf8,
            "period_type": pl.Utf8,
        },
    )


def _sole_measures(catalogue: Catalogue) -> dict[str, str]:
    """Indicators published only as a growth rate or a share: a row of one of them in a
    column that says no measure (1-9月) holds that rate."""
    return {
        code: i.measures[0].value
        for code, i in catalogue.indicators.items()
        if len(i.measures) == 1 and i.measures[0] is not Measure.LEVEL
    }


def _melt(
    table: RawTable, layout: Layout, row_meta: pl.DataFrame, sole: dict[str, str]
) -> pl.DataFrame:
    names = table.columns
    col_meta = _column_frame(layout, names)
    note_col = next((names[c.position - 1] for c in layout.columns if c.role == h.NOTE), None)
    index = [
        pl.col(ROW),
        (pl.col(note_col) if note_col else pl.lit(None, dtype=pl.Utf8)).alias("note"),
    ]
    value_names = col_meta.get_column("_c").to_list()
    if not value_names:
        schema = dict.fromkeys(LONG_FIELDS, pl.Utf8) | {ROW: pl.Int64, COLUMN: pl.Utf8}
        return pl.DataFrame(schema=schema)
    wide = table.frame.select(*index, *[pl.col(c) for c in value_names])
    long = (
        wide.unpivot(index=[ROW, "note"], on=value_names, variable_name="_c", value_name="value")
        .with_columns(pl.col("value").str.strip_chars())
        # a cell a table leaves empty or marks unpublished ("—", "…") holds no figure
        .filter(
            pl.col("value").is_not_null()
            & ~pl.col("value").str.normalize("NFKC").str.to_lowercase().is_in(list(MISSING))
        )
        .join(col_meta, on="_c", how="inner")
        .join(row_meta, on=ROW, how="inner")
    )
    by_row = layout.kind != ENTITIES_AS_ROWS
    level_unit = pl.coalesce(pl.col("_row_unit"), pl.col("_col_unit"))
    long = long.with_columns(
        (pl.col("_row_indicator") if by_row else pl.col("_col_indicator")).alias("indicator"),
        (pl.lit(layout.entity) if by_row else pl.col("_row_entity")).alias("entity"),
    )
    if by_row and sole:
        rate = pl.col("indicator").replace_strict(sole, default=None, return_dtype=pl.Utf8)
        unsaid = ~pl.col("_said") & rate.is_not_null()
        long = long.with_columns(
            pl.when(unsaid).then(rate).otherwise(pl.col("measure")).alias("measure"),
        )
    long = long.with_columns(
        pl.when(pl.col("measure") == "level")
        .then(level_unit)
        .otherwise(pl.col("_col_unit"))
        .alias("unit"),
    )
    return (
        long.filter(
            pl.col("indicator").is_not_null()
            & pl.col("entity").is_not_null()
            & pl.col("period").is_not_null()
        )
        .sort(ROW, "_pos")
        .select(*[pl.col(f).cast(pl.Utf8) for f in LONG_FIELDS], pl.col(ROW), pl.col(COLUMN))
    )


def looks_wide(table: RawTable) -> bool:
    """Whether a table is a wide bureau table rather than one observation per row: it has
    no column of values (数值, value) and its headers say measures, periods or units
    (同比增长(%), 本月, 营业收入(亿元)) beside a column of labels, or in two columns."""
    headers = headers_of(table)
    names = {normalise(t).casefold() for t in headers}
    if any(normalise(n).casefold() in names for n in SYNONYMS["value"]):
        return False
    readings = [read_header(t) for t in headers]
    said = sum(1 for r in readings if r.role == h.VALUE and (r.measure or r.period_type or r.unit))
    labelled = any(r.role in (h.ENTITY, h.LABEL) for r in readings)
    return said >= 2 or (said == 1 and labelled)


def recognise(
    table: RawTable, catalogue: Catalogue, hints: LayoutHints | None = None, *, limit: int = 1000
) -> Recognised:
    """Read a wide table's layout and melt it into observations (see the module's text).

    At most ``limit`` issues are listed, then one that counts the rest."""
    hints = hints or LayoutHints()
    r = _Reader(table, catalogue, hints, limit)
    if hints.indicator and hints.indicator not in catalogue.indicators:
        r.unknown_indicator(hints.indicator, IndicatorMatch(None, ()), row=None, column=None)
    label_col = r.label_column()
    kind = r.kind(label_col)
    entity, entity_from = r.base_entity()
    base, period_from = r.base_period()
    columns = r.columns(kind, label_col, base, period_from)
    unit_col = next((i for i, c in enumerate(r.readings) if c.role == h.UNIT), None)
    if kind != ENTITIES_AS_ROWS and entity is None:
        r.issue(
            IssueCode.UNKNOWN_ENTITY,
            "无法确定主体：标题没有写明地区，也没有指定；请用 --entity 指定，如 --entity 广东",
            "no entity: the title names none and none was given; give it with --entity, "
            "e.g. --entity 广东",
        )
    rows = r.rows(kind, label_col, unit_col, entity)
    r.unused_hints(rows.labels)
    if not any(c.role == h.VALUE and c.skipped is None for c in columns):
        r.issue(
            IssueCode.MISSING_COLUMN,
            "表中没有数值列",
            "the table has no columns of figures",
        )
    layout = Layout(
        kind=kind,
        columns=columns,
        row_table=rows.rows,
        entity=entity,
        entity_from=entity_from,
        period=base.code if base else None,
        period_from=period_from,
        notes=table.framing.notes,
    )
    long = _melt(table, layout, rows.meta, _sole_measures(catalogue))
    out = RawTable(table.file, long, table.encoding, table.sheet, table.framing)
    return Recognised(layout, out, r.finish())
