"""The rows of a wide table: each distinct label read once, components put under the row
they belong to (其中：智能手机 under 手机), and each row's entity (entities as rows) or
indicator (products or indicators as rows), with an issue for each row that names none."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from wenzeng.definitions.catalogue import Catalogue, IndicatorMatch
from wenzeng.domain.issues import IssueCode, Severity
from wenzeng.ingest.headers import normalise
from wenzeng.ingest.layout_lookup import (
    NATION_LABELS,
    indicator_for,
    is_summary,
    near_entities,
    read_label,
)
from wenzeng.ingest.layout_types import ENTITIES_AS_ROWS
from wenzeng.ingest.readers import ROW

_SEP = "\x1f"  # between a label and its unit in one lookup key


class Reports(Protocol):
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
    ) -> None: ...

    def unknown_indicator(
        self, label: str, found: IndicatorMatch, *, row: int | None, column: str | None
    ) -> None: ...


@dataclass
class RowContext:
    catalogue: Catalogue
    kind: str
    header: str  # the label column's header, for issues
    entity: str | None  # the entity the title or a hint names: a total row's
    context: list[str]  # what a product table counts (产量)
    hint_rows: dict[str, str] = field(default_factory=dict)  # normalised label → code


@dataclass
class RowsRead:
    rows: pl.DataFrame  # layout_types.ROW_FIELDS
    meta: pl.DataFrame  # ROW, _row_entity, _row_indicator, _row_unit of rows with figures
    labels: set[str]  # every label, as written and as looked up (normalised)


def _mapped(
    col: str, mapping: Mapping[str, object], dtype: pl.DataType | type[pl.DataType]
) -> pl.Expr:
    """A column's values through a mapping, missing where it has none (an empty mapping
    would keep the column's own type)."""
    if not mapping:
        return pl.lit(None, dtype=dtype).alias(col)
    return pl.col(col).replace_strict(mapping, default=None, return_dtype=dtype)


def read_rows(frame: pl.DataFrame, ctx: RowContext, report: Reports) -> RowsRead:
    """``frame`` holds ROW, ``_label``, ``_empty`` (no figures in the row) and ``_unit``."""
    blank = pl.col("_label").is_null() | (pl.col("_label").str.strip_chars() == "")
    what = ("地区", "region") if ctx.kind == ENTITIES_AS_ROWS else ("名称", "label")
    for row in frame.filter(blank & ~pl.col("_empty")).get_column(ROW).to_list():
        report.issue(
            IssueCode.REQUIRED,
            f"第{row}行有数值但没有{what[0]}",
            f"row {row} has figures but no {what[1]}",
            row=row,
            column=ctx.header,
        )
    f = frame.filter(~blank)
    texts = f.get_column("_label").unique().to_list()
    labels = {t: read_label(t) for t in texts}
    f = f.with_columns(
        _mapped("_label", {t: x.key for t, x in labels.items()}, pl.Utf8).alias("_key"),
        _mapped("_label", {t: x.component for t, x in labels.items()}, pl.Boolean).alias(
            "_component"
        ),
        _mapped(
            "_unit",
            {u: normalise(u) or None for u in f.get_column("_unit").drop_nulls().unique()},
            pl.Utf8,
        ),
    )
    head = pl.when(~pl.col("_component")).then(pl.col("_key")).forward_fill()
    f = f.with_columns(pl.when(pl.col("_component")).then(head).alias("_part_of"))
    read = _entities if ctx.kind == ENTITIES_AS_ROWS else _indicators
    f = read(f, ctx, report)
    rows = f.select(
        pl.col(ROW).alias("row"),
        pl.col("_label").alias("label"),
        pl.col("_key").alias("key"),
        pl.col("_row_entity").alias("entity"),
        pl.col("_row_indicator").alias("indicator"),
        pl.col("_part_of").alias("part_of"),
        pl.col("_summary").alias("summary"),
        pl.col("_empty").alias("heading"),
    )
    meta = f.filter(~pl.col("_empty")).select(
        ROW, "_row_entity", "_row_indicator", pl.col("_unit").alias("_row_unit")
    )
    seen = {x.key for x in labels.values()} | {normalise(t) for t in texts}
    return RowsRead(rows, meta, seen)


def _entities(f: pl.DataFrame, ctx: RowContext, report: Reports) -> pl.DataFrame:
    keys = f.filter(~pl.col("_empty")).get_column("_key").unique().to_list()
    codes: dict[str, str | None] = {}
    for key in keys:
        e = ctx.catalogue.find_entity(key)
        codes[key] = e.code if e else None
        if codes[key] is None and is_summary(key):
            codes[key] = "CN" if key in NATION_LABELS else ctx.entity
    f = f.with_columns(
        pl.when(~pl.col("_empty")).then(_mapped("_key", codes, pl.Utf8)).alias("_row_entity"),
        pl.lit(None, dtype=pl.Utf8).alias("_row_indicator"),
        pl.col("_key").is_in([k for k in keys if is_summary(k)]).alias("_summary"),
    )
    missing = f.filter(~pl.col("_empty") & pl.col("_row_entity").is_null())
    near: dict[str, str] = {}
    for row, text, key in missing.select(ROW, "_label", "_key").iter_rows():
        if is_summary(key):
            report.issue(
                IssueCode.UNKNOWN_ENTITY,
                f"合计行 {key!r} 属于哪个主体，标题没有写明；请用 --entity 指定",
                f"the total row {key!r}: the title names no entity it is about; "
                "give it with --entity",
                row=row,
                column=ctx.header,
                value=text,
            )
            continue
        if key not in near:
            near[key] = "、".join(near_entities(ctx.catalogue, key)) or "—"
        report.issue(
            IssueCode.UNKNOWN_ENTITY,
            f"第{row}行的 {key!r} 不是已知地区或主体；相近的有：{near[key]}"
            "（可用 wenzeng catalog entities 查看主体）",
            f"row {row}: {key!r} is no known region or entity; near ones: {near[key]} "
            "(see wenzeng catalog entities)",
            row=row,
            column=ctx.header,
            value=text,
        )
    return f


def _row_match(ctx: RowContext, key: str, unit: str | None) -> tuple[str, IndicatorMatch]:
    """The indicator a row label names: by the user's --row, else by the catalogue."""
    hint = ctx.hint_rows.get(key)
    if hint is not None:
        code = hint.strip()
        return code, IndicatorMatch(code if code in ctx.catalogue.indicators else None, ())
    return key, indicator_for(ctx.catalogue, key, unit=unit, context=ctx.context)


def _indicators(f: pl.DataFrame, ctx: RowContext, report: Reports) -> pl.DataFrame:
    pair = pl.col("_key") + _SEP + pl.col("_unit").fill_null("")
    f = f.with_columns(pair.alias("_pair"))
    pairs = f.filter(~pl.col("_empty")).select("_pair", "_key", "_unit").unique()
    matches = {p: _row_match(ctx, key, unit) for p, key, unit in pairs.iter_rows()}
    codes = {p: m.code for p, (_, m) in matches.items()}
    f = f.with_columns(
        pl.lit(None, dtype=pl.Utf8).alias("_row_entity"),
        pl.when(~pl.col("_empty")).then(_mapped("_pair", codes, pl.Utf8)).alias("_row_indicator"),
        pl.lit(False).alias("_summary"),
    )
    missing = f.filter(~pl.col("_empty") & pl.col("_row_indicator").is_null())
    for row, p in missing.select(ROW, "_pair").iter_rows():
        asked, match = matches[p]
        report.unknown_indicator(asked, match, row=row, column=ctx.header)
    return f
