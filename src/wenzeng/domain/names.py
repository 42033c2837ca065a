"""Indicators by the names files give them: codes, names and aliases, compared normalised.

Releases write the same indicator many ways: 规模以上电子信息制造业营业收入, 规上电子信息制造业营收,
"其中：智能手机", "手机（万台）".  :func:`label_key` maps such variants to one key, so that
the catalogue lists each name once and not every spelling of it.

A key may be claimed by several indicators only when a unit or an entity kind tells them
apart (手机 is 手机产量 in 万台 and 手机出货量 in 万部): :meth:`IndicatorNames.shared_without_need`
names the keys that break this, and the catalogue refuses to load with any.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from wenzeng.domain.catalog import Indicator, Measure
from wenzeng.domain.units import units

_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_LEADING = re.compile(r"^(?:其中[:：]?|#+|[-—·•*]+|\d+(?:、|\.(?!\d)))")
_TRAILING = re.compile(r"[:：;；,，。.]+$")
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)$")
# spellings that mean the same, written the way keys hold them
_SAME = (("规模以上", "规上"), ("营业收入", "营收"))


def label_key(label: str) -> str:
    """A label as it is compared: NFKC, case folded, without spaces, one kind of bracket, no
    leading 其中：/#/numbering, no trailing punctuation, 规模以上 as 规上, 营业收入 as 营收."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", label).casefold())
    key = unicodedata.normalize("NFKC", "".join(folded.split())).translate(_BRACKETS)
    while (m := _LEADING.match(key)) and m.end() < len(key):
        key = key[m.end() :]
    key = _TRAILING.sub("", key)
    for long, short in _SAME:
        key = key.replace(long, short)
    return key


def unit_fits(unit: str, ind: Indicator) -> bool:
    """Whether a unit written beside a label can be one of the indicator's: % for its growth
    or shares, else a unit of the dimension of its canonical unit."""
    reg = units()
    written = reg.find(unit)
    if written is not None and written.dimension == "percent":
        return any(m is not Measure.LEVEL for m in ind.measures)
    return ind.unit is not None and reg.convertible(unit, ind.unit)


def _dimension(ind: Indicator) -> str | None:
    found = units().find(ind.unit) if ind.unit else None
    return found.dimension if found else None


def distinguishable(a: Indicator, b: Indicator) -> bool:
    """Whether a unit or an entity kind can tell two indicators apart."""
    da, db = _dimension(a), _dimension(b)
    if da is not None and db is not None and da != db:
        return True
    return not set(a.entity_kinds) & set(b.entity_kinds)


class IndicatorNames:
    """The label keys of a set of indicators, and who claims each."""

    def __init__(self, indicators: Mapping[str, Indicator]) -> None:
        self.indicators = indicators
        self.codes = {c.casefold(): c for c in indicators}
        self.claims: dict[str, list[str]] = {}
        for ind in indicators.values():
            for label in (ind.name.zh, ind.name.en, *ind.aliases):
                claimants = self.claims.setdefault(label_key(label), [])
                if ind.code not in claimants:
                    claimants.append(ind.code)

    def claimants(self, label: str) -> tuple[list[str], str | None]:
        """The indicators a label names, and the unit it carries in a trailing bracket."""
        text = label.strip()
        code = self.codes.get(text.casefold())
        if code is not None:
            return [code], None
        key = label_key(text)
        if key in self.claims:
            return list(self.claims[key]), None
        m = _TRAILING_BRACKET.search(key)
        if m is None:
            return [], None
        inner = m.group(1)
        found = self.claims.get(key[: m.start()])
        if found is None:
            return [], None
        return list(found), inner if units().find(inner) is not None else None

    def shared_without_need(self) -> dict[str, list[str]]:
        """Keys several indicators claim that neither unit nor entity kind tells apart."""
        out = {}
        for key, codes in self.claims.items():
            inds = [self.indicators[c] for c in codes]
            clash = [
                (a.code, b.code)
                for i, a in enumerate(inds)
                for b in inds[i + 1 :]
                if not distinguishable(a, b)
            ]
            if clash:
                out[key] = sorted({c for pair in clash for c in pair})
        return out
