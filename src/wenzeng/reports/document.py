"""A report as a tree of blocks, independent of the format it is rendered in.

Builders turn store contents into a :class:`Document`; renderers turn a document into
HTML, PDF or DOCX.  Every printed figure is a :class:`Fig` whose ``ref`` numbers a
:class:`Source` of the document, so each figure can be traced to its observation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from wenzeng.domain.citing import publisher_text, title_in


@dataclass(frozen=True)
class Source:
    """Where a printed figure comes from: one stored observation."""

    ref: int  # the number printed after the figure, 1..n in order of first use
    indicator: str
    indicator_name: str
    entity: str
    entity_name: str
    period: str  # period code, e.g. 2024-01~09
    period_label: str
    measure: str  # level | yoy_pct | share_pct
    value: float
    value_text: str  # as printed, with unit
    vintage: date
    source_title: str
    source_url: str | None
    simulated: bool
    publisher: str = ""  # who published the figure, where the stored copy names it
    release: str = ""  # the title of the release it was published in


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Fig:
    """A figure as printed (``text``), and the number of its source (None: derived)."""

    text: str
    ref: int | None = None
    value: float | None = None


Run = Text | Fig


def plain(runs: tuple[Run, ...]) -> str:
    """The runs as plain text, without source numbers."""
    return "".join(r.text for r in runs)


@dataclass(frozen=True)
class Heading:
    level: Literal[1, 2]
    text: str


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    # body: running text; note: small print under a table or chart;
    # missing: says that data for something are missing (shown highlighted)
    style: Literal["body", "note", "missing"] = "body"
    simulated: bool = False  # says something of simulated demo data (marked where printed)

    @property
    def text(self) -> str:
        return plain(self.runs)


Cell = tuple[Run, ...]


@dataclass(frozen=True)
class Table:
    code: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: tuple[bool, ...]  # per column: right-aligned numbers
    note: str | None = None
    simulated: bool = False  # shows simulated demo data (its caption says so)


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart drawn from figures of the document; ``code`` is unique within it."""

    code: str
    caption: str
    kind: Literal["line", "bar", "barh"]
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    y_label: str
    note: str | None = None
    reference: float | None = None  # a horizontal reference line (e.g. a target), if any
    # drawn from simulated demo data (its caption says so); None: as the part's data
    simulated: bool | None = None


Block = Heading | Paragraph | Table | Chart


@dataclass(frozen=True)
class Document:
    kind: str  # quarterly | meeting | annual
    lang: Literal["zh", "en"]
    title: str
    subtitle: str  # the period, e.g. 2024年第三季度
    issuer: str  # e.g. 工业和信息化部电子信息司
    date_text: str  # the date printed under the title (the data vintage)
    as_of: date
    period: str  # period code
    blocks: tuple[Block, ...]
    sources: tuple[Source, ...] = field(default=())
    simulated: bool = False  # some figures are simulated demo data
    cover_notes: tuple[str, ...] = ()  # said once on the cover (e.g. figures not yet published)

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """Every text of the document, in order (for checks and searching)."""
        parts = [self.title, self.subtitle, self.issuer, self.date_text, *self.cover_notes]
        for b in self.blocks:
            if isinstance(b, (Heading, Paragraph)):
                parts.append(b.text)
            elif isinstance(b, Table):
                parts.append(b.caption)
                parts.extend(b.header)
                parts.extend(plain(c) for row in b.rows for c in row)
                if b.note:
                    parts.append(b.note)
            else:
                parts.append(b.caption)
                parts.extend(b.categories)
                parts.extend(s.name for s in b.series)
                parts.append(b.y_label)
                if b.note:
                    parts.append(b.note)
        for s in self.sources:  # as the list of sources prints them
            parts.extend([s.indicator_name, s.entity_name, s.period_label])
            parts.extend(
                [publisher_text(s.publisher, self.lang), s.release]
                if s.publisher
                else [title_in(s.source_title, self.lang)]
            )
        return "\n".join(parts)


TITLE_WIDTH = 20.0  # characters of the 2号 title on a line of the A4 text width
_TITLE_BREAKS = ("季度", "年", "制造业", "行动方案")  # where a Chinese title may be broken


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def title_lines(title: str, width: float = TITLE_WIDTH) -> list[str]:
    """A Chinese title too long for one line, broken into two balanced lines at a word's end
    (2024年第三季度 / 电子信息制造业运行座谈会材料), never leaving a word alone on a line."""
    if _width(title) <= width or not any("\u4e00" <= ch <= "\u9fff" for ch in title):
        return [title]
    cuts = [i for i in range(1, len(title)) if title[:i].endswith(_TITLE_BREAKS)]
    if not cuts:
        return [title]
    best = min(cuts, key=lambda i: max(_width(title[:i]), _width(title[i:])))
    return [title[:best], title[best:]]


# Words the renderers print around the content, in both languages.
LABELS: dict[str, dict[str, str]] = {
    "sources": {"zh": "数据来源", "en": "Sources"},
    "source_columns": {
        "zh": "序号|指标|地区/主体|期间|数值|数据版本|来源",
        "en": "No.|Indicator|Area / party|Period|Value|Vintage|Source",
    },
    "simulated": {
        "zh": "说明：标注“模拟”的数据为演示用模拟数据，不是统计数据。",
        "en": "Note: figures marked 'simulated' are simulated demonstration data, not statistics.",
    },
    "simulated_mark": {"zh": "模拟", "en": "simulated"},
    # after a caption or a sentence drawn from simulated data
    "simulated_data": {"zh": "（模拟数据）", "en": " (simulated data)"},
    "chart": {"zh": "图", "en": "Figure "},  # before a chart's number
    "table": {"zh": "表", "en": "Table "},  # before a table's number
    "page": {"zh": "— {n} —", "en": "— {n} —"},
    "missing": {"zh": "【数据缺失】", "en": "[Missing data] "},  # before a missing-data paragraph
}


def label(key: str, lang: str) -> str:
    return LABELS[key]["en" if lang == "en" else "zh"]
