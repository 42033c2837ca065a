"""Report kinds: the built-in definitions and those users load from catalogue files
(``reports:`` section of ``wenzeng catalog load``), a kind of their own or the explicit
replacement of a built-in one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from wenzeng.definitions.catalog_file import CatalogEntry, ExtraSection
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.domain.labels import REPORT_KIND
from wenzeng.errors import ValidationFailed
from wenzeng.reports.definition import (
    REPORT_KINDS,
    ReportDefinition,
    UserReportDefinition,
    report_definition,
    report_kinds,
)
from wenzeng.services.context import Context

KIND = "report"
SECTIONS = {
    "reports": ExtraSection(KIND, "报告", UserReportDefinition, frozenset(REPORT_KINDS)),
}


@dataclass(frozen=True)
class ReportKind:
    """A report kind as listed: its code, names, period type and where its definition is
    from (内置, or the user's file, ``replaces`` when it replaces the built-in one)."""

    code: str
    name_zh: str
    name_en: str
    period_type: str
    origin: str
    replaces: bool


def _user_definitions(entries: Iterable[CatalogEntry]) -> dict[str, ReportDefinition]:
    found = {}
    for e in entries:
        if e.kind != KIND:
            continue
        if e.code in REPORT_KINDS and not e.document.get("replace"):
            continue  # a kind a newer package builds in: the built-in one, unless replace is said
        try:
            found[e.code] = UserReportDefinition.model_validate(e.document).definition()
        except ValidationError:
            continue  # a stored entry no longer valid (a newer schema): the built-in one wins
    return found


def user_definitions_of(entries: Iterable[CatalogEntry]) -> dict[str, ReportDefinition]:
    """The report definitions among ``entries``, by code."""
    return _user_definitions(entries)


def user_definitions(ctx: Context) -> dict[str, ReportDefinition]:
    """The report definitions from the user's files in use, by code."""

    def read() -> dict[str, ReportDefinition]:
        return _user_definitions(CatalogEntry(e.kind, e.code, e.document) for e in ctx.user_entries)

    return ctx.kept(("report_definitions",), read, on=("definitions",))


def kinds(ctx: Context) -> tuple[str, ...]:
    """Every report kind: built in first, then the user's."""
    return report_kinds(user_definitions(ctx))


def kind_names(ctx: Context) -> dict[str, tuple[str, str]]:
    """Each kind's name (Chinese, English): the label of a built-in kind, the title of a
    user's own kind (without its period)."""
    user = user_definitions(ctx)
    out = {}
    for k in kinds(ctx):
        if k in REPORT_KIND:
            out[k] = REPORT_KIND[k]
        else:
            t = user[k].title
            out[k] = (_no_period(t.zh), _no_period(t.en or t.zh))
    return out


def _no_period(title: str) -> str:
    return title.replace("{period}", "").strip(" ,，:：") or title


def listed(ctx: Context) -> list[ReportKind]:
    """The report kinds with their names and origins."""
    origin = {e.code: e.source_file for e in ctx.user_entries if e.kind == KIND}
    user = user_definitions(ctx)
    names = kind_names(ctx)
    return [
        ReportKind(
            code=k,
            name_zh=names[k][0],
            name_en=names[k][1],
            period_type=report_definition(k, user).period_type,
            origin=origin.get(k, "内置") if k in user else "内置",
            replaces=k in user and k in REPORT_KINDS,
        )
        for k in kinds(ctx)
    ]


def _named(d: ReportDefinition) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The indicators and forms a definition names, each with the key that names it."""
    indicators: list[tuple[str, str]] = []
    forms: list[tuple[str, str]] = []
    for si, section in enumerate(d.sections):
        for pi, part in enumerate(section.parts):
            key = f"sections.{si}.parts.{pi}"
            data: dict[str, Any] = part.model_dump()
            for name in ("indicator", "provinces_indicator"):
                if data.get(name):
                    indicators.append((f"{key}.{name}", data[name]))
            indicators += [(f"{key}.indicators", c) for c in data.get("indicators") or []]
            forms += [(f"{key}.forms", c) for c in data.get("forms") or []]
    return indicators, forms


def definition_problems(
    d: ReportDefinition, cat: Catalogue, forms: Iterable[str], *, file: str | None, at: str
) -> list[Issue]:
    """What a definition names that the catalogue or the stored forms lack."""
    indicators, form_refs = _named(d)
    known_forms = set(forms)
    out = [
        Issue(
            Location(file=file, key=f"{at}.{key}"),
            IssueCode.REFERENCE,
            f"报告 {d.code} 引用了未知指标 {code!r}",
            f"report {d.code} names unknown indicator {code!r}",
        )
        for key, code in indicators
        if code not in cat.indicators
    ]
    out += [
        Issue(
            Location(file=file, key=f"{at}.{key}"),
            IssueCode.REFERENCE,
            f"报告 {d.code} 引用了未知报表 {code!r}",
            f"report {d.code} names unknown form {code!r}",
        )
        for key, code in form_refs
        if code not in known_forms
    ]
    return out


def names(d: ReportDefinition, kind: str) -> set[str]:
    """The codes of ``kind`` (indicator or form) a definition names."""
    indicators, forms = _named(d)
    return {c for _, c in (indicators if kind == "indicator" else forms)}


def definition(ctx: Context, kind: str) -> ReportDefinition:
    """The definition of a report kind in use; a user's definition naming an indicator or
    form no longer there is refused with the reason (:class:`ValidationFailed`)."""
    from wenzeng.services.forms import all_forms

    user = user_definitions(ctx)
    d = report_definition(kind, user)
    if kind in user:
        problems = definition_problems(d, ctx.catalogue, all_forms(ctx), file=None, at=kind)
        if problems:
            zh = "；".join(i.msg_zh for i in problems[:3])
            en = "; ".join(i.msg_en for i in problems[:3])
            raise ValidationFailed(
                f"报告类型 {kind} 暂不可用：{zh} / the report kind {kind} is unavailable: {en}",
                issues=problems,
            )
    return d
