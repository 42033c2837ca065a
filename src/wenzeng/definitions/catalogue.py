"""The built-in catalogues (indicators, entities, sectors) and plans, read from data files."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from wenzeng.definitions.yaml_doc import line_for, load_yaml, validate_document
from wenzeng.domain.catalog import Entity, EntityKind, Indicator, Measure, Sector
from wenzeng.domain.forms import Form
from wenzeng.domain.forms import FormField as FormFieldT
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.names import IndicatorNames, unit_fits
from wenzeng.domain.plan import Plan
from wenzeng.domain.plausibility import Relations, part_relations, with_catalogue_checks
from wenzeng.domain.text import I18n
from wenzeng.domain.units import UnitError, conversion_factor, units
from wenzeng.errors import NotFound, ValidationFailed


class _IndicatorsDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["wenzeng/indicators/v1"] = Field(alias="schema")
    indicators: list[Indicator]


class _EntitiesDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["wenzeng/entities/v1"] = Field(alias="schema")
    entities: list[Entity]


class _SectorsDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["wenzeng/sectors/v1"] = Field(alias="schema")
    sectors: list[Sector]


T = TypeVar("T")


def catalog_dir() -> Path:
    return Path(str(resources.files("wenzeng") / "catalog"))


def builtin_plan_files() -> list[Path]:
    return sorted((catalog_dir() / "plans").glob("*.yaml"))


def _key(label: str) -> str:
    """An entity label as compared: NFKC, case folded, without spaces (tables pad 北　京)."""
    return "".join(unicodedata.normalize("NFKC", label).split()).casefold()


@dataclass(frozen=True)
class IndicatorMatch:
    """What a label resolved to: one indicator, or the candidates it could mean (maybe none)."""

    code: str | None
    candidates: tuple[str, ...] = ()


@dataclass
class Catalogue:
    indicators: dict[str, Indicator]
    entities: dict[str, Entity]
    sectors: dict[str, Sector]
    _labels: dict[str, str] = field(default_factory=dict, repr=False)
    _names: IndicatorNames | None = field(default=None, repr=False, compare=False)
    _relations: Relations | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for e in self.entities.values():
            for label in (
                e.code,
                e.name.zh,
                e.name.en,
                *e.aliases,
                *((e.short_name.zh, e.short_name.en) if e.short_name else ()),
            ):
                self._labels.setdefault(_key(label), e.code)

    def indicator(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise NotFound(f"未知指标 / unknown indicator: {code!r}") from None

    @property
    def names(self) -> IndicatorNames:
        """The indicators' codes, names and aliases, as labels in files are looked up."""
        if self._names is None:
            self._names = IndicatorNames(self.indicators)
        return self._names

    @property
    def relations(self) -> Relations:
        """The plausibility relations of the indicators (minimum, part_of)."""
        if self._relations is None:
            self._relations = Relations.of(self.indicators)
        return self._relations

    def find_indicator(
        self, label: str, *, unit: str | None = None, entity_kind: str | None = None
    ) -> IndicatorMatch:
        """The indicator a label in a file names: its code, a name or an alias.

        Labels are compared normalised (:func:`label_key`: NFKC, no spaces, one kind of
        bracket, no leading 其中：/#, 规上 = 规模以上, 营收 = 营业收入); a trailing bracketed
        unit (手机（万台）) is dropped and, when ``unit`` is not given, taken as the unit.
        A label several indicators claim is narrowed by ``unit`` (as written beside the
        label, e.g. 万台: its dimension must fit the indicator's unit) and ``entity_kind``
        (the kind of the row's entity: province, nation …).
        """
        found, written_unit = self.names.claimants(label)
        unit = unit or written_unit
        if len(found) > 1 and unit:
            found = [c for c in found if unit_fits(unit, self.indicators[c])] or found
        if len(found) > 1 and entity_kind:
            found = [c for c in found if entity_kind in self.indicators[c].entity_kinds] or found
        return IndicatorMatch(found[0] if len(found) == 1 else None, tuple(found))

    def find_entity(self, label: str) -> Entity | None:
        code = self._labels.get(_key(label))
        return self.entities.get(code) if code else None

    def entity(self, label: str) -> Entity:
        found = self.find_entity(label)
        if found is None:
            raise NotFound(f"未知主体 / unknown entity: {label!r}")
        return found

    def entities_of(self, *kinds: EntityKind) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind in kinds]

    def with_entities(self, extra: list[Entity]) -> Catalogue:
        """A catalogue that also knows ``extra`` entities (enterprises from the store)."""
        merged = dict(self.entities)
        merged.update({e.code: e for e in extra})
        return Catalogue(
            self.indicators, merged, self.sectors, _names=self._names, _relations=self._relations
        )

    def check_plan(self, plan: Plan, file: str) -> list[Issue]:
        """Problems in a plan's references to the catalogue."""
        out = []
        for i, t in enumerate(plan.targets):
            where = Location(file=file, key=f"targets.{i}")
            if t.is_qualitative:
                continue  # a qualitative target names no indicator
            ind = self.indicators.get(t.indicator)
            if ind is None:
                out.append(
                    Issue(
                        where,
                        IssueCode.REFERENCE,
                        f"目标 {t.code} 引用了未知指标 {t.indicator!r}",
                        f"target {t.code} names unknown indicator {t.indicator!r}",
                    )
                )
                continue
            derivable = t.measure is Measure.YOY_PCT and Measure.LEVEL in ind.measures
            if t.measure not in ind.measures and not derivable:  # growth may come from levels
                out.append(
                    Issue(
                        where,
                        IssueCode.REFERENCE,
                        f"指标 {t.indicator} 不以 {t.measure.value} 发布",
                        f"indicator {t.indicator} is not published as {t.measure.value}",
                    )
                )
            if self.find_entity(t.entity) is None:
                out.append(
                    Issue(
                        where,
                        IssueCode.REFERENCE,
                        f"目标 {t.code} 引用了未知主体 {t.entity!r}",
                        f"target {t.code} names unknown entity {t.entity!r}",
                    )
                )
            unit = t.threshold_unit if t.computation.value == "count_above" else t.unit
            if t.measure.value == "level" and ind.unit and unit:
                try:
                    conversion_factor(unit, ind.unit)
                except UnitError as exc:
                    out.append(Issue(where, IssueCode.UNIT_MISMATCH, str(exc), str(exc)))
        for i, m in enumerate(plan.measures):
            out.extend(
                Issue(
                    Location(file=file, key=f"measures.{i}.indicators"),
                    IssueCode.REFERENCE,
                    f"举措 {m.code} 引用了未知指标 {code!r}",
                    f"measure {m.code} names unknown indicator {code!r}",
                )
                for code in m.indicators
                if code not in self.indicators
            )
        return out


