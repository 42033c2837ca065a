"""The ``warnings:`` section of a catalogue extension file: warning rules and signal-light
indicators a user adds to the built-in ones (``catalog/warnings.yaml``), in the same schema.

A user's rule is checked as a built-in one is (its detector's parameter model, the series it
needs) and against the catalogue the file makes; it cannot take the code of a built-in rule,
nor a signal the indicator of a built-in signal: a user entry never silently shadows a
built-in one.  The rules in force are the built-in ones and the user's
(:func:`with_user_warnings`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from wenzeng.definitions.catalogue import catalog_dir
from wenzeng.definitions.yaml_doc import LineMap, issues_from_validation, line_for, load_model
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.warning_rules import SignalIndicator, WarningConfig, WarningRule

SECTION = "warnings"
WARNING_MODELS: dict[str, type[BaseModel]] = {
    "warning_rule": WarningRule,
    "warning_signal": SignalIndicator,
}
WARNING_KIND_ZH = {"warning_rule": "预警规则", "warning_signal": "信号灯指标"}
_PARTS = {"rules": "warning_rule", "signals": "warning_signal"}

Found = tuple[str, str, dict[str, Any]]  # kind, code, document


@cache
def builtin_warnings() -> WarningConfig:
    """The built-in rules and signal lights (``catalog/warnings.yaml``)."""
    return load_model(WarningConfig, catalog_dir() / "warnings.yaml")


def is_builtin_warning(kind: str, code: str) -> bool:
    base = builtin_warnings()
    if kind == "warning_rule":
        return any(r.code == code for r in base.rules)
    return any(s.indicator == code for s in base.signals)


def _code(model: BaseModel) -> str:
    return model.code if isinstance(model, WarningRule) else str(getattr(model, "indicator"))  # noqa: B009


def _document(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=True)


@dataclass
class _Section:
    """The problems found so far in a file's ``warnings:`` section."""

    file: str
    lines: LineMap
    indicators: Collection[str]
    issues: list[Issue] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, key: tuple[Any, ...], zh: str, en: str) -> None:
        where = Location(
            file=self.file, line=line_for(key, self.lines), key=".".join(map(str, key))
        )
        self.issues.append(Issue(where, IssueCode.REFERENCE, zh, en))

    def item(self, kind: str, where: tuple[Any, ...], item: Any) -> Found | None:
        """One rule or signal, validated and checked; None (with the problem) if bad."""
        try:
            model = WARNING_MODELS[kind].model_validate(item)
        except ValidationError as exc:
            self.issues.extend(issues_from_validation(exc, self.file, self.lines, where))
            return None
        code = _code(model)
        name_zh = WARNING_KIND_ZH[kind]
        if (kind, code) in self.seen:
            self.add(
                where, f"{name_zh} {code} 在文件中重复", f"{kind} {code} appears twice in the file"
            )
            return None
        self.seen.add((kind, code))
        if is_builtin_warning(kind, code):
            self.add(
                where,
                f"与内置{name_zh} {code} 同名：用户条目不能覆盖内置条目（请换一个代码）",
                f"same name as the built-in {kind} {code}: a user entry cannot replace a "
                "built-in one (choose another code)",
            )
            return None
        unknown = [ind for ind in _indicators(model) if ind not in self.indicators]
        for ind in unknown:
            self.add(
                where,
                f"{name_zh} {code} 引用了未知指标 {ind!r}",
                f"{kind} {code} names unknown indicator {ind!r}",
            )
        return None if unknown else (kind, code, _document(model))


def read_warning_section(
    data: dict[Any, Any], file: str, lines: LineMap, indicators: Collection[str]
) -> tuple[list[Found], list[Issue]]:
    """The entries of the file's ``warnings:`` section (none when it has none) and every
    problem with them, each with its line and key; ``indicators`` are those the catalogue
    and the file define."""
    section = data.get(SECTION)
    reader = _Section(file, lines, indicators)
    if section is None:
        return [], []
    if not isinstance(section, dict):
        reader.add(
            (SECTION,),
            "warnings 应为映射（rules、signals）",
            "warnings must be a mapping (rules, signals)",
        )
        return [], reader.issues
    for key in section:
        if key not in _PARTS:
            reader.add(
                (SECTION, key),
                f"warnings 中未知的段 {key!r}（可用：rules、signals）",
                f"unknown part {key!r} of warnings (known: rules, signals)",
            )
    out: list[Found] = []
    for part, kind in _PARTS.items():
        items = section.get(part) or []
        if not isinstance(items, list):
            reader.add(
                (SECTION, part), f"warnings.{part} 应为列表", f"warnings.{part} must be a list"
            )
            continue
        for i, item in enumerate(items):
            found = reader.item(kind, (SECTION, part, i), item)
            if found is not None:
                out.append(found)
    return out, reader.issues


def _indicators(model: BaseModel) -> list[str]:
    if isinstance(model, WarningRule):
        return sorted({s.indicator for s in model.needed_series()})
    return [str(getattr(model, "indicator"))]  # noqa: B009


def with_user_warnings(
    base: WarningConfig, entries: Iterable[tuple[str, str, dict[str, Any]]]
) -> WarningConfig:
    """The built-in rules and signals with the user's (kind, code, document) entries after
    them; an entry that has a built-in one's name, or no longer validates, is left out."""
    rules = list(base.rules)
    signals = list(base.signals)
    codes = {r.code for r in rules}
    signalled = {s.indicator for s in signals}
    for kind, code, document in entries:
        if kind not in WARNING_MODELS:
            continue
        try:
            model = WARNING_MODELS[kind].model_validate(document)
        except ValidationError:
            continue
        if isinstance(model, WarningRule) and code not in codes:
            rules.append(model)
            codes.add(code)
        elif isinstance(model, SignalIndicator) and model.indicator not in signalled:
            signals.append(model)
            signalled.add(model.indicator)
    if len(rules) == len(base.rules) and len(signals) == len(base.signals):
        return base
    return base.model_copy(update={"rules": rules, "signals": signals})
