"""Observations as the rows of the pages' tables and data twins: a figure with its period,
unit, vintage and source; a derived figure also with what it was computed from."""

from __future__ import annotations

from typing import Any

from wenzeng.analysis.derived import Derived
from wenzeng.analysis.transforms import COMBINED_SPAN
from wenzeng.domain.observation import SIMULATED_LABEL, ObservationRecord
from wenzeng.domain.periods import Period, PeriodType

Row = dict[str, Any]


def axis_x(p: Period) -> str:
    """Where a period sits on a time axis: its last day."""
    return p.end.isoformat()


def span_labels(p: Period, span: str | None = None) -> tuple[str, str]:
    """A period's label; a month that stands for January and February together says so."""
    if span == COMBINED_SPAN and p.type is PeriodType.MONTH:
        return f"{p.year}年1-2月", f"Jan–Feb {p.year}"
    return p.label_zh, p.label_en


def record_row(r: ObservationRecord) -> Row:
    p = r.period_obj
    return {
        "indicator": r.indicator,
        "entity": r.entity,
        "measure": r.measure,
        "period_type": r.period_type,
        "period": r.period,
        "period_label_zh": p.label_zh,
        "period_label_en": p.label_en,
        "x": axis_x(p),
        "value": r.value,
        "qualifier": r.qualifier,
        "unit": r.unit,
        "vintage": r.vintage.isoformat(),
        "source_kind": r.source_kind,
        "source_title": r.source_title,
        "source_url": r.source_url,
        "publisher": r.publisher,
        "release": r.release,
        "note": r.note,
        "simulated": r.simulated,
        "flag": SIMULATED_LABEL if r.simulated else "",
        "derived": False,
        "span": None,
    }


def derived_row(d: Derived) -> Row:
    """A derived figure: the vintage is that of its newest input, the note lists the inputs."""
    zh, en = span_labels(d.period, d.span)
    base = d.base
    simulated = d.simulated
    return dict(
        indicator=base.indicator,
        entity=base.entity,
        measure=d.measure,
        period_type=d.period.type.value,
        period=d.period.code,
        period_label_zh=zh,
        period_label_en=en,
        x=axis_x(d.period),
        value=d.value,
        qualifier="",
        unit=d.unit,
        vintage=max(r.vintage for r in d.inputs).isoformat(),
        source_kind=base.source_kind,
        source_title=base.source_title,
        source_url=base.source_url,
        publisher=base.publisher,
        release=base.release,
        note="；".join(f"{r.period_obj.label_zh} {r.value:g}" for r in d.inputs),
        simulated=simulated,
        flag=SIMULATED_LABEL if simulated else "",
        derived=True,
        span=d.span,
    )
