"""Where a bureau table's title, header, data and notes are: pure functions over a Grid.

:func:`detect` splits a :class:`~wenzeng.ingest.framing.Grid` into the rows above the
header (title rows, a ``单位：亿元`` line, blank rows), the header (one row, or two when
the first holds group labels over blanks or merges and the second the sub-labels), the
data rows, and the note rows below them (``注：…``, ``资料来源：…``).  :func:`find_period`
and :func:`find_unit` read a title's period and unit.  Nothing here reads files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from wenzeng.domain.periods import PeriodError, parse_period
from wenzeng.ingest.framing import Framed, Framing, Grid, NoteRow

Cells = Sequence[str | None]

# -- single cells -----------------------------------------------------------------------------
_NUMBER = re.compile(r"^[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?$")
_YEARLIKE = re.compile(r"^(?:19|20|21)\d\d(?:年)?$")

# A note's first cell: 注：… 说明 备注 附注 * ※ ①; a source line: 资料来源：… 数据来源 来源.
_SOURCE = re.compile(r"^(?:资料来源|数据来源|来源)(?:\s|[：:（(]|$)")
_NOTE = re.compile(
    r"^(?:注(?:释|解)?(?=[\s：:（(、.．0-9①-⑳]|$)|说明(?=[\s：:（(]|$)|备注|附注|[*＊※①-⑳])"
)
# Lines below a form's table: who made it, when (单位负责人：… 填表人：… 报出日期：…)
_SIGNED = re.compile(
    r"^(?:单位负责人|统计负责人|负责人|填表人|填报人|制表人|审核人|联系电话|报出日期|制表日期)\s*[：:]"
)
_ITEM = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])")
_SENTENCE_MARKS = re.compile(r"[，。；;、]")
_CJK = re.compile(r"[一-鿿]")

# Lines above a header that say something about the table: 单位：亿元, 时间：2024年9月, 填报单位：…
_UNIT = re.compile(r"(?:计量|金额|价值量|货币)?单位\s*[：:]\s*([^\s，,；;）)\]】]+)")
_META = re.compile(
    r"^[（(【\[]?\s*(?:(?:计量|金额|价值量|货币)?单位|时间|报告期|统计时间|填报单位|制表单位|"
    r"填报日期|填表日期|表号|制表机关|批准机关|批准文号|文号|有效期至)\s*[：:]"
)
_UNIT_LINE = re.compile(r"^[（(【\[]?\s*(?:计量|金额|价值量|货币)?单位\s*[：:]")

# Periods as titles write them; the text is NFKC-folded first (full-width digits).
_PERIOD = re.compile(
    r"(?<!\d)(?P<year>\d{4})\s*年\s*(?:"
    r"(?P<from>\d{1,2})\s*(?:[-—–~〜至到]|--)\s*(?P<to>\d{1,2})\s*月"
    r"|(?P<q3>前三季度)"
    r"|(?P<q2>前两季度|前二季度)"
    r"|第?(?P<quarter>[一二三四1-4])\s*季度"
    r"|(?P<half>上)半年"
    r"|(?P<month>\d{1,2})\s*月(?:份)?(?P<mcum>累计)?"
    r"|(?P<yearonly>)(?![上下]半年|\d))"
)


def is_number(text: str | None) -> bool:
    """A cell holding a figure: 12.5, -3, 1,234, 45%, full-width digits too."""
    if not text:
        return False
    s = unicodedata.normalize("NFKC", text).replace(" ", "")
    return any(ch.isdigit() for ch in s) and bool(_NUMBER.match(s))


def find_unit(text: str) -> str | None:
    """The unit a line or title names: 单位：亿元, 计量单位：万元, （单位：亿元）."""
    m = _UNIT.search(unicodedata.normalize("NFKC", text).replace("：", ":"))
    return m.group(1) if m else None


def find_period(text: str) -> str | None:
    """The first period a title names, as a label :func:`parse_period` reads back
    (2024年1-9月, 2024年9月, 2024年第三季度, 2024年); None when it names none."""
    s = unicodedata.normalize("NFKC", text)
    for m in _PERIOD.finditer(s):
        year = m["year"]
        if m["from"]:
            label = f"{year}年{int(m['from'])}-{int(m['to'])}月"
        elif m["q3"]:
            label = f"{year}年1-9月"
        elif m["q2"] or m["half"]:
            label = f"{year}年1-6月"
        elif m["quarter"]:
            label = f"{year}年第{m['quarter']}季度"
        elif m["month"]:
            label = f"{year}年{int(m['month'])}月{m['mcum'] or ''}"
        else:
            label = f"{year}年"
        try:
            return parse_period(label).label_zh
        except PeriodError:
            continue  # 2024年13月, 2024年4-9月: not a period, look further
    return None


# -- rows -------------------------------------------------------------------------------------
def _distinct(cells: Cells) -> list[str]:
    """The row's texts, each once (a merge filled across repeats its text)."""
    seen: list[str] = []
    for c in cells:
        if c and c not in seen:
            seen.append(c)
    return seen


