"""The labels of a wide table looked up in the catalogue: row and column labels cleaned of
their typography, the indicator a label names in the context of its table, the entity and
period a title names, and near candidates for a label that names nothing."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from wenzeng.definitions.catalogue import Catalogue, IndicatorMatch
from wenzeng.domain.catalog import Entity, EntityKind
from wenzeng.domain.periods import Period, PeriodError, parse_period
from wenzeng.ingest.headers import SPANS, normalise

# Rows that total the others: they are about the entity the title names.
SUMMARY_LABELS = frozenset(
    ("合计", "总计", "总计", "全国", "全省", "全市", "全区", "全国合计", "全省合计", "全市合计")
    + ("全区合计", "全省总计", "全市总计", "合计数", "总额", "全部")
)
NATION_LABELS = frozenset(("全国", "全国合计", "全国总计"))
# Words that name what a product table counts: 手机 in a table of 产量 is 手机产量.
CONTEXT_WORDS = ("产量", "出货量", "销量", "零售量", "零售额", "出口量", "产值")

_COMPONENT = re.compile(r"^(?:其中[:：]?|内[:：])")
_NUMBERING = re.compile(r"^(?:\d{1,2}[.、]|\(\d{1,2}\)|[一二三四五六七八九十]{1,3}、|[①-⑳])")
_TITLE_PERIOD = re.compile(
    r"\d{4}年(?:\d{1,2}[-~至到]\d{1,2}月(?:份)?|\d{1,2}月(?:份)?|第?[一二三四1-4]季度|上半年|全年)?"
)


@dataclass(frozen=True)
class Label:
    """A row label as written and as read."""

    text: str  # as written
    key: str  # full-width folded, blanks, numbering and 其中 taken off
    component: bool  # "其中：智能手机", or indented under the row above


def read_label(text: str) -> Label:
    indented = text[:1].isspace()  # the ideographic space \u3000 included
    key = normalise(text)
    component = indented
    m = _COMPONENT.match(key)
    if m and m.end() < len(key):
        key, component = key[m.end() :], True
    key = _NUMBERING.sub("", key, count=1) or key
    return Label(text, key, component)


def is_summary(key: str) -> bool:
    return key in SUMMARY_LABELS


def contexts(title: str | None, names: list[str]) -> list[str]:
    """The words that say what a product table counts, from its title and headers."""
    found = [w for w in CONTEXT_WORDS if any(w in (n or "") for n in names)]
    found += [w for w in CONTEXT_WORDS if title and w in normalise(title) and w not in found]
    return found


def indicator_for(
    catalogue: Catalogue, label: str, *, unit: str | None, context: list[str]
) -> IndicatorMatch:
    """The indicator a row or column label names: "手机" in a table of 产量 is tried as
    手机产量 first, then as 手机 with its unit.  The first label that names one indicator
    wins; otherwise the first that names several, to be listed."""
    tries = [label + word for word in context if not label.endswith(word)] + [label]
    ambiguous: IndicatorMatch | None = None
    for text in tries:
        found = catalogue.find_indicator(text, unit=unit)
        if found.code:
            return found
        if found.candidates and ambiguous is None:
            ambiguous = found
    return ambiguous or IndicatorMatch(None, ())


def near_indicators(catalogue: Catalogue, label: str, most: int = 5) -> list[str]:
    """Indicators whose names hold the label, or come close to it: "code 名称" each."""
    key = normalise(label).casefold()
    if not key:
        return []
    names = {normalise(i.name.zh).casefold(): i.code for i in catalogue.indicators.values()}
    held = [code for name, code in names.items() if key in name]
    close = [names[n] for n in difflib.get_close_matches(key, list(names), n=most, cutoff=0.5)]
    codes = list(dict.fromkeys(held + close))[:most]
    return [f"{c} {catalogue.indicators[c].name.zh}" for c in codes]


def _entity_names(e: Entity) -> list[str]:
    names = [e.name.zh, *e.aliases]
    if e.short_name:
        names.append(e.short_name.zh)
    return [n for n in names if n and not n.isascii()]


def near_entities(catalogue: Catalogue, label: str, most: int = 5) -> list[str]:
    key = normalise(label)
    if not key:
        return []
    names: dict[str, str] = {}
    for e in catalogue.entities.values():
        if e.kind is EntityKind.ENTERPRISE:
            continue
        for n in _entity_names(e):
            names.setdefault(n, e.code)
    held = [names[n] for n in names if key in n or n in key]
    close = [names[n] for n in difflib.get_close_matches(key, list(names), n=most, cutoff=0.5)]
    codes = list(dict.fromkeys(held + close))[:most]
    return [f"{c} {catalogue.entities[c].name.zh}" for c in codes]


def find_entity(catalogue: Catalogue, key: str) -> Entity | None:
    """An entity by a cleaned row label: 北京, 北 京, 北京市, 新疆生产建设兵团."""
    return catalogue.find_entity(key)


def title_entity(catalogue: Catalogue, title: str | None) -> Entity | None:
    """The entity a title names (广东省, 深圳市, 全国), the longest name found in it."""
    if not title:
        return None
    text = normalise(title)
    best: tuple[int, Entity] | None = None
    for e in catalogue.entities.values():
        if e.kind is EntityKind.ENTERPRISE:
            continue
        for n in _entity_names(e):
            if len(n) >= 2 and n in text and (best is None or len(n) > best[0]):
                best = (len(n), e)
    return best[1] if best else None


def title_period(title: str | None) -> Period | None:
    """A period written in a title: 2024年1-9月, 2024年9月, 2024年三季度."""
    if not title:
        return None
    text = unicodedata.normalize("NFKC", title).replace("—", "-").replace("－", "-")
    for words, months in SPANS:
        text = text.replace(words, months)
    for m in _TITLE_PERIOD.finditer(re.sub(r"\s+", "", text)):
        try:
            return parse_period(m.group(0))
        except PeriodError:
            continue
    return None
