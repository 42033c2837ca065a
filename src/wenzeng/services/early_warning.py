"""The quarterly (or on-demand) analysis: targets, signal lights, warnings — as of any date.

``run_analysis`` reads the store as it stood on the analysis date, assesses
every plan's targets, screens the panels with the warning rules, and keeps
the results: one run, its assessments, and the warnings, where a problem
already open (same rule, indicator and entity) is updated rather than raised
again, so that users are not told the same thing as new every month.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wenzeng.analysis.blocks import BlockRun
from wenzeng.analysis.equivalents import Candidate, Row, merge
from wenzeng.analysis.tracking import Assessment
from wenzeng.analysis.warnings import Finding, Names, Panel, RunStats, build_panel, composite
from wenzeng.auth import policy
from wenzeng.auth.principal import ANONYMOUS, SYSTEM, Principal
from wenzeng.definitions.warning_file import builtin_warnings, with_user_warnings
from wenzeng.domain.catalog import REPORTING_REGION_KINDS, EntityKind
from wenzeng.domain.episodes import end_month
from wenzeng.domain.warning_rules import SeriesSpec, WarningConfig
from wenzeng.errors import NotFound, ValidationFailed
from wenzeng.services.context import Context
from wenzeng.services.panel_blocks import enterprise_blocks, newest_month
from wenzeng.services.plans import stored_plans
from wenzeng.services.tracking import assess_plan, save_assessments
from wenzeng.store import Connection
from wenzeng.store import analysis as store
from wenzeng.store.audit import audit
from wenzeng.store.catalog_entries import StoredEntry
from wenzeng.store.clock import now
from wenzeng.store.observations import first_year, panel_rows_first_known

PANEL_MONTHS = 36
OPEN = ("new", "acknowledged")
PUBLIC_VIEW = "public"  # the stored summary's part computed on published figures only
Step = Callable[[str], None]


def warning_config(entries: Iterable[StoredEntry] = ()) -> WarningConfig:
    """The built-in warning rules and signal lights (``catalog/warnings.yaml``) with the
    user's (``entries``: the store's catalogue entries, of which those of the ``warnings:``
    section of a catalogue file count)."""
    return with_user_warnings(builtin_warnings(), ((e.kind, e.code, e.document) for e in entries))


def needed_specs(config: WarningConfig) -> set[SeriesSpec]:
    specs: set[SeriesSpec] = set()
    for rule in config.rules:
        specs.update(rule.needed_series())
    for sig in config.signals:
        specs.add(
            SeriesSpec(
                indicator=sig.indicator,
                measure=sig.measure,
                period_type=sig.period_type,
                entities="nation",
            )
        )
    return specs


def _entities(ctx: Context, which: str) -> list[str] | None:
    cat = ctx.catalogue
    if which == "nation":
        return ["CN"]
    if which == "regions":
        return [e.code for e in cat.entities_of(*REPORTING_REGION_KINDS)]
    if which == "enterprises":
        return [e.code for e in cat.entities_of(EntityKind.ENTERPRISE)]
    return None


def load_panels(
    ctx: Context,
    conn: Connection,
    specs: Iterable[SeriesSpec],
    as_of: date | None,
    *,
    published_only: bool = False,
    reader: Principal = SYSTEM,
    length: int = PANEL_MONTHS,
) -> dict[SeriesSpec, Panel]:
    """One panel per kind of series, of the figures ``reader`` may see (the department's
    analysis: all); its last column is the newest month known on ``as_of``.  A national or
    regional panel is completed from its equivalents (:mod:`wenzeng.analysis.equivalents`):
    the same industry from the other publisher, the cumulative for January and
    January–February, whichever figure was known first."""
    monthly = [s for s in specs if s.period_type in ("month", "cum_month")]
    groups: dict[tuple[str, str], list[SeriesSpec]] = {}
    for spec in monthly:
        groups.setdefault((spec.measure, spec.entities), []).append(spec)
    out = {}
    for (measure, entities), group in groups.items():
        codes = sorted({code for spec in group for code in _equivalents(ctx, spec.indicator)})
        by_series: dict[tuple[str, str], list[Row]] = {}
        for r in panel_rows_first_known(
            conn,
            indicators=codes,
            measure=measure,
            entities=_entities(ctx, entities),
            as_of=as_of,
            simulated=False if published_only else None,
            visibility=policy.visibility(reader, ctx.catalogue),
        ):
            by_series.setdefault((r[0], r[1]), []).append(r[2:])

        def rows(
            indicator: str, period_type: str, found: dict[tuple[str, str], list[Row]] = by_series
        ) -> list[Row]:
            return found.get((indicator, period_type), [])

        for spec in group:
            frame, substitutes = merge(spec.period_type, _candidates(ctx, spec, rows))
            month = newest_month(frame["period"].unique().to_list())
            if month is not None:  # none when no figure is known
                out[spec] = build_panel(spec, frame, month, length, substitutes)
    return out


def _equivalents(ctx: Context, code: str) -> list[str]:
    ind = ctx.catalogue.indicators.get(code)
    return [code, *(ind.same_as if ind else [])]


def _candidates(
    ctx: Context, spec: SeriesSpec, rows: Callable[[str, str], list[Row]]
) -> list[Candidate]:
    """The series itself, then the series that can stand in for it, in that order."""
    own, *others = _equivalents(ctx, spec.indicator)
    out = [Candidate(own, spec.period_type, "", "", rows(own, spec.period_type))]
    for other in others:
        out.append(_candidate(ctx, other, spec.period_type, rows))
    if spec.period_type == "month" and spec.entities in ("nation", "regions"):
        for code in [own, *others]:
            out.append(_candidate(ctx, code, "cum_month", rows))
    return out[:1] + [c for c in out[1:] if c.rows]


def _candidate(
    ctx: Context, code: str, period_type: str, rows: Callable[[str, str], list[Row]]
) -> Candidate:
    ind = ctx.catalogue.indicators.get(code)
    name_zh = ind.name.zh if ind else code
    name_en = ind.name.en if ind else code
    by = f"（{ind.publisher}）" if ind and ind.publisher else ""
    by_en = f" ({ind.publisher})" if ind and ind.publisher else ""
    cum_zh, cum_en = ("累计", "year-to-date ") if period_type == "cum_month" else ("", "")
    return Candidate(
        code,
        period_type,
        f"{name_zh}{by}{cum_zh}",
        f"{cum_en}{name_en}{by_en}",
        rows(code, period_type),
    )


def first_published(
    ctx: Context, indicators: Iterable[str], months: tuple[int, int], as_of: date
) -> date | None:
    """The day the first published national growth figure of ``indicators`` for a period
    ending in ``months`` (month numbers, inclusive) became known, by ``as_of``."""
    first, last = months
    with ctx.reading() as conn:
        rows = panel_rows_first_known(
            conn,
            indicators=list(indicators),
            measure="yoy_pct",
            entities=["CN"],
            as_of=as_of,
            simulated=False,
        )
    known = [r[6] for r in rows if first <= end_month(r[3]) <= last]
    return min(known) if known else None


def names_for(ctx: Context) -> Names:
    cat = ctx.catalogue

    def indicator(code: str, lang: str) -> str:
        ind = cat.indicators.get(code)
        return ind.name.get(lang) if ind else code

    def entity(code: str, lang: str) -> str:
        e = cat.find_entity(code)
        return e.name.get(lang) if e else code

    return Names(indicator, entity)


@dataclass
class AnalysisResult:
    as_of: date
    run_id: int | None
    assessments: dict[str, list[Assessment]]
    findings: list[Finding]
    stats: RunStats
    signals: dict[str, Any]
    new: int = 0
    updated: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "run": self.run_id,
            "targets": {
                plan: {a.target.code: a.status.value for a in items}
                for plan, items in self.assessments.items()
            },
            "findings": len(self.findings),
            "new": self.new,
            "updated": self.updated,
            "judged": self.stats.judged,
            "insufficient": self.stats.insufficient,
            "by_rule": self.stats.by_rule,
            "signals": self.signals,
        }


def analyse(
    ctx: Context,
    as_of: date,
    *,
    published_only: bool = False,
    reader: Principal = SYSTEM,
    step: Step | None = None,
) -> AnalysisResult:
    """The analysis in memory (nothing stored), of the figures ``reader`` may see (the
    department's analysis: all), without simulated ones when ``published_only``."""
    say = step or (lambda _m: None)
    config = warning_config(ctx.user_entries)
    say("目标跟踪 / target tracking")
    assessments = {plan.code: assess_plan(ctx, plan, as_of) for plan in stored_plans(ctx)}
    say("读取数据与预警规则 / reading panels and warning rules")
    specs = needed_specs(config)
    run = BlockRun(config, names_for(ctx))  # the enterprises block by block
    with ctx.reading() as conn:
        shared = {s for s in specs if s.entities != "enterprises"}
        panels = load_panels(ctx, conn, shared, as_of, published_only=published_only, reader=reader)
        nation = {k: v for k, v in panels.items() if k.entities == "nation"}
        for block in enterprise_blocks(
            ctx,
            conn,
            specs,
            as_of,
            length=PANEL_MONTHS,
            published_only=published_only,
            reader=reader,
        ):
            run.judge_block(block, nation)
    every = [a for items in assessments.values() for a in items]
    findings, stats = run.finish(panels, every)
    signals = composite(config, {k: v for k, v in panels.items() if k.entities == "nation"})
    return AnalysisResult(as_of, None, assessments, findings, stats, signals)


def analysis_dates(ctx: Context) -> tuple[date, date]:
    """The dates an analysis may be run as of: from 1 January of the first year the store
    has figures for or a stored plan covers, to today."""
    today = date.today()
    with ctx.reading() as conn:
        data_year = first_year(conn)
    years = [p.period.start for p in stored_plans(ctx)]
    if data_year is not None:
        years.append(data_year)
    return (date(min(years), 1, 1) if years else today), today


def require_analysis_date(ctx: Context, when: date) -> None:
    """Refuse (422) an analysis date before the data's range or after today: a run kept as
    of 1970 or of next year would describe data that was never known then."""
    first, last = analysis_dates(ctx)
    if not first <= when <= last:
        raise ValidationFailed(
            f"分析日期 {when.isoformat()} 超出数据范围（{first.isoformat()} 至 "
            f"{last.isoformat()}）/ the analysis date {when.isoformat()} is outside the "
            f"data's range ({first.isoformat()} to {last.isoformat()})"
        )


def run_analysis(
    ctx: Context, as_of: date | None = None, *, step: Step | None = None
) -> AnalysisResult:
    """Analyse as of a date and keep the results (run, assessments, warnings); a date
    outside :func:`analysis_dates` is refused."""
    when = as_of or date.today()
    require_analysis_date(ctx, when)
    result = analyse(ctx, when, step=step)
    say = step or (lambda _m: None)
    say("公开数据的结果 / the results on published figures")
    public = analyse(ctx, when, published_only=True, reader=ANONYMOUS)
    say("保存结果 / saving")
    with ctx.transaction() as conn:
        run_id = store.add_run(conn, when)
        plans = {p.code: p for p in stored_plans(ctx)}
        for code, items in result.assessments.items():
            save_assessments(conn, run_id, plans[code], when, items)
        result.new, result.updated = record_findings(conn, result.findings, when)
        result.run_id = run_id
        public.run_id = run_id
        store.set_run_summary(conn, run_id, {**result.summary(), PUBLIC_VIEW: _public(public)})
    return result


def _public(result: AnalysisResult) -> dict[str, Any]:
    """What the public is shown of a run: the results computed on published figures only;
    the warnings raised and updated are the department's and are left out."""
    return {k: v for k, v in result.summary().items() if k not in ("new", "updated")}


def record_findings(conn: Connection, findings: list[Finding], as_of: date) -> tuple[int, int]:
    """Store findings: an open warning with the same key is updated, else a new one is raised."""
    new = updated = 0
    for f in findings:
        row = store.find_open_warning(conn, f.key, OPEN)
        values = {
            "period": f.period,
            "severity": f.severity,
            "evidence": f.evidence,
            "explanation_zh": f.explanation_zh,
            "explanation_en": f.explanation_en,
            "last_seen": as_of,
            "simulated": f.simulated,
        }
        if row is not None:
            if row["period"] != f.period:  # seen again in newer data
                values["times_seen"] = row["times_seen"] + 1
            store.update_warning(conn, row["id"], values)
            updated += 1
            continue
        store.add_warning(
            conn,
            {
                "key": f.key,
                "rule": f.rule,
                "klass": f.klass.value,
                "indicator": f.indicator,
                "entity": f.entity,
                "status": "new",
                "first_seen": as_of,
                "times_seen": 1,
                **values,
            },
        )
        new += 1
    return new, updated


# -- reading and handling warnings -------------------------------------------------------------
def list_warnings(
    ctx: Context,
    p: Principal,
    *,
    klass: str | None = None,
    severity: str | None = None,
    status: str | None = None,
    entity: str | None = None,
    indicator: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    policy.require_login(p)
    equal = {
        "klass": klass,
        "severity": severity,
        "status": status,
        "entity": entity,
        "indicator": indicator,
    }
    with ctx.reading() as conn:
        rows = store.list_warnings(conn, equal)
    cat = ctx.catalogue
    visible = [r for r in rows if policy.may_see_warning(p, r["entity"], cat)][:limit]
    return [_jsonable(r) for r in visible]


def _jsonable(r: dict[str, Any]) -> dict[str, Any]:
    for k in ("first_seen", "last_seen", "updated_at"):
        if r.get(k) is not None:
            r[k] = r[k].isoformat()
    return r


def get_warning(ctx: Context, p: Principal, wid: int) -> dict[str, Any]:
    policy.require_login(p)
    with ctx.reading() as conn:
        row = store.get_warning(conn, wid)
    if row is None or not policy.may_see_warning(p, row["entity"], ctx.catalogue):
        raise NotFound(f"没有编号为 {wid} 的预警 / no warning {wid}")
    return _jsonable(row)


def set_warning_status(
    ctx: Context, p: Principal, wid: int, status: str, note: str | None = None
) -> dict[str, Any]:
    """Acknowledge (new → acknowledged) or close with a note (department staff)."""
    policy.require_staff(p)
    if status not in ("acknowledged", "closed"):
        raise ValidationFailed(f"未知状态 / unknown status: {status!r} (acknowledged or closed)")
    if status == "closed" and not (note and note.strip()):
        raise ValidationFailed("关闭预警须写明说明 / closing a warning needs a note")
    with ctx.transaction() as conn:
        row = store.get_warning(conn, wid)
        if row is None:
            raise NotFound(f"没有编号为 {wid} 的预警 / no warning {wid}")
        if row["status"] == "closed":
            raise ValidationFailed(f"预警 {wid} 已关闭 / warning {wid} is already closed")
        store.update_warning(
            conn,
            wid,
            {
                "status": status,
                "note": note or row["note"],
                "updated_by": p.username,
                "updated_at": now(),
            },
        )
        audit(
            conn,
            actor=p.username,
            action=status,
            object_type="warning",
            object_id=wid,
            details={"old": row["status"], "new": status, "note": note},
        )
    return get_warning(ctx, p, wid)


def latest_run(ctx: Context, p: Principal) -> dict[str, Any] | None:
    """The summary of the most recent stored analysis run as ``p`` may see it: the
    department's results for staff, those computed on published figures for everyone else
    (:func:`wenzeng.auth.policy.may_see_full_analysis`).  Of a run kept without the latter,
    everyone else sees its date and the targets' status (computed on published figures)."""
    with ctx.reading() as conn:
        row = store.latest_run(conn)
    if row is None:
        return None
    summary = dict(row["summary"] or {})
    public = summary.pop(PUBLIC_VIEW, None)
    if not policy.may_see_full_analysis(p):
        summary = public if isinstance(public, dict) else _bare(summary)
    return {"id": row["id"], "as_of": row["as_of"].isoformat(), "summary": summary}


def _bare(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in ("as_of", "run", "targets") if k in summary}
