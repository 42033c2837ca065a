"""Reports: generated from the store, kept with their files, published to the public."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.domain.labels import REPORT_KIND
from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.errors import ConfigurationError, NotFound, ValidationFailed
from wenzeng.reports.build import build_document, report_period
from wenzeng.reports.definition import REPORT_KINDS as REPORT_KINDS
from wenzeng.reports.document import Document
from wenzeng.reports.timing import Timing, core_indicators, timing
from wenzeng.services import report_kinds
from wenzeng.services.context import Context
from wenzeng.services.plan_in_force import plan_in_force
from wenzeng.services.report_facts import StoreFacts
from wenzeng.services.series import read_observations
from wenzeng.store import Connection
from wenzeng.store import reports as store
from wenzeng.store.audit import audit
from wenzeng.store.clock import now

FORMATS = ("html", "pdf", "docx")
LANGS = ("zh", "en")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KIND_NAMES = REPORT_KIND

Step = Callable[[str], None]


def check_request(
    kind: str, fmt: Sequence[str], lang: str, kinds: Sequence[str] = REPORT_KINDS
) -> None:
    """``kinds``: the report kinds in use (:func:`report_kinds.kinds`)."""
    if kind not in kinds:
        raise ValidationFailed(
            f"未知的报告类型 / unknown report kind: {kind!r} (expected {', '.join(kinds)})"
        )
    for f in fmt:
        if f not in FORMATS:
            raise ValidationFailed(
                f"未知的格式 / unknown format: {f!r} (expected {', '.join(FORMATS)})"
            )
    if lang not in LANGS:
        raise ValidationFailed(f"未知的语言 / unknown language: {lang!r} (expected zh or en)")


def build(
    ctx: Context,
    kind: str,
    period_text: str,
    *,
    lang: str = "zh",
    as_of: date | None = None,
    step: Step | None = None,
) -> Document:
    """The document of a report, from the data as known on ``as_of`` (default: the period's
    time, the day its core figures were all published)."""
    check_request(kind, (), lang, report_kinds.kinds(ctx))
    defn = report_kinds.definition(ctx, kind)
    try:
        period = parse_period(period_text)
    except PeriodError as exc:
        raise ValidationFailed(str(exc)) from exc
    report_period(defn, period)
    when, known = resolve_as_of(ctx, kind, period, as_of)
    plan = plan_in_force(ctx, on=period.end)  # the plan in force in the period reported on
    facts = StoreFacts(ctx, when, plan.code)
    doc = build_document(defn, facts, period, lang, step, timing=known)
    issuer = ctx.settings.report_issuer.strip()
    return replace(doc, issuer=issuer) if issuer else doc


def _label(period: Period) -> str:
    return period.label_zh.replace("-", "—")


def report_timing(ctx: Context, kind: str, period: Period) -> Timing:
    """When the core figures of ``kind`` for ``period`` were first published (published
    national figures only, every vintage known today)."""
    core = core_indicators(report_kinds.definition(ctx, kind))
    last = 12 if period.type.value == "year" else 3 * period.index
    wanted = [Period.cum_month(period.year, last)]
    if last == 12:
        wanted.append(Period.annual(period.year))
    vintages: dict[str, list[date]] = {}
    for p in wanted:
        rows = read_observations(
            ctx,
            SYSTEM,
            indicators=core,
            entities=["CN"],
            period_type=p.type.value,
            periods=[p.code],
            all_vintages=True,
            simulated=False,
        )
        for r in rows:
            vintages.setdefault(r.indicator, []).append(r.vintage)
    return timing(core, vintages)


def resolve_as_of(
    ctx: Context, kind: str, period: Period, as_of: date | None
) -> tuple[date, Timing]:
    """The vintage a report is made on, and its timing: ``as_of`` when given, else the
    period's time. A period not yet over, or none of whose core figures is known on the
    vintage, is refused with the reason."""
    today = date.today()
    if as_of is not None and as_of > today:
        raise ValidationFailed(
            f"数据截至日期不能晚于今天 / the vintage cannot be in the future: {as_of.isoformat()}"
        )
    label = _label(period)
    if period.end >= today:
        raise ValidationFailed(
            f"{label}尚未结束（至{period.end.year}年{period.end.month}月{period.end.day}日），"
            f"不能编制报告 / {period.code} has not ended yet ({period.end.isoformat()}): "
            "there is nothing to report on"
        )
    known = report_timing(ctx, kind, period)
    names = "、".join(_indicator_name(ctx, c, "zh") for c in known.core)
    names_en = "; ".join(_indicator_name(ctx, c, "en") for c in known.core)
    first = known.period_time
    if first is None:
        raise ValidationFailed(
            f"{label}的核心指标（{names}）尚无已发布的数据，不能编制报告 / no published "
            f"figure of the core indicators ({names_en}) for {period.code}: "
            "the report cannot be made"
        )
    when = as_of or first
    if not known.known(when):
        earliest = min(known.first_published.values())
        raise ValidationFailed(
            f"截至{when.year}年{when.month}月{when.day}日，{label}的核心指标（{names}）尚未发布"
            f"（最早发布于{earliest.year}年{earliest.month}月{earliest.day}日），不能编制报告 / "
            f"no core figure for {period.code} had been published by {when.isoformat()} "
            f"(the first was published on {earliest.isoformat()})"
        )
    return when, known


def _indicator_name(ctx: Context, code: str, lang: str) -> str:
    ind = ctx.catalogue.indicators.get(code)
    return ind.name.get(lang) if ind else code


def render(doc: Document, fmt: str) -> bytes:
    """One format of a document; a font that cannot print the document is a configuration
    error (the message says what to install)."""
    from wenzeng.reports.charts import MissingFontError, MissingGlyphError

    try:
        return _render(doc, fmt)
    except (MissingFontError, MissingGlyphError) as exc:
        raise ConfigurationError(str(exc)) from exc


def _render(doc: Document, fmt: str) -> bytes:
    """The renderers are imported when first needed (they load matplotlib, WeasyPrint)."""
    if fmt == "html":
        from wenzeng.reports.render_html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "pdf":
        from wenzeng.reports.render_pdf import render_pdf

        return render_pdf(doc)
    if fmt == "docx":
        from wenzeng.reports.render_docx import render_docx

        return render_docx(doc)
    raise ValidationFailed(f"未知的格式 / unknown format: {fmt!r}")


def file_name(kind: str, period: str, lang: str, as_of: str, fmt: str) -> str:
    """An ASCII file name: wenzeng-quarterly-2024-Q3-zh-2025-06-30.pdf."""
    stem = f"wenzeng-{kind}-{period}-{lang}-{as_of}"
    return re.sub(r"[^A-Za-z0-9._~-]", "_", stem) + f".{fmt}"


def document_file_name(doc: Document, fmt: str) -> str:
    return file_name(doc.kind, doc.period, doc.lang, doc.as_of.isoformat(), fmt)


def stored_file_name(meta: dict[str, Any], fmt: str) -> str:
    return file_name(meta["kind"], meta["period"], meta["lang"], meta["as_of"], fmt)


@dataclass(frozen=True)
class Generated:
    document: Document
    files: dict[str, bytes]
    report_id: int | None = None


def generate(
    ctx: Context,
    p: Principal,
    kind: str,
    period_text: str,
    *,
    formats: Sequence[str] = FORMATS,
    lang: str = "zh",
    as_of: date | None = None,
    keep: bool = True,
    step: Step | None = None,
) -> Generated:
    """Build and render a report; with ``keep`` it is stored (unpublished) with its files."""
    policy.require_staff(p)
    check_request(kind, formats, lang, report_kinds.kinds(ctx))
    say = step or (lambda _m: None)
    doc = build(ctx, kind, period_text, lang=lang, as_of=as_of, step=say)
    files: dict[str, bytes] = {}
    for fmt in formats:
        say(f"生成 {fmt.upper()} / rendering {fmt.upper()}")
        files[fmt] = render(doc, fmt)
    if not keep:
        return Generated(doc, files)
    say("保存 / saving")
    return Generated(doc, files, save(ctx, p, doc, files))


def save(ctx: Context, p: Principal, doc: Document, files: dict[str, bytes]) -> int:
    with ctx.transaction() as conn:
        return store.insert_report(
            conn,
            kind=doc.kind,
            period=doc.period,
            lang=doc.lang,
            as_of=doc.as_of,
            title=doc.title,
            simulated=doc.simulated,
            created_by=p.username,
            created_at=now(),
            files=files,
        )


def _may_see(p: Principal, row: dict[str, Any]) -> bool:
    return policy.may_see_report(p, published=row["published_at"] is not None)


def _files(sizes: dict[str, int]) -> list[dict[str, Any]]:
    return [{"format": fmt, "size": sizes[fmt]} for fmt in FORMATS if fmt in sizes]


def list_reports(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    """Reports the principal may see, newest first: staff see drafts too, others only
    published reports."""
    with ctx.reading() as conn:
        rows = store.report_rows(conn)
        sizes = store.file_sizes(conn)
    authors = policy.may_see_report_authors(p)
    names = report_kinds.kind_names(ctx)
    out = []
    for r in rows:
        if not _may_see(p, r):
            continue
        d = _as_dict(r, authors=authors, names=names)
        d["files"] = _files(sizes.get(r["id"], {}))
        out.append(d)
    return out


def get_report(ctx: Context, p: Principal, rid: int) -> dict[str, Any]:
    """One report's details; an unpublished report is unknown to all but staff."""
    with ctx.reading() as conn:
        row = _row(conn, rid)
        sizes = store.file_sizes(conn, rid)
    if not _may_see(p, row):
        raise NotFound(f"报告不存在 / no such report: {rid}")
    d = _as_dict(row, authors=policy.may_see_report_authors(p), names=report_kinds.kind_names(ctx))
    d["files"] = _files(sizes.get(rid, {}))
    return d


