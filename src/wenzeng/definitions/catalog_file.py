"""Catalogue extension files (``wenzeng/catalog-extension/v1``): units, indicators, entities
and sectors a user adds to the built-in catalogue, validated as a whole, and the catalogue
the built-in one and such entries make together."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wenzeng.definitions.catalogue import Catalogue, indicator_problems
from wenzeng.definitions.units import UnitRecord
from wenzeng.definitions.warning_file import (
    SECTION as WARNINGS,
)
from wenzeng.definitions.warning_file import (
    WARNING_KIND_ZH,
    WARNING_MODELS,
    is_builtin_warning,
    read_warning_section,
)
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
KINDS = (*SECTIONS.values(), *WARNING_MODELS)  # and the warnings: section's rules and signals
KIND_ZH = {
    "unit": "单位",
    "indicator": "指标",
    "entity": "主体",
    "sector": "行业",
    **WARNING_KIND_ZH,
}
_MODELS: dict[str, type[BaseModel]] = {
    "unit": UnitRecord,
    "indicator": Indicator,
    "entity": Entity,
    "sector": Sector,
    **WARNING_MODELS,
}


@dataclass(frozen=True)
class ExtraSection:
    """A section of extension files that the catalogue itself does not use (report
    definitions): its entries are validated by ``model`` and stored beside the others.  An
    entry may take a built-in code (``builtin``) only when it says ``replace: true``."""

    kind: str
    kind_zh: str
    model: type[BaseModel]
    builtin: frozenset[str] = frozenset()


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


def is_builtin(kind: str, code: str, base: Catalogue, base_units: UnitRegistry) -> bool:
    """Whether the built-in catalogue (or units) has an entry of ``kind`` with ``code``."""
    if kind == "unit":
        return base_units.find(code) is not None
    if kind == "indicator":
        return code in base.indicators
    if kind == "entity":
        return code in base.entities
    if kind in WARNING_MODELS:
        return is_builtin_warning(kind, code)
    return code in base.sectors


@dataclass
class _Reader:
    """The problems found so far in one file, each with its line and key."""

    file: str
    lines: LineMap
    issues: list[Issue] = field(default_factory=list)
    where: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)
    extra: Mapping[str, ExtraSection] = field(default_factory=dict)

    @property
    def sections(self) -> dict[str, str]:
        return SECTIONS | {name: x.kind for name, x in self.extra.items()}

    def kind_zh(self, kind: str) -> str:
        return KIND_ZH.get(kind) or next(x.kind_zh for x in self.extra.values() if x.kind == kind)

    def add(self, key: tuple[Any, ...], zh: str, en: str) -> None:
        self.issues.append(_issue(self.file, self.lines, key, zh, en))

    def check_top(self, data: dict[Any, Any]) -> None:
        if data.get("schema") != SCHEMA:
            found = data.get("schema")
            self.add(
                ("schema",),
                f"schema 应为 {SCHEMA}（实为 {found!r}）",
                f"schema must be {SCHEMA} (found {found!r})",
            )
        for key in data:
            if key not in ("schema", WARNINGS) and key not in self.sections:
                self.add(
                    (key,),
                    f"未知的段 {key!r}（可用：{'、'.join((*self.sections, WARNINGS))}）",
                    f"unknown section {key!r} (known: {', '.join((*self.sections, WARNINGS))})",
                )
        if not any(data.get(s) for s in (*self.sections, WARNINGS)):
            self.add((), "文件没有任何条目", "the file has no entries")

    def entry(
        self,
        kind: str,
        where: tuple[Any, ...],
        item: Any,
        base: Catalogue,
        base_units: UnitRegistry,
    ) -> CatalogEntry | None:
        """One entry of a section, validated on its own; None (with the problem) if bad."""
        extra = next((x for x in self.extra.values() if x.kind == kind), None)
        try:
            model = (extra.model if extra else _MODELS[kind]).model_validate(item)
        except ValidationError as exc:
            self.issues.extend(issues_from_validation(exc, self.file, self.lines, where))
            return None
        code = str(getattr(model, "code"))  # noqa: B009
        if (kind, code) in self.where:
            self.add(
                (*where, "code"),
                f"{self.kind_zh(kind)}代码 {code} 在文件中重复",
                f"{kind} code {code} appears twice in the file",
            )
            return None
        self.where[(kind, code)] = where
        if extra is not None:
            return self.extra_entry(extra, where, model, code)
        if is_builtin(kind, code, base, base_units):
            self.add(
                (*where, "code"),
                f"与内置{KIND_ZH[kind]} {code} 同代码：用户条目不能覆盖内置条目",
                f"same code as the built-in {kind} {code}: a user entry cannot replace a "
                "built-in one",
            )
            return None
        return CatalogEntry(kind, code, model.model_dump(mode="json", exclude_defaults=True))

    def extra_entry(
        self, extra: ExtraSection, where: tuple[Any, ...], model: BaseModel, code: str
    ) -> CatalogEntry | None:
        """An entry of an extra section: a built-in code only with ``replace: true``."""
        replace = bool(getattr(model, "replace", False))
        if code in extra.builtin and not replace:
            self.add(
                (*where, "code"),
                f"与内置{extra.kind_zh} {code} 同代码：要替换内置定义，须写明 replace: true",
                f"same code as the built-in {extra.kind} {code}: to replace the built-in "
                "definition say replace: true",
            )
            return None
        if replace and code not in extra.builtin:
            self.add(
                (*where, "replace"),
                f"没有内置{extra.kind_zh} {code} 可替换（去掉 replace 即为新的{extra.kind_zh}）",
                f"there is no built-in {extra.kind} {code} to replace (without replace it is "
                "a new one)",
            )
            return None
        return CatalogEntry(
            extra.kind, code, model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        )

    def entries(
        self, data: dict[Any, Any], base: Catalogue, base_units: UnitRegistry
    ) -> list[CatalogEntry]:
        out: list[CatalogEntry] = []
        for section, kind in self.sections.items():
            items = data.get(section) or []
            if not isinstance(items, list):
                self.add((section,), f"{section} 应为列表", f"{section} must be a list")
                continue
            for i, item in enumerate(items):
                found = self.entry(kind, (section, i), item, base, base_units)
                if found is not None:
                    out.append(found)
        return out

    def need(self, entry: CatalogEntry, key: str, kind: str, code: str | None, ok: bool) -> None:
        """A problem unless ``ok``: the entry's ``key`` names a ``kind`` nothing has."""
        if code is not None and not ok:
            self.add(
                (*self.where[(entry.kind, entry.code)], key),
                f"{KIND_ZH[entry.kind]} {entry.code} 引用了未知{KIND_ZH[kind]} {code!r}",
                f"{entry.kind} {entry.code} names unknown {kind} {code!r}",
            )


