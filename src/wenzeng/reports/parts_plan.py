"""Report parts about the plan: targets, warnings, what to discuss, who reported."""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from datetime import date

from wenzeng.analysis.tracking import Assessment, FigureKind, Status
from wenzeng.analysis.tracking_core import meets
from wenzeng.analysis.warnings import Finding
from wenzeng.domain.catalog import REPORTING_REGION_KINDS, EntityKind
from wenzeng.domain.labels import WARNING_SEVERITY
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.domain.plan import Target
from wenzeng.domain.warning_rules import Klass
from wenzeng.reports.builder import DASH, Builder
from wenzeng.reports.cells import text_cell
from wenzeng.reports.definition import FocusPart, ReportingPart, TargetsPart, WarningsPart
from wenzeng.reports.document import Block, Cell, Fig, Paragraph, Run, Source, Table, Text
from wenzeng.reports.facts import RECEIVED
from wenzeng.reports.register import zh_register

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SEVERITY_TEXT = WARNING_SEVERITY


def date_text(d: date, lang: str) -> str:
    return d.isoformat() if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


# -- targets ---------------------------------------------------------------------------------
def _figuretext_cell(b: Builder, a: Assessment) -> Cell:
    """The figure a target is judged on; cited when it is one observation as published."""
    if a.figure is None:
        return text_cell(DASH)
    used = [e for e in a.evidence if e.role == "used"]
    exact = a.figure_kind is FigureKind.ACTUAL and used and used[-1].value == a.figure
    ref = b.cite.evidence(used[-1], a.target.entity) if exact else None
    return (Fig(f"{figure_text(a.target, a.figure)}{a.target.unit}", ref, a.figure),)


def figure_text(target: Target, x: float) -> str:
    """A target's figure as a release writes it: a rate to one decimal (7.7%, not the
    assessment's 7.662%), with more digits only where fewer would read as the other side of
    the goal (4.96% stays 4.96% against "above 5%")."""
    if target.is_qualitative or target.unit != "%":
        return f"{x:g}"
    for digits in range(1, 10):
        text = f"{x:.{digits}f}"
        if meets(target, float(text)) == meets(target, x):
            return text
    return repr(x)


def _reason(b: Builder, a: Assessment) -> str:
    """How a target's figure was arrived at, or why there is none (the tracking rule's own
    words, without the status it ends with)."""
    if b.lang == "en":
        return a.figure_note_en or a.rule_en.removesuffix(f": {a.status.en}")
    return zh_register(a.figure_note_zh or a.rule_zh.removesuffix(f"：{a.status.zh}"))


def _basis(b: Builder, found: list[Assessment]) -> list[Block]:
    """How each target's figure was arrived at, or why there is none, under the table; every
    figure it was computed from (or that is related) cited to its source."""
    out: list[Block] = []
    for a in found:
        reason = _reason(b, a)
        if not reason:
            continue
        runs: list[Run] = [Text(f"{b.t(a.target.title)}{b.pick('：', ': ')}{reason}")]
        cited: dict[int, Source] = {}
        for e in [*a.evidence, *a.related]:
            s = b.cite.source(b.cite.evidence(e, e.entity or a.target.entity))
            cited.setdefault(s.ref, s)
        for i, s in enumerate(sorted(cited.values(), key=lambda s: s.ref)):
            runs.append(
                Text(b.pick("（依据：" if i == 0 else "；", " (from: " if i == 0 else "; "))
            )
            label = s.period_label.replace("-", "—") if b.lang == "zh" else s.period_label
            runs.append(
                Text(
                    f"{s.indicator_name}{label}"
                    if b.lang == "zh"
                    else f"{s.indicator_name}, {label}, "
                )
            )
            runs.append(Fig(s.value_text, s.ref, s.value))
        if cited:
            runs.append(Text(b.pick("）", ")")))
        out.append(Paragraph(tuple(runs), "note"))
    return out


def targets(b: Builder, part: TargetsPart) -> list[Block]:
    found = b.facts.assessments()
    if not found:
        return [b.missing("行动方案目标：暂无评估结果。", "Plan targets: no assessment yet.")]
    counts = Counter(a.status for a in found)
    summary = b.summary(
        "targets",
        as_of=date_text(b.facts.as_of, b.lang),
        total=str(len(found)),
        counts=b.counts("targets", **{s.value: counts.get(s, 0) for s in Status}),
    )
    rows = tuple(
        (
            text_cell(b.t(a.target.title)),
            text_cell(a.target.text_zh if b.lang == "zh" else b.t(a.target.title)),
            _figuretext_cell(b, a),
            text_cell(a.status.en if b.lang == "en" else a.status.zh),
        )
        for a in found
    )
    table = Table(
        "targets",
        b.table_caption(b.pick("行动方案目标完成情况", "Progress towards the plan's targets")),
        (
            b.pick("目标", "Target"),
            b.pick("方案要求", "Requirement"),
            b.pick("最新情况", "Latest figure"),
            b.pick("判断", "Status"),
        ),
        rows,
        (False, False, False, False),
        b.pick(
            "注：达标、基本达标、有风险、难以达标按目标期末数值（未发布的按最新数据测算）与方案要求比较判断，测算依据见表后说明。",
            "Note: each status compares the target's figure at the end of its period (projected from the latest figures where not yet published) with the plan's requirement; the basis of each is given below the table.",
        ),
    )
    return [summary, table, *_basis(b, found)]


