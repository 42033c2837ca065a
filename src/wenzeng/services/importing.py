"""``wenzeng import``: a file of observations, as offices deliver it, into the store.

A file may be long (one observation per row, the columns of
:data:`wenzeng.ingest.pipeline.FIELDS`) or a bureau's wide table (one row per region,
product or indicator, several value columns, a title naming the period, notes below).
Every sheet is read, every problem of every sheet is reported at once, and either every
row of the file is stored or none.  A dry run reads and checks the file and says how it
was read, writing nothing; the way a file was read can be saved as a named profile and
reused for next month's file of the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from wenzeng.domain.issues import Issue, IssueCode, Location, Severity
from wenzeng.errors import Conflict, NotFound, ValidationFailed
from wenzeng.ingest.framing import NoteRow
from wenzeng.ingest.layout import LayoutHints, recognise
from wenzeng.ingest.limits import read_bounded
from wenzeng.ingest.pipeline import FIELDS, ColumnMapping, validate_table
from wenzeng.ingest.readers import COLUMN, ROW, RawTable, read_tables
from wenzeng.services.context import Context
from wenzeng.services.loading import LoadResult, file_digest, store_frame, upload_limits
from wenzeng.store import batches as loads
from wenzeng.store import profiles as saved

Progress = Callable[[int], None]

PROFILE_NAME = re.compile(r"^[\w\-.·（）()\u4e00-\u9fff]{1,64}$")


@dataclass(frozen=True)
class ImportRequest:
    """What the person importing said about the file, beyond the file itself."""

    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    hints: LayoutHints = field(default_factory=LayoutHints)
    vintage: date | None = None
    force: bool = False
    dry_run: bool = False
    profile: str | None = None  # read the file as this saved profile says
    save_profile: str | None = None  # save how the file was read under this name


@dataclass(frozen=True)
class SheetReading:
    """How one table of the file was read: for the preview and the import's summary."""

    sheet: str | None
    layout: str  # "long" or the wide layout's kind
    description: list[str]  # bilingual lines: each column's reading, the entity and period
    notes: list[NoteRow]
    rows: int  # observations read from it

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "layout": self.layout,
            "description": self.description,
            "notes": [{"row": n.row, "kind": n.kind, "text": n.text} for n in self.notes],
            "rows": self.rows,
        }


@dataclass(frozen=True)
class ImportResult(LoadResult):
    sheets: list[SheetReading] = field(default_factory=list)
    dry_run: bool = False
    problems: list[Issue] = field(default_factory=list)  # a dry run's blocking problems
    profile_saved: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "dry_run": self.dry_run,
            "batch": self.batch_id,
            "rows": self.rows,
            "layout": [s.as_dict() for s in self.sheets],
            "warnings": [w.as_dict() for w in self.warnings],
            "errors": [p.as_dict() for p in self.problems],
            "profile_saved": self.profile_saved,
        }


def _long_mapping(table: RawTable, constants: dict[str, str]) -> ColumnMapping:
    """The mapping of a long table made from a wide one: each field is its own column."""
    present = {f: f for f in FIELDS if f in table.columns}
    return ColumnMapping(present, {k: v for k, v in constants.items() if k not in present})


def _is_long(table: RawTable, mapping: ColumnMapping) -> bool:
    """A table with a column of indicators and one of values (after recognising their
    names): one observation a row; its entity and period may be said elsewhere."""
    if mapping.columns:  # columns mapped by hand: the person says it is long
        return True
    found, _ = mapping.resolve(table)
    given = found.keys() | mapping.constants.keys()
    # a wide table of indicators as rows has an indicator column too, but none of these
    return "indicator" in given and bool(given & {"value", "entity", "period"})


def _for_long(table: RawTable, mapping: ColumnMapping, hints: LayoutHints) -> ColumnMapping:
    """A long table lacking an entity or period column takes it from the hints or the title."""
    found, _ = mapping.resolve(table)
    constants = dict(mapping.constants)
    if "period" not in found and "period" not in constants:
        period = hints.period or table.framing.period
        if period:
            constants["period"] = period
    if "entity" not in found and "entity" not in constants and hints.entity:
        constants["entity"] = hints.entity
    return ColumnMapping(dict(mapping.columns), constants)


def _source_title(tables: list[RawTable], file: str) -> str:
    """The source named by the file: its title and its 资料来源 line, or the file's name."""
    framing = tables[0].framing if tables else None
    if framing is None or not framing.title:
        return f"导入文件 / imported file {file}"
    sources = [n.text for n in framing.notes if n.kind == "source"]
    return f"{framing.title}（{sources[0]}）" if sources else framing.title