def read_catalog_file(
    path: Path,
    text: str | None = None,
    *,
    base: Catalogue,
    base_units: UnitRegistry,
    user: Sequence[CatalogEntry] = (),
    extra: Mapping[str, ExtraSection] | None = None,
) -> CatalogExtension:
    """Validate an extension file as a whole against the built-in catalogue and the user's
    entries already stored (``user``, which the file's entries replace by code); every
    problem is reported at once, with the file, line and key.  ``extra``: the sections
    beyond the catalogue's own (by section name), read with their own model."""
    file = str(path)
    data, lines = load_yaml(path, text)
    reader = _Reader(file, lines, extra=extra or {})
    if not isinstance(data, dict):
        reader.add((), "文件应为映射（键: 值）", "the file must be a mapping")
        raise ValidationFailed(
            f"目录文件有误 / invalid catalogue file: {file}", issues=reader.issues
        )
    reader.check_top(data)
    entries = reader.entries(data, base, base_units)
    if not reader.issues:
        _check_references(reader, entries, base, base_units, user)
    if not reader.issues:
        entries += _warning_entries(reader, data, entries, base, base_units, user)
    if reader.issues:
        raise ValidationFailed(
            f"目录文件有误 / invalid catalogue file: {file} ({len(reader.issues)} problem(s))",
            issues=reader.issues,
        )
    return CatalogExtension(path.name, tuple(entries))


