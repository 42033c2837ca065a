"""Observations as read back from the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from wenzeng.domain.catalog import SeriesKind
from wenzeng.domain.labels import QUALIFIER
from wenzeng.domain.periods import Period, parse_period


@dataclass(frozen=True, slots=True)
class SeriesKey:
    indicator: str
    entity: str
    measure: str
    period_type: str

    @property
    def kind(self) -> SeriesKind:
        from wenzeng.domain.catalog import Measure
        from wenzeng.domain.periods import PeriodType

        return SeriesKind.of(Measure(self.measure), PeriodType(self.period_type))


QUALIFIER_TEXT = QUALIFIER


SIMULATED_LABEL = "模拟数据 / simulated"


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    indicator: str
    entity: str
    measure: str
    period_type: str
    period: str
    vintage: date
    value: float
    qualifier: str
    unit: str | None
    published_value: str | None
    published_unit: str | None
    source_kind: str
    source_title: str
    source_url: str | None
    note: str | None
    simulated: bool
    batch_id: int
    publisher: str | None = None  # who published the figure, where known
    release: str | None = None  # the title of the release it was published in

    @property
    def key(self) -> SeriesKey:
        return SeriesKey(self.indicator, self.entity, self.measure, self.period_type)

    @property
    def period_obj(self) -> Period:
        return parse_period(self.period)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["vintage"] = self.vintage.isoformat()
        d["period_label_zh"] = self.period_obj.label_zh
        d["period_label_en"] = self.period_obj.label_en
        d["kind"] = self.key.kind.value
        d["flag"] = SIMULATED_LABEL if self.simulated else ""
        return d
