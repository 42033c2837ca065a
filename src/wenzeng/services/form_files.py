"""Forms as files: a downloadable template per form, and uploads of filled-in files.

An upload holds one row per reporter and period, one column per field.  Its
header may be the template's, or what an office made of it: Chinese labels
with the unit in brackets (营业收入（当月）（万元）), English labels, field
codes, or a two-row merged header (营业收入 over 当月 and 1-本月累计).  A
unit written in a header converts the column to the field's unit.

An upload is all or nothing: every row is checked first, and any blocking
problem anywhere (a row, a column, a value) is reported with its row and
column and leaves the store untouched.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.checking import Problem
from wenzeng.domain.forms import FormField, Severity
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.issues import Severity as IssueSeverity
from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.domain.text import clip, quote
from wenzeng.domain.units import UNITS, UnitError, conversion_factor
from wenzeng.domain.values import ValueError_, parse_value
from wenzeng.errors import Forbidden, ValidationFailed, WenzengError
from wenzeng.ingest.headers import VALUE, read_header
from wenzeng.ingest.readers import ROW, RawTable, read_table
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.forms import LoadedForm, get_form
from wenzeng.services.loading import upload_limits

REPORTER_HEADERS = (
    "报送单位代码",
    "reporter",
    "单位代码",
    "地区代码",
    "报送单位",
    "单位名称",
    "地区",
)
PERIOD_HEADERS = ("报告期", "period", "期间", "时间")


def _header_text(f: FormField) -> str:
    return f"{f.label.zh}（{f.unit}）" if f.unit else f.label.zh


def template_csv(form: LoadedForm) -> bytes:
    """A CSV template (UTF-8 with a byte-order mark, so that Excel opens it right)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["报送单位代码", "报告期", *[_header_text(f) for f in form.fields]])
    return buf.getvalue().encode("utf-8-sig")


def template_xlsx(form: LoadedForm) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = form.code[:31]
    width = len(form.fields) + 2
    ws.cell(1, 1, f"{form.form.title.zh} / {form.form.title.en}").font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    headers = ["报送单位代码", "报告期", *[_header_text(f) for f in form.fields]]
    fill = PatternFill("solid", fgColor="DDE7F0")
    for col, text in enumerate(headers, start=1):
        c = ws.cell(2, col, text)
        c.font = Font(bold=True)
        c.fill = fill
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[c.column_letter].width = max(12, min(30, len(text) * 2))
    ws.freeze_panes = "C3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_PUNCT = re.compile(r"[\s()（）\[\]【】/\\:：,，、_\-—]+")


def _key(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).casefold()


_UNIT_CODES = sorted(UNITS, key=len, reverse=True)


def _split_unit(header: str) -> tuple[str, str | None]:
    """A header without its unit, and the unit: '营业收入（当月）（万元）' → ('营业收入（当月）', '万元')."""
    text = unicodedata.normalize("NFKC", header).strip()
    for unit in _UNIT_CODES:
        for pattern in (f"({unit})", f"（{unit}）", f"[{unit}]", f"/{unit}"):
            pattern = unicodedata.normalize("NFKC", pattern)
            if pattern in text:
                return text.replace(pattern, ""), unit
    return text, None


def _factor(f: FormField, unit: str | None) -> float | None:
    """What a column in ``unit`` is multiplied by to be in its field's unit; None when it
    cannot be converted."""
    if not unit or not f.unit or unit == f.unit:
        return 1.0
    try:
        return conversion_factor(unit, f.unit)
    except UnitError:
        return None


def _converts(unit: str | None, to: str | None) -> bool:
    if not unit or not to:
        return False
    try:
        conversion_factor(unit, to)
    except UnitError:
        return False
    return True


@dataclass
class ColumnPlan:
    reporter: str | None = None
    period: str | None = None
    title_period: str | None = None  # the period the title says, when no column gives it
    fields: dict[str, tuple[FormField, float]] = field(
        default_factory=dict
    )  # column → field, factor
    issues: list[Issue] = field(default_factory=list)