def _unit_clash(m: UnitRecord, reg: UnitRegistry) -> str | None:
    """The other unit whose code or alias one of the unit's names is, if any."""
    mine = {unit_key(a) for a in (m.code, *m.aliases)}
    for u in reg.units.values():
        if u.code != m.code and mine & {unit_key(x) for x in (u.code, *u.aliases)}:
            return u.code
    return None


def _check_entry(
    reader: _Reader, e: CatalogEntry, m: BaseModel, cat: Catalogue, reg: UnitRegistry
) -> None:
    if isinstance(m, UnitRecord):
        clash = _unit_clash(m, reg)
        if clash is not None:
            reader.add(
                (*reader.where[(e.kind, e.code)], "aliases"),
                f"单位 {m.code} 的名称或别名与单位 {clash} 相同",
                f"unit {m.code} has a name or alias of unit {clash}",
            )
    elif isinstance(m, Indicator):
        reader.need(e, "unit", "unit", m.unit, m.unit is None or reg.find(m.unit) is not None)
        reader.need(e, "sector", "sector", m.sector, m.sector in cat.sectors)
        for key in ("weight_indicator", "numerator", "denominator"):
            code = getattr(m, key)
            reader.need(e, key, "indicator", code, code in cat.indicators)
        for code in m.same_as:
            reader.need(e, "same_as", "indicator", code, code in cat.indicators)
    elif isinstance(m, Entity):
        reader.need(e, "parent", "entity", m.parent, m.parent in cat.entities)
        for code in m.members:
            reader.need(e, "members", "entity", code, code in cat.entities)
        for code in m.sectors:
            reader.need(e, "sectors", "sector", code, code in cat.sectors)
    elif isinstance(m, Sector):
        reader.need(e, "parent", "sector", m.parent, m.parent in cat.sectors)


def _check_references(
    reader: _Reader,
    entries: list[CatalogEntry],
    base: Catalogue,
    base_units: UnitRegistry,
    user: Sequence[CatalogEntry],
) -> None:
    """What the file's entries name that neither the catalogue nor the file has, and what
    makes the indicators unusable together (shared names, bad ``part_of``)."""
    replaced = {(e.kind, e.code) for e in entries}
    merged = [e for e in user if (e.kind, e.code) not in replaced] + entries
    cat, reg = extend_catalogue(base, base_units, merged)
    for e in entries:
        if e.kind in _MODELS:
            _check_entry(reader, e, e.model(), cat, reg)
    if not reader.issues:
        with installed_units(reg):
            for p in indicator_problems(cat.indicators):
                reader.add(("indicators",), p, p)


def _warning_entries(
    reader: _Reader,
    data: dict[Any, Any],
    entries: list[CatalogEntry],
    base: Catalogue,
    base_units: UnitRegistry,
    user: Sequence[CatalogEntry],
) -> list[CatalogEntry]:
    """The rules and signals of the file's ``warnings:`` section, checked against the
    catalogue the built-in one, the user's entries and the file's make together."""
    replaced = {(e.kind, e.code) for e in entries}
    merged = [e for e in user if (e.kind, e.code) not in replaced] + entries
    cat, _ = extend_catalogue(base, base_units, merged)
    found, issues = read_warning_section(data, reader.file, reader.lines, set(cat.indicators))
    reader.issues.extend(issues)
    return [CatalogEntry(kind, code, doc) for kind, code, doc in found]


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
        if e.kind not in _MODELS or is_builtin(e.kind, e.code, base, base_units):
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
