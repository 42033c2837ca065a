"""A report document from its definition and the facts as known on its vintage."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from wenzeng.domain.periods import Period, PeriodType
from wenzeng.errors import ValidationFailed
from wenzeng.reports import parts_areas, parts_data, parts_plan, parts_progress
from wenzeng.reports.builder import Builder, Frame
from wenzeng.reports.definition import ReportDefinition
from wenzeng.reports.document import (
    Block,
    Chart,
    Document,
    Fig,
    Heading,
    Paragraph,
    Run,
    Table,
    Text,
    label,
)
from wenzeng.reports.facts import Facts
from wenzeng.reports.parts_plan import date_text
from wenzeng.reports.timing import Timing

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


def _refs(runs: Iterable[Run]) -> set[int]:
    return {r.ref for r in runs if isinstance(r, Fig) and r.ref is not None}


def marked(block: Block, part_simulated: bool, simulated_refs: set[int], lang: str) -> Block:
    """``block`` marked 模拟数据 where it shows simulated data: a table or a sentence citing a
    simulated figure, or one without citations (counts, sums) in a part that read simulated
    data; a chart as its data say, else as its part. Headings, notes and the sentences saying
    that data are missing are left as they are."""
    mark = label("simulated_data", lang)
    if isinstance(block, Paragraph):
        if block.style != "body":
            return block
        refs = _refs(block.runs)
        if not (refs & simulated_refs if refs else part_simulated):
            return block
        runs = block.runs
        last = runs[-1] if runs else None
        if isinstance(last, Text) and last.text.endswith(("。", ".")):
            tail = (Text(last.text[:-1] + mark + last.text[-1]),)
            return replace(block, runs=(*runs[:-1], *tail), simulated=True)
        return replace(block, runs=(*runs, Text(mark)), simulated=True)
    if isinstance(block, Table):
        refs = {r for row in block.rows for cell in row for r in _refs(cell)}
        if not (block.simulated or (refs & simulated_refs if refs else part_simulated)):
            return block
        return replace(block, caption=block.caption + mark, simulated=True)
    if isinstance(block, Chart):
        sim = part_simulated if block.simulated is None else block.simulated
        if not sim:
            return replace(block, simulated=False)
        return replace(block, caption=block.caption + mark, simulated=True)
    return block


def _time_lines(b: Builder, timing: Timing | None) -> tuple[str, tuple[str, ...]]:
    """The cover's date line (the vintage, and how it stands to the period's time) and the
    note on core figures not yet published on the vintage, said once."""
    as_of = b.facts.as_of
    when = date_text(as_of, b.lang)
    line = b.pick(f"数据截至{when}", f"Data as of {when}")
    first = timing.period_time if timing is not None else None
    if timing is None or first is None:
        return line, ()
    first_text = date_text(first, b.lang)
    if as_of == first:
        line += b.pick(
            "（本期主要指标发布之日）", " (the day the period's key figures were published)"
        )
    elif as_of > first:
        line += b.pick(
            f"（晚于本期主要指标发布之日{first_text}，含其后发布和修订的数据）",
            f" (later than {first_text}, when the period's key figures were published; "
            "includes figures published or revised since)",
        )
    missing = timing.missing(as_of)
    if not missing:
        return line, ()
    names = []
    for c in missing:
        later = timing.first_published.get(c)
        names.append(
            b.subject(c)
            + (
                b.pick(f"（{date_text(later, 'zh')}发布）", f" (published {later})")
                if later
                else ""
            )
        )
    note = b.pick(
        f"截至数据日期，本期尚无以下指标的数据：{'、'.join(names)}。",
        f"Not yet published for the period on that date: {'; '.join(names)}.",
    )
    return line, (note,)


def build_document(
    defn: ReportDefinition,
    facts: Facts,
    period: Period,
    lang: str,
    step: Step | None = None,
    *,
    timing: Timing | None = None,
) -> Document:
    """The report ``defn`` for ``period`` in ``lang``, from ``facts``; ``timing`` says how
    the vintage stands to the period's time."""
    report_period(defn, period)
    say = step or (lambda _m: None)
    frame = Frame.of(period)
    b = Builder(facts, lang, frame)
    period_label = frame.label(period, lang)
    if timing is not None:
        b.said_missing = set(timing.missing(facts.as_of))
    blocks: list[Block] = []
    if defn.intro is not None:
        blocks.append(Paragraph((Text(b.t(defn.intro).format(period=period_label)),)))
    for section in defn.sections:
        say(b.t(section.heading))
        blocks.append(Heading(1, b.t(section.heading)))
        for part in section.parts:
            b.part_simulated = False
            made = PARTS[part.kind](b, part)
            sim = {s.ref for s in b.cite.sources if s.simulated}
            blocks.extend(marked(x, b.part_simulated, sim, lang) for x in made)
    date_line, cover_notes = _time_lines(b, timing)
    return Document(
        kind=defn.code,
        lang="en" if lang == "en" else "zh",
        title=b.t(defn.title).format(period=period_label),
        subtitle=period_label,
        issuer=b.t(defn.issuer),
        date_text=date_line,
        cover_notes=cover_notes,
        as_of=facts.as_of,
        period=period.code,
        blocks=tuple(blocks),
        sources=b.cite.sources,
        simulated=b.simulated or b.cite.any_simulated,
    )
