"""Submissions: fill in, check, submit, review, revise — each step one transaction.

Every change names the ``version`` it was made on; a change made on an older
version is refused (someone else changed the submission in between), so
nothing is lost when two people edit at once.  Every step goes to the audit
log with the old and new values.  Only accepted values become observations,
each with the acceptance date as its vintage and a link to the submission; a
revision after acceptance adds new vintages and never erases the old ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.domain.catalog import EntityKind
from wenzeng.domain.checking import CheckResult, Problem, check_values
from wenzeng.domain.expressions import History
from wenzeng.domain.forms import FormField, Severity
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.issues import Severity as IssueSeverity
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodError, PeriodType, parse_period
from wenzeng.domain.plan import ReporterKind
from wenzeng.domain.submissions import Action, IllegalTransition, Status, next_status
from wenzeng.domain.units import convert
from wenzeng.errors import Conflict, NotFound, ValidationFailed
from wenzeng.services.context import Context
from wenzeng.services.forms import LoadedForm, get_form
from wenzeng.services.outbox import queue_for_entity
from wenzeng.services.series import read_observations
from wenzeng.store import Connection
from wenzeng.store import submissions as store
from wenzeng.store.audit import audit, audit_entries
from wenzeng.store.batches import create_batch, source_ids
from wenzeng.store.bulk import write_observation_rows
from wenzeng.store.clock import now
from wenzeng.store.errors import DuplicateKey


@dataclass(frozen=True)
class Submission:
    id: int
    form: str
    reporter: str
    period: str
    status: Status
    revision: int
    version: int
    values: dict[str, Any]
    explanations: dict[str, str]
    problems: list[dict[str, Any]]
    return_reason: str | None
    channel: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["status"] = self.status.value
        d["status_zh"] = self.status.label_zh
        for k in ("created_at", "updated_at", "submitted_at", "reviewed_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def _row(row: Mapping[str, Any]) -> Submission:
    return Submission(**{**row, "status": Status(row["status"])})


def form_period(form: LoadedForm, text: str) -> Period:
    try:
        p = parse_period(text, form.form.period_type.value)
    except PeriodError as exc:
        raise ValidationFailed(str(exc)) from exc
    return p


def field_period(form: LoadedForm, f: FormField, period: Period) -> Period:
    """The period a field's figure covers: this month alone, or January to this month."""
    ptype = form.form.field_period_type(f)
    if ptype is period.type:
        return period
    return Period(period.year, ptype, period.index)


# -- history for the rules ---------------------------------------------------------------------
def history_for(
    ctx: Context, conn: Connection, form: LoadedForm, reporter: str, period: Period
) -> History:
    """prev / last_year / prev_cum / national / others, read from the store."""
    return _History(ctx, conn, form, reporter, period).lookup


# The reporter's own earlier figures: asked for field after field by the rules, so read at once.
# ``others`` (every other reporter) is read field by field: it is rare and the rows are many.
PREFETCHED = frozenset({"prev", "last_year", "prev_cum", "national"})