def plan_columns(
    form: LoadedForm,
    columns: list[str],
    file: str,
    *,
    period: str | None = None,
    unit: str | None = None,
    catalogue: Catalogue | None = None,
    headers: tuple[str, ...] = (),
) -> ColumnPlan:
    """Which column holds the reporter, the period and each field, and by what factor a
    column's unit converts to its field's.  ``period`` is the period the file's title says
    (then no period column is needed); ``unit`` is a 单位 line's unit, for the columns whose
    header names none and whose field it converts to.  With the ``catalogue``, a header the
    form's labels do not know is read as a bureau writes it (营业收入/1-9月累计(亿元), then
    同比增长(%) for the column before), its ``headers`` text as written."""
    by_key: dict[str, FormField] = {}
    for f in form.fields:
        for name in (f.code, f.label.zh, f.label.en):
            by_key.setdefault(_key(name), f)
    plan = ColumnPlan(title_period=period)
    unit_line = unit
    written = dict(zip(columns, headers, strict=False))  # a repeated header as written
    previous: FormField | None = None
    for col in columns:
        k = _key(col)
        if plan.reporter is None and k in {_key(h) for h in REPORTER_HEADERS}:
            plan.reporter = col
            continue
        if plan.period is None and k in {_key(h) for h in PERIOD_HEADERS}:
            plan.period = col
            continue
        bare, own_unit = _split_unit(col)
        found = by_key.get(_key(bare)) or by_key.get(k)
        if found is None and catalogue is not None:  # a bureau's header: 营业收入/1-9月累计
            found = _by_reading(form, written.get(col, col), previous, catalogue)
        if found is None:
            plan.issues.append(
                Issue(
                    Location(file=file, column=col),
                    IssueCode.UNKNOWN_COLUMN,
                    f"表中没有与列“{clip(col)}”对应的指标",
                    f"no field of the form matches column {quote(col)}",
                )
            )
            continue
        f = found
        factor = _factor(f, own_unit or (unit_line if _converts(unit_line, f.unit) else None))
        if factor is None:
            plan.issues.append(
                Issue(
                    Location(file=file, column=col),
                    IssueCode.UNIT_MISMATCH,
                    f"列“{clip(col)}”的单位 {own_unit} 无法换算为 {f.unit}",
                    f"column {quote(col)} is in {own_unit}, which cannot be converted to {f.unit}",
                )
            )
            continue
        if f.code in {x.code for x, _ in plan.fields.values()}:
            plan.issues.append(
                Issue(
                    Location(file=file, column=col),
                    IssueCode.DUPLICATE,
                    f"字段 {f.label.zh} 出现在多列",
                    f"field {f.label.en} appears in more than one column",
                )
            )
            continue
        plan.fields[col] = (f, factor)
        previous = f
    for name, column in (
        ("报送单位代码 / reporter", plan.reporter),
        ("报告期 / period", plan.period or period),
    ):
        if column is None:
            plan.issues.append(
                Issue(
                    Location(file=file),
                    IssueCode.MISSING_COLUMN,
                    f"缺少“{name.split(' / ')[0]}”列",
                    f"the column {name.split(' / ')[1]} is missing",
                )
            )
    return plan


@dataclass(frozen=True)
class UploadResult:
    submissions: list[subs.Submission]
    warnings: list[Issue]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "submissions": [s.as_dict() for s in self.submissions],
            "warnings": [w.as_dict() for w in self.warnings],
        }


Row = tuple[int, str, Period, dict[str, Any]]
# how far an upload got: (stage, rows done, rows in all); for the job's progress
Progress = Callable[[str, int, int | None], None]


def _read_rows(
    ctx: Context, p: Principal, form: LoadedForm, table: RawTable, plan: ColumnPlan, file: str
) -> tuple[list[Row], list[Issue]]:
    """Each data row's reporter, period and field values; the problems with them."""
    assert plan.reporter and (plan.period or plan.title_period)
    issues: list[Issue] = []
    rows: list[Row] = []
    cat = ctx.catalogue
    for rec in table.frame.iter_rows(named=True):
        row = rec[ROW]

        def at(column: str | None, row: int = row) -> Location:
            return Location(file=file, sheet=table.sheet, row=row, column=column)

        entity = cat.find_entity(str(rec[plan.reporter] or ""))
        if entity is None:
            issues.append(
                Issue(
                    at(plan.reporter),
                    IssueCode.UNKNOWN_ENTITY,
                    f"未知的报送单位 {quote(rec[plan.reporter])}",
                    f"unknown reporter {quote(rec[plan.reporter])}",
                )
            )
            continue
        try:
            policy.require_reporter_for(p, entity.code, form.form.reporter, cat)
        except Forbidden as exc:
            issues.append(Issue(at(plan.reporter), IssueCode.REFERENCE, exc.message, exc.message))
            continue
        label = str(rec[plan.period] or "") if plan.period else (plan.title_period or "")
        try:
            per = parse_period(label, form.form.period_type.value)
        except PeriodError as exc:
            issues.append(Issue(at(plan.period), IssueCode.BAD_PERIOD, exc.zh, exc.en, value=label))
            continue
        values = {
            f.code: (_scaled(rec[col], factor) if factor != 1.0 else rec[col])
            for col, (f, factor) in plan.fields.items()
        }
        rows.append((row, entity.code, per, values))
    seen: dict[tuple[str, str], int] = {}
    for row, reporter, per, _ in rows:
        first = seen.setdefault((reporter, per.code), row)
        if first != row:
            issues.append(
                Issue(
                    Location(file=file, sheet=table.sheet, row=row),
                    IssueCode.DUPLICATE,
                    f"与第{first}行重复（{reporter} {per.code}）",
                    f"repeats row {first} ({reporter} {per.code})",
                )
            )
    return rows, issues


