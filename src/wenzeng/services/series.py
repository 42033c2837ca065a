"""Reading observations: latest, as known on a date, or every vintage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wenzeng.domain.catalog import Measure
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import PeriodError, PeriodType, parse_period
from wenzeng.errors import ValidationFailed
from wenzeng.services.context import Context
from wenzeng.store import repo


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


def observations(ctx: Context, q: SeriesQuery) -> list[ObservationRecord]:
    """Observations of one indicator for one entity (code, name or alias)."""
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
    with ctx.reading() as conn:
        records = repo.query_observations(
            conn,
            units=ctx.units,
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