def _long_sentence(text: str) -> bool:
    return bool(_CJK.search(text)) and (
        len(text) >= 25 or (len(text) >= 12 and bool(_SENTENCE_MARKS.search(text)))
    )


def note_kind(cells: Cells, after_note: bool = False) -> str | None:
    """``"note"`` or ``"source"`` when a row below the header is a footnote, not data.

    The first filled cell starts with 注/说明/备注/资料来源/数据来源/来源/*/①, or with 1./（1）
    right after a note; or the row is one long sentence in its first cell.  A row with a
    figure in another cell is data (``*其中：国有企业, 12.5``); so is a row of dashes.
    """
    texts = _distinct(cells)
    if not texts:
        return None
    first = texts[0].strip()
    if any(is_number(t) for t in texts[1:]):
        return None
    if _SOURCE.match(first):
        return "source"
    if _NOTE.match(first) or _SIGNED.match(first) or _META.match(first):
        return "note"
    if after_note and _ITEM.match(first):
        return "note"
    if len(texts) == 1 and cells and cells[0] == texts[0] and _long_sentence(first):
        return "note"
    return None


def _above_header(cells: Cells) -> tuple[str | None, list[str]] | None:
    """(title text or None, meta cells) when a row above the header is a title or a line
    such as 单位：亿元; None when the row could be the header."""
    title: str | None = None
    meta: list[str] = []
    for text in _distinct(cells):
        if _META.match(text):
            meta.append(text)
        elif title is None and not is_number(text):
            title = text
        else:
            return None
    return title, meta


def _grouped(top: Cells, sub: Cells) -> bool:
    """The top row has a group label over blank cells, with sub-labels under both."""
    for c in range(1, min(len(top), len(sub))):
        if top[c] is None and sub[c] is not None:
            j = c - 1
            while j >= 0 and top[j] is None:
                j -= 1
            if j >= 0 and sub[j] is not None and sub[j] != top[j]:
                return True
    return False


def _merged_header(merges: Sequence[tuple[int, int, int, int]], row: int) -> bool:
    """A merge starting in the header's row spans columns or rows (row is 1-based)."""
    return any(r1 == row and (c2 > c1 or r2 > r1) for r1, c1, r2, c2 in merges)


def unique_names(header: Sequence[str]) -> list[str]:
    """Column names for a frame: 名称, 名称_2; a blank header becomes column_N."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, text in enumerate(header):
        name = text or f"column_{i + 1}"
        while name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen[name] = 1
        names.append(name)
    return names


def _clean(cells: Cells) -> list[str | None]:
    out: list[str | None] = []
    for c in cells:
        s = c.strip() if c else None
        out.append(s or None)
    return out


@dataclass
class _Above:
    """What the rows above the header said."""

    header: int | None = None  # index of the header's (first) row
    notes: list[NoteRow] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    unit: str | None = None
    period: str | None = None  # from a 时间：/报告期： line


def _above(rows: list[list[str | None]], numbers: list[int]) -> _Above:
    """Find the header's row; the title, unit and meta rows above it."""
    out = _Above()
    # a one-text row is a title only above a table with rows of two or more texts
    wider_below = [False] * (len(rows) + 1)
    for i in range(len(rows) - 1, -1, -1):
        wider_below[i] = wider_below[i + 1] or len(_distinct(rows[i])) >= 2
    for i, r in enumerate(rows):
        if not any(r):
            continue
        top = _above_header(r) if wider_below[i + 1] else None
        if top is None:
            out.header = i
            return out
        title, meta = top
        if title is not None:
            out.titles.append(title)
            out.notes.append(NoteRow(numbers[i], title, "title"))
        for text in meta:
            is_unit = bool(_UNIT_LINE.match(text))
            out.notes.append(NoteRow(numbers[i], text, "unit" if is_unit else "title"))
            if is_unit:
                out.unit = out.unit or find_unit(text)
            else:
                out.period = out.period or find_period(text)
    return out