class _History:
    """The stored figures the rules compare with. The first look-up of a prefetched
    function reads every indicator-backed field's figure for all of them: one query per
    period type instead of one per function, period and field."""

    def __init__(
        self, ctx: Context, conn: Connection, form: LoadedForm, reporter: str, period: Period
    ) -> None:
        self.ctx, self.conn, self.form = ctx, conn, form
        self.reporter, self.period = reporter, period
        self.memo: dict[tuple[str, str], float | None] = {}
        self.fetched = False

    def target(self, fn: str, f: FormField) -> tuple[Period | None, list[str]]:
        p = field_period(self.form, f, self.period)
        if fn == "prev":
            return p.previous(), [self.reporter]
        if fn == "last_year":
            return p.shift_years(-1), [self.reporter]
        if fn == "prev_cum":
            if p.type is not PeriodType.CUM_MONTH:
                return None, []
            return p.previous(), [self.reporter]
        if fn == "national":
            return p, ["CN"]
        if fn == "others":
            return p, self._others()
        raise KeyError(fn)

    def _others(self) -> list[str]:
        # plan cities and 兵团 lie inside provinces: summing them too would count twice
        reporter_kind = self.form.form.reporter
        kinds = (
            (EntityKind.PROVINCE,)
            if reporter_kind is ReporterKind.PROVINCE
            else policy.REPORTER_KINDS[reporter_kind]
        )
        entities = self.ctx.catalogue.entities_of(*kinds)
        return [e.code for e in entities if e.code != self.reporter]

    def prefetch(self) -> None:
        """Read the stored figures of every prefetched function for every indicator-backed
        field at once: one query per period type (this month alone, January to this month),
        whatever the number of fields and functions."""
        self.fetched = True
        wanted: list[tuple[str, FormField, Period, tuple[str, ...]]] = []
        by_type: dict[str, tuple[set[str], set[str], set[str]]] = {}
        for fn in sorted(PREFETCHED):
            for f in self.form.fields:
                if not (f.indicator and f.measure):
                    continue
                p, entities = self.target(fn, f)
                if p is None or not entities:
                    self.memo[(fn, f.code)] = None
                    continue
                wanted.append((fn, f, p, tuple(entities)))
                inds, ents, pers = by_type.setdefault(p.type.value, (set(), set(), set()))
                inds.add(f.indicator)
                ents.update(entities)
                pers.add(p.code)
        found: dict[tuple[str, str], list[ObservationRecord]] = {}
        for ptype, (inds, ents, pers) in sorted(by_type.items()):
            for r in read_observations(
                self.ctx,
                SYSTEM,  # the rules compare with the store as the department knows it
                conn=self.conn,
                indicators=sorted(inds),
                entities=sorted(ents),
                period_type=ptype,
                periods=sorted(pers),
            ):
                found.setdefault((ptype, r.period), []).append(r)
        for fn, f, per, group in wanted:
            records = [r for r in found.get((per.type.value, per.code), []) if r.entity in group]
            self.memo[(fn, f.code)] = _field_total(self.ctx, f, records)

    def lookup(self, fn: str, code: str) -> float | None:
        key = (fn, code)
        if key not in self.memo and fn in PREFETCHED and not self.fetched:
            self.prefetch()
        if key not in self.memo:  # one field, or one with no indicator (accepted submissions)
            f = self.form.field(code)
            p, entities = self.target(fn, f)
            self.memo[key] = (
                _stored_value(self.ctx, self.conn, self.form, f, p, entities)
                if p and entities
                else None
            )
        return self.memo[key]


def _field_total(ctx: Context, f: FormField, records: list[ObservationRecord]) -> float | None:
    """The sum of a field's indicator and measure over ``records``, in the field's unit."""
    assert f.indicator and f.measure
    mine = [r for r in records if r.indicator == f.indicator and r.measure == f.measure.value]
    if not mine:
        return None
    total = sum(r.value for r in mine)
    unit = ctx.units.get(f.indicator)
    if f.measure.value == "level" and unit and f.unit:
        return convert(total, unit, f.unit)
    return total


def _stored_value(
    ctx: Context, conn: Connection, form: LoadedForm, f: FormField, p: Period, entities: list[str]
) -> float | None:
    """The latest value (summed over ``entities``) of a field for a period, in the field's unit."""
    if f.indicator and f.measure:
        records = read_observations(
            ctx,
            SYSTEM,
            conn=conn,
            indicator=f.indicator,
            entities=entities,
            measure=f.measure.value,
            period_type=p.type.value,
            periods=[p.code],
        )
        return _field_total(ctx, f, records)
    # a field with no indicator: the reporters' accepted submissions
    form_p = Period(p.year, form.form.period_type, p.index)
    rows = store.accepted_values(conn, form.code, form_p.code, entities)
    found = [r[f.code] for r in rows if r.get(f.code) is not None]
    return float(sum(found)) if found else None


# -- reading -----------------------------------------------------------------------------------
def _load(conn: Connection, sid: int) -> Submission:
    r = store.submission_row(conn, sid)
    if r is None:
        raise NotFound(f"没有编号为 {sid} 的报送 / no submission {sid}")
    return _row(r)


def get_submission(ctx: Context, p: Principal, sid: int) -> Submission:
    policy.require_login(p)
    with ctx.reading() as conn:
        sub = _load(conn, sid)
    if not policy.entity_in_scope(p, sub.reporter, ctx.catalogue):
        # someone else's submission does not exist as far as this user can tell
        raise NotFound(f"没有编号为 {sid} 的报送 / no submission {sid}")
    return sub