def _with_profile(ctx: Context, req: ImportRequest) -> ImportRequest:
    """The request with a saved profile's mapping and hints under the options given now."""
    if not req.profile:
        return req
    with ctx.reading() as conn:
        stored = saved.get_profile(conn, req.profile)
    if stored is None:
        raise NotFound(
            f"没有名为 {req.profile!r} 的导入方案（wenzeng import-profiles list 列出已保存的方案）"
            f" / no import profile named {req.profile!r} (wenzeng import-profiles list shows them)"
        )
    base = ColumnMapping(
        dict(stored["mapping"].get("columns", {})), dict(stored["mapping"].get("constants", {}))
    )
    mapping = ColumnMapping(
        {**base.columns, **req.mapping.columns}, {**base.constants, **req.mapping.constants}
    )
    hints = merge_hints(LayoutHints.from_dict(stored["hints"]), req.hints)
    return replace(req, mapping=mapping, hints=hints)


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(
                f"无效的 {option} {item!r}，应为 名称=指标代码 / invalid {option} {item!r}: "
                "expected NAME=CODE"
            )
        out[name.strip()] = value.strip()
    return out


def hints_from_options(
    *,
    entity: str | None = None,
    period: str | None = None,
    indicator: str | None = None,
    columns: list[str] | None = None,
    rows: list[str] | None = None,
) -> LayoutHints:
    """What the command line (``--entity``, ``--period``, ``--indicator``, ``--column
    列名=指标[:口径]``, ``--row 行名=指标``) says about a file, as layout hints."""
    return LayoutHints(
        entity=entity,
        period=period,
        indicator=indicator,
        columns=_pairs(columns or [], "--column"),
        rows=_pairs(rows or [], "--row"),
    )


def merge_hints(base: LayoutHints, over: LayoutHints) -> LayoutHints:
    """``over``'s hints where it gives them, ``base``'s (a saved profile's) elsewhere."""
    a, b = base.to_dict(), over.to_dict()
    merged: dict[str, Any] = {}
    for key in a.keys() | b.keys():
        x, y = a.get(key), b.get(key)
        if isinstance(x, dict) and isinstance(y, dict):
            merged[key] = {**x, **y}
        else:
            merged[key] = y if y not in (None, {}, [], "") else x
    return LayoutHints.from_dict(merged)


def _profile_hints(hints: LayoutHints) -> dict[str, Any]:
    """Hints worth keeping for next month's file: not the period, which changes."""
    kept = hints.to_dict()
    kept.pop("period", None)
    return kept


def _check_profile_name(name: str) -> None:
    if not PROFILE_NAME.match(name):
        raise ValidationFailed(
            f"导入方案名 {name!r} 无效：应为 1–64 个字母、数字、汉字或 - _ . / invalid profile "
            f"name {name!r}: 1–64 letters, digits, Chinese characters or - _ ."
        )


def read_file(
    ctx: Context, path: Path, data: bytes | None, req: ImportRequest
) -> tuple[pl.DataFrame, list[Issue], list[SheetReading], list[RawTable]]:
    """Every table of the file as validated observations, with every problem found."""
    tables = read_tables(path, data, upload_limits(ctx.settings))
    vintage = req.vintage or date.today()
    frames: list[pl.DataFrame] = []
    issues: list[Issue] = []
    sheets: list[SheetReading] = []
    for table in tables:
        if _is_long(table, req.mapping):
            mapping = _for_long(table, req.mapping, req.hints)
            checked = validate_table(table, mapping, ctx.catalogue, default_vintage=vintage)
            kind, description = "long", _describe_long(table, mapping)
            found_table = table
        else:
            found = recognise(table, ctx.catalogue, req.hints)
            issues.extend(found.issues)
            long = found.table
            checked = validate_table(
                long,
                _long_mapping(long, req.mapping.constants),
                ctx.catalogue,
                default_vintage=vintage,
            )
            kind, description = found.layout.kind, found.layout.describe()
            found_table = long
        issues.extend(checked.issues.issues)
        frames.append(checked.frame)
        # the figures stored, or, when checks failed, the figures read
        read = checked.frame.height if checked.ok else found_table.frame.height
        sheets.append(SheetReading(table.sheet, kind, description, list(table.framing.notes), read))
    frame = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
    if COLUMN in frame.columns:
        frame = frame.drop(COLUMN)
    return frame, issues, sheets, tables


