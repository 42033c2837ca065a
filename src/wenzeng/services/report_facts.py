"""The store as a report builder sees it: everything as known on the report's vintage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from wenzeng.analysis.tracking import Assessment
from wenzeng.analysis.warnings import Finding
from wenzeng.auth.policy import REPORTER_KINDS
from wenzeng.auth.principal import SYSTEM
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.forms import Form
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.plan import Plan
from wenzeng.reports.facts import RECEIVED, ProgressReport, ReportingRow
from wenzeng.services.context import Context
from wenzeng.services.demo import demo_filer
from wenzeng.services.early_warning import analyse
from wenzeng.services.forms import get_form
from wenzeng.services.plan_in_force import plan_in_force
from wenzeng.services.series import read_observations
from wenzeng.services.tracker import MISSING, tracker
from wenzeng.services.tracking import assess_plan
from wenzeng.store import observations, submission_facts


class StoreFacts:
    """:class:`wenzeng.reports.facts.Facts` over the store, as known on ``as_of``.

    One report asks for the same figures from several parts (the sentences, the table, the
    progress parts): each answer is read once and kept for the life of this object.

    Reports are built by department staff: figures are read as the system sees them (every
    source); the parts ask for unsimulated figures where the document needs them."""

    def __init__(self, ctx: Context, as_of: date, plan_code: str | None = None) -> None:
        self._ctx = ctx
        self._as_of = as_of
        self._plan = plan_in_force(ctx, plan_code, as_of)
        self._findings: dict[date, list[Finding]] = {}
        self._observations: dict[tuple[object, ...], list[ObservationRecord]] = {}
        self._progress: dict[tuple[str, str], list[ProgressReport]] = {}

    @property
    def as_of(self) -> date:
        return self._as_of

    @property
    def catalogue(self) -> Catalogue:
        return self._ctx.catalogue

    @property
    def plan(self) -> Plan:
        return self._plan

    def observations(
        self,
        indicator: str,
        entities: Sequence[str],
        measure: str,
        period_type: str,
        periods: Sequence[str],
        *,
        simulated: bool | None = None,
    ) -> list[ObservationRecord]:
        key = (indicator, tuple(entities), measure, period_type, tuple(periods), simulated)
        if key not in self._observations:
            self._observations[key] = read_observations(
                self._ctx,
                SYSTEM,
                indicator=indicator,
                entities=list(entities),
                measure=measure,
                period_type=period_type,
                periods=list(periods),
                as_of=self._as_of,
                simulated=simulated,
            )
        return self._observations[key]

    def assessments(self) -> list[Assessment]:
        return assess_plan(self._ctx, self._plan, self._as_of)

    def findings(self, as_of: date) -> list[Finding]:
        if as_of not in self._findings:
            self._findings[as_of] = analyse(self._ctx, as_of).findings
        return self._findings[as_of]

    def form(self, code: str) -> Form:
        return get_form(self._ctx, code).form

    def reporting(self, form: str, period: str) -> list[ReportingRow]:
        """The tracker's rows; a reporter with no submission whose figures for the period
        arrived otherwise (a file import, the API) counts as having reported."""
        t = tracker(self._ctx, SYSTEM, form, period, today=self._as_of)
        missing = [r.reporter for r in t.rows if r.status == MISSING]
        with self._ctx.reading() as conn:
            received = observations.entities_with_data(conn, t.period, missing, self._as_of)
            real = observations.entities_with_data(
                conn, t.period, sorted(received), self._as_of, simulated=False
            )
        return [
            ReportingRow(form, t.period, r.reporter, RECEIVED, False, r.reporter not in real)
            if r.reporter in received
            else ReportingRow(form, t.period, r.reporter, r.status, r.late)
            for r in t.rows
        ]

    def reporters(self, form: str) -> list[str]:
        kinds = REPORTER_KINDS[self.form(form).reporter]
        return [e.code for e in sorted(self.catalogue.entities_of(*kinds), key=lambda e: e.code)]

    def progress_reports(self, form: str, period: str) -> list[ProgressReport]:
        """The reports of ``form`` for ``period``; one sent after ``as_of`` counts as a draft."""
        if (form, period) not in self._progress:
            self._progress[(form, period)] = self._read_progress(form, period)
        return self._progress[(form, period)]

    def _read_progress(self, form: str, period: str) -> list[ProgressReport]:
        with self._ctx.reading() as conn:
            rows = submission_facts.filed_reports(conn, form, period)
        out = []
        for r in rows:
            sent = r["submitted_at"].date() if r["submitted_at"] else None
            status = r["status"]
            if sent is not None and sent > self._as_of:
                status, sent = "draft", None
            demo = r["created_by"] == demo_filer(r["reporter"])
            values = dict(r["values"] or {})
            out.append(ProgressReport(form, r["reporter"], status, sent, values, demo))
        return sorted(out, key=lambda p: p.reporter)
