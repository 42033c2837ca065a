"""What every report part needs: the periods, the words, citations and numbering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wenzeng.domain.catalog import Indicator
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodType
from wenzeng.domain.text import I18n
from wenzeng.reports.citations import Citations
from wenzeng.reports.definition import narrative_rules
from wenzeng.reports.document import Chart, ChartSeries, Paragraph, Text, label
from wenzeng.reports.facts import Facts
from wenzeng.reports.narrative import Sentences, compose, count_list

DASH = "—"


@dataclass(frozen=True)
class Frame:
    """The periods a report speaks of."""

    period: Period  # the report's quarter or year
    ytd: Period  # January to the period's last month
    prev: Period | None  # the year-to-date period one quarter earlier (None in Q1)
    month: Period  # the last month alone

    @classmethod
    def of(cls, period: Period) -> Frame:
        last = 12 if period.type is PeriodType.YEAR else 3 * period.index
        if period.type not in (PeriodType.YEAR, PeriodType.QUARTER):
            raise ValueError(f"a report covers a quarter or a year, not {period.code}")
        prev = Period.cum_month(period.year, last - 3) if last > 3 else None
        return cls(
            period, Period.cum_month(period.year, last), prev, Period.month(period.year, last)
        )

    def label(self, p: Period, lang: str, *, with_year: bool = True) -> str:
        """A period as the releases write it; January to December is the year (2024年, 全年)."""
        if p.type is PeriodType.CUM_MONTH and p.index == 12:
            if lang == "en":
                return str(p.year) if with_year else "the year"
            return f"{p.year}年" if with_year else "全年"
        if lang == "en":
            text = p.label_en
            return text if with_year else text.replace(f" {p.year}", "")
        text = p.label_zh.replace("-", "—")
        return text if with_year else text.removeprefix(f"{p.year}年")


class Builder:
    """Shared state of one document being built."""

    def __init__(self, facts: Facts, lang: str, frame: Frame) -> None:
        self.facts = facts
        self.lang = lang
        self.frame = frame
        cat = facts.catalogue
        self.cite = Citations(lang, self._indicator_name, self._entity_name)
        self.say = Sentences(narrative_rules(), lang)
        self._tables = 0
        self._charts = 0
        self.cat = cat
        self.simulated = False  # some figure used comes from simulated data
        self.part_simulated = False  # the part being built used simulated data
        # core indicators the cover already says are missing: not said again in the text
        self.said_missing: set[str] = set()

    # -- words -------------------------------------------------------------------------
    def t(self, text: I18n) -> str:
        return text.get(self.lang)

    def pick(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def _indicator_name(self, code: str, lang: str) -> str:
        ind = self.cat.indicators.get(code)
        return ind.name.get(lang) if ind else code

    def _entity_name(self, code: str, lang: str) -> str:
        e = self.cat.find_entity(code)
        if e is None:
            return code
        return (e.short_name or e.name).get(lang)

    def indicator(self, code: str) -> Indicator:
        return self.cat.indicator(code)

    def subject(self, code: str) -> str:
        """An indicator's name as the subject of a sentence."""
        name = self._indicator_name(code, self.lang)
        if self.lang == "en" and len(name) > 1 and name[1].islower():
            return name[0].lower() + name[1:]
        return name

    def entity_name(self, code: str) -> str:
        return self._entity_name(code, self.lang)

    def summary(self, key: str, **fill: str | tuple[object, ...]) -> Paragraph:
        """A summary sentence of narrative.yaml's ``summaries`` filled with the data."""
        template = narrative_rules().summaries[key].get(self.lang)
        return Paragraph(compose(template, fill))  # type: ignore[arg-type]

    def counts(self, key: str, **numbers: int) -> str:
        """The counts of a summary (narrative.yaml's ``counts``), in order, those of zero
        left out: 达标4项，无数据1项."""
        return count_list(narrative_rules(), key, self.lang, numbers)

    def missing(self, zh: str, en: str) -> Paragraph:
        return Paragraph((Text(self.pick(zh, en)),), "missing")

    # -- numbering ---------------------------------------------------------------------
    def table_caption(self, text: str) -> str:
        self._tables += 1
        return f"{label('table', self.lang)}{self._tables} {text}"

    def chart_caption(self, text: str) -> str:
        self._charts += 1
        return f"{label('chart', self.lang)}{self._charts} {text}"

    # -- data --------------------------------------------------------------------------
    def one(
        self,
        indicator: str,
        measure: str,
        period: Period,
        entity: str = "CN",
        *,
        simulated: bool | None = False,
    ) -> ObservationRecord | None:
        rows = self.facts.observations(
            indicator, [entity], measure, period.type.value, [period.code], simulated=simulated
        )
        if not rows and period.type is PeriodType.CUM_MONTH and period.index == 12:
            return self.one(
                indicator, measure, Period.annual(period.year), entity, simulated=simulated
            )
        self.saw_simulated(any(r.simulated for r in rows))
        return rows[0] if rows else None

    def panel(
        self,
        indicator: str,
        entities: Sequence[str],
        measure: str,
        period: Period,
        *,
        simulated: bool | None = None,
    ) -> dict[str, ObservationRecord]:
        rows = self.facts.observations(
            indicator, entities, measure, period.type.value, [period.code], simulated=simulated
        )
        self.saw_simulated(any(r.simulated for r in rows))
        return {r.entity: r for r in rows}

    def saw_simulated(self, simulated: bool) -> None:
        """Note that the document, and the part being built, used simulated data."""
        if simulated:
            self.simulated = self.part_simulated = True

    def chart(
        self,
        code: str,
        caption: str,
        kind: str,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float | None]]],
        y_label: str = "%",
        *,
        note: str | None = None,
        reference: float | None = None,
        simulated: bool | None = None,
    ) -> Chart:
        return Chart(
            code=code,
            caption=self.chart_caption(caption),
            kind=kind,  # type: ignore[arg-type]
            categories=tuple(categories),
            series=tuple(ChartSeries(n, tuple(v)) for n, v in series),
            y_label=y_label,
            note=note,
            reference=reference,
            simulated=simulated,
        )