def list_submissions(
    ctx: Context,
    p: Principal,
    *,
    form: str | None = None,
    period: str | None = None,
    status: str | None = None,
    reporter: str | None = None,
    limit: int = 1000,
) -> list[Submission]:
    policy.require_login(p)
    scope = policy.submission_reporters(p, ctx.catalogue)
    with ctx.reading() as conn:
        rows = store.submission_rows(
            conn,
            form=form,
            period=period,
            status=status,
            reporter=reporter,
            reporters=scope,
            limit=limit,
        )
    return [_row(r) for r in rows]


# -- checking ----------------------------------------------------------------------------------
def check(
    ctx: Context,
    conn: Connection,
    form: LoadedForm,
    reporter: str,
    period: Period,
    values: Mapping[str, Any],
    explanations: Mapping[str, str],
) -> CheckResult:
    return check_values(
        form.form,
        values,
        history=history_for(ctx, conn, form, reporter, period),
        explanations=explanations,
        fields=form.fields,
    )


def preview(
    ctx: Context,
    p: Principal,
    form_code: str,
    reporter: str,
    period_text: str,
    values: Mapping[str, Any],
    explanations: Mapping[str, str] | None = None,
) -> CheckResult:
    """Check values without saving them (live validation in the entry form)."""
    form = get_form(ctx, form_code)
    policy.require_reporter_for(p, reporter, form.form.reporter, ctx.catalogue)
    period = form_period(form, period_text)
    with ctx.reading() as conn:
        return check(ctx, conn, form, reporter, period, values, explanations or {})


def _problems_json(result: CheckResult) -> list[dict[str, Any]]:
    return [pr.as_dict() for pr in result.problems]


def _transition(sub: Submission, action: Action) -> Status:
    try:
        return next_status(sub.status, action)
    except IllegalTransition as exc:
        raise Conflict(str(exc)) from exc


