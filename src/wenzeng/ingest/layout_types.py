"""What a wide table was read as: the hints a user gives, each column's and row's reading,
and the lines that show it before anything is stored."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import polars as pl

from wenzeng.domain.periods import PeriodError, parse_period
from wenzeng.ingest.framing import NoteRow

ENTITIES_AS_ROWS = "entities_as_rows"  # 地区 | 营业收入(亿元) | 同比增长(%) | …
PRODUCTS_AS_ROWS = "products_as_rows"  # 产品名称 | 计量单位 | 本月 | 1-9月累计 | 同比增长(%)
INDICATORS_AS_ROWS = "indicators_as_rows"  # 指标 | 单位 | 1-9月 | 同比增长(%)
KINDS = (ENTITIES_AS_ROWS, PRODUCTS_AS_ROWS, INDICATORS_AS_ROWS)
SKIP = "skip"
HEADING = ("没有数值（分组标题）", "no figures (a group heading)")
# The columns of Layout.row_table, in RowLayout's order (the last: the row has no figures).
ROW_FIELDS = ("row", "label", "key", "entity", "indicator", "part_of", "summary", "heading")

KIND_ZH = {
    ENTITIES_AS_ROWS: "地区为行",
    PRODUCTS_AS_ROWS: "产品为行",
    INDICATORS_AS_ROWS: "指标为行",
}
FROM_ZH = {"title": "标题", "header": "表头", "hint": "指定", "row": "行", "column": "列"}


class HintError(ValueError):
    """Hints that cannot be read (from a file or the command line)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _text_map(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise HintError(f"提示 {key} 应为 文本→文本 的映射", f"hint {key} must map text to text")
    return dict(value)


@dataclass
class LayoutHints:
    """What the user says about a wide table where its title and headers do not.

    ``columns`` maps a header text, or a column's place (``#5`` or ``第5列``, for one of
    two columns with the same header), to ``indicator_code``, ``indicator_code:measure``
    or ``skip``; ``rows`` maps a row label to an indicator code.
    """

    entity: str | None = None
    period: str | None = None
    indicator: str | None = None  # the one indicator of an entities-as-rows table
    columns: dict[str, str] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)
    kind: str | None = None  # one of KINDS, when the table's look misleads

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LayoutHints:
        known = {"entity", "period", "indicator", "columns", "rows", "kind"}
        extra = sorted(set(data) - known)
        if extra:
            raise HintError(
                f"未知的提示项：{', '.join(extra)}", f"unknown hints: {', '.join(extra)}"
            )
        texts = {}
        for key in ("entity", "period", "indicator", "kind"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise HintError(f"提示 {key} 应为文本", f"hint {key} must be text")
            texts[key] = value
        if texts["kind"] is not None and texts["kind"] not in KINDS:
            raise HintError(
                f"未知的表格形式 {texts['kind']!r}（应为 {'、'.join(KINDS)}）",
                f"unknown table kind {texts['kind']!r} (expected one of {', '.join(KINDS)})",
            )
        return cls(
            entity=texts["entity"],
            period=texts["period"],
            indicator=texts["indicator"],
            columns=_text_map(data, "columns"),
            rows=_text_map(data, "rows"),
            kind=texts["kind"],
        )


@dataclass(frozen=True)
class ColumnLayout:
    """One column of the wide table and what its figures are."""

    position: int  # 1-based, as a spreadsheet counts
    header: str  # as written
    role: str  # headers.VALUE, ENTITY, LABEL, UNIT, NOTE or SKIP
    indicator: str | None = None
    measure: str | None = None
    measure_from: str | None = None  # "header" or "hint"; None: level, or a row's only one
    unit: str | None = None
    period: str | None = None  # code: 2024-01~09
    period_type: str | None = None
    period_from: str | None = None  # "header", "title" or "hint"
    skipped: tuple[str, str] | None = None  # why, in Chinese and English

    def describe(self, by_row: bool = False) -> str:
        """One line, Chinese then English; ``by_row``: the rows name the indicators."""
        where = f"第{self.position}列 {self.header}"
        where_en = f"column {self.position} {self.header}"
        if self.skipped:
            return f"{where} → 跳过：{self.skipped[0]} / {where_en} → skipped: {self.skipped[1]}"
        if self.role != "value":
            names = {"entity": "地区", "label": "行标签", "unit": "计量单位", "note": "备注"}
            return f"{where} → {names.get(self.role, self.role)} / {where_en} → {self.role}"
        indicator = self.indicator or ("（按行）" if by_row else "—")
        indicator_en = self.indicator or ("(by row)" if by_row else "-")
        period, period_en = _period_labels(self.period, self.period_type)
        src = f"（{FROM_ZH[self.period_from]}）" if self.period_from in FROM_ZH else ""
        src_en = f" (from {self.period_from})" if self.period_from else ""
        zh = (
            f"{where} → 指标 {indicator} 口径 {self.measure} "
            f"单位 {self.unit or '—'} 期间 {period}{src}"
        )
        en = (
            f"{where_en} → indicator {indicator_en} measure {self.measure} "
            f"unit {self.unit or '-'} period {period_en}{src_en}"
        )
        return f"{zh} / {en}"


def _period_labels(code: str | None, period_type: str | None) -> tuple[str, str]:
    """A period code as a preview shows it: 2024年1-9月 / 2024-01~09."""
    if not code:
        return "—", "-"
    try:
        return parse_period(code, period_type).label_zh, code
    except PeriodError:
        return code, code


class RowLayout(NamedTuple):
    """One row label and what it was read as (a tuple: a tall table makes many)."""

    row: int  # spreadsheet row number
    label: str  # as written
    key: str  # as looked up
    entity: str | None = None
    indicator: str | None = None
    part_of: str | None = None  # the label of the row this one is a part of (其中：)
    summary: bool = False  # 合计, 全国, 全省: about the entity the title names
    skipped: tuple[str, str] | None = None

    def describe(self) -> str:
        where, where_en = f"第{self.row}行 {self.label.strip()}", f"row {self.row} {self.key}"
        if self.skipped:
            return f"{where} → 跳过：{self.skipped[0]} / {where_en} → skipped: {self.skipped[1]}"
        target = " ".join(x for x in (self.entity, self.indicator) if x) or "—"
        zh, en = f"{where} → {target}", f"{where_en} → {target}"
        if self.summary:
            zh, en = zh + "（合计行）", en + " (total row)"
        if self.part_of:
            zh, en = zh + f"（{self.part_of} 的其中项）", en + f" (part of {self.part_of})"
        return f"{zh} / {en}"


@dataclass
class Layout:
    """How a wide table was read."""

    kind: str
    columns: list[ColumnLayout]
    row_table: pl.DataFrame  # ROW_FIELDS: one row per labelled row of the table
    entity: str | None = None  # the entity of a products/indicators table or its total row
    entity_from: str | None = None  # "title" or "hint"
    period: str | None = None  # the table's period (code), before headers refine it
    period_from: str | None = None  # "title" or "hint"
    notes: tuple[NoteRow, ...] = ()

    @cached_property
    def rows(self) -> list[RowLayout]:
        """Each labelled row and what it was read as (made when asked: a tall table has
        many, and the melt needs only the table)."""
        return [
            RowLayout(
                row, label, key, entity, indicator, part_of, summary, HEADING if empty else None
            )
            for row, label, key, entity, indicator, part_of, summary, empty in self.row_table.select(
                ROW_FIELDS
            ).iter_rows()
        ]

    def describe(self, most_rows: int | None = 200) -> list[str]:
        """Lines for a preview, each in Chinese then English; at most ``most_rows`` rows
        (None: all), then a line that counts the rest."""
        ent = self.entity or "—"
        per, per_en = _period_labels(self.period, None)
        out = [
            f"表格形式：{KIND_ZH[self.kind]} / layout: {self.kind.replace('_', ' ')}",
            f"主体 {ent}（{FROM_ZH.get(self.entity_from or '', '—')}） / entity "
            f"{self.entity or '-'} (from {self.entity_from or '-'})",
            f"期间 {per}（{FROM_ZH.get(self.period_from or '', '—')}） / period {per_en} "
            f"(from {self.period_from or '-'})",
        ]
        out += [c.describe(by_row=self.kind != ENTITIES_AS_ROWS) for c in self.columns]
        shown = self.row_table if most_rows is None else self.row_table.head(most_rows)
        out += [r.describe() for r in Layout(self.kind, [], shown).rows]
        rest = self.row_table.height - shown.height
        if rest:
            out.append(f"……另有 {rest} 行 / … {rest} more rows")
        out += [f"附注 第{n.row}行：{n.text} / note row {n.row}: {n.text}" for n in self.notes]
        return out
