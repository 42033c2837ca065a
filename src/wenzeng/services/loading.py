"""Use cases that put data into the store: files, the built-in published figures, plans.

Each runs in one transaction: either every row of a load is stored, or none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import polars as pl

from wenzeng.config import Settings
from wenzeng.definitions.catalogue import builtin_plan_files, read_plan
from wenzeng.domain.issues import Issue
from wenzeng.errors import ValidationFailed
from wenzeng.ingest.limits import Limits, precheck
from wenzeng.ingest.pipeline import ColumnMapping, validate_table
from wenzeng.ingest.published import estimate_vintage, qualifier_from_note
from wenzeng.ingest.readers import ROW, RawTable, read_table
from wenzeng.services.context import Context
from wenzeng.store import Connection
from wenzeng.store import batches as loads
from wenzeng.store.bulk import write_observations
from wenzeng.store.definitions import save_plan
from wenzeng.store.observations import existing_keys

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LoadResult:
    batch_id: int | None
    rows: int
    warnings: list[Issue]
    skipped: int = 0


def store_frame(
    conn: Connection,
    frame: pl.DataFrame,
    *,
    batch_id: int,
    source_kind: str,
    default_title: str,
    simulated: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write validated rows (pipeline.OUTPUT_SCHEMA) to the store as part of ``batch_id``."""
    frame = frame.with_columns(pl.col("source_title").fill_null(default_title))
    pairs = {(t, u) for t, u in frame.select("source_title", "source_url").unique().iter_rows()}
    ids = loads.source_ids(conn, source_kind, pairs)
    lookup = pl.DataFrame(
        [(t, u, i) for (t, u), i in ids.items()],
        schema=[("source_title", pl.Utf8), ("source_url", pl.Utf8), ("source_id", pl.Int64)],
        orient="row",
    )
    rows = frame.join(lookup, on=["source_title", "source_url"], how="left", nulls_equal=True)
    rows = rows.with_columns(pl.lit(simulated).alias("simulated"))
    n = write_observations(conn, rows, batch_id, progress)
    loads.finish_batch(conn, batch_id, n)
    return n


def upload_limits(settings: Settings) -> Limits:
    """The limits on files (``WENZENG_LIMIT_*``), for :func:`wenzeng.ingest.limits.precheck`."""
    return Limits(
        upload_bytes=settings.limit_upload_bytes,
        rows=settings.limit_rows,
        columns=settings.limit_columns,
        cells=settings.limit_cells,
        uncompressed_bytes=settings.limit_uncompressed_bytes,
        compression_ratio=settings.limit_compression_ratio,
        cell_chars=settings.limit_cell_chars,
    )


def check_file(ctx: Context, file_name: str, data: bytes) -> None:
    """Refuse a file over the limits (:class:`wenzeng.errors.TooLarge`, 413) without reading
    it: for a request that hands the file on (to a background job, say), so that the refusal
    comes in the request, before anything is queued.  Reading it checks again."""
    precheck(file_name, data, upload_limits(ctx.settings))


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def builtin_data_path() -> Path:
    return Path(str(resources.files("wenzeng") / "data" / "public" / "observations.csv"))


BUILTIN_MAPPING = ColumnMapping(
    columns={
        "indicator": "indicator",
        "entity": "region",
        "period": "period",
        "period_type": "period_type",
        "value": "value",
        "unit": "unit",
        "measure": "measure",
        "source_title": "source_title",
        "source_url": "source_url",
        "note": "note",
        "vintage": "vintage",
        "qualifier": "qualifier",
        "publisher": "publisher",
        "release": "release",
    }
)


def read_builtin(ctx: Context, path: Path | None = None) -> pl.DataFrame:
    """The built-in published figures, validated, with estimated vintages and qualifiers."""
    path = path or builtin_data_path()
    table = read_table(path)
    frame = table.frame.with_columns(
        pl.struct("period", "period_type", "source_title", "note")
        .map_elements(
            lambda r: estimate_vintage(
                r["period"], r["period_type"], r["source_title"], r["note"]
            ).isoformat(),
            return_dtype=pl.Utf8,
        )
        .alias("vintage"),
        pl.col("note").map_elements(qualifier_from_note, return_dtype=pl.Utf8).alias("qualifier"),
    )
    checked = validate_table(
        RawTable(table.file, frame),
        BUILTIN_MAPPING,
        ctx.base_catalogue,
        default_vintage=date.today(),
    )
    if not checked.ok:
        raise ValidationFailed(
            f"内置数据有误 / the built-in data set is invalid: {path}", issues=checked.issues.issues
        )
    return checked.frame


def load_builtin(ctx: Context, progress: Progress | None = None) -> LoadResult:
    """Load the built-in published figures; rows already stored are skipped (idempotent)."""
    frame = read_builtin(ctx)
    with ctx.transaction() as conn:
        have = existing_keys(conn, "builtin")
        keys = frame.select(
            "indicator",
            "entity",
            "measure",
            "period_type",
            "period",
            "vintage",
            pl.col("value").round(9),
            "source_title",
            "source_url",
        ).rows()
        new = frame.filter(pl.Series([k not in have for k in keys], dtype=pl.Boolean))
        if new.height == 0:
            return LoadResult(None, 0, [], skipped=frame.height)
        data = builtin_data_path().read_bytes()
        batch_id = loads.create_batch(
            conn,
            "builtin",
            file=builtin_data_path().name,
            sha256=file_digest(data),
            note="published figures",
        )
        n = store_frame(
            conn,
            new.drop(ROW),
            batch_id=batch_id,
            source_kind="published",
            default_title="(untitled)",
            progress=progress,
        )
    return LoadResult(batch_id, n, [], skipped=frame.height - n)


def load_plan_file(ctx: Context, path: Path, *, builtin: bool = False) -> tuple[str, bool]:
    """Validate and store a plan; returns (code, whether anything changed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # read_plan reports it with the file's name
    plan = read_plan(path, text, ctx.catalogue)
    with ctx.transaction() as conn:
        changed = save_plan(
            conn,
            code=plan.code,
            title_zh=plan.title.zh,
            title_en=plan.title.en,
            document=text or "",
            file=path.name,
            builtin=builtin,
        )
    return plan.code, changed


def load_builtin_plans(ctx: Context) -> list[tuple[str, bool]]:
    return [load_plan_file(ctx, p, builtin=True) for p in builtin_plan_files()]
