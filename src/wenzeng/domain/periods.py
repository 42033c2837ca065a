"""Reference periods as Chinese statistics publish them.

Four kinds of period occur:

* ``month``      — one calendar month alone (当月), code ``2024-09``;
* ``cum_month``  — January to the given month (1-9月累计), code ``2024-01~09``.
  NBS and MIIT publish January and February together, so the first
  cumulative period of a year is ``2024-01~02`` (1-2月);
* ``quarter``    — code ``2024-Q3``;
* ``year``       — code ``2024``.

Codes sort correctly as strings within one kind.  :func:`parse_period`
also reads the labels offices write: ``2024年1-9月``, ``2024年1—2月``,
``2024年9月``, ``2024年三季度``, ``2024年上半年``, ``2024年``, full-width
digits included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from wenzeng.domain.text import BilingualError, quote


class PeriodType(StrEnum):
    MONTH = "month"
    CUM_MONTH = "cum_month"
    QUARTER = "quarter"
    YEAR = "year"


class PeriodError(BilingualError):
    """A period label that cannot be read."""


_CN_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A reference period. ``index`` is the month (1-12), quarter (1-4) or 0 for a year."""

    year: int
    type: PeriodType
    index: int = 0

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2200:
            raise PeriodError(f"年份超出范围 / year out of range: {self.year}")
        limits = {
            PeriodType.MONTH: (1, 12),
            PeriodType.CUM_MONTH: (1, 12),
            PeriodType.QUARTER: (1, 4),
            PeriodType.YEAR: (0, 0),
        }
        lo, hi = limits[self.type]
        if not lo <= self.index <= hi:
            what_zh = {"month": "月份", "cum_month": "累计截止月份", "quarter": "季度"}.get(
                self.type.value, "序号"
            )
            what_en = {"month": "month", "cum_month": "cumulative month", "quarter": "quarter"}.get(
                self.type.value, "index"
            )
            raise PeriodError(
                f"{what_zh}应在{lo}–{hi}之间，填写的是{self.index}",
                f"the {what_en} must be {lo}–{hi}, not {self.index}",
            )

    # -- constructors -------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, PeriodType.MONTH, month)

    @classmethod
    def cum_month(cls, year: int, month: int) -> Period:
        return cls(year, PeriodType.CUM_MONTH, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(year, PeriodType.QUARTER, quarter)

    @classmethod
    def annual(cls, year: int) -> Period:
        return cls(year, PeriodType.YEAR, 0)

    # -- representations ----------------------------------------------------------
    @property
    def code(self) -> str:
        """The canonical code stored in the database and used in URLs."""
        if self.type is PeriodType.YEAR:
            return f"{self.year:04d}"
        if self.type is PeriodType.QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        if self.type is PeriodType.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        return f"{self.year:04d}-01~{self.index:02d}"

    @property
    def label_zh(self) -> str:
        if self.type is PeriodType.YEAR:
            return f"{self.year}年"
        if self.type is PeriodType.QUARTER:
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        if self.type is PeriodType.MONTH:
            return f"{self.year}年{self.index}月"
        if self.index == 1:
            return f"{self.year}年1月"
        return f"{self.year}年1-{self.index}月"

    @property
    def label_en(self) -> str:
        months = [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ]
        if self.type is PeriodType.YEAR:
            return str(self.year)
        if self.type is PeriodType.QUARTER:
            return f"{self.year} Q{self.index}"
        if self.type is PeriodType.MONTH:
            return f"{months[self.index - 1]} {self.year}"
        if self.index == 1:
            return f"Jan {self.year}"
        return f"Jan–{months[self.index - 1]} {self.year}"

    def __str__(self) -> str:
        return self.code

    # -- calendar -----------------------------------------------------------------
    @property
    def first_month(self) -> int:
        if self.type is PeriodType.MONTH:
            return self.index
        if self.type is PeriodType.QUARTER:
            return 3 * self.index - 2
        return 1

    @property
    def last_month(self) -> int:
        if self.type in (PeriodType.MONTH, PeriodType.CUM_MONTH):
            return self.index
        if self.type is PeriodType.QUARTER:
            return 3 * self.index
        return 12

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        m = self.last_month
        nxt = date(self.year + 1, 1, 1) if m == 12 else date(self.year, m + 1, 1)
        return nxt - timedelta(days=1)

    def shift_years(self, years: int) -> Period:
        """The same period ``years`` earlier or later (the base of a YoY comparison)."""
        return Period(self.year + years, self.type, self.index)

    def previous(self) -> Period | None:
        """The period before, of the same type; ``None`` at the start of a cumulative year."""
        if self.type is PeriodType.YEAR:
            return Period.annual(self.year - 1)
        if self.type is PeriodType.CUM_MONTH:
            return None if self.index <= 2 else Period.cum_month(self.year, self.index - 1)
        if self.index == 1:
            last = 4 if self.type is PeriodType.QUARTER else 12
            return Period(self.year - 1, self.type, last)
        return Period(self.year, self.type, self.index - 1)


_CODE_RE = re.compile(
    r"""^(?P<year>\d{4})
        (?:
          -(?P<month>\d{1,2})                       # 2024-09
        | -?Q(?P<quarter>[1-4])                     # 2024-Q3, 2024Q3
        | -(?:0?1)?~(?P<cum>\d{1,2})                # 2024-01~09, 2024-~09
        | -YTD(?P<ytd>\d{1,2})                      # 2024-YTD09
        )?$""",
    re.X | re.I,
)

_LABEL_RE = re.compile(
    r"""^(?P<year>\d{4})\s*年?\s*
        (?:
          (?P<from>\d{1,2})\s*[-—–~至到]\s*(?P<to>\d{1,2})\s*月(?:份)?(?:累计)?   # 1-9月
        | (?P<month>\d{1,2})\s*月(?:份)?(?P<mcum>累计)?                            # 9月
        | 第?(?P<quarter>[一二三四1-4])\s*季度                                       # 三季度
        | (?P<half>上|下)半年                                                         # 上半年
        | (?P<fullyear>全年|年度)?                                                   # 2024年
        )\s*$""",
    re.X,
)


def _normalise(text: str) -> str:
    # NFKC folds full-width digits, letters and the ideographic space to ASCII.
    s = unicodedata.normalize("NFKC", text).strip()
    return s.replace("－", "-").replace("〜", "~")


@lru_cache(maxsize=4096)
def parse_period(text: str, period_type: str | None = None) -> Period:
    """Read a period code or a Chinese period label.

    ``period_type`` ('month' or 'cum_month') disambiguates a plain ``2024-09``,
    which on its own is read as a single month.
    """
    raw = text
    s = _normalise(str(text))
    if not s:
        raise PeriodError("期间为空 / period is empty")
    if period_type is not None:
        try:
            wanted = PeriodType(period_type)
        except ValueError as exc:
            raise PeriodError(
                f"未知的期间类型 / unknown period type: {quote(period_type)} "
                f"(expected one of {', '.join(t.value for t in PeriodType)})"
            ) from exc
    else:
        wanted = None
    period = _parse_code(s) or _parse_label(s)
    if period is None:
        raise PeriodError(
            f"无法识别的期间 / unreadable period: {quote(raw)} "
            "(expected e.g. 2024, 2024-Q3, 2024-09, 2024-01~09, 2024年1-9月)"
        )
    if wanted is not None and wanted is not period.type:
        if wanted is PeriodType.CUM_MONTH and period.type is PeriodType.MONTH:
            return Period.cum_month(period.year, period.index)
        if wanted is PeriodType.MONTH and period.type is PeriodType.CUM_MONTH and period.index == 1:
            return Period.month(period.year, 1)
        raise PeriodError(
            f"期间 {quote(raw)} 不是 {wanted.value} / period {quote(raw)} is a {period.type.value}, "
            f"not a {wanted.value}"
        )
    return period


def _parse_code(s: str) -> Period | None:
    m = _CODE_RE.match(s)
    if not m:
        return None
    year = int(m["year"])
    if m["month"]:
        return Period.month(year, int(m["month"]))
    if m["quarter"]:
        return Period.quarter(year, int(m["quarter"]))
    if m["cum"] or m["ytd"]:
        return Period.cum_month(year, int(m["cum"] or m["ytd"]))
    return Period.annual(year)


def _parse_label(s: str) -> Period | None:
    m = _LABEL_RE.match(s)
    if not m:
        return None
    year = int(m["year"])
    if m["from"]:
        first, last = int(m["from"]), int(m["to"])
        if first != 1:
            if first == last:
                return Period.month(year, first)
            if last == first + 2 and first in (1, 4, 7, 10):
                return Period.quarter(year, (first + 2) // 3)
            raise PeriodError(
                f"只支持从1月起的累计期间 / cumulative periods must start in January: {quote(s)}"
            )
        if last < first:
            raise PeriodError(f"期间终止月早于起始月 / period ends before it starts: {quote(s)}")
        return Period.cum_month(year, last)
    if m["month"]:
        month = int(m["month"])
        return Period.cum_month(year, month) if m["mcum"] else Period.month(year, month)
    if m["quarter"]:
        return Period.quarter(year, _CN_QUARTERS[m["quarter"]])
    if m["half"]:
        if m["half"] == "上":
            return Period.cum_month(year, 6)
        raise PeriodError(
            f"下半年不是累计期间，请按季度或月份报送 / 'second half' is not a cumulative "
            f"period; report quarters or months instead: {quote(s)}"
        )
    return Period.annual(year)


def reporting_period(period_type: PeriodType, today: date | None = None) -> Period:
    """The period normally being reported now for a form of ``period_type``: this year for
    an annual form, last quarter for a quarterly one, otherwise last month."""
    today = today or date.today()
    if period_type is PeriodType.YEAR:
        return Period.annual(today.year)
    if period_type is PeriodType.QUARTER:
        q = (today.month - 1) // 3
        return Period.quarter(today.year, q) if q else Period.quarter(today.year - 1, 4)
    if today.month == 1:
        return Period.month(today.year - 1, 12)
    return Period.month(today.year, today.month - 1)