D = TypeVar("D", bound=BaseModel)


def _load_doc(model: type[D], name: str) -> D:
    path = catalog_dir() / name
    data, lines = load_yaml(path)
    return validate_document(model, data, str(path), lines)


def _unique(items: list[T], file: str) -> dict[str, T]:
    codes = [getattr(i, "code") for i in items]  # noqa: B009
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValidationFailed(f"{file}: 代码重复 / duplicate codes: {', '.join(dupes)}")
    return dict(zip(codes, items, strict=True))


def indicator_problems(indicators: dict[str, Indicator]) -> list[str]:
    """What makes a set of indicators unusable together: a name or alias several claim that
    neither a unit nor an entity kind tells apart, a ``part_of`` naming an unknown indicator
    or one whose unit its own does not convert to, a part that contains its whole."""
    out = [
        f"名称 {key!r} 被 {'、'.join(codes)} 共用，而单位和主体类型都无法区分 / the name "
        f"{key!r} is shared by {', '.join(codes)}, which neither unit nor entity kind tells apart"
        for key, codes in IndicatorNames(indicators).shared_without_need().items()
    ]
    for ind in indicators.values():
        for whole in ind.part_of:
            other = indicators.get(whole)
            if other is None:
                out.append(
                    f"{ind.code}: part_of 引用了未知指标 {whole!r} / part_of names unknown "
                    f"indicator {whole!r}"
                )
            elif (ind.unit is None) != (other.unit is None) or (
                ind.unit and other.unit and not units().convertible(ind.unit, other.unit)
            ):
                out.append(
                    f"{ind.code}: 单位 {ind.unit} 与 {whole} 的单位 {other.unit} 不可比 / unit "
                    f"{ind.unit} cannot be compared with {whole}'s unit {other.unit}"
                )
    try:
        part_relations(indicators)
    except ValueError as exc:
        out.append(str(exc))
    return out


