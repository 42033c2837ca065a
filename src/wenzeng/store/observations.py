"""The observation repository: figures by series and period, every vintage kept.

The figure shown for a period is the one of the latest vintage (not after the date asked
about) among those the reader may see: :func:`latest_vintage_first` is that rule, written
once, and every query that picks one figure per period ranks by it.  The reader's
:class:`~wenzeng.domain.visibility.Visibility` is applied before the ranking, so a published
figure still shows when a newer figure of the same period is one the reader may not see.
Functions take a connection; none of them commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    func,
    not_,
    or_,
    select,
    true,
)

from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.visibility import PUBLISHED_SOURCES, Visibility
from wenzeng.store.tables import batch, observation, series, source


def latest_vintage_first() -> tuple[ColumnElement[Any], ...]:
    """The order of the figures of one series and period, the one shown first: the latest
    vintage; among figures of the same vintage an exact figure before a bound; then the
    first stored."""
    return (
        observation.c.vintage.desc(),
        case((observation.c.qualifier == "", 0), else_=1),
        observation.c.id,
    )


def _rank() -> ColumnElement[int]:
    return func.row_number().over(
        partition_by=(observation.c.series_id, observation.c.period),
        order_by=latest_vintage_first(),
    )


def _allowed(visibility: Visibility | None) -> list[ColumnElement[bool]]:
    """The condition on series and source rows for what ``visibility`` lets a reader see."""
    if visibility is None or visibility.everything:
        return []
    published = source.c.kind.in_(sorted(PUBLISHED_SOURCES))
    if not visibility.entities:
        return [published]
    return [or_(published, series.c.entity.in_(sorted(visibility.entities)))]


def _from_tables(stmt: Select[Any], *, sources: bool = True) -> Select[Any]:
    """``stmt`` over observations with their series (and sources)."""
    tables = observation.join(series, series.c.id == observation.c.series_id)
    if sources:
        tables = tables.join(source, source.c.id == observation.c.source_id)
    return stmt.select_from(tables)


def _filters(
    *,
    indicator: str | None = None,
    indicators: Sequence[str] | None = None,
    entities: Sequence[str] | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    periods: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    as_of: date | None = None,
    simulated: bool | None = None,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if indicator is not None:
        conds.append(series.c.indicator == indicator)
    if indicators:
        conds.append(series.c.indicator.in_(list(indicators)))
    if entities is not None:
        conds.append(series.c.entity.in_(list(entities)))
    if measure is not None:
        conds.append(series.c.measure == measure)
    if period_type is not None:
        conds.append(series.c.period_type == period_type)
    if periods:
        conds.append(observation.c.period.in_(list(periods)))
    if start is not None:
        conds.append(observation.c.period >= start)
    if end is not None:
        conds.append(observation.c.period <= end)
    if as_of is not None:
        conds.append(observation.c.vintage <= as_of)
    if simulated is not None:
        conds.append(observation.c.simulated == simulated)
    return conds


def _vintage(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _rows_to_records(rows: Iterable[Any], units: dict[str, str | None]) -> list[ObservationRecord]:
    return [
        ObservationRecord(
            indicator=r.indicator,
            entity=r.entity,
            measure=r.measure,
            period_type=r.period_type,
            period=r.period,
            vintage=_vintage(r.vintage),
            value=r.value,
            qualifier=r.qualifier,
            unit=units.get(r.indicator) if r.measure == "level" else "%",
            published_value=r.published_value,
            published_unit=r.published_unit,
            source_kind=r.source_kind,
            source_title=r.source_title,
            source_url=r.source_url,
            note=r.note,
            simulated=bool(r.simulated),
            batch_id=r.batch_id,
            publisher=r.publisher,
            release=r.release,
        )
        for r in rows
    ]


def query_observations(
    conn: Connection,
    *,
    units: dict[str, str | None],
    visibility: Visibility | None = None,
    indicator: str | None = None,
    indicators: Sequence[str] | None = None,
    entities: Sequence[str] | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    periods: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    as_of: date | None = None,
    all_vintages: bool = False,
    simulated: bool | None = None,
) -> list[ObservationRecord]:
    """Observations matching the filters, of those ``visibility`` allows (all when None).

    With ``all_vintages`` every stored vintage is returned (the revision history).
    Otherwise one value per series and period: the first by :func:`latest_vintage_first`
    among the vintages not after ``as_of``.  One query, built once for each combination of
    the filters given (its values are bound parameters): building the ranked query cost
    as much as running it.
    """
    values: dict[str, Any] = {
        "indicator": indicator,
        "indicators": list(indicators) if indicators else None,
        "entities": list(entities) if entities else None,  # none given: every entity
        "measure": measure,
        "period_type": period_type,
        "periods": list(periods) if periods else None,
        "start": start,
        "end": end,
        "as_of": as_of,
        "simulated": simulated,
    }
    given = frozenset(k for k, v in values.items() if v is not None)
    if visibility is None or visibility.everything:
        seen = "all"
    elif visibility.entities:
        seen = "published+entities"
        values["visible"] = sorted(visibility.entities)
        given |= {"visible"}
    else:
        seen = "published"
    stmt = _observations_statement(given, seen, all_vintages)
    params = {k: v for k, v in values.items() if k in given}
    return _rows_to_records(conn.execute(stmt, params), units)


@lru_cache(maxsize=256)
def _observations_statement(given: frozenset[str], seen: str, all_vintages: bool) -> Select[Any]:
    """The statement of :func:`query_observations` for the filters named in ``given``."""

    def one(name: str) -> Any:
        return bindparam(name)

    def many(name: str) -> Any:
        return bindparam(name, expanding=True)

    conds: list[ColumnElement[bool]] = []
    for name, cond in (
        ("indicator", lambda: series.c.indicator == one("indicator")),
        ("indicators", lambda: series.c.indicator.in_(many("indicators"))),
        ("entities", lambda: series.c.entity.in_(many("entities"))),
        ("measure", lambda: series.c.measure == one("measure")),
        ("period_type", lambda: series.c.period_type == one("period_type")),
        ("periods", lambda: observation.c.period.in_(many("periods"))),
        ("start", lambda: observation.c.period >= one("start")),
        ("end", lambda: observation.c.period <= one("end")),
        ("as_of", lambda: observation.c.vintage <= one("as_of")),
        ("simulated", lambda: observation.c.simulated == one("simulated")),
    ):
        if name in given:
            conds.append(cond())
    published = source.c.kind.in_(sorted(PUBLISHED_SOURCES))
    if seen == "published":
        conds.append(published)
    elif seen == "published+entities":
        conds.append(or_(published, series.c.entity.in_(many("visible"))))
    inner = _from_tables(
        select(
            series.c.indicator,
            series.c.entity,
            series.c.measure,
            series.c.period_type,
            observation,
            source.c.kind.label("source_kind"),
            source.c.title.label("source_title"),
            source.c.url.label("source_url"),
            _rank().label("rank"),
        )
    ).where(and_(true(), *conds))
    ranked = inner.subquery()
    stmt = select(ranked).order_by(
        ranked.c.indicator,
        ranked.c.entity,
        ranked.c.measure,
        ranked.c.period_type,
        ranked.c.period,
        ranked.c.vintage,
        ranked.c.id,
    )
    if not all_vintages:
        stmt = stmt.where(ranked.c.rank == 1)
    return stmt


def entities_with_unseen(
    conn: Connection,
    visibility: Visibility,
    *,
    entities: Sequence[str],
    indicator: str | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    start: str | None = None,
    simulated: bool | None = None,
) -> set[str]:
    """Which of ``entities`` hold figures (of any vintage) that ``visibility`` does not allow."""
    allowed = _allowed(visibility)
    if not allowed or not entities:
        return set()
    conds = _filters(
        indicator=indicator,
        entities=entities,
        measure=measure,
        period_type=period_type,
        start=start,
        simulated=simulated,
    )
    stmt = (
        _from_tables(select(series.c.entity).distinct())
        .where(and_(*conds))
        .where(not_(and_(*allowed)))
    )
    return set(conn.execute(stmt).scalars())


def _panel_conditions(
    *,
    indicators: Sequence[str],
    measure: str,
    period_types: Sequence[str],
    entities: Sequence[str] | None,
    as_of: date | None,
    simulated: bool | None,
    visibility: Visibility | None,
) -> tuple[list[ColumnElement[bool]], bool]:
    """The conditions on the rows of the panels of :func:`panel_rows` and
    :func:`panel_rows_first_known`, and whether they need the sources joined (to leave out
    what ``visibility`` does not allow)."""
    conds = _filters(
        indicators=indicators,
        entities=entities,
        measure=measure,
        as_of=as_of,
        simulated=simulated,
    )
    conds.append(series.c.period_type.in_(list(period_types)))
    allowed = _allowed(visibility)
    return [*conds, *allowed], bool(allowed)


def _latest_panel_rows(
    conn: Connection,
    columns: Sequence[ColumnElement[Any]],
    conds: Sequence[ColumnElement[bool]],
    *,
    sources: bool,
) -> Iterable[Any]:
    """``columns`` of the rows meeting ``conds``, one per series and period: the first by
    :func:`latest_vintage_first`."""
    base = select(*columns, _rank().label("rank"))
    inner = _from_tables(base, sources=sources).where(and_(*conds)).subquery()
    stmt = select(*(c for c in inner.c if c.name != "rank")).where(inner.c.rank == 1)
    return conn.execute(stmt)  # read row by row: a list of rows held at once costs more


def panel_rows(
    conn: Connection,
    *,
    indicator: str,
    measure: str,
    period_type: str,
    entities: Sequence[str] | None,
    as_of: date | None,
    simulated: bool | None = None,
    visibility: Visibility | None = None,
) -> list[tuple[str, str, float, bool]]:
    """(entity, period, value, simulated) of one kind of series, latest vintage as of a date."""
    conds, sources = _panel_conditions(
        indicators=[indicator],
        measure=measure,
        period_types=[period_type],
        entities=entities,
        as_of=as_of,
        simulated=simulated,
        visibility=visibility,
    )
    columns = (series.c.entity, observation.c.period, observation.c.value, observation.c.simulated)
    return [
        (r[0], r[1], float(r[2]), bool(r[3]))
        for r in _latest_panel_rows(conn, columns, conds, sources=sources)
    ]


def panel_periods(
    conn: Connection,
    *,
    indicator: str,
    measure: str,
    period_type: str,
    entities: Sequence[str] | None,
    as_of: date | None,
    simulated: bool | None = None,
    visibility: Visibility | None = None,
) -> list[str]:
    """The periods :func:`panel_rows` would return rows for, with the same arguments."""
    conds = _filters(
        indicator=indicator,
        entities=entities,
        measure=measure,
        period_type=period_type,
        as_of=as_of,
        simulated=simulated,
    )
    allowed = _allowed(visibility)
    base = select(observation.c.period).distinct()
    stmt = _from_tables(base, sources=bool(allowed)).where(and_(*conds, *allowed))
    return [str(r[0]) for r in conn.execute(stmt)]


def entities_with_data(
    conn: Connection,
    period: str,
    entities: Sequence[str],
    as_of: date,
    *,
    simulated: bool | None = None,
) -> set[str]:
    """Which of ``entities`` had any observation for ``period`` by ``as_of`` (however it
    arrived); with ``simulated``, only simulated (True) or only real (False) ones count."""
    if not entities:
        return set()
    stmt = (
        select(series.c.entity)
        .distinct()
        .join(observation, observation.c.series_id == series.c.id)
        .where(
            observation.c.period == period,
            observation.c.vintage <= as_of,
            series.c.entity.in_(list(entities)),
        )
    )
    if simulated is not None:
        stmt = stmt.where(observation.c.simulated == simulated)
    return set(conn.execute(stmt).scalars())


def count_observations(conn: Connection, *, simulated: bool | None = None) -> int:
    stmt = select(func.count()).select_from(observation)
    if simulated is not None:
        stmt = stmt.where(observation.c.simulated == simulated)
    return int(conn.execute(stmt).scalar_one())


def existing_keys(conn: Connection, batch_kind: str) -> set[tuple[Any, ...]]:
    """Natural keys of the observations loaded by batches of one kind (for idempotent loads)."""
    stmt = _from_tables(
        select(
            series.c.indicator,
            series.c.entity,
            series.c.measure,
            series.c.period_type,
            observation.c.period,
            observation.c.vintage,
            observation.c.value,
            source.c.title,
            source.c.url,
        )
    ).join(batch, batch.c.id == observation.c.batch_id)
    stmt = stmt.where(batch.c.kind == batch_kind)
    return {
        (
            r.indicator,
            r.entity,
            r.measure,
            r.period_type,
            r.period,
            _vintage(r.vintage),
            round(r.value, 9),
            r.title,
            r.url,
        )
        for r in conn.execute(stmt)
    }


def list_series(conn: Connection, indicator: str | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(
            series,
            func.count(observation.c.id).label("observations"),
            func.min(observation.c.period).label("first"),
            func.max(observation.c.period).label("last"),
        )
        .join(observation, observation.c.series_id == series.c.id)
        .group_by(series.c.id)
        .order_by(series.c.indicator, series.c.entity, series.c.measure, series.c.period_type)
    )
    if indicator:
        stmt = stmt.where(series.c.indicator == indicator)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def first_year(conn: Connection) -> int | None:
    """The year of the earliest period any observation is of (a period's code begins with its
    year); None when the store holds no observation."""
    first = conn.execute(select(func.min(observation.c.period))).scalar()
    return int(first[:4]) if first else None


def panel_rows_first_known(
    conn: Connection,
    *,
    indicators: Sequence[str],
    measure: str,
    entities: Sequence[str] | None,
    as_of: date | None,
    simulated: bool | None = None,
    visibility: Visibility | None = None,
) -> list[tuple[str, str, str, str, float, bool, date]]:
    """As :func:`panel_rows` for the monthly and year-to-date series of several indicators
    at once: (indicator, period type, entity, period, value, simulated, first known), the
    last the date the period's figure was first known (its earliest vintage not after
    ``as_of``)."""
    conds, sources = _panel_conditions(
        indicators=indicators,
        measure=measure,
        period_types=("month", "cum_month"),
        entities=entities,
        as_of=as_of,
        simulated=simulated,
        visibility=visibility,
    )
    first = func.min(observation.c.vintage).over(
        partition_by=(observation.c.series_id, observation.c.period)
    )
    columns = (
        series.c.indicator,
        series.c.period_type,
        series.c.entity,
        observation.c.period,
        observation.c.value,
        observation.c.simulated,
        first.label("first_known"),
    )
    return [
        (r[0], r[1], r[2], r[3], float(r[4]), bool(r[5]), _vintage(r[6]))
        for r in _latest_panel_rows(conn, columns, conds, sources=sources)
    ]
