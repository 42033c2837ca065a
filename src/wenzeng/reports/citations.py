"""Figures as printed, each cited to the observation it comes from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from wenzeng.analysis.tracking import Evidence
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import parse_period
from wenzeng.domain.units import unit_en
from wenzeng.reports.document import Fig, Source
from wenzeng.reports.narrative import pct_text

Namer = Callable[[str, str], str]  # (code, lang) -> name


def unit_text(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    if lang == "zh" or unit == "%":
        return unit
    return " " + unit_en(unit)


def number_text(value: float) -> str:
    """A level without needless digits: 11.49, 4503, 2.5."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "")


# Chinese magnitude prefixes as English puts them: 亿元 → ×0.1 billion yuan.
_EN_PREFIXES = (("万亿", 1.0, "trillion"), ("亿", 0.1, "billion"), ("万", 0.01, "million"))
_EN_COUNTED = {
    "元": "yuan",
    "台": "units",
    "部": "units",
    "块": "units",
    "件": "pieces",
    "辆": "vehicles",
    "家": "enterprises",
}


def english_quantity(value: float, unit: str) -> str | None:
    """A level in a Chinese unit as an English text (6408 亿元 → 640.8 billion yuan)."""
    for prefix, factor, word in _EN_PREFIXES:
        rest = unit.removeprefix(prefix)
        if rest != unit and rest in _EN_COUNTED:
            return f"{number_text(value * factor)} {word} {_EN_COUNTED[rest]}"
    return None


def level_text(r: ObservationRecord, lang: str) -> str:
    """A level as the source published it (value and unit), else in the canonical unit."""
    if lang == "en":
        unit = r.published_unit or r.unit or ""
        value = float(r.published_value) if r.published_value and r.published_unit else r.value
        english = english_quantity(value, unit)
        if english is not None:
            return english
    if r.published_value and r.published_unit:
        number = r.published_value.lstrip("+")
        if len(number.partition(".")[2]) > 2:  # computed, not typed: print it rounded
            number = number_text(float(number))
        return number + unit_text(r.published_unit, lang)
    return number_text(r.value) + unit_text(r.unit, lang)


def value_text(r: ObservationRecord, lang: str) -> str:
    """Any observation as printed: growth and shares in %, levels with their unit."""
    if r.measure in ("yoy_pct", "share_pct") or r.unit == "%":
        sign = "-" if r.value < 0 else ""
        return sign + pct_text(r.value)
    return level_text(r, lang)


def _evidence_text(value: float, unit: str | None, lang: str) -> str:
    """An evidence figure as a release would print it: 20.3万亿元, not 203000亿元."""
    if unit == "亿元" and abs(value) >= 10000:
        value, unit = value / 10000, "万亿元"
    if lang == "en" and unit:
        english = english_quantity(value, unit)
        if english is not None:
            return english
    return number_text(value) + unit_text(unit, lang)


class Citations:
    """Numbers the observations a document prints, in order of first use."""

    def __init__(self, lang: str, indicator_name: Namer, entity_name: Namer) -> None:
        self.lang = lang
        self._indicator_name = indicator_name
        self._entity_name = entity_name
        self._sources: dict[tuple[object, ...], Source] = {}

    def ref(self, r: ObservationRecord) -> int:
        key = (r.indicator, r.entity, r.measure, r.period_type, r.period, r.vintage, r.batch_id)
        found = self._sources.get(key)
        if found is None:
            p = r.period_obj
            found = Source(
                ref=len(self._sources) + 1,
                indicator=r.indicator,
                indicator_name=self._indicator_name(r.indicator, self.lang),
                entity=r.entity,
                entity_name=self._entity_name(r.entity, self.lang),
                period=r.period,
                period_label=p.label_en if self.lang == "en" else p.label_zh,
                measure=r.measure,
                value=r.value,
                value_text=value_text(r, self.lang),
                vintage=r.vintage,
                source_title=r.source_title,
                source_url=r.source_url,
                simulated=r.simulated,
                publisher=r.publisher or "",
                release=r.release or "",
            )
            self._sources[key] = found
        return found.ref

    def evidence(self, e: Evidence, entity: str) -> int:
        """The source number of a target assessment's evidence."""
        key = ("evidence", e.indicator, entity, e.period, e.vintage, e.source_title)
        for cited in self._sources.values():  # the observation is cited already: same number
            if (cited.indicator, cited.entity, cited.period, cited.source_title) == (
                e.indicator,
                entity,
                e.period,
                e.source_title,
            ) and cited.value == e.value:
                return cited.ref
        found = self._sources.get(key)
        if found is None:
            p = parse_period(e.period)
            found = Source(
                ref=len(self._sources) + 1,
                indicator=e.indicator,
                indicator_name=self._indicator_name(e.indicator, self.lang),
                entity=entity,
                entity_name=self._entity_name(entity, self.lang),
                period=e.period,
                period_label=p.label_en if self.lang == "en" else p.label_zh,
                measure="",
                value=e.value,
                value_text=_evidence_text(e.value, e.unit, self.lang),
                vintage=date.fromisoformat(e.vintage[:10]),
                source_title=e.source_title,
                source_url=e.source_url,
                simulated=False,
                publisher=e.publisher,
                release=e.release,
            )
            self._sources[key] = found
        return found.ref

    def fig(self, r: ObservationRecord, text: str | None = None) -> Fig:
        """The observation printed (default: as :func:`value_text`) with its source number."""
        return Fig(text if text is not None else value_text(r, self.lang), self.ref(r), r.value)

    def level(self, r: ObservationRecord) -> Fig:
        return self.fig(r, level_text(r, self.lang))

    def source(self, ref: int) -> Source:
        return next(s for s in self._sources.values() if s.ref == ref)

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(sorted(self._sources.values(), key=lambda s: s.ref))

    @property
    def any_simulated(self) -> bool:
        return any(s.simulated for s in self._sources.values())
