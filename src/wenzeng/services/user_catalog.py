"""The user's catalogue entries: loaded from extension files into the store, listed beside
the built-in ones, removed when nothing uses them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wenzeng.auth.principal import SYSTEM, Principal
from wenzeng.definitions.catalog_file import (
    KIND_ZH,
    KINDS,
    CatalogEntry,
    extend_catalogue,
    is_builtin,
    read_catalog_file,
)
from wenzeng.definitions.units import builtin_units
from wenzeng.definitions.yaml_doc import load_yaml
from wenzeng.errors import Conflict, NotFound, ValidationFailed
from wenzeng.reports.definition import REPORT_KINDS
from wenzeng.services import report_kinds
from wenzeng.services.context import Context
from wenzeng.store.audit import audit
from wenzeng.store.catalog_entries import (
    StoredEntry,
    entry_history,
    remove_entry,
    save_entry,
    series_count,
)
from wenzeng.store.definitions import form_documents, plan_documents


@dataclass(frozen=True)
class CatalogLoad:
    """What loading a file did: the entries new, changed and unchanged, as (kind, code)."""

    file: str
    new: tuple[tuple[str, str], ...]
    changed: tuple[tuple[str, str], ...]
    same: tuple[tuple[str, str], ...]


def load_catalog_file(ctx: Context, path: Path, *, by: Principal = SYSTEM) -> CatalogLoad:
    """Validate an extension file as a whole and store its entries, in one transaction;
    an identical reload changes nothing, a changed entry becomes a new version."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # load_yaml reports it with the file's name
    user = [CatalogEntry(e.kind, e.code, e.document) for e in ctx.user_entries]
    ext = read_catalog_file(
        path,
        text,
        base=ctx.base_catalogue,
        base_units=builtin_units(),
        user=user,
        extra=report_kinds.SECTIONS,
    )
    _check_reports(ctx, ext.file, user, list(ext.entries))
    done: dict[str, list[tuple[str, str]]] = {"new": [], "changed": [], "same": []}
    with ctx.transaction() as conn:
        for e in ext.entries:
            what = save_entry(
                conn,
                kind=e.kind,
                code=e.code,
                document=e.document,
                source_file=ext.file,
                loaded_by=by.username,
            )
            done[what].append((e.kind, e.code))
    ctx.invalidate()
    return CatalogLoad(ext.file, tuple(done["new"]), tuple(done["changed"]), tuple(done["same"]))


def _check_reports(
    ctx: Context, file: str, user: list[CatalogEntry], entries: list[CatalogEntry]
) -> None:
    """The file's report definitions must name indicators the catalogue (with the file's
    own entries) has and forms the store has."""
    reports = [e for e in entries if e.kind == report_kinds.KIND]
    if not reports:
        return
    from wenzeng.services.forms import all_forms

    replaced = {(e.kind, e.code) for e in entries}
    merged = [e for e in user if (e.kind, e.code) not in replaced] + entries
    cat, _ = extend_catalogue(ctx.base_catalogue, builtin_units(), merged)
    forms = all_forms(ctx)
    defs = report_kinds.user_definitions_of(reports)
    issues = [
        i
        for n, e in enumerate(reports)
        for i in report_kinds.definition_problems(
            defs[e.code], cat, forms, file=file, at=f"reports.{n}"
        )
    ]
    if issues:
        raise ValidationFailed(
            f"目录文件有误 / invalid catalogue file: {file} ({len(issues)} problem(s))",
            issues=issues,
        )


def user_entries(ctx: Context, kind: str | None = None) -> list[StoredEntry]:
    return [e for e in ctx.user_entries if kind is None or e.kind == kind]


def origins(ctx: Context, kind: str) -> dict[str, str]:
    """Where each entry of ``kind`` in use comes from: 内置, or the user's file name."""
    return {e.code: e.source_file for e in ctx.user_entries if e.kind == kind}


def history(ctx: Context, kind: str, code: str) -> list[StoredEntry]:
    with ctx.reading() as conn:
        return entry_history(conn, kind, code)