def _update(conn: Connection, sub: Submission, version: int, **values: Any) -> Submission:
    """Write a change made on ``version``; refuse it if someone changed the submission since."""
    if version != sub.version:
        raise Conflict(
            f"报送 {sub.id} 已被他人修改（当前版本 {sub.version}，您基于版本 {version}），请刷新后重试 / "
            f"submission {sub.id} was changed by someone else (now version {sub.version}, "
            f"yours {version}); reload and try again"
        )
    if not store.update_submission(conn, sub.id, version, values):
        raise Conflict(
            f"报送 {sub.id} 刚被他人修改，请刷新后重试 / submission {sub.id} was just changed by "
            "someone else; reload and try again"
        )
    return _load(conn, sub.id)


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    keys = sorted(set(old) | set(new))
    return {k: {"old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)}


# -- writing -----------------------------------------------------------------------------------
def save(
    ctx: Context,
    p: Principal,
    *,
    form_code: str,
    reporter: str,
    period: str,
    values: Mapping[str, Any],
    explanations: Mapping[str, str] | None = None,
    version: int | None = None,
    channel: str = "api",
) -> Submission:
    """Create the draft for (form, reporter, period), or change it (naming its version)."""
    form = get_form(ctx, form_code)
    policy.require_reporter_for(p, reporter, form.form.reporter, ctx.catalogue)
    per = form_period(form, period)
    notes = dict(explanations or {})
    # the rules read the stored history before the write transaction, so that writers
    # (SQLite has one at a time) hold the store only for the write itself
    with ctx.reading() as conn:
        result = check(ctx, conn, form, reporter, per, values, notes)
    with ctx.transaction() as conn:
        return save_in(
            conn,
            ctx,
            p,
            form,
            reporter,
            per,
            values,
            notes,
            version=version,
            channel=channel,
            result=result,
        )


def current(conn: Connection, form: LoadedForm, reporter: str, per: Period) -> Submission | None:
    row = store.current_submission(conn, form.code, reporter, per.code)
    return _row(row) if row is not None else None


def save_in(
    conn: Connection,
    ctx: Context,
    p: Principal,
    form: LoadedForm,
    reporter: str,
    per: Period,
    values: Mapping[str, Any],
    explanations: Mapping[str, str],
    *,
    version: int | None,
    channel: str,
    result: CheckResult | None = None,
) -> Submission:
    """``save`` inside the caller's transaction (the caller has checked the permission)."""
    existing = current(conn, form, reporter, per)
    explanations = dict(explanations)
    if result is None:
        result = check(ctx, conn, form, reporter, per, values, explanations)
    if existing is None:
        if version not in (None, 0):
            raise Conflict(
                f"报送不存在，无法按版本 {version} 修改 / there is no submission "
                f"to change at version {version}"
            )
        stamp = now()
        try:
            sid = store.insert_submission(
                conn,
                {
                    "form": form.code,
                    "reporter": reporter,
                    "period": per.code,
                    "status": Status.DRAFT.value,
                    "revision": 1,
                    "version": 1,
                    "values": result.values,
                    "explanations": explanations,
                    "problems": _problems_json(result),
                    "channel": channel,
                    "created_by": p.username,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
        except DuplicateKey as exc:
            raise Conflict(
                "该报表本期已由他人同时创建，请刷新后修改 / this form was created for the period "
                "by someone else at the same moment; reload and edit it"
            ) from exc
        raw = {k: v for k, v in values.items() if v is not None and v != ""}
        audit(
            conn,
            actor=p.username,
            action="create",
            object_type="submission",
            object_id=sid,
            details={"new": result.values, "raw": _jsonable(raw), "channel": channel},
        )
        return _load(conn, sid)
    if version is None:
        raise Conflict(
            f"报送 {existing.id} 已存在（版本 {existing.version}），修改时须注明版本 / submission "
            f"{existing.id} exists (version {existing.version}); name the version you are changing"
        )
    _transition(existing, Action.EDIT)
    new = _update(
        conn,
        existing,
        version,
        status=Status.DRAFT.value,
        values=result.values,
        explanations=explanations,
        problems=_problems_json(result),
        channel=channel,
    )
    audit(
        conn,
        actor=p.username,
        action="update",
        object_type="submission",
        object_id=existing.id,
        details={"changes": _diff(existing.values, result.values), "channel": channel},
    )
    return new


def _jsonable(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, int | float | str | bool) else str(v)) for k, v in d.items()}


def submit(
    ctx: Context,
    p: Principal,
    sid: int,
    *,
    version: int,
    explanations: Mapping[str, str] | None = None,
) -> Submission:
    """Send a draft for review: no errors may remain and every warning needs an explanation.

    The rules check the values of the version read first, outside the write transaction;
    the write happens only if the submission is still at that version."""
    with ctx.reading() as conn:
        sub = _load(conn, sid)
        form = get_form(ctx, sub.form)
        policy.require_reporter_for(p, sub.reporter, form.form.reporter, ctx.catalogue)
        target = _transition(sub, Action.SUBMIT)
        notes = {**sub.explanations, **(explanations or {})}
        notes = {k: v.strip() for k, v in notes.items() if v and v.strip()}
        result = check(ctx, conn, form, sub.reporter, parse_period(sub.period), sub.values, notes)
    if not result.can_submit:
        blocking = result.errors + result.unexplained
        raise ValidationFailed(
            f"报送 {sid} 未通过审核：{len(result.errors)} 个错误须改正，"
            f"{len(result.unexplained)} 个提示须说明 / submission {sid} cannot be submitted: "
            f"{len(result.errors)} error(s) to correct, {len(result.unexplained)} warning(s) "
            "to explain",
            issues=[_issue(pr) for pr in blocking],
        )
    with ctx.transaction() as conn:
        now_stored = _load(conn, sid)
        if now_stored.version != sub.version:  # changed since it was checked
            _update(conn, now_stored, sub.version)  # raises the usual conflict
        new = _update(
            conn,
            now_stored,
            version,
            status=target.value,
            explanations=notes,
            problems=_problems_json(result),
            submitted_at=now(),
            return_reason=None,
        )
        audit(
            conn,
            actor=p.username,
            action="submit",
            object_type="submission",
            object_id=sid,
            details={"explanations": notes, "warnings": [pr.rule for pr in result.problems]},
        )
        return new


def _issue(pr: Problem) -> Issue:
    """A rule problem in the shape of the one error body (loc names field and rule)."""
    error = pr.severity is Severity.ERROR
    return Issue(
        Location(column=pr.field, key=pr.rule),
        IssueCode.RULE_FAILED if error else IssueCode.NEEDS_EXPLANATION,
        pr.msg_zh,
        pr.msg_en,
        IssueSeverity.ERROR if error else IssueSeverity.WARNING,
        pr.values or None,
    )


def accept(
    ctx: Context, p: Principal, sid: int, *, version: int, vintage: date | None = None
) -> Submission:
    """Accept a submitted report: its values become observations with a new vintage."""
    policy.require_staff(p)
    with ctx.transaction() as conn:
        sub = _load(conn, sid)
        target = _transition(sub, Action.ACCEPT)
        form = get_form(ctx, sub.form)
        new = _update(
            conn, sub, version, status=target.value, reviewed_by=p.username, reviewed_at=now()
        )
        rows = _observations(ctx, form, sub, vintage or date.today())
        if rows:
            # a report's dozen figures: the plain path, not the frames of a file load
            batch_id = create_batch(
                conn,
                "submission",
                file=f"submission {sid}",
                created_by=p.username,
                rows=len(rows),  # every row is written, or the transaction fails
            )
            pairs = {(r["source_title"], r["source_url"]) for r in rows}
            ids = source_ids(conn, "submission", pairs)
            for r in rows:
                r["source_id"] = ids[(r["source_title"], r["source_url"])]
            write_observation_rows(conn, rows, batch_id)
        audit(
            conn,
            actor=p.username,
            action="accept",
            object_type="submission",
            object_id=sid,
            details={"observations": len(rows), "revision": sub.revision},
        )
        return new


def _observations(
    ctx: Context, form: LoadedForm, sub: Submission, vintage: date
) -> list[dict[str, Any]]:
    per = parse_period(sub.period)
    entity = ctx.catalogue.find_entity(sub.reporter)
    reporter = entity.name.zh if entity else sub.reporter
    title = f"{form.form.title.zh}：{reporter} {per.label_zh}（报送 #{sub.id}，第{sub.revision}版）"
    out: list[dict[str, Any]] = []
    for f in form.fields:
        value = sub.values.get(f.code)
        if value is None or not f.indicator or f.measure is None:
            continue
        unit = ctx.units.get(f.indicator)
        stored = float(value)
        if f.measure.value == "level" and unit and f.unit:
            stored = convert(stored, f.unit, unit)
        fp = field_period(form, f, per)
        out.append(
            {
                "indicator": f.indicator,
                "entity": sub.reporter,
                "measure": f.measure.value,
                "period_type": fp.type.value,
                "period": fp.code,
                "vintage": vintage,
                "value": stored,
                "qualifier": "",
                "published_value": f"{value:g}",
                "published_unit": f.unit,
                "source_title": title,
                "source_url": None,
                "note": sub.explanations.get(f.code),
                "submission_id": sub.id,
            }
        )
    return out


def return_(ctx: Context, p: Principal, sid: int, *, version: int, reason: str) -> Submission:
    """Send a submitted report back to its reporter, saying why."""
    policy.require_staff(p)
    if not reason or not reason.strip():
        raise ValidationFailed("退回须说明原因 / a return needs a reason")
    with ctx.transaction() as conn:
        sub = _load(conn, sid)
        target = _transition(sub, Action.RETURN)
        new = _update(
            conn,
            sub,
            version,
            status=target.value,
            return_reason=reason.strip(),
            reviewed_by=p.username,
            reviewed_at=now(),
        )
        audit(
            conn,
            actor=p.username,
            action="return",
            object_type="submission",
            object_id=sid,
            details={"reason": reason.strip()},
        )
        queue_for_entity(
            conn,
            entity=sub.reporter,
            kind="returned",
            dedupe_key=None,
            subject=f"报表被退回：{sub.form} {sub.period} / report returned",
            body=f"您单位报送的 {sub.form}（{sub.period}）已被退回，原因：{reason.strip()}\n"
            f"Your report {sub.form} for {sub.period} was returned: {reason.strip()}",
        )
        return new


def revise(ctx: Context, p: Principal, sid: int, *, version: int) -> Submission:
    """Reopen an accepted report for correction; its accepted values stay in the store."""
    with ctx.transaction() as conn:
        sub = _load(conn, sid)
        form = get_form(ctx, sub.form)
        policy.require_reporter_for(p, sub.reporter, form.form.reporter, ctx.catalogue)
        target = _transition(sub, Action.REVISE)
        new = _update(
            conn,
            sub,
            version,
            status=target.value,
            revision=sub.revision + 1,
            submitted_at=None,
            reviewed_by=None,
            reviewed_at=None,
        )
        audit(
            conn,
            actor=p.username,
            action="revise",
            object_type="submission",
            object_id=sid,
            details={"revision": sub.revision + 1},
        )
        return new


def audit_trail(ctx: Context, p: Principal, sid: int) -> list[dict[str, Any]]:
    get_submission(ctx, p, sid)  # the same scope as the submission itself
    with ctx.reading() as conn:
        rows = audit_entries(conn, object_type="submission", object_id=sid)
    return [{**r, "at": r["at"].isoformat()} for r in reversed(rows)]