# -- warnings --------------------------------------------------------------------------------
def _ranked(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), -f.strength, f.entity, f.rule)
    )


def _klass_text(b: Builder, k: Klass) -> str:
    return k.zh if b.lang == "zh" else k.value


def _warnings_table(
    b: Builder, code: str, caption: str, findings: list[Finding], top: int
) -> Table:
    shown = _ranked(findings)[:top]
    rows = tuple(
        (
            text_cell(_klass_text(b, f.klass)),
            text_cell(SEVERITY_TEXT.get(f.severity, (f.severity, f.severity))[b.lang == "en"]),
            text_cell(
                b.entity_name(f.entity)
                + (b.pick("（模拟）", " (simulated)") if f.simulated else "")
            ),
            text_cell(f.explanation_en if b.lang == "en" else zh_register(f.explanation_zh)),
        )
        for f in shown
    )
    more = len(findings) - len(shown)
    note = (
        b.pick(f"注：另有{more}条预警未列出。", f"Note: {more} more warnings not listed.")
        if more > 0
        else None
    )
    return Table(
        code,
        b.table_caption(caption),
        (
            b.pick("类别", "Class"),
            b.pick("级别", "Severity"),
            b.pick("地区/主体", "Area / party"),
            b.pick("说明", "Explanation"),
        ),
        rows,
        (False, False, False, False),
        note,
    )


def _counts_chart(b: Builder, code: str, findings: list[Finding]) -> Block:
    klasses = list(Klass)
    series = []
    for sev in ("high", "medium", "low"):
        counts = Counter(f.klass for f in findings if f.severity == sev)
        series.append(
            (
                SEVERITY_TEXT[sev][b.lang == "en"] + b.pick("级别", " severity"),
                [float(counts.get(k, 0)) for k in klasses],
            )
        )
    return b.chart(
        code,
        b.pick("预警信号数量（条）", "Number of warnings"),
        "bar",
        [_klass_text(b, k) for k in klasses],
        series,
        b.pick("条", "count"),
    )


def previous_as_of(as_of: date) -> date:
    """The same day one quarter earlier (the previous quarter's meeting), or the month's
    last day where that month is shorter."""
    month = as_of.month - 3
    year = as_of.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))


def warnings(b: Builder, part: WarningsPart) -> list[Block]:
    as_of = b.facts.as_of
    found = b.facts.findings(as_of)
    b.saw_simulated(any(f.simulated for f in found))
    counts = Counter(f.klass for f in found)
    out: list[Block] = [
        b.summary(
            "warnings",
            as_of=date_text(as_of, b.lang),
            total=str(len(found)),
            high=str(sum(f.severity == "high" for f in found)),
            counts=b.counts("warnings", **{k.value: counts.get(k, 0) for k in Klass}),
        )
    ]
    if not found:
        return out
    out.append(_counts_chart(b, part.code + "_counts", found))
    if not part.compare_previous:
        out.append(_warnings_table(b, part.code, b.t(part.caption), found, part.top))
        return out
    before = previous_as_of(as_of)
    earlier = {f.key for f in b.facts.findings(before)}
    now_keys = {f.key for f in found}
    new = [f for f in found if f.key not in earlier]
    continuing = [f for f in found if f.key in earlier]
    out.append(
        b.summary(
            "warnings_new",
            previous=date_text(before, b.lang),
            new=str(len(new)),
            continuing=str(len(continuing)),
            cleared=str(len(earlier - now_keys)),
        )
    )
    if new:
        out.append(
            _warnings_table(
                b, part.code + "_new", b.pick("新出现的预警", "New warnings"), new, part.top
            )
        )
    if continuing:
        out.append(
            _warnings_table(
                b,
                part.code + "_continuing",
                b.pick("持续的预警", "Continuing warnings"),
                continuing,
                part.top,
            )
        )
    return out


