"""Report definitions and narrative rules: what a report contains, read from data files."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from wenzeng.definitions.catalogue import catalog_dir
from wenzeng.definitions.yaml_doc import load_model
from wenzeng.domain.text import I18n
from wenzeng.errors import NotFound


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NarrativePart(_Strict):
    kind: Literal["narrative"]
    indicators: list[str] = Field(min_length=1)


class TablePart(_Strict):
    kind: Literal["table"]
    code: str
    caption: I18n
    indicators: list[str] = Field(min_length=1)


class TrendPart(_Strict):
    kind: Literal["trend"]
    code: str
    caption: I18n
    indicators: list[str] = Field(min_length=1)
    months: int = Field(default=24, ge=3, le=120)


class ProductsPart(_Strict):
    kind: Literal["products"]
    code: str
    caption: I18n
    indicators: list[str] = Field(min_length=1)


class RegionsPart(_Strict):
    kind: Literal["regions"]
    code: str
    caption: I18n
    indicator: str
    groups: list[str] = Field(min_length=1)  # the region groups shown, in order
    provinces_indicator: str
    top: int = Field(default=10, ge=1)


class SectorsPart(_Strict):
    kind: Literal["sectors"]
    code: str
    caption: I18n
    indicator: str


class TargetsPart(_Strict):
    kind: Literal["targets"]


class WarningsPart(_Strict):
    kind: Literal["warnings"]
    code: str
    caption: I18n
    top: int = Field(default=12, ge=1)
    compare_previous: bool = False  # split into new and continuing (previous quarter's data)


class FocusPart(_Strict):
    kind: Literal["focus"]
    top: int = Field(default=8, ge=1)


class ReportingPart(_Strict):
    kind: Literal["reporting"]
    forms: list[str] = Field(min_length=1)
    top: int = Field(default=40, ge=1)  # late reporters listed at most


class ProgressPart(_Strict):
    kind: Literal["progress"]
    what: Literal["reporters", "measures", "figures", "problems", "missing"]
    forms: list[str] = Field(min_length=1)


Part = Annotated[
    NarrativePart
    | TablePart
    | TrendPart
    | ProductsPart
    | RegionsPart
    | SectorsPart
    | TargetsPart
    | WarningsPart
    | FocusPart
    | ReportingPart
    | ProgressPart,
    Field(discriminator="kind"),
]


class Section(_Strict):
    heading: I18n
    parts: list[Part] = Field(min_length=1)


class ReportDefinition(_Strict):
    schema_: Literal["wenzeng/report/v1"] = Field(alias="schema")
    code: str = Field(pattern=r"^[a-z_]+$")
    period_type: Literal["quarter", "year"]
    title: I18n
    issuer: I18n
    intro: I18n | None = None
    sections: list[Section] = Field(min_length=1)


class Narrative(_Strict):
    schema_: Literal["wenzeng/report-narrative/v1"] = Field(alias="schema")
    words: dict[
        Literal["up", "down", "flat", "faster", "slower", "narrower", "wider", "points"], I18n
    ]
    frames: dict[Literal["sentence", "sentence_next", "clause_separator", "missing"], I18n]
    clauses: dict[
        Literal[
            "level",
            "yoy",
            "yoy_first",
            "delta",
            "delta_flat",
            "delta_decline",
            "month_yoy",
            "value",
        ],
        I18n,
    ]
    summaries: dict[str, I18n]
    counts: dict[str, dict[str, I18n]] = Field(default_factory=dict)


REPORT_KINDS = ("quarterly", "meeting", "annual")  # the built-in kinds


class UserReportDefinition(ReportDefinition):
    """A report definition from a user's catalogue file: a kind of its own, or, with
    ``replace: true`` said explicitly, the replacement of a built-in kind's definition."""

    replace: bool = False

    def definition(self) -> ReportDefinition:
        return ReportDefinition.model_validate(
            self.model_dump(by_alias=True, exclude={"replace"}, exclude_defaults=True)
        )


@cache
def builtin_report_definition(kind: str) -> ReportDefinition:
    """The built-in definition of a report kind (catalog/reports/<kind>.yaml)."""
    if kind not in REPORT_KINDS:
        raise NotFound(
            f"未知的报告类型 / unknown report kind: {kind!r} (expected {', '.join(REPORT_KINDS)})"
        )
    return load_model(ReportDefinition, catalog_dir() / "reports" / f"{kind}.yaml")


def report_kinds(user: Mapping[str, ReportDefinition] | None = None) -> tuple[str, ...]:
    """The report kinds: the built-in ones, then the user's own (``user``: the definitions
    loaded from the user's files, by code; those of built-in codes replace them)."""
    return REPORT_KINDS + tuple(sorted(k for k in (user or {}) if k not in REPORT_KINDS))


def report_definition(
    kind: str, user: Mapping[str, ReportDefinition] | None = None
) -> ReportDefinition:
    """The definition of a report kind: the user's (``user``, by code) when there is one,
    else the built-in one."""
    found = (user or {}).get(kind)
    if found is not None:
        return found
    if kind not in REPORT_KINDS:
        raise NotFound(
            f"未知的报告类型 / unknown report kind: {kind!r} "
            f"(expected {', '.join(report_kinds(user))})"
        )
    return builtin_report_definition(kind)


@cache
def narrative_rules() -> Narrative:
    return load_model(Narrative, catalog_dir() / "reports" / "narrative.yaml")