NOTHING_WRITTEN = "上传失败，未写入任何数据 / upload failed, nothing was written"


def upload(
    ctx: Context,
    p: Principal,
    form_code: str,
    path: Path,
    data: bytes | None = None,
    *,
    submit: bool = False,
    progress: Progress | None = None,
) -> UploadResult:
    """Create or update drafts from a filled-in file (and submit them), all rows or none."""
    policy.require_login(p)
    say = progress or (lambda _stage, _done, _total: None)
    form = get_form(ctx, form_code)
    file = path.name
    say("读取文件 / reading the file", 0, None)
    try:  # limits first, then reading
        table = read_table(path, data, upload_limits(ctx.settings))
    except ValidationFailed as exc:  # unreadable, too large: say that nothing was stored
        raise type(exc)(f"{NOTHING_WRITTEN}：{exc.message}", issues=exc.issues) from exc
    plan = _plan(ctx, form, table, file)
    if plan.issues:
        raise ValidationFailed(
            f"{NOTHING_WRITTEN}：文件的列与报表不符 / the file's columns do not fit form "
            f"{form.code}",
            issues=plan.issues,
        )
    rows, issues = _read_rows(ctx, p, form, table, plan, file)
    say("检查并保存 / checking and saving", 0, len(rows))
    columns_of = {f.code: col for col, (f, _) in plan.fields.items()}
    warnings: list[Issue] = []
    out: list[subs.Submission] = []
    with ctx.transaction() as conn:
        for done, (row, reporter, per, values) in enumerate(rows):
            if done % 100 == 0:
                say("检查并保存 / checking and saving", done, len(rows))
            result = subs.check(ctx, conn, form, reporter, per, values, {})
            for pr in result.problems:
                issue = _problem(pr, Location(file=file, sheet=table.sheet, row=row), columns_of)
                (issues if issue.severity == IssueSeverity.ERROR else warnings).append(issue)
            if issues:
                continue
            existing = subs.current(conn, form, reporter, per)
            try:
                out.append(
                    subs.save_in(
                        conn,
                        ctx,
                        p,
                        form,
                        reporter,
                        per,
                        values,
                        {},
                        version=existing.version if existing else None,
                        channel="upload",
                        result=result,
                    )
                )
            except WenzengError as exc:  # e.g. already submitted: name the row
                issues.append(
                    Issue(
                        Location(file=file, sheet=table.sheet, row=row),
                        IssueCode.REFERENCE,
                        exc.message,
                        exc.message,
                    )
                )
        if submit and warnings and not issues:
            issues, warnings = warnings, []  # submitting needs an explanation for each warning
        if issues:
            raise ValidationFailed(
                f"上传失败，未写入任何数据：{len(issues)} 个问题 / upload failed, nothing was "
                f"written: {len(issues)} problem(s)",
                issues=issues + warnings,
            )
    say("检查并保存 / checking and saving", len(rows), len(rows))
    if submit:
        say("报送 / submitting", 0, len(out))
        out = [subs.submit(ctx, p, s.id, version=s.version) for s in out]
    return UploadResult(out, warnings)


def _plan(ctx: Context, form: LoadedForm, table: RawTable, file: str) -> ColumnPlan:
    """The columns of an uploaded table, read with what its title, unit line and header say."""
    return plan_columns(
        form,
        table.columns,
        file,
        period=table.framing.period,
        unit=table.framing.unit,
        catalogue=ctx.catalogue,
        headers=table.framing.header,
    )


