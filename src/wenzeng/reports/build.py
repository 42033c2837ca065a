"""A report document from its definition and the facts as known on its vintage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wenzeng.domain.periods import Period, PeriodType
from wenzeng.errors import ValidationFailed
from wenzeng.reports import parts_areas, parts_data, parts_plan, parts_progress
from wenzeng.reports.builder import Builder, Frame
from wenzeng.reports.definition import ReportDefinition
from wenzeng.reports.document import Block, Document, Heading, Paragraph, Text
from wenzeng.reports.facts import Facts
from wenzeng.reports.parts_plan import date_text

Step = Callable[[str], None]

PARTS: dict[str, Callable[[Builder, Any], list[Block]]] = {
    "narrative": parts_data.narrative,
    "table": parts_data.table,
    "trend": parts_data.trend,
    "products": parts_data.products,
    "regions": parts_areas.regions,
    "sectors": parts_areas.sectors,
    "targets": parts_plan.targets,
    "warnings": parts_plan.warnings,
    "focus": parts_plan.focus,
    "reporting": parts_plan.reporting,
    "progress": parts_progress.progress,
}


def report_period(defn: ReportDefinition, period: Period) -> Period:
    wanted = PeriodType(defn.period_type)
    if period.type is not wanted:
        raise ValidationFailed(
            f"{defn.title.zh.replace('{period}', '')}按{'季度' if wanted is PeriodType.QUARTER else '年度'}编制，"
            f"不能用期间 {period.code} / this report is made for a {wanted.value}, not {period.code}"
        )
    return period


def build_document(
    defn: ReportDefinition, facts: Facts, period: Period, lang: str, step: Step | None = None
) -> Document:
    """The report ``defn`` for ``period`` in ``lang``, from ``facts``."""
    report_period(defn, period)
    say = step or (lambda _m: None)
    frame = Frame.of(period)
    b = Builder(facts, lang, frame)
    period_label = frame.label(period, lang)
    blocks: list[Block] = []
    if defn.intro is not None:
        blocks.append(Paragraph((Text(b.t(defn.intro).format(period=period_label)),)))
    for section in defn.sections:
        say(b.t(section.heading))
        blocks.append(Heading(1, b.t(section.heading)))
        for part in section.parts:
            blocks.extend(PARTS[part.kind](b, part))
    as_of = date_text(facts.as_of, lang)
    return Document(
        kind=defn.code,
        lang="en" if lang == "en" else "zh",
        title=b.t(defn.title).format(period=period_label),
        subtitle=period_label,
        issuer=b.t(defn.issuer),
        date_text=b.pick(f"数据截至{as_of}", f"Data as of {as_of}"),
        as_of=facts.as_of,
        period=period.code,
        blocks=tuple(blocks),
        sources=b.cite.sources,
        simulated=b.simulated or b.cite.any_simulated,
    )
