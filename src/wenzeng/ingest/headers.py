"""One column header of a bureau table, read into what it says about the column.

Bureaus write the meaning of a column into its header: the quantity (营业收入), its unit in
brackets (亿元), what is measured (同比增长(%) is a growth rate on a year earlier, 占比(%) a
share), and the period (本月, 1-9月累计, 2024年9月).  A two-row header arrives as its parts
joined with "/" (营业收入/本月).  Some headers name the role of a column instead: the
entities (地区), the row labels (产品名称, 指标) or the units of the rows (计量单位).

:func:`read_header` reads one header text; it knows words, not the catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

# Roles of a column.
VALUE = "value"  # figures
ENTITY = "entity"  # the entity each row is about
LABEL = "label"  # the product or indicator each row is about
UNIT = "unit"  # the unit of each row's figures
NOTE = "note"  # remarks
SKIP = "skip"  # no observations: sequence numbers, last year's figures, growth on last month

_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    ENTITY: (
        "地区",
        "地区名称",
        "省份",
        "省市",
        "省区市",
        "省(区、市)",
        "省(自治区、直辖市)",
        "地市",
        "城市",
        "区域",
        "单位名称",
        "企业名称",
    ),
    LABEL: ("产品名称", "产品", "主要产品", "指标名称", "指标", "项目", "主要指标", "名称"),
    UNIT: ("计量单位", "单位"),
    NOTE: ("备注", "说明", "注"),
    SKIP: ("序号", "编号", "行次", "代码", "地区代码", "区划代码", "行政区划代码"),
}
_ROLE_OF = {word: role for role, words in _ROLE_WORDS.items() for word in words}
PRODUCT_WORDS = ("产品名称", "产品", "主要产品")  # label columns that name products

# Measures, by the words that end a header part (longest first).
_MEASURE_WORDS = (
    ("比上年同期增长", "yoy_pct"),
    ("比上年同月增长", "yoy_pct"),
    ("比上年同期增减", "yoy_pct"),
    ("比去年同期增长", "yoy_pct"),
    ("比上年增长", "yoy_pct"),
    ("同比增长率", "yoy_pct"),
    ("同比增长", "yoy_pct"),
    ("同比增减", "yoy_pct"),
    ("同比增速", "yoy_pct"),
    ("同比±", "yoy_pct"),
    ("同比", "yoy_pct"),
    ("增长率", "yoy_pct"),
    ("增长", "yoy_pct"),
    ("增速", "yoy_pct"),
    ("增幅", "yoy_pct"),
    ("增减", "yoy_pct"),
    ("±", "yoy_pct"),
    ("占全国比重", "share_pct"),
    ("占全省比重", "share_pct"),
    ("占全市比重", "share_pct"),
    ("占比", "share_pct"),
    ("比重", "share_pct"),
    ("份额", "share_pct"),
    ("绝对值", "level"),
    ("绝对数", "level"),
    ("数值", "level"),
)
_LAST_YEAR = ("上年同期", "去年同期", "上年同月", "上年累计", "去年同月")
_MONTH_ON_MONTH = ("环比", "比上月", "比上期")
# Half and three quarters of a year, as the months they run to.
SPANS = (("前三季度", "1-9月"), ("前两季度", "1-6月"), ("上半年", "1-6月"))
SKIP_WHY: dict[str, tuple[str, str]] = {
    "sequence": ("序号或代码列", "a column of sequence numbers or codes"),
    "last_year": ("上年同期数，仅作比较", "last year's figure, for comparison only"),
    "month_on_month": ("环比，不是同比", "growth on the month before, not on a year earlier"),
    "points": ("百分点变化，不是增速", "a change in percentage points, not a growth rate"),
}

# Periods: words of a running month or a running total, then dated labels.
_MONTH_WORDS = ("本月", "当月")
# the reporting period itself, whatever the title says it is (1-9月 in a table of 1-9月)
_THIS_PERIOD_WORDS = ("本期数", "本期", "当期")
_CUM_WORDS = ("1-本月累计", "1至本月累计", "本年累计", "年初累计", "自年初累计", "本年", "累计")
_RANGE = re.compile(r"^(?:(?P<year>\d{4})年)?(?P<from>\d{1,2})[-—–~至到](?P<to>\d{1,2})月份?")
_MONTH = re.compile(r"^(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月份?")
_QUARTER = re.compile(r"^(?:(?P<year>\d{4})年)?第?[一二三四1-4]季度")
_YEAR = re.compile(r"^(?P<year>\d{4})年(?:全年|度)?")
_UNIT = re.compile(r"\(([^()]*)\)")
_UNIT_LINE = re.compile(r"^单位[:：]\s*(.+)$")


@dataclass(frozen=True)
class HeaderReading:
    """What a header says: its name, unit, measure and period, or the role of its column."""

    text: str  # as written
    name: str | None = None  # the quantity: 营业收入 (no unit, measure or period words)
    label: str | None = None  # the name with its measure words: 5G手机占同期手机出货量比重
    unit: str | None = None  # from brackets: 亿元, 万千瓦, %
    measure: str | None = None  # "level", "yoy_pct", "share_pct"; None when nothing says
    period_type: str | None = None  # "month", "cum_month", "quarter", "year"
    period: str | None = None  # as written: "1-9月", "2024年9月"
    role: str = VALUE  # VALUE, ENTITY, LABEL, UNIT, NOTE or SKIP
    skip: str | None = None  # why a column of figures is no observation: a key of SKIP_WHY

    @property
    def dated(self) -> bool:
        """Whether the period names its year (2024年9月) rather than leaning on the title."""
        return bool(self.period and re.match(r"^\d{4}", self.period))


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), brackets and dashes made one kind, no blanks."""
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    s = s.replace("－", "-").replace("—", "-").replace("–", "-").replace("～", "~")
    return re.sub(r"\s+", "", s)