def _fill_groups(top: list[str | None], sub: list[str | None]) -> None:
    """A group label over blank cells (CSV's way of a merge) spreads over them."""
    for c in range(1, min(len(top), len(sub))):
        if top[c] is None and sub[c] is not None:
            j = c - 1
            while j >= 0 and top[j] is None:
                j -= 1
            if j >= 0 and sub[j] is not None and sub[j] != top[j]:
                top[c] = top[j]


def _header(grid: Grid, rows: list[list[str | None]], h: int) -> tuple[list[str], int]:
    """Each column's header text (parts joined with "/") and the header's depth."""
    top = list(rows[h])
    sub = list(rows[h + 1]) if h + 1 < len(rows) else []
    lines = [top]
    figures = any(is_number(t) and not _YEARLIKE.match(t) for t in sub if t)
    if sub and not figures and (_merged_header(grid.merges, grid.numbers[h]) or _grouped(top, sub)):
        _fill_groups(top, sub)
        lines.append(sub)
    header: list[str] = []
    for c in range(max(len(r) for r in lines)):
        parts: list[str] = []
        for r in lines:
            text = r[c] if c < len(r) else None
            if text and text not in parts:
                parts.append(text)
        header.append("/".join(parts))
    return header, len(lines)


def detect(grid: Grid, *, fixed_width: bool = False) -> Framed:
    """Split a grid into header, data rows and notes; see the module's text.

    ``fixed_width`` (CSV): the header's fields are the table's width, and a data row with
    a filled cell past them is listed in ``Framed.wide`` for the reader to refuse; else
    (Excel) columns with data but no header are kept, named column_N.
    """
    rows = [_clean(r) for r in grid.cells]
    numbers = grid.numbers
    above = _above(rows, numbers)
    notes = above.notes
    if above.header is None:  # nothing but blank rows
        return Framed([], [], [], Framing(notes=tuple(notes)))
    h = above.header
    header, depth = _header(grid, rows, h)
    width = len(header)
    data: list[list[str | None]] = []
    data_numbers: list[int] = []
    wide: list[tuple[int, int]] = []
    after_note = False
    for i in range(h + depth, len(rows)):
        r = rows[i]
        if not any(r):
            continue
        kind = note_kind(r, after_note)
        after_note = kind is not None
        if kind is not None:
            notes.append(NoteRow(numbers[i], " ".join(_distinct(r)), kind))
            continue
        data.append(r)
        data_numbers.append(numbers[i])
        last = max(c for c, v in enumerate(r) if v is not None) + 1
        if last > width and fixed_width:
            wide.append((numbers[i], len(grid.cells[i])))
        elif last > width:
            header.extend([""] * (last - width))
            width = last
    while (
        width > 1
        and not header[width - 1]
        and all(len(r) < width or r[width - 1] is None for r in data)
    ):
        width -= 1
    header = header[:width]
    in_title = next((p for p in map(find_period, above.titles) if p), None)
    unit = above.unit or next((u for u in map(find_unit, above.titles) if u), None)
    framing = Framing(
        title=" ".join(above.titles) or None,
        header_rows=tuple(numbers[h + k] for k in range(depth)),
        header=tuple(header),
        notes=tuple(sorted(notes, key=lambda nr: nr.row)),
        period=in_title or above.period,  # the title's period, else a 时间：… line's
        unit=unit,
    )
    rows_out = [(r + [None] * width)[:width] for r in data]
    return Framed(unique_names(header), rows_out, data_numbers, framing, wide)