@cache
def builtin_catalogue() -> Catalogue:
    indicators = _unique(_load_doc(_IndicatorsDoc, "indicators.yaml").indicators, "indicators.yaml")
    problems = indicator_problems(indicators)
    if problems:
        raise ValidationFailed("indicators.yaml: " + "; ".join(problems))
    return Catalogue(
        indicators=indicators,
        entities=_unique(_load_doc(_EntitiesDoc, "entities.yaml").entities, "entities.yaml"),
        sectors=_unique(_load_doc(_SectorsDoc, "sectors.yaml").sectors, "sectors.yaml"),
    )


def read_plan(path: Path, text: str | None = None, catalogue: Catalogue | None = None) -> Plan:
    """Validate a plan file: its schema, then its references to the catalogue."""
    data, lines = load_yaml(path, text)
    plan = validate_document(Plan, data, str(path), lines)
    problems = [
        replace(i, loc=replace(i.loc, line=line_for(tuple(i.loc.key.split(".")), lines)))
        if i.loc.key
        else i
        for i in (catalogue or builtin_catalogue()).check_plan(plan, str(path))
    ]
    if problems:
        raise ValidationFailed(
            f"计划文件引用有误 / plan file has bad references: {path}", issues=problems
        )
    return plan


def builtin_form_files() -> list[Path]:
    return sorted((catalog_dir() / "forms").glob("*.yaml"))


def read_form(path: Path, text: str | None = None, catalogue: Catalogue | None = None) -> Form:
    """Validate a form file: its schema and rules, then its references to the catalogue."""
    data, lines = load_yaml(path, text)
    form = validate_document(Form, data, str(path), lines)
    cat = catalogue or builtin_catalogue()
    problems = []
    for i, f in enumerate(form.fields):
        if not f.indicator:
            continue
        where = Location(file=str(path), key=f"fields.{i}", line=line_for(("fields", i), lines))
        ind = cat.indicators.get(f.indicator)
        if ind is None:
            problems.append(
                Issue(
                    where,
                    IssueCode.REFERENCE,
                    f"字段 {f.code} 引用了未知指标 {f.indicator!r}",
                    f"field {f.code} names unknown indicator {f.indicator!r}",
                )
            )
            continue
        if f.measure not in ind.measures:
            problems.append(
                Issue(
                    where,
                    IssueCode.REFERENCE,
                    f"指标 {f.indicator} 没有口径 {f.measure}",
                    f"indicator {f.indicator} has no measure {f.measure}",
                )
            )
        if f.measure is Measure.LEVEL and ind.unit and f.unit:
            try:
                conversion_factor(f.unit, ind.unit)
            except UnitError as exc:
                problems.append(Issue(where, IssueCode.UNIT_MISMATCH, exc.zh, exc.en))
        elif f.measure is not Measure.LEVEL and f.unit not in (None, "%"):
            problems.append(
                Issue(
                    where,
                    IssueCode.UNIT_MISMATCH,
                    f"字段 {f.code} 的单位应为 %",
                    f"field {f.code} must be in %",
                )
            )
    if problems:
        raise ValidationFailed(
            f"报表文件引用有误 / form file has bad references: {path}", issues=problems
        )
    return with_catalogue_checks(form, cat.relations)


def measure_field_code(measure: str, field: str) -> str:
    """The code of a per-measure field of a form, e.g. ``m2_1__status``."""
    return f"m{measure.replace('.', '_').lower()}__{field}"


def expand_fields(form: Form, plan: Plan | None) -> list[FormFieldT]:
    """The form's fields, with per-measure fields repeated for each measure of the plan."""
    if form.per_measure is None:
        return list(form.fields)
    if plan is None or plan.code != form.per_measure.plan:
        raise NotFound(
            f"报表 {form.code} 需要计划 {form.per_measure.plan} / form {form.code} needs plan "
            f"{form.per_measure.plan}"
        )
    out = list(form.fields)
    for m in plan.measures:
        for f in form.per_measure.fields:
            code = measure_field_code(m.code, f.code)
            label = I18n(
                zh=f"{m.code} {m.title.zh}：{f.label.zh}", en=f"{m.code} {m.title.en}: {f.label.en}"
            )
            out.append(f.model_copy(update={"code": code, "label": label}))
    return out