def _problem(pr: Problem, at: Location, columns_of: dict[str, str]) -> Issue:
    """A form check's finding on an uploaded row, at the row and the field's column."""
    error = pr.severity is Severity.ERROR
    return Issue(
        replace(at, column=columns_of.get(pr.field or "", pr.field), key=pr.rule),
        IssueCode.RULE_FAILED if error else IssueCode.NEEDS_EXPLANATION,
        pr.msg_zh,
        pr.msg_en,
        IssueSeverity.ERROR if error else IssueSeverity.WARNING,
        pr.values or None,
    )


def _by_reading(
    form: LoadedForm, text: str, previous: FormField | None, catalogue: Catalogue
) -> FormField | None:
    """The one field of the form that collects what a bureau's header names: its indicator
    (by name or alias), measure and period type; a growth column without a name belongs to
    the field of the column before it."""
    reading = read_header(text)
    if reading.role != VALUE or reading.skip:
        return None
    measure = reading.measure or "level"
    period_type = reading.period_type
    if reading.name:
        match = catalogue.find_indicator(reading.name, unit=reading.unit)
        codes = {match.code} if match.code else set(match.candidates)
    elif previous is not None and previous.indicator and measure != "level":
        codes = {previous.indicator}
        period_type = period_type or (previous.period_type and previous.period_type.value)
    else:
        return None
    fits = [
        f
        for f in form.fields
        if f.indicator in codes
        and f.measure is not None
        and f.measure.value == measure
        and (period_type is None or (f.period_type and f.period_type.value == period_type))
    ]
    return fits[0] if len(fits) == 1 else None


def _scaled(cell: Any, factor: float) -> Any:
    try:
        parsed = parse_value(None if cell is None else str(cell))
    except ValueError_:
        return cell  # the field check reports it
    return None if parsed.value is None else parsed.value * factor


@dataclass(frozen=True)
class UploadPreview:
    """How an upload would be read, before anything is written: each column's field and unit,
    where the period comes from, the rows recognised as notes, each row's reporter and period,
    and every problem the checks find."""

    form: str
    sheet: str | None
    columns: list[dict[str, Any]]
    period_from: str  # "column" or "title"
    title: str | None
    notes: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    errors: list[Issue]
    warnings: list[Issue]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "importable": not self.errors,
            "dry_run": True,
            "form": self.form,
            "sheet": self.sheet,
            "title": self.title,
            "period_from": self.period_from,
            "columns": self.columns,
            "notes": self.notes,
            "rows": self.rows,
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [i.as_dict() for i in self.warnings],
        }


def preview(
    ctx: Context, p: Principal, form_code: str, path: Path, data: bytes | None = None
) -> UploadPreview:
    """Read and check an upload as :func:`upload` would, writing nothing."""
    policy.require_login(p)
    form = get_form(ctx, form_code)
    file = path.name
    table = read_table(path, data, upload_limits(ctx.settings))
    plan = _plan(ctx, form, table, file)
    columns: list[dict[str, Any]] = []
    if plan.reporter:
        columns.append({"column": plan.reporter, "role": "reporter"})
    if plan.period:
        columns.append({"column": plan.period, "role": "period"})
    for col, (f, factor) in plan.fields.items():
        columns.append(
            {
                "column": col,
                "role": "field",
                "field": f.code,
                "label_zh": f.label.zh,
                "label_en": f.label.en,
                "unit": f.unit,
                "factor": factor,
            }
        )
    notes = [{"row": n.row, "kind": n.kind, "text": n.text} for n in table.framing.notes]
    common: dict[str, Any] = {
        "form": form.code,
        "sheet": table.sheet,
        "columns": columns,
        "period_from": "column" if plan.period else "title",
        "title": table.framing.title,
        "notes": notes,
    }
    if plan.issues:
        return UploadPreview(**common, rows=[], errors=plan.issues, warnings=[])
    rows, errors = _read_rows(ctx, p, form, table, plan, file)
    columns_of = {f.code: col for col, (f, _) in plan.fields.items()}
    warnings: list[Issue] = []
    shown: list[dict[str, Any]] = []
    with ctx.reading() as conn:
        for row, reporter, per, values in rows:
            result = subs.check(ctx, conn, form, reporter, per, values, {})
            for pr in result.problems:
                issue = _problem(pr, Location(file=file, sheet=table.sheet, row=row), columns_of)
                (errors if issue.severity == IssueSeverity.ERROR else warnings).append(issue)
            entity = ctx.catalogue.find_entity(reporter)
            shown.append(
                {
                    "row": row,
                    "reporter": reporter,
                    "reporter_name": entity.name.zh if entity else reporter,
                    "period": per.code,
                    "period_label": per.label_zh,
                }
            )
    return UploadPreview(**common, rows=shown, errors=errors, warnings=warnings)