def _describe_long(table: RawTable, mapping: ColumnMapping) -> list[str]:
    found, _ = mapping.resolve(table)
    lines = [f"列 {col} → 字段 {f} / column {col} → field {f}" for f, col in found.items()]
    lines += [
        f"字段 {f} = {v}（所有行）/ field {f} = {v} (every row)"
        for f, v in mapping.constants.items()
    ]
    return lines


def import_observations(
    ctx: Context,
    path: Path,
    req: ImportRequest,
    *,
    user: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import (or, for a dry run, read and check) a file of observations, all rows or none."""
    if req.save_profile:
        _check_profile_name(req.save_profile)
    req = _with_profile(ctx, req)
    limits = upload_limits(ctx.settings)
    data: bytes | None
    try:
        data = read_bounded(path, limits)  # a file over the limit is refused unread
    except OSError:
        data = None  # read_tables reports it with the file's name
    frame, issues, sheets, tables = read_file(ctx, path, data, req)
    errors = [i for i in issues if i.severity == Severity.ERROR]
    warnings = [i for i in issues if i.severity != Severity.ERROR]
    digest = file_digest(data or b"")
    if req.dry_run:  # a reading that works may be saved; nothing else is written
        kept = None
        if req.save_profile and not errors:
            save_profile(ctx, req.save_profile, req, user)
            kept = req.save_profile
        return ImportResult(
            None,
            frame.height,
            warnings,
            sheets=sheets,
            dry_run=True,
            problems=errors,
            profile_saved=kept,
        )
    if errors:
        raise ValidationFailed(
            f"导入失败，未写入任何数据 / import failed, nothing was written: {path} "
            f"({len(errors)} problem(s))",
            issues=errors + warnings,
        )
    if frame.height == 0:
        raise ValidationFailed(
            f"文件中没有可导入的数据 / the file holds no figures to import: {path}",
            issues=[
                Issue(
                    Location(file=path.name),
                    IssueCode.EMPTY_FILE,
                    "没有读到任何数值",
                    "no figure was read",
                )
            ],
        )
    with ctx.transaction() as conn:
        if not req.force:
            earlier = loads.find_batch(conn, "import", digest)
            if earlier is not None:
                raise Conflict(
                    f"该文件已于 {earlier['created_at']:%Y-%m-%d %H:%M} 导入（批次 {earlier['id']}），"
                    f"如需再次导入请加 --force / this file was already imported in batch "
                    f"{earlier['id']}; use --force to import it again"
                )
        batch_id = loads.create_batch(
            conn, "import", file=path.name, sha256=digest, created_by=user
        )
        n = store_frame(
            conn,
            frame.drop(ROW) if ROW in frame.columns else frame,
            batch_id=batch_id,
            source_kind="import",
            default_title=_source_title(tables, path.name),
            progress=progress,
        )
        if req.save_profile:
            saved.save_profile(
                conn,
                req.save_profile,
                {"columns": req.mapping.columns, "constants": _kept(req.mapping.constants)},
                _profile_hints(req.hints),
                user,
            )
    return ImportResult(batch_id, n, warnings, sheets=sheets, profile_saved=req.save_profile)


def import_file(
    ctx: Context,
    path: Path,
    mapping: ColumnMapping,
    *,
    user: str | None = None,
    vintage: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a file read with ``mapping`` (and nothing else said about it), all rows or none."""
    request = ImportRequest(mapping=mapping, vintage=vintage, force=force)
    return import_observations(ctx, path, request, user=user, progress=progress)


def _kept(constants: dict[str, str]) -> dict[str, str]:
    """Constants worth keeping for next month's file: not the ones that change every month."""
    return {k: v for k, v in constants.items() if k not in ("period", "vintage")}


def save_profile(ctx: Context, name: str, req: ImportRequest, user: str | None) -> None:
    """Save how files are to be read, without importing one."""
    _check_profile_name(name)
    with ctx.transaction() as conn:
        saved.save_profile(
            conn,
            name,
            {"columns": req.mapping.columns, "constants": _kept(req.mapping.constants)},
            _profile_hints(req.hints),
            user,
        )


def profiles(ctx: Context) -> list[dict[str, Any]]:
    with ctx.reading() as conn:
        return saved.list_profiles(conn)


def remove_profile(ctx: Context, name: str) -> None:
    with ctx.transaction() as conn:
        if not saved.remove_profile(conn, name):
            raise NotFound(f"没有名为 {name!r} 的导入方案 / no import profile named {name!r}")