def _as_dict(
    r: dict[str, Any],
    *,
    authors: bool = True,
    names: Mapping[str, tuple[str, str]] = KIND_NAMES,
) -> dict[str, Any]:
    """A report's details; who made and published it only when ``authors`` may be shown;
    ``names``: each report kind's names (:func:`report_kinds.kind_names`)."""
    zh, en = names.get(r["kind"], (r["kind"], r["kind"]))
    created_at, published_at = r["created_at"], r["published_at"]
    return {
        "id": r["id"],
        "kind": r["kind"],
        "kind_zh": zh,
        "kind_en": en,
        "period": r["period"],
        "lang": r["lang"],
        "as_of": r["as_of"].isoformat(),
        "title": r["title"],
        "simulated": r["simulated"],
        "created_by": r["created_by"] if authors else None,
        "created_at": created_at.isoformat(timespec="seconds") if created_at else None,
        "published": published_at is not None,
        "published_by": r["published_by"] if authors else None,
        "published_at": published_at.isoformat(timespec="seconds") if published_at else None,
    }


def _row(conn: Connection, rid: int) -> dict[str, Any]:
    row = store.report_row(conn, rid)
    if row is None:
        raise NotFound(f"报告不存在 / no such report: {rid}")
    return row


def get_file(ctx: Context, p: Principal, rid: int, fmt: str) -> tuple[dict[str, Any], bytes]:
    """A report's file; an unpublished report is unknown to all but staff."""
    with ctx.reading() as conn:
        row = _row(conn, rid)
        if not _may_see(p, row):
            raise NotFound(f"报告不存在 / no such report: {rid}")
        content = store.file_content(conn, rid, fmt)
    if content is None:
        raise NotFound(f"报告 {rid} 没有 {fmt} 文件 / report {rid} has no {fmt} file")
    return _as_dict(row, authors=policy.may_see_report_authors(p)), content


def set_published(ctx: Context, p: Principal, rid: int, published: bool) -> dict[str, Any]:
    """Publish a report (visible to the public) or withdraw it."""
    policy.require_staff(p)
    with ctx.transaction() as conn:
        _row(conn, rid)
        store.set_published(
            conn,
            rid,
            published_at=now() if published else None,
            published_by=p.username if published else None,
        )
        audit(
            conn,
            actor=p.username,
            action="publish" if published else "withdraw",
            object_type="report",
            object_id=rid,
            details={},
        )
        return _as_dict(_row(conn, rid))


def delete_report(ctx: Context, p: Principal, rid: int) -> None:
    policy.require_staff(p)
    with ctx.transaction() as conn:
        row = _row(conn, rid)
        if row["published_at"] is not None:
            raise ValidationFailed(
                "已发布的报告不能删除，请先撤回 / a published report cannot be deleted; withdraw it first"
            )
        store.delete_report(conn, rid)