def _documents(rows: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for r in rows:
        try:
            data, _ = load_yaml(Path(r["file"] or r["code"]), r["document"])
        except ValidationFailed:
            continue
        if isinstance(data, dict):
            out.append((str(r["code"]), data))
    return out


def _list(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = doc.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _named_by_plan(doc: dict[str, Any], kind: str, code: str) -> bool:
    key = {"indicator": "indicator", "entity": "entity", "unit": "unit"}.get(kind)
    if key is not None and any(t.get(key) == code for t in _list(doc, "targets")):
        return True
    return kind == "indicator" and any(
        code in (m.get("indicators") or []) for m in _list(doc, "measures")
    )


def _named_by_form(doc: dict[str, Any], kind: str, code: str) -> bool:
    fields = _list(doc, "fields")
    per = doc.get("per_measure")
    if isinstance(per, dict):
        fields += _list(per, "fields")
    return kind in ("indicator", "unit") and any(f.get(kind) == code for f in fields)


def _references(e: StoredEntry, kind: str) -> list[Any]:
    """The codes of ``kind`` a user entry names."""
    d = e.document
    if e.kind == "indicator":
        named = {
            "unit": [d.get("unit")],
            "sector": [d.get("sector")],
            "indicator": [
                d.get("weight_indicator"),
                d.get("numerator"),
                d.get("denominator"),
                *d.get("part_of", []),
                *d.get("same_as", []),
            ],
        }
        return named.get(kind, [])
    if e.kind == "entity":
        named = {"entity": [d.get("parent"), *d.get("members", [])], "sector": d.get("sectors", [])}
        return named.get(kind, [])
    return [d.get("parent")] if e.kind == "sector" == kind else []


def is_builtin_entry(ctx: Context, kind: str, code: str) -> bool:
    """Whether the built-in catalogue (or the built-in report kinds) has this entry."""
    if kind == report_kinds.KIND:
        return code in REPORT_KINDS
    return is_builtin(kind, code, ctx.base_catalogue, builtin_units())


def entry_users(ctx: Context, kind: str, code: str) -> list[str]:
    """What uses a catalogue entry: stored plans, forms, observations, other user entries
    (as sentences, Chinese then English)."""
    with ctx.reading() as conn:
        plans = _documents(plan_documents(conn))
        forms = _documents(form_documents(conn))
        observed = series_count(conn, **{kind: code}) if kind in ("indicator", "entity") else 0
    out = [f"计划 {name} / plan {name}" for name, doc in plans if _named_by_plan(doc, kind, code)]
    out += [f"报表 {name} / form {name}" for name, doc in forms if _named_by_form(doc, kind, code)]
    if observed:
        out.append(f"{observed} 个数据序列 / {observed} stored series")
    out += [
        f"用户{KIND_ZH[e.kind]} {e.code} / user {e.kind} {e.code}"
        for e in ctx.user_entries
        if e.kind in KIND_ZH
        and code in _references(e, kind)
        and not (e.kind == kind and e.code == code)
    ]
    if kind == "indicator":
        reports = report_kinds.user_definitions(ctx)
        out += [
            f"报告类型 {k} / report kind {k}"
            for k, d in reports.items()
            if code in report_kinds.names(d, "indicator")
        ]
    return out


def remove_user_entry(
    ctx: Context, kind: str, code: str, *, force: bool = False, by: Principal = SYSTEM
) -> list[str]:
    """Remove a user's entry (its history is kept); refused (:class:`Conflict`) while a
    stored plan, form, observation or other entry uses it, unless ``force``.  Returns what
    used it."""
    known = (*KINDS, report_kinds.KIND)
    if kind not in known:
        raise NotFound(f"未知条目类型 / unknown kind: {kind!r} (known: {', '.join(known)})")
    zh = KIND_ZH.get(kind, "报告类型")
    if not any(e.kind == kind and e.code == code for e in ctx.user_entries):
        if is_builtin_entry(ctx, kind, code):
            raise Conflict(
                f"{zh} {code} 是内置条目，不能删除 / the {kind} {code} is built in "
                "and cannot be removed"
            )
        raise NotFound(f"没有用户{zh} {code} / no user {kind} {code}")
    users = entry_users(ctx, kind, code)
    if users and not force:
        raise Conflict(
            f"用户{zh} {code} 仍在使用中，不能删除（加 --force 强制删除）：{'；'.join(users)}"
            f" / the user {kind} {code} is in use (--force removes it anyway)"
        )
    with ctx.transaction() as conn:
        remove_entry(conn, kind, code)
        audit(
            conn,
            actor=by.username,
            action="remove",
            object_type=f"catalog_{kind}",
            object_id=code,
            details={"used_by": users, "force": force},
        )
    ctx.invalidate()
    return users
