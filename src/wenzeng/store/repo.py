"""Reading and writing the store. Functions take a connection; none of them commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, insert, select, update

from wenzeng.domain.observation import ObservationRecord

# Plans, the audit log and the entity registry have repositories of their own; their
# functions stay reachable here under their old names for callers not yet moved to them.
from wenzeng.store.audit import audit as audit
from wenzeng.store.audit import audit_entries as audit_entries
from wenzeng.store.clock import now as now
from wenzeng.store.definitions import plan_documents as plan_documents
from wenzeng.store.definitions import save_plan as save_plan
from wenzeng.store.entities import insert_entities as insert_entities
from wenzeng.store.entities import insert_supply_links as insert_supply_links
from wenzeng.store.entities import stored_entities as stored_entities
from wenzeng.store.entities import supply_links as supply_links
from wenzeng.store.tables import batch, form_def, observation, plan, series, source


# -- sources and batches ------------------------------------------------------------------
def source_ids(
    conn: Connection, kind: str, pairs: Iterable[tuple[str, str | None]]
) -> dict[tuple[str, str | None], int]:
    """Ids of sources (title, url) of one kind, creating those not yet stored."""
    wanted = set(pairs)
    found: dict[tuple[str, str | None], int] = {}
    for row in conn.execute(
        select(source.c.id, source.c.title, source.c.url).where(source.c.kind == kind)
    ):
        found[(row.title, row.url)] = row.id
    missing = [p for p in wanted if p not in found]
    if missing:
        conn.execute(insert(source), [{"kind": kind, "title": t, "url": u} for t, u in missing])
        return source_ids(conn, kind, wanted)
    return {p: found[p] for p in wanted}


def create_batch(
    conn: Connection,
    kind: str,
    *,
    file: str | None = None,
    sha256: str | None = None,
    created_by: str | None = None,
    note: str | None = None,
) -> int:
    result = conn.execute(
        insert(batch)
        .values(
            kind=kind,
            file=file,
            sha256=sha256,
            rows=0,
            created_at=now(),
            created_by=created_by,
            note=note,
        )
        .returning(batch.c.id)
    )
    return int(result.scalar_one())


def finish_batch(conn: Connection, batch_id: int, rows: int) -> None:
    conn.execute(update(batch).where(batch.c.id == batch_id).values(rows=rows))


def find_batch(conn: Connection, kind: str, sha256: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(batch).where(batch.c.kind == kind, batch.c.sha256 == sha256).order_by(batch.c.id)
    ).first()
    return dict(row._mapping) if row else None


def batches(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(batch).order_by(batch.c.id))]


# -- observations ---------------------------------------------------------------------------
def _record_columns() -> list[Any]:
    return [
        series.c.indicator,
        series.c.entity,
        series.c.measure,
        series.c.period_type,
    ]


def _rows_to_records(rows: Iterable[Any], units: dict[str, str | None]) -> list[ObservationRecord]:
    out = []
    for r in rows:
        vintage = r.vintage if isinstance(r.vintage, date) else date.fromisoformat(str(r.vintage))
        out.append(
            ObservationRecord(
                indicator=r.indicator,
                entity=r.entity,
                measure=r.measure,
                period_type=r.period_type,
                period=r.period,
                vintage=vintage,
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
            )
        )
    return out


def query_observations(
    conn: Connection,
    *,
    units: dict[str, str | None],
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
    """Observations matching the filters.

    With ``all_vintages`` every stored vintage is returned (the revision
    history).  Otherwise one value per series and period: the one with the
    latest vintage not after ``as_of`` (today when not given).  Among values
    of the same vintage an exact figure wins over a bound, then the first
    stored.
    """
    conds: list[ColumnElement[bool]] = []
    if indicator is not None:
        conds.append(series.c.indicator == indicator)
    if indicators:
        conds.append(series.c.indicator.in_(list(indicators)))
    if entities:
        conds.append(series.c.entity.in_(list(entities)))
    if measure is not None:
        conds.append(series.c.measure == measure)
    if period_type is not None:
        conds.append(series.c.period_type == period_type)
    oconds: list[ColumnElement[bool]] = []
    if periods:
        oconds.append(observation.c.period.in_(list(periods)))
    if start is not None:
        oconds.append(observation.c.period >= start)
    if end is not None:
        oconds.append(observation.c.period <= end)
    if as_of is not None:
        oconds.append(observation.c.vintage <= as_of)
    if simulated is not None:
        oconds.append(observation.c.simulated == simulated)

    rank = func.row_number().over(
        partition_by=(observation.c.series_id, observation.c.period),
        order_by=(
            observation.c.vintage.desc(),
            case((observation.c.qualifier == "", 0), else_=1),
            observation.c.id,
        ),
    )
    inner = (
        select(observation, rank.label("rank"))
        .join(series, series.c.id == observation.c.series_id)
        .where(and_(*conds, *oconds))
        .subquery()
    )
    stmt = (
        select(
            *_record_columns(),
            inner.c.period,
            inner.c.vintage,
            inner.c.value,
            inner.c.qualifier,
            inner.c.published_value,
            inner.c.published_unit,
            inner.c.note,
            inner.c.simulated,
            inner.c.batch_id,
            source.c.kind.label("source_kind"),
            source.c.title.label("source_title"),
            source.c.url.label("source_url"),
        )
        .join(series, series.c.id == inner.c.series_id)
        .join(source, source.c.id == inner.c.source_id)
        .order_by(
            series.c.indicator,
            series.c.entity,
            series.c.measure,
            series.c.period_type,
            inner.c.period,
            inner.c.vintage,
            inner.c.id,
        )
    )
    if not all_vintages:
        stmt = stmt.where(inner.c.rank == 1)
    return _rows_to_records(conn.execute(stmt), units)


def count_observations(conn: Connection, *, simulated: bool | None = None) -> int:
    stmt = select(func.count()).select_from(observation)
    if simulated is not None:
        stmt = stmt.where(observation.c.simulated == simulated)
    return int(conn.execute(stmt).scalar_one())


def existing_keys(conn: Connection, batch_kind: str) -> set[tuple[Any, ...]]:
    """Natural keys of the observations loaded by batches of one kind (for idempotent loads)."""
    stmt = (
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
        .join(series, series.c.id == observation.c.series_id)
        .join(source, source.c.id == observation.c.source_id)
        .join(batch, batch.c.id == observation.c.batch_id)
        .where(batch.c.kind == batch_kind)
    )
    out = set()
    for r in conn.execute(stmt):
        vintage = r.vintage if isinstance(r.vintage, date) else date.fromisoformat(str(r.vintage))
        out.add(
            (
                r.indicator,
                r.entity,
                r.measure,
                r.period_type,
                r.period,
                vintage,
                round(r.value, 9),
                r.title,
                r.url,
            )
        )
    return out


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


def panel_rows(
    conn: Connection,
    *,
    indicator: str,
    measure: str,
    period_type: str,
    entities: Sequence[str] | None,
    as_of: date | None,
    simulated: bool | None = None,
) -> list[tuple[str, str, float, bool]]:
    """(entity, period, value, simulated) of one kind of series, latest vintage as of a date."""
    conds: list[ColumnElement[bool]] = [
        series.c.indicator == indicator,
        series.c.measure == measure,
        series.c.period_type == period_type,
    ]
    if entities is not None:
        conds.append(series.c.entity.in_(list(entities)))
    if as_of is not None:
        conds.append(observation.c.vintage <= as_of)
    if simulated is not None:
        conds.append(observation.c.simulated == simulated)
    rank = func.row_number().over(
        partition_by=(observation.c.series_id, observation.c.period),
        order_by=(
            observation.c.vintage.desc(),
            case((observation.c.qualifier == "", 0), else_=1),
            observation.c.id,
        ),
    )
    inner = (
        select(
            series.c.entity,
            observation.c.period,
            observation.c.value,
            observation.c.simulated,
            rank.label("rank"),
        )
        .join(series, series.c.id == observation.c.series_id)
        .where(and_(*conds))
        .subquery()
    )
    stmt = select(inner.c.entity, inner.c.period, inner.c.value, inner.c.simulated).where(
        inner.c.rank == 1
    )
    return [(r[0], r[1], float(r[2]), bool(r[3])) for r in conn.execute(stmt)]


def data_version(conn: Connection) -> tuple[Any, ...]:
    """(newest batch, newest plan load, newest form load): changes whenever any of them does."""
    row = conn.execute(
        select(
            select(func.max(batch.c.id)).scalar_subquery(),
            select(func.max(plan.c.loaded_at)).scalar_subquery(),
            select(func.max(form_def.c.loaded_at)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def entities_with_data(
    conn: Connection, period: str, entities: Sequence[str], as_of: date
) -> set[str]:
    """Which of ``entities`` had any observation for ``period`` by ``as_of`` (however it
    arrived)."""
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
    return set(conn.execute(stmt).scalars())
