"""Report parts compiled from the annual progress reports of provinces and associations."""

from __future__ import annotations

from collections import Counter

from wenzeng.definitions.catalogue import measure_field_code
from wenzeng.reports.builder import Builder
from wenzeng.reports.cells import count_cell, text_cell
from wenzeng.reports.definition import ProgressPart
from wenzeng.reports.document import Block, Paragraph, Table, Text
from wenzeng.reports.facts import ProgressReport
from wenzeng.reports.parts_plan import STATUS_TEXT, date_text

DONE = ("submitted", "accepted")
MEASURE_STATUSES = ("completed", "in_progress", "not_started", "not_applicable")
MEASURE_STATUS_TEXT = {
    "completed": ("已完成", "completed"),
    "in_progress": ("推进中", "in progress"),
    "not_started": ("未启动", "not started"),
    "not_applicable": ("不适用", "not applicable"),
    "": ("未填写", "not stated"),
}


def _reports(b: Builder, part: ProgressPart) -> tuple[list[ProgressReport], list[str]]:
    """The progress reports of the year, and every reporter that owes one."""
    year = str(b.frame.period.year)
    reports = [r for form in part.forms for r in b.facts.progress_reports(form, year)]
    b.saw_simulated(any(r.simulated for r in reports))
    owed = [code for form in part.forms for code in b.facts.reporters(form)]
    return reports, owed


def _done(reports: list[ProgressReport]) -> list[ProgressReport]:
    return [r for r in reports if r.status in DONE]


def reporters(b: Builder, part: ProgressPart) -> list[Block]:
    reports, owed = _reports(b, part)
    by = {r.reporter: r for r in reports}
    done = _done(reports)
    out: list[Block] = [
        b.summary(
            "progress",
            year=str(b.frame.period.year),
            as_of=date_text(b.facts.as_of, b.lang),
            total=str(len(owed)),
            done=str(len(done)),
            missing=str(len(owed) - len(done)),
        )
    ]
    rows = []
    for code in owed:
        r = by.get(code)
        status = r.status if r else "missing"
        zh, en = STATUS_TEXT.get(status, (status, status))
        when = date_text(r.submitted_on, b.lang) if r and r.submitted_on else "—"
        rows.append(
            (
                text_cell(b.entity_name(code)),
                text_cell(en if b.lang == "en" else zh),
                text_cell(when),
            )
        )
    out.append(
        Table(
            "progress_reporters",
            b.table_caption(b.pick("进展情况报告报送情况", "Who has reported")),
            (
                b.pick("报送单位", "Reporter"),
                b.pick("状态", "Status"),
                b.pick("报送日期", "Submitted on"),
            ),
            tuple(rows),
            (False, False, False),
        )
    )
    return out


def measures(b: Builder, part: ProgressPart) -> list[Block]:
    reports, _ = _reports(b, part)
    done = _done(reports)
    if not done:
        return [
            b.missing(
                "各项措施进展：尚无已报送的进展情况报告。",
                "Progress by measure: no progress report has been submitted yet.",
            )
        ]
    rows = []
    overall: Counter[str] = Counter()
    for m in b.facts.plan.measures:
        counts = Counter(
            str(r.values.get(measure_field_code(m.code, "status")) or "") for r in done
        )
        overall.update(counts)
        rows.append(
            (
                text_cell(f"{m.code} {b.t(m.title)}"),
                *(count_cell(counts.get(s, 0)) for s in (*MEASURE_STATUSES, "")),
            )
        )
    header = (
        b.pick("措施", "Measure"),
        *(MEASURE_STATUS_TEXT[s][b.lang == "en"] for s in (*MEASURE_STATUSES, "")),
    )
    return [
        Table(
            "progress_measures",
            b.table_caption(
                b.pick(
                    "各项措施进展情况（报送单位数）", "Progress by measure (number of reporters)"
                )
            ),
            header,
            tuple(rows),
            (False, True, True, True, True, True),
            b.pick(
                f"注：按已报送的{len(done)}份报告统计。",
                f"Note: counted over the {len(done)} reports submitted.",
            ),
        ),
        b.chart(
            "progress_status",
            b.pick("各项措施进展状态分布（项次）", "Statuses of the measures over all reports"),
            "bar",
            [MEASURE_STATUS_TEXT[s][b.lang == "en"] for s in (*MEASURE_STATUSES, "")],
            [
                (
                    b.pick("项次", "count"),
                    [float(overall.get(s, 0)) for s in (*MEASURE_STATUSES, "")],
                )
            ],
            b.pick("项次", "count"),
        ),
    ]


def _quotes(b: Builder, part: ProgressPart, field: str, none_zh: str, none_en: str) -> list[Block]:
    reports, _ = _reports(b, part)
    out: list[Block] = []
    for r in _done(reports):
        text = str(r.values.get(field) or "").strip()
        if text:
            out.append(Paragraph((Text(f"{b.entity_name(r.reporter)}{b.pick('：', ': ')}{text}"),)))
    return out or [b.missing(none_zh, none_en)]


def figures(b: Builder, part: ProgressPart) -> list[Block]:
    return _quotes(
        b,
        part,
        "key_figures",
        "尚无报送单位填写主要指标完成情况。",
        "No reporter has stated key figures yet.",
    )


def problems(b: Builder, part: ProgressPart) -> list[Block]:
    return _quotes(
        b,
        part,
        "problems_suggestions",
        "尚无报送单位反映问题和建议。",
        "No reporter has raised problems or suggestions yet.",
    )


def missing(b: Builder, part: ProgressPart) -> list[Block]:
    reports, owed = _reports(b, part)
    done = {r.reporter for r in _done(reports)}
    left = [c for c in owed if c not in done]
    if not left:
        return [Paragraph((Text(b.pick("所有单位均已报送。", "Every reporter has reported.")),))]
    names = b.pick("、", ", ").join(b.entity_name(c) for c in left)
    return [
        Paragraph(
            (
                Text(
                    b.pick(
                        f"尚未报送的单位（{len(left)}家）：{names}。",
                        f"Not yet reported ({len(left)}): {names}.",
                    )
                ),
            )
        )
    ]


PROGRESS = {
    "reporters": reporters,
    "measures": measures,
    "figures": figures,
    "problems": problems,
    "missing": missing,
}


def progress(b: Builder, part: ProgressPart) -> list[Block]:
    return PROGRESS[part.what](b, part)
