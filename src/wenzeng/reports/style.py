"""The report layout (fonts, sizes, margins, colours), read from a data file."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from wenzeng.definitions.catalogue import catalog_dir
from wenzeng.definitions.yaml_doc import load_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Margins(_Strict):
    top: float
    bottom: float
    left: float
    right: float


class Page(_Strict):
    size: Literal["A4"] = "A4"
    margin_mm: Margins


class Font(_Strict):
    families: list[str] = Field(min_length=1)
    size_pt: float = Field(gt=0)
    bold: bool = False

    @property
    def first(self) -> str:
        return self.families[0]

    def css_stack(self) -> str:
        generic = {"serif", "sans-serif", "monospace"}
        return ", ".join(f if f in generic else f'"{f}"' for f in self.families)


class Fonts(_Strict):
    title: Font
    subtitle: Font
    heading1: Font
    heading2: Font
    body: Font
    table: Font
    note: Font
    page_number: Font
    latin: Font
    chart: Font


class Colours(_Strict):
    series: list[str] = Field(min_length=1)
    reference: str


class ReportStyle(_Strict):
    schema_: Literal["wenzeng/report-style/v1"] = Field(alias="schema")
    page: Page
    fonts: Fonts
    body_line_pt: float = Field(gt=0)
    first_line_indent_chars: int = Field(ge=0)
    colours: Colours


@cache
def report_style() -> ReportStyle:
    """The built-in report layout (catalog/reports/style.yaml)."""
    return load_model(ReportStyle, catalog_dir() / "reports" / "style.yaml")
