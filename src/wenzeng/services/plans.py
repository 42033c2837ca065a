"""Plans in the store, and the latest published figure behind each headline target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Plan, Target
from wenzeng.domain.plan_state import choose_plan
from wenzeng.errors import NotFound
from wenzeng.services.context import Context
from wenzeng.services.plan_lifecycle import active_plans
from wenzeng.services.series import read_observations


def stored_plans(ctx: Context) -> list[Plan]:
    """The plans in use: neither archived nor unusable with the catalogue (see
    :mod:`wenzeng.services.plan_lifecycle`)."""
    return active_plans(ctx)


def get_plan(ctx: Context, code: str | None = None) -> Plan:
    plans = stored_plans(ctx)
    if not plans:
        raise NotFound(
            "尚未加载任何计划，请运行 `wenzeng init` / no plan loaded: run `wenzeng init`"
        )
    if code is None:  # the plan in force today, else the latest
        return choose_plan(plans, date.today()) or plans[0]
    for p in plans:
        if p.code == code:
            return p
    raise NotFound(
        f"未找到计划 / no such plan: {code!r} (loaded: {', '.join(p.code for p in plans)})"
    )


@dataclass(frozen=True)
class TargetFigure:
    """The newest published figure that speaks to a target, up to the end of its period.

    ``exact`` is the figure for the target's own period and period type (e.g.
    the 2024 annual figure).  When that is not published, ``partial`` is the
    newest figure of the same indicator and measure inside the target's final
    year (e.g. January–November), and ``earlier`` the newest one before it.
    """

    target: Target
    exact: ObservationRecord | None
    partial: ObservationRecord | None
    earlier: ObservationRecord | None

    @property
    def shown(self) -> ObservationRecord | None:
        return self.exact or self.partial or self.earlier

    @property
    def status_zh(self) -> str:
        if self.exact is not None:
            return "目标期数据已发布"
        if self.partial is not None:
            return f"目标期全年数据未发布，仅有{self.partial.period_obj.label_zh}数据"
        if self.earlier is not None:
            return f"目标期数据未发布，最新为{self.earlier.period_obj.label_zh}"
        return "未发布"

    @property
    def status_en(self) -> str:
        if self.exact is not None:
            return "published for the target period"
        if self.partial is not None:
            return (
                f"full-year figure not published; only {self.partial.period_obj.label_en} "
                "is available"
            )
        if self.earlier is not None:
            return (
                f"not published for the target period; latest is {self.earlier.period_obj.label_en}"
            )
        return "no figure published"

    def as_dict(self) -> dict[str, Any]:
        t = self.target
        return {
            **t.summary(),
            "period": (
                str(t.period.end)
                if t.period.start == t.period.end
                else f"{t.period.start}–{t.period.end}"
            ),
            "status_zh": self.status_zh,
            "status_en": self.status_en,
            "exact": self.exact.as_dict() if self.exact else None,
            "shown": self.shown.as_dict() if self.shown else None,
        }


def _rank(r: ObservationRecord) -> tuple[bool, object]:
    """Cumulative figures (years, January–n) before single months; then the newest."""
    return (r.period_type in ("year", "cum_month"), r.period_obj.end)


def target_figure(records: list[ObservationRecord], t: Target) -> TargetFigure:
    published = [r for r in records if not r.simulated and r.period_obj.year <= t.period.end]
    exact = [
        r
        for r in published
        if r.period_type == t.period_type.value and r.period_obj.year == t.period.end
    ]
    final_year = [r for r in published if r.period_obj.year == t.period.end]
    before = [r for r in published if r.period_obj.year < t.period.end]
    return TargetFigure(
        t,
        exact=max(exact, key=_rank) if exact else None,
        partial=None if exact or not final_year else max(final_year, key=_rank),
        earlier=None if exact or final_year or not before else max(before, key=_rank),
    )


def up_to_period(records: list[ObservationRecord], up_to: Period | None) -> list[ObservationRecord]:
    """The records of periods that end by the end of ``up_to`` (all of them without one)."""
    if up_to is None:
        return records
    return [r for r in records if r.period_obj.end <= up_to.end]


def target_figures(ctx: Context, plan: Plan, up_to: Period | None = None) -> list[TargetFigure]:
    """The figure behind each headline target with a figure; with ``up_to`` (a month), the
    newest of the periods that end by then, as the figures stand now."""
    key = ("target_figures", plan.code, up_to.code if up_to else None)
    return ctx.memo(
        key,
        lambda: [
            target_figure(up_to_period(records, up_to), t)
            for t, records in _target_records(ctx, plan)
        ],
    )


def _target_records(ctx: Context, plan: Plan) -> list[tuple[Target, list[ObservationRecord]]]:
    return ctx.memo(("target_records", plan.code), lambda: _read_target_records(ctx, plan))


def _read_target_records(ctx: Context, plan: Plan) -> list[tuple[Target, list[ObservationRecord]]]:
    out = []
    with ctx.reading() as conn:
        for t in plan.headline_targets:
            if t.is_qualitative:
                continue  # no figure to show: its progress is in the assessment
            records = read_observations(
                ctx,
                SYSTEM,
                conn=conn,
                indicator=t.indicator,
                entities=[t.entity],
                measure=t.measure.value,
                simulated=False,
            )
            out.append((t, records))
    return out


def plan_months(ctx: Context, plan: Plan, today: date | None = None) -> list[Period]:
    """The months one may look at a plan's headline targets for, newest first: from January
    of its first year to the newest month a figure behind them covers (never past the end
    of its last year); without any figure, to this month (or the plan's first January)."""
    held = [
        r.period_obj.end
        for t, records in _target_records(ctx, plan)
        for r in records
        if not r.simulated and r.period_obj.year <= t.period.end
    ]
    first = Period.month(plan.period.start, 1)
    last_day = max(held) if held else (today or date.today())
    last = min(Period.month(last_day.year, last_day.month), Period.month(plan.period.end, 12))
    months = []
    at = max(last, first)
    while at >= first:
        months.append(at)
        at = Period.month(at.year - (at.index == 1), 12 if at.index == 1 else at.index - 1)
    return months
