"""Reading observations: latest, as known on a date, or every vintage — as a reader may.

Every reader of observations comes through :func:`read_observations`, which knows who is
asking: the store picks the newest vintage among the figures the principal may see
(:func:`wenzeng.auth.policy.visibility`), so a published figure is never hidden by a newer
figure its reader may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain.catalog import Measure
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import PeriodError, PeriodType, parse_period
from wenzeng.errors import ValidationFailed
from wenzeng.services.context import Context
from wenzeng.store import Connection
from wenzeng.store import observations as store


@dataclass(frozen=True)
class SeriesQuery:
    indicator: str
    entity: str = "CN"
    measure: str | None = None
    period_type: str | None = None
    period: str | None = None
    start: str | None = None
    end: str | None = None
    as_of: date | None = None
    all_vintages: bool = False


def _period_code(text: str, period_type: str | None) -> tuple[str, str]:
    try:
        p = parse_period(text, period_type)
    except PeriodError as exc:
        raise ValidationFailed(str(exc)) from exc
    return p.code, p.type.value


def read_observations(
    ctx: Context,
    p: Principal,
    *,
    conn: Connection | None = None,
    indicator: str | None = None,
    indicators: Sequence[str] | None = None,
    entities: Sequence[str] | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    periods: Sequence[str] | None = None,
    start: str | None = None,
    as_of: date | None = None,
    all_vintages: bool = False,
    simulated: bool | None = None,
) -> list[ObservationRecord]:
    """The observations matching the filters that ``p`` may see: one per series and period
    (the newest vintage ``p`` may see, not after ``as_of``), or every vintage ``p`` may see.
    Reads on ``conn`` when given (inside a unit of work), else on a connection of its own."""
    seen = policy.visibility(p, ctx.catalogue)
    with ExitStack() as stack:
        on = conn if conn is not None else stack.enter_context(ctx.reading())
        return store.query_observations(
            on,
            units=ctx.units,
            visibility=seen,
            indicator=indicator,
            indicators=indicators,
            entities=entities,
            measure=measure,
            period_type=period_type,
            periods=periods,
            start=start,
            as_of=as_of,
            all_vintages=all_vintages,
            simulated=simulated,
        )


def observations(ctx: Context, p: Principal, q: SeriesQuery) -> list[ObservationRecord]:
    """Observations of one indicator for one entity (code, name or alias), as ``p`` may
    see them."""
    catalogue = ctx.catalogue
    indicator = catalogue.indicator(q.indicator)
    entity = catalogue.entity(q.entity)
    if q.measure is not None and q.measure not in {m.value for m in Measure}:
        raise ValidationFailed(
            f"未知口径 / unknown measure: {q.measure!r} (expected level, yoy_pct or share_pct)"
        )
    if q.period_type is not None and q.period_type not in {t.value for t in PeriodType}:
        raise ValidationFailed(
            f"未知期间类型 / unknown period type: {q.period_type!r} "
            "(expected month, cum_month, quarter or year)"
        )
    period_type = q.period_type
    periods = None
    if q.period is not None:
        code, ptype = _period_code(q.period, q.period_type)
        periods, period_type = [code], ptype
    # Ranges compare the periods' last days, so that months, cumulative periods,
    # quarters and years of one range are selected alike.
    start = parse_period(*_period_code(q.start, period_type)).end if q.start else None
    end = parse_period(*_period_code(q.end, period_type)).end if q.end else None
    records = read_observations(
        ctx,
        p,
        indicator=indicator.code,
        entities=[entity.code],
        measure=q.measure,
        period_type=period_type,
        periods=periods,
        as_of=q.as_of,
        all_vintages=q.all_vintages,
    )
    return [
        r
        for r in records
        if (start is None or r.period_obj.end >= start) and (end is None or r.period_obj.end <= end)
    ]
