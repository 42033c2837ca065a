"""The latest figures of a place or an organisation, as the region and enterprise pages
list them: one row a series, with its value written for people and its source."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.observation import ObservationRecord
from wenzeng.present.numbers import cn_number, en_number
from wenzeng.present.place_charts import series_name
from wenzeng.services import directory as d
from wenzeng.services.forms import LoadedForm

LATEST_COLUMNS = [
    ("indicator", "指标代码 Indicator"),
    ("indicator_zh", "指标 Indicator name"),
    ("measure", "口径 Measure"),
    ("period_type", "期间类型 Period type"),
    ("period", "报告期 Period"),
    ("value", "数值 Value"),
    ("unit", "单位 Unit"),
    ("flag", "模拟数据 Simulated"),
    ("publisher", "发布机构 Publisher"),
    ("release", "发布稿 Release"),
    ("source_title", "来源 Source"),
    ("source_url", "来源链接 Source URL"),
    ("vintage", "可得日期 Known by"),
]

_BILINGUAL = re.compile(
    r"^(?P<zh>.*[\u4e00-\u9fff\uff08-\uff09].*?)\s*/\s*(?P<en>[^\u4e00-\u9fff]+)$"
)


def value_text(value: float | None, unit: str | None, qualifier: str | None = "") -> str:
    """A figure as a tile or a table shows it: a percentage to 0.1, a level without
    decimals when large, with ≥, ≤ or ≈ for a bound."""
    if value is None:
        return "—"
    mark = {">": "≥", "<": "≤", "~": "≈"}.get(qualifier or "", "")
    if unit == "%":
        return f"{mark}{value:.1f}%"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"
    return f"{mark}{text}"


def halves(text: str) -> tuple[str, str]:
    """'中文 / English' → both halves; a text in one language serves for both."""
    m = _BILINGUAL.match(text or "")
    return (m["zh"].strip(), m["en"].strip()) if m else (text, text)


def figure_text(r: ObservationRecord, prefer: str | None = None) -> str:
    """A figure with its unit in Chinese convention (267.97万人, 7.0%): in ``prefer`` (the
    unit its reporter fills in) when that has the same base, else in 万/亿 as its size
    asks (2,679,675 人 is written 267.97万人 whatever unit it was published in)."""
    return cn_number(r.value, r.unit, prefer=prefer, qualifier=r.qualifier)


def form_units(forms: Iterable[LoadedForm], reporter: str) -> dict[str, str]:
    """The unit each indicator is filled in by a reporter of this kind (企业: 万元, 人)."""
    out: dict[str, str] = {}
    for f in forms:
        if f.form.reporter.value != reporter:
            continue
        for field in f.fields:
            if field.indicator and field.unit and field.measure and field.measure.value == "level":
                out.setdefault(field.indicator, field.unit)
    return out


def latest_rows(
    cat: Catalogue, records: list[ObservationRecord], units: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The newest figure of each series among ``records``, in the catalogue's order; a
    level in the unit ``units`` gives for its indicator (the reporter's own), if any."""
    order = {code: i for i, code in enumerate(cat.indicators)}
    latest = sorted(
        d.latest_by_series(records),
        key=lambda r: (order.get(r.indicator, 999), r.measure, r.period_type),
    )
    rows = []
    for r in latest:
        row = d.record_row(r)
        ind = cat.indicators.get(r.indicator)
        row["indicator_zh"] = ind.name.zh if ind else r.indicator
        row["indicator_en"] = ind.name.en if ind else r.indicator
        row["series_zh"] = series_name(cat, (r.indicator, r.measure, r.period_type), False)
        row["series_en"] = series_name(cat, (r.indicator, r.measure, r.period_type), True)
        row["value_text"] = value_text(r.value, r.unit, r.qualifier)
        row["figure_text"] = figure_text(
            r, (units or {}).get(r.indicator) if r.measure == "level" else None
        )
        row["figure_text_en"] = en_number(r.value, r.unit, qualifier=r.qualifier)
        row["source_zh"], row["source_en"] = halves(r.source_title)
        rows.append(row)
    return rows
