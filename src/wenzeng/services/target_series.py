"""The series behind a target's card: its indicator's annual and year-to-date figures."""

from __future__ import annotations

from wenzeng.auth.principal import SYSTEM
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Target
from wenzeng.services.context import Context
from wenzeng.services.series import read_observations


def target_history(ctx: Context, t: Target, up_to: Period | None = None) -> list[ObservationRecord]:
    """The annual and year-to-date figures (latest vintages, no simulated data) of the
    target's indicator and of the indicators that measure the same thing, for its entity
    and measure; with ``up_to`` (a month), those of periods that end by then."""
    ind = ctx.catalogue.indicators.get(t.indicator)
    codes = [t.indicator, *(ind.same_as if ind else [])]
    with ctx.reading() as conn:  # as the target cards read them (services.plans)
        return [
            r
            for code in codes
            for r in read_observations(
                ctx,
                SYSTEM,
                conn=conn,
                indicator=code,
                entities=[t.entity],
                measure=t.measure.value,
                simulated=False,
            )
            if r.period_type in ("year", "cum_month")
            and (up_to is None or r.period_obj.end <= up_to.end)
        ]