# -- regions and sectors to discuss ----------------------------------------------------------
def focus(b: Builder, part: FocusPart) -> list[Block]:
    found = b.facts.findings(b.facts.as_of)
    b.saw_simulated(any(f.simulated for f in found))
    regions: dict[str, list[Finding]] = {}
    sectors: dict[str, list[Finding]] = {}
    for f in found:
        e = b.cat.find_entity(f.entity)
        if e is None:
            continue
        if e.kind in REPORTING_REGION_KINDS:
            regions.setdefault(e.code, []).append(f)
        elif e.kind is EntityKind.ENTERPRISE and e.sectors:
            sectors.setdefault(e.sectors[0], []).append(f)
    if not regions and not sectors:
        return [
            b.missing(
                "暂无需要重点研究的地区和行业。", "No region or sector stands out for discussion."
            )
        ]
    out: list[Block] = []
    for code, groups, caption, name in (
        ("focus_regions", regions, b.pick("需重点研究的地区", "Regions to discuss"), b.entity_name),
        (
            "focus_sectors",
            sectors,
            b.pick(
                "需重点研究的行业（重点企业预警汇总）",
                "Sectors to discuss (warnings of the monitored enterprises)",
            ),
            lambda c: b.t(b.cat.sectors[c].name) if c in b.cat.sectors else c,
        ),
    ):
        if not groups:
            continue
        ranked = sorted(
            groups.items(),
            key=lambda kv: (-sum(f.severity == "high" for f in kv[1]), -len(kv[1]), kv[0]),
        )[: part.top]
        rows = tuple(
            (
                text_cell(name(c)),
                (Fig(str(len(fs)), None, float(len(fs))),),
                (
                    Fig(
                        str(sum(f.severity == "high" for f in fs)),
                        None,
                        float(sum(f.severity == "high" for f in fs)),
                    ),
                ),
                text_cell(b.pick("、", ", ").join(sorted({b.subject(f.indicator) for f in fs}))),
            )
            for c, fs in ranked
        )
        out.append(
            Table(
                code,
                b.table_caption(caption),
                (
                    b.pick("名称", "Name"),
                    b.pick("预警数", "Warnings"),
                    b.pick("高级别", "High"),
                    b.pick("涉及指标", "Indicators"),
                ),
                rows,
                (False, True, True, False),
            )
        )
    return out


# -- who reported ----------------------------------------------------------------------------
def _form_periods(b: Builder, period_type: str) -> list[Period]:
    p = b.frame.period
    if period_type == PeriodType.MONTH.value:
        return [Period.month(p.year, m) for m in range(p.first_month, p.last_month + 1)]
    if period_type == PeriodType.QUARTER.value and p.type is PeriodType.QUARTER:
        return [p]
    return [Period.annual(p.year)]


def reporting(b: Builder, part: ReportingPart) -> list[Block]:
    out: list[Block] = []
    late_rows: list[tuple[Cell, ...]] = []
    for code in part.forms:
        form = b.facts.form(code)
        for per in _form_periods(b, form.period_type.value):
            rows = b.facts.reporting(code, per.code)
            b.saw_simulated(any(r.simulated for r in rows))
            done = sum(r.status in ("submitted", "accepted", RECEIVED) for r in rows)
            late = [r for r in rows if r.late]
            label = per.label_en if b.lang == "en" else per.label_zh
            out.append(
                b.summary(
                    "reporting",
                    form=b.t(form.title),
                    period=label,
                    total=str(len(rows)),
                    done=str(done),
                    late=str(len(late)),
                )
            )
            for r in late:
                late_rows.append(
                    (
                        text_cell(b.entity_name(r.reporter)),
                        text_cell(b.t(form.title)),
                        text_cell(label),
                        text_cell(_status_text(b, r.status)),
                    )
                )
    if late_rows:
        out.append(
            Table(
                "late_reporters",
                b.table_caption(b.pick("逾期未报单位", "Late reporters")),
                (
                    b.pick("单位", "Reporter"),
                    b.pick("报表", "Form"),
                    b.pick("期间", "Period"),
                    b.pick("状态", "Status"),
                ),
                tuple(late_rows[: part.top]),
                (False, False, False, False),
                _more_note(b, len(late_rows) - part.top),
            )
        )
    return out


def _more_note(b: Builder, more: int) -> str | None:
    if more <= 0:
        return None
    return b.pick(
        f"注：另有{more}家次未列出，详见报送跟踪页面。",
        f"Note: {more} more not listed; see the tracker page.",
    )


STATUS_TEXT = {
    "missing": ("未报送", "not reported"),
    "draft": ("草稿未提交", "draft, not submitted"),
    "submitted": ("已报送", "submitted"),
    "accepted": ("已审核", "accepted"),
    "returned": ("已退回待重报", "returned"),
    RECEIVED: ("已通过文件或接口报送数据", "figures received by file or API"),
}


def _status_text(b: Builder, status: str) -> str:
    zh, en = STATUS_TEXT.get(status, (status, status))
    return en if b.lang == "en" else zh
