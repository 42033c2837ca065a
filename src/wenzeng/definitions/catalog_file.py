"""Catalogue extension files (``wenzeng/catalog-extension/v1``): units, indicators, entities
and sectors a user adds to the built-in catalogue, validated as a whole, and the catalogue
the built-in one and such entries make together."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wenzeng.definitions.catalogue import Catalogue, indicator_problems
from wenzeng.definitions.units import UnitRecord
from wenzeng.definitions.yaml_doc import LineMap, issues_from_validation, line_for, load_yaml
from wenzeng.domain.catalog import Entity, Indicator, Sector
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.units import Unit, UnitRegistry, unit_key, units, use_units
from wenzeng.errors import ValidationFailed

SCHEMA = "wenzeng/catalog-extension/v1"

# section of the file → kind of entry, in the order entries are checked and applied
SECTIONS: dict[str, str] = {
    "units": "unit",
    "sectors": "sector",
    "indicators": "indicator",
    "entities": "entity",
}
KINDS = tuple(SECTIONS.values())
KIND_ZH = {"unit": "单位", "indicator": "指标", "entity": "主体", "sector": "行业"}
_MODELS: dict[str, type[BaseModel]] = {
    "unit": UnitRecord,
    "indicator": Indicator,
    "entity": Entity,
    "sector": Sector,
}


@dataclass(frozen=True)
class CatalogEntry:
    """One entry of an extension: its kind, code and the entry as JSON (defaults left out,
    so that the same entry written twice is the same document)."""

    kind: str
    code: str
    document: dict[str, Any]

    def model(self) -> BaseModel:
        return _MODELS[self.kind].model_validate(self.document)


@dataclass(frozen=True)
class CatalogExtension:
    file: str
    entries: tuple[CatalogEntry, ...]


def _issue(file: str, lines: LineMap, key: tuple[Any, ...], zh: str, en: str) -> Issue:
    return Issue(
        Location(file=file, line=line_for(key, lines), key=".".join(str(k) for k in key) or None),
        IssueCode.REFERENCE,
        zh,
        en,
    )


def _builtin_of(kind: str, code: str, base: Catalogue, base_units: UnitRegistry) -> bool:
    if kind == "unit":
        return base_units.find(code) is not None
    if kind == "indicator":
        return code in base.indicators
    if kind == "entity":
        return code in base.entities
    return code in base.sectors


def read_catalog_file(
    path: Path,
    text: str | None = None,
    *,
    base: Catalogue,
    base_units: UnitRegistry,
    user: Sequence[CatalogEntry] = (),
) -> CatalogExtension:
    """Validate an extension file as a whole against the built-in catalogue and the user's
    entries already stored (``user``, which the file's entries replace by code); every
    problem is reported at once, with the file, line and key."""
    file = str(path)
    data, lines = load_yaml(path, text)
    issues: list[Issue] = []
    if not isinstance(data, dict):
        issues.append(
            _issue(file, lines, (), "文件应为映射（键: 值）", "the file must be a mapping")
        )
        raise ValidationFailed(f"目录文件有误 / invalid catalogue file: {file}", issues=issues)
    if data.get("schema") != SCHEMA:
        issues.append(
            _issue(
                file,
                lines,
                ("schema",),
                f"schema 应为 {SCHEMA}（实为 {data.get('schema')!r}）",
                f"schema must be {SCHEMA} (found {data.get('schema')!r})",
            )
        )
    for key in data:
        if key != "schema" and key not in SECTIONS:
            issues.append(
                _issue(
                    file,
                    lines,
                    (key,),
                    f"未知的段 {key!r}（可用：{'、'.join(SECTIONS)}）",
                    f"unknown section {key!r} (known: {', '.join(SECTIONS)})",
                )
            )
    if not any(data.get(s) for s in SECTIONS):
        issues.append(_issue(file, lines, (), "文件没有任何条目", "the file has no entries"))
    entries: list[CatalogEntry] = []
    seen: dict[tuple[str, str], tuple[Any, ...]] = {}
    for section, kind in SECTIONS.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            issues.append(
                _issue(file, lines, (section,), f"{section} 应为列表", f"{section} must be a list")
            )
            continue
        for i, item in enumerate(items):
            where = (section, i)
            try:
                model = _MODELS[kind].model_validate(item)
            except ValidationError as exc:
                issues.extend(issues_from_validation(exc, file, lines, where))
                continue
            code = str(getattr(model, "code"))  # noqa: B009
            if (kind, code) in seen:
                issues.append(
                    _issue(
                        file,
                        lines,
                        (*where, "code"),
                        f"{KIND_ZH[kind]}代码 {code} 在文件中重复",
                        f"{kind} code {code} appears twice in the file",
                    )
                )
                continue
            seen[(kind, code)] = where
            if _builtin_of(kind, code, base, base_units):
                issues.append(
                    _issue(
                        file,
                        lines,
                        (*where, "code"),
                        f"与内置{KIND_ZH[kind]} {code} 同代码：用户条目不能覆盖内置条目",
                        f"same code as the built-in {kind} {code}: a user entry cannot "
                        "replace a built-in one",
                    )
                )
                continue
            document = model.model_dump(mode="json", exclude_defaults=True)
            entries.append(CatalogEntry(kind, code, document))
    if not issues:
        issues.extend(_reference_problems(file, lines, entries, seen, base, base_units, user))
    if issues:
        raise ValidationFailed(
            f"目录文件有误 / invalid catalogue file: {file} ({len(issues)} problem(s))",
            issues=issues,
        )
    return CatalogExtension(path.name, tuple(entries))


def _reference_problems(
    file: str,
    lines: LineMap,
    entries: list[CatalogEntry],
    where: Mapping[tuple[str, str], tuple[Any, ...]],
    base: Catalogue,
    base_units: UnitRegistry,
    user: Sequence[CatalogEntry],
) -> list[Issue]:
    """What the file's entries name that neither the catalogue nor the file has."""
    replaced = {(e.kind, e.code) for e in entries}
    merged = [e for e in user if (e.kind, e.code) not in replaced] + entries
    cat, reg = extend_catalogue(base, base_units, merged)
    out: list[Issue] = []

    def need(entry: CatalogEntry, key: str, kind: str, code: str | None, known: bool) -> None:
        if code is not None and not known:
            out.append(
                _issue(
                    file,
                    lines,
                    (*where[(entry.kind, entry.code)], key),
                    f"{KIND_ZH[entry.kind]} {entry.code} 引用了未知{KIND_ZH[kind]} {code!r}",
                    f"{entry.kind} {entry.code} names unknown {kind} {code!r}",
                )
            )

    for e in entries:
        m = e.model()
        if isinstance(m, UnitRecord):
            others = [u for u in reg.units.values() if u.code != m.code]
            clash = next(
                (
                    u.code
                    for u in others
                    for a in (m.code, *m.aliases)
                    if unit_key(a) in {unit_key(x) for x in (u.code, *u.aliases)}
                ),
                None,
            )
            if clash is not None:
                out.append(
                    _issue(
                        file,
                        lines,
                        (*where[(e.kind, e.code)], "aliases"),
                        f"单位 {m.code} 的名称或别名与单位 {clash} 相同",
                        f"unit {m.code} has a name or alias of unit {clash}",
                    )
                )
        elif isinstance(m, Indicator):
            need(e, "unit", "unit", m.unit, m.unit is None or reg.find(m.unit) is not None)
            need(e, "sector", "sector", m.sector, m.sector in cat.sectors)
            for key in ("weight_indicator", "numerator", "denominator"):
                code = getattr(m, key)
                need(e, key, "indicator", code, code in cat.indicators)
            for code in m.same_as:
                need(e, "same_as", "indicator", code, code in cat.indicators)
        elif isinstance(m, Entity):
            need(e, "parent", "entity", m.parent, m.parent in cat.entities)
            for code in m.members:
                need(e, "members", "entity", code, code in cat.entities)
            for code in m.sectors:
                need(e, "sectors", "sector", code, code in cat.sectors)
        elif isinstance(m, Sector):
            need(e, "parent", "sector", m.parent, m.parent in cat.sectors)
    if not out:
        with installed_units(reg):
            out.extend(
                _issue(file, lines, ("indicators",), p, p)
                for p in indicator_problems(cat.indicators)
            )
    return out


@contextmanager
def installed_units(registry: UnitRegistry) -> Iterator[None]:
    """Within the block the module-level unit helpers consult ``registry``."""
    previous = units()
    use_units(registry)
    try:
        yield
    finally:
        use_units(previous)


def extend_catalogue(
    base: Catalogue, base_units: UnitRegistry, entries: Sequence[CatalogEntry]
) -> tuple[Catalogue, UnitRegistry]:
    """The built-in catalogue and units with the user's ``entries``; an entry whose code a
    built-in one has, or that no longer validates, is left out (the built-in one wins)."""
    indicators = dict(base.indicators)
    entities = dict(base.entities)
    sectors = dict(base.sectors)
    extra_units: list[Unit] = []
    for e in entries:
        if _builtin_of(e.kind, e.code, base, base_units):
            continue
        try:
            m = e.model()
        except ValidationError:
            continue
        if isinstance(m, UnitRecord):
            extra_units.append(m.unit())
        elif isinstance(m, Indicator):
            indicators[m.code] = m
        elif isinstance(m, Entity):
            entities[m.code] = m
        elif isinstance(m, Sector):
            sectors[m.code] = m
    registry = base_units.with_units(extra_units) if extra_units else base_units
    if (
        len(indicators) == len(base.indicators)
        and len(entities) == len(base.entities)
        and len(sectors) == len(base.sectors)
    ):
        return base, registry
    return Catalogue(indicators, entities, sectors), registry