def _take_unit(part: str) -> tuple[str, str | None]:
    unit = None
    for found in _UNIT.findall(part):
        if found.strip():
            unit = found.strip()
    rest = _UNIT.sub("", part)
    m = _UNIT_LINE.match(rest)
    if m:
        return "", m.group(1)
    return rest, unit


def _take_period_word(part: str) -> tuple[str, str | None, str | None] | None:
    """A word of a running month or total at the start of a part: 本月, 1-9月累计, 本期."""
    for word in _CUM_WORDS:
        if part.startswith(word):
            return part[len(word) :], "cum_month", None
    for word in _THIS_PERIOD_WORDS:
        if part.startswith(word):
            rest = part[len(word) :]
            if rest.startswith("累计"):  # 本期累计
                return rest[2:], "cum_month", None
            return rest, None, None  # the title's period
    for word in _MONTH_WORDS:
        if part.startswith(word):
            rest = part[len(word) :]
            if rest.startswith("累计"):
                return rest[2:], "cum_month", None
            return rest, "month", None
    return None


def _take_period(part: str) -> tuple[str, str | None, str | None]:
    """A period at the start of a part (or all of it): the rest, the type and the label."""
    worded = _take_period_word(part)
    if worded is not None:
        return worded
    m = _RANGE.match(part)
    if m:
        first, last = int(m["from"]), int(m["to"])
        rest = part[m.end() :].removeprefix("累计")
        kind = "cum_month" if first == 1 else ("month" if first == last else "quarter")
        year = f"{m['year']}年" if m["year"] else ""
        return rest, kind, f"{year}{first}-{last}月"
    m = _MONTH.match(part)
    if m:
        rest = part[m.end() :]
        if rest.startswith("累计"):
            return rest[2:], "cum_month", m.group(0)
        return rest, "month", m.group(0)
    m = _QUARTER.match(part)
    if m:
        return part[m.end() :], "quarter", m.group(0)
    m = _YEAR.match(part)
    if m:
        return part[m.end() :], "year", m.group(0)
    return part, None, None


def _take_measure(part: str) -> tuple[str, str | None]:
    for word, measure in _MEASURE_WORDS:
        if part.endswith(word):
            return part[: -len(word)], measure
    return part, None


def _read_part(part: str) -> HeaderReading:
    text = part
    part, unit = _take_unit(part)
    part = part.strip(":：")
    role = _ROLE_OF.get(part)
    if role is not None:
        skip = "sequence" if role == SKIP else None
        return HeaderReading(text, name=part, unit=unit, role=role, skip=skip)
    for words, months in SPANS:
        part = part.replace(words, months)
    part, ptype, period = _take_period(part)
    if ptype is None:  # 营业收入本月, 产量1-9月累计
        for i in range(1, len(part)):
            rest, t, p = _take_period(part[i:])
            if t is not None and not rest:
                part, ptype, period = part[:i], t, p
                break
    label = part
    part, measure = _take_measure(part)
    skip = None
    if any(word in part for word in _LAST_YEAR):
        skip = "last_year"
    elif any(word in label for word in _MONTH_ON_MONTH):
        skip = "month_on_month"
    elif unit == "百分点" and measure == "yoy_pct":
        skip = "points"
    if unit in ("%", "百分比") and measure is None and not part:
        measure = "yoy_pct"  # a bare "(%)" beside a level is its growth
    return HeaderReading(
        text,
        name=part or None,
        label=(label or None) if part else None,
        unit=unit,
        measure=measure,
        period_type=ptype,
        period=period,
        skip=skip,
        role=SKIP if skip else VALUE,
    )


@lru_cache(maxsize=4096)
def read_header(text: str) -> HeaderReading:
    """Read one header text: "营业收入(万元)" → name 营业收入, unit 万元; "同比增长(%)" →
    measure yoy_pct; "营业收入/本月" → name 营业收入, period_type month; "1-9月累计" →
    period_type cum_month, period "1-9月"; "地区" → the entity column."""
    parts = [p for p in normalise(text).split("/") if p]
    if not parts:
        return HeaderReading(text)
    readings = [_read_part(p) for p in parts]
    for r in readings:
        if r.role not in (VALUE, SKIP) or r.skip == "sequence":
            return replace(r, text=text)
    names = [r.name for r in readings if r.name]
    labels = [r.label for r in readings if r.label]
    units = [r.unit for r in readings if r.unit]
    measures = [r.measure for r in readings if r.measure]
    periods = [r for r in readings if r.period_type]
    skip = next((r.skip for r in readings if r.skip), None)
    return HeaderReading(
        text,
        name="".join(names) or None,
        label="".join(labels) or None,
        unit=units[-1] if units else None,
        measure=measures[-1] if measures else None,
        period_type=periods[-1].period_type if periods else None,
        period=next((r.period for r in reversed(periods) if r.period), None),
        role=SKIP if skip else VALUE,
        skip=skip,
    )
