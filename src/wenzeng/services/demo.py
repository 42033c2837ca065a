"""Loading the simulated demo data set (``wenzeng init --demo``).

The demo adds fictional key enterprises, their supplier links and monthly
figures for the reporting regions and the enterprises, so that a new user
sees every feature populated.  Every row it writes is flagged ``simulated``,
comes from a source of kind ``simulated`` and belongs to one batch of kind
``demo``; nothing is written for the nation or the region groups, whose
series hold published figures only.  Loading it again does nothing.

It then files simulated annual progress reports (稳增长工作措施进展情况年度报告)
of the provinces and the national associations for each year of the plan
(:func:`load_demo_progress`), through the submission service, so that they
are checked, audited and reviewed like real ones.  Their texts begin with
【模拟】; some reporters are left missing, as drafts or returned, so the
tracker has something to chase.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from wenzeng.auth import policy
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.domain.catalog import Entity, Measure
from wenzeng.domain.plan import Plan
from wenzeng.errors import Conflict
from wenzeng.ingest.readers import ROW
from wenzeng.services import submissions
from wenzeng.services.context import Context
from wenzeng.services.forms import get_form
from wenzeng.services.loading import LoadResult, store_frame
from wenzeng.services.plans import stored_plans
from wenzeng.services.series import read_observations
from wenzeng.services.setup import DEMO_ACCOUNTS
from wenzeng.simulation.demo import SEED, SOURCE_TITLE, DemoData, build_demo
from wenzeng.simulation.progress import (
    FIGURE_INDICATORS,
    REPORT_MONTH,
    Outcome,
    ReporterFigures,
    progress_values,
    report_outcomes,
    return_reason,
)
from wenzeng.store import Connection, submission_facts
from wenzeng.store import batches as loads
from wenzeng.store.entities import insert_entities, insert_supply_links, stored_entities

BATCH_KIND = "demo"
SOURCE_KIND = "simulated"


def demo_rows(conn: Connection) -> int | None:
    """Rows of the demo batches already stored, or None when the demo was never loaded."""
    found = [b for b in loads.batches(conn) if b["kind"] == BATCH_KIND]
    if not found:
        return None
    return sum(int(b["rows"] or 0) for b in found)


def load_demo(ctx: Context, progress: Callable[[int], None] | None = None) -> LoadResult:
    """Add the simulated demo data, all of it or none; skipped when already loaded.

    Then file the simulated annual progress reports (:func:`load_demo_progress`),
    each in its own transactions; it adds only the reports not yet in the store, so a
    demo store loaded before they existed gets them too.  ``progress`` is advanced by
    the rows written, then by one for each report filed.
    """
    result = _load_monitoring(ctx, progress)
    load_demo_progress(ctx, progress=progress)
    return result


def _load_monitoring(ctx: Context, progress: Callable[[int], None] | None) -> LoadResult:
    """The enterprises, their supplier links and the monthly figures, in one transaction."""
    with ctx.transaction() as conn:
        existing = demo_rows(conn)
        if existing is not None:
            return LoadResult(None, 0, [], skipped=existing)
        data = build_demo(ctx.base_catalogue, SEED)
        _check_codes(conn, data)
        batch_id = loads.create_batch(
            conn,
            BATCH_KIND,
            note=f"{SOURCE_TITLE}; seed {SEED}; {len(data.enterprises)} enterprises",
        )
        insert_entities(
            conn,
            [
                {
                    "code": e.code,
                    "kind": "enterprise",
                    "name_zh": e.name_zh,
                    "name_en": e.name_en,
                    "region": e.region,
                    "sector": e.sector,
                    "chain_position": e.chain_position,
                    "attributes": e.attributes,
                    "simulated": True,
                }
                for e in data.enterprises
            ],
        )
        insert_supply_links(
            conn,
            [
                {
                    "buyer": link.buyer,
                    "supplier": link.supplier,
                    "product": link.product,
                    "simulated": True,
                }
                for link in data.links
            ],
        )
        n = store_frame(
            conn,
            data.frame.drop(ROW),
            batch_id=batch_id,
            source_kind=SOURCE_KIND,
            default_title=SOURCE_TITLE,
            simulated=True,
            progress=progress,
        )
    ctx.invalidate()
    return LoadResult(batch_id, n, [])


def _check_codes(conn: Connection, data: DemoData) -> None:
    """Refuse to load over enterprises of the same codes (the whole load is rolled back)."""
    stored = {e["code"] for e in stored_entities(conn)}
    taken = sorted(e.code for e in data.enterprises if e.code in stored)
    if taken:
        raise Conflict(
            f"已有代码相同的企业（{', '.join(taken[:5])}…），无法加载模拟演示数据 / enterprises "
            f"with the demo's codes already exist ({', '.join(taken[:5])}…): the demo data "
            "was not loaded"
        )


# -- simulated annual progress reports ---------------------------------------------------------
PROGRESS_FORMS = ("annual_progress", "annual_progress_association")
REVIEWER = Principal("analyst", Role.ANALYST, user_id=0, display_name="电子信息司分析员（演示）")
CHANNEL = "api"


@dataclass(frozen=True)
class ProgressLoad:
    """What :func:`load_demo_progress` filed: per form and period, the count of each outcome."""

    filed: int  # submissions created
    # (form, period) → outcome → reporters given it (missing included)
    counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    kept: int = 0  # reports left alone because the reporter already had one


def _username(entity: str) -> str:
    """The demo account of the reporter where there is one (services.setup), else a made-up
    name that says it is a demo reporter."""
    for username, _role, code, _name in DEMO_ACCOUNTS:
        if code == entity:
            return username
    return f"demo-{entity}"


def demo_filer(entity: str) -> str:
    """Who files the simulated demo's reports for ``entity`` (a report filed under that name
    is simulated)."""
    return _username(entity)


def _reporter(e: Entity) -> Principal:
    return Principal(
        _username(e.code),
        policy.ROLE_FOR_KIND[e.kind],
        user_id=0,
        entity=e.code,
        display_name=f"{e.name.zh}（演示）",
    )


def _figures(
    ctx: Context, conn: Connection, entities: Sequence[str], year: int
) -> dict[str, ReporterFigures]:
    """January-to-October figures of the simulated monitoring data, by entity."""
    period = f"{year}-01~{REPORT_MONTH:02d}"
    found: dict[str, dict[str, float]] = {}
    for indicator, (attr, _label) in FIGURE_INDICATORS.items():
        for measure, name in ((Measure.LEVEL, attr), (Measure.YOY_PCT, f"{attr}_yoy")):
            for r in read_observations(
                ctx,
                SYSTEM,
                conn=conn,
                indicator=indicator,
                entities=list(entities),
                measure=measure.value,
                period_type="cum_month",
                periods=[period],
                simulated=True,
            ):
                found.setdefault(r.entity, {})[name] = round(r.value, 1)
    return {code: ReporterFigures(**values) for code, values in found.items()}


def load_demo_progress(
    ctx: Context,
    *,
    years: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
    seed: int = SEED,
) -> ProgressLoad:
    """File the simulated annual progress reports for each year of the plan (or ``years``).

    For each form of :data:`PROGRESS_FORMS` and each year, every reporter gets the
    outcome :func:`~wenzeng.simulation.progress.report_outcomes` gives it: nothing
    (missing), a draft, or a report submitted and then accepted, returned or left
    awaiting review — each step through :mod:`wenzeng.services.submissions`, as the
    reporter (its demo account's name, or ``demo-<code>``) and the demo analyst.  A
    reporter that already has a report for the period is left alone, so running it again
    adds nothing.  Only the latest year keeps reports awaiting review.
    """
    say = progress or (lambda _n: None)
    cat = ctx.catalogue
    plans = {p.code: p for p in stored_plans(ctx)}
    filed = kept = 0
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for form_code in PROGRESS_FORMS:
        form = get_form(ctx, form_code).form
        plan: Plan | None = plans.get(form.plan or "")
        if plan is None:
            continue
        wanted = list(years or range(plan.period.start, plan.period.end + 1))
        reporters = sorted(
            cat.entities_of(*policy.REPORTER_KINDS[form.reporter]), key=lambda e: e.code
        )
        for year in wanted:
            with ctx.reading() as conn:
                have = submission_facts.reporters_with_submission(conn, form_code, str(year))
                figures = _figures(ctx, conn, [e.code for e in reporters], year)
            outcomes = report_outcomes(
                [e.code for e in reporters], year, latest=year == max(wanted), seed=seed
            )
            tally = counts.setdefault((form_code, str(year)), {})
            for e in reporters:
                outcome = outcomes[e.code]
                tally[outcome.value] = tally.get(outcome.value, 0) + 1
                if outcome is Outcome.MISSING:
                    continue
                if e.code in have:
                    kept += 1
                    continue
                _file(ctx, form_code, plan, e, year, outcome, figures.get(e.code), seed)
                filed += 1
                say(1)
    return ProgressLoad(filed, counts, kept)


def _file(
    ctx: Context,
    form_code: str,
    plan: Plan,
    e: Entity,
    year: int,
    outcome: Outcome,
    figures: ReporterFigures | None,
    seed: int,
) -> None:
    """One reporter's report, taken as far as its outcome says."""
    loaded = get_form(ctx, form_code)
    values = progress_values(
        loaded.form, plan, e, year, figures=figures, fields=loaded.fields, seed=seed
    )
    who = _reporter(e)
    s = submissions.save(
        ctx,
        who,
        form_code=form_code,
        reporter=e.code,
        period=str(year),
        values=values,
        channel=CHANNEL,
    )
    if outcome is not Outcome.DRAFT:
        s = submissions.submit(ctx, who, s.id, version=s.version)
        if outcome is Outcome.ACCEPTED:
            submissions.accept(ctx, REVIEWER, s.id, version=s.version)
        elif outcome is Outcome.RETURNED:
            reason = return_reason(plan, e, year, seed=seed)
            submissions.return_(ctx, REVIEWER, s.id, version=s.version, reason=reason)
    _backdate(ctx, s.id, e.code, year)


def _backdate(ctx: Context, sid: int, reporter: str, year: int) -> None:
    """Put a simulated report in its season: written and sent in November of its year, before
    the 30 November deadline, reviewed two days later (so that reports made "as of" a date
    after the deadline find it)."""
    day = 10 + int(hashlib.sha256(f"{reporter}:{year}".encode()).hexdigest(), 16) % 19
    sent = datetime(year, 11, day, 10, 0, tzinfo=UTC)
    with ctx.transaction() as conn:
        submission_facts.backdate_submission(
            conn,
            sid,
            created=sent - timedelta(days=3),
            sent=sent,
            reviewed=sent + timedelta(days=2),
        )
