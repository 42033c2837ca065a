"""Charts of one or a few series over time: the indicator explorer's and a warning's.

Lines break where a period is missing, so that a line never bridges a gap in publication;
a combined January–February value is drawn as its own marker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from wenzeng.analysis.transforms import COMBINED_SPAN
from wenzeng.domain import labels
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.periods import Period, PeriodType, parse_period
from wenzeng.domain.units import unit_en
from wenzeng.present import charts
from wenzeng.present.numbers import common_scale
from wenzeng.present.observation_rows import Row, axis_x, record_row

STEP_MONTHS = {"month": 1, "cum_month": 1, "quarter": 3, "year": 12}


def continues(prev: Period, p: Period) -> bool:
    """Whether ``p`` follows ``prev`` without a missing period between them.  A year-to-date
    series starts again each year, often with January–February after January–November."""
    if (
        p.type is PeriodType.CUM_MONTH
        and p.year == prev.year + 1
        and p.index <= 2
        and prev.last_month >= 11
    ):
        return True
    months = (p.year - prev.year) * 12 + p.last_month - prev.last_month
    return months <= STEP_MONTHS[p.type.value]


def month_ticks(lay: dict[str, Any], en: bool) -> dict[str, Any]:
    """Date ticks as Chinese readers write them: 2023年 where ticks fall a year apart or more,
    2023年3月 where closer."""
    if not en:
        lay["xaxis"] = {
            **lay["xaxis"],
            "tickformatstops": [
                {"dtickrange": [None, "M11"], "value": "%Y年%-m月"},
                {"dtickrange": ["M12", None], "value": "%Y年"},
            ],
            "hoverformat": "%Y年%-m月",
        }
    return lay


def gapped(rows: Sequence[Row], en: bool) -> tuple[list[str], list[float | None], list[str]]:
    """Chart points of rows of one period type, in time order, with a break (a null) wherever
    periods are missing, so that a line never bridges a gap in publication."""
    xs: list[str] = []
    ys: list[float | None] = []
    texts: list[str] = []
    last: Period | None = None
    for r in sorted(rows, key=lambda r: str(r["x"])):
        p = parse_period(str(r["period"]))
        if last is not None and not continues(last, p):
            xs.append(str(r["x"]))
            ys.append(None)
            texts.append("")
        last = p
        xs.append(str(r["x"]))
        ys.append(r["value"])
        texts.append(str(r["period_label_en"] if en else r["period_label_zh"]))
    return xs, ys, texts


def series_kind(measure: str, period_type: str, en: bool) -> str:
    """'同比增速，1-n月累计': what a line measures, and over which periods."""
    lang = "en" if en else "zh"
    return (
        f"{labels.text(labels.MEASURE, measure, lang)}{', ' if en else '，'}"
        f"{labels.text(labels.PERIOD_TYPE, period_type, lang)}"
    )


def named_unit(name: str, unit: str, en: bool) -> str:
    """A line's name with the unit it is drawn in: '水平值（亿元）', 'level (billion yuan)'."""
    if not unit:
        return name
    return f"{name} ({unit})" if en else f"{name}（{unit}）"


# -- the indicator explorer ----------------------------------------------------------------------
def explorer_chart(rows: Sequence[Row], en: bool) -> dict[str, Any]:
    """One line per measure and period type; percentages on a second axis beside levels.

    A combined January–February value (two months in one) is drawn as separate markers,
    never joined to the single months around it."""
    groups: dict[tuple[str, str, bool], list[Row]] = {}
    for r in sorted(rows, key=lambda r: str(r["x"])):
        combined = r.get("span") == COMBINED_SPAN
        groups.setdefault((r["measure"], r["period_type"], combined), []).append(r)
    mixed = len({m == "level" for m, _, _ in groups}) > 1
    # levels in 万 or 亿 of their unit (in English million, billion, trillion), one scale for
    # the whole axis (亿元, never 2k…10k)
    level_unit = next((str(r["unit"]) for r in rows if r["unit"] and r["measure"] == "level"), "")
    divisor, scaled_unit = common_scale(
        (r["value"] for r in rows if r["measure"] == "level"), level_unit, en=en
    )
    traces = []
    for i, ((measure, ptype, combined), items) in enumerate(groups.items()):
        kind = series_kind(measure, ptype, en)
        if combined:
            measure_text = labels.text(labels.MEASURE, measure, "en" if en else "zh")
            kind = f"{measure_text}{', Jan–Feb combined' if en else '，1-2月合计'}"
        unit = next((r["unit"] for r in items if r["unit"]), "")
        xs, ys, texts = gapped(items, en)
        if measure == "level" and unit == level_unit:
            ys = [None if y is None else y / divisor for y in ys]
            unit = scaled_unit
        elif en:
            unit = unit_en(unit) if unit != "%" else unit
        trace = charts.line(
            named_unit(kind, unit, en),
            xs,
            ys,
            colour=i,
            mode="markers" if combined else "lines+markers",
            text=texts,
        )
        if mixed and measure != "level":
            trace["yaxis"] = "y2"
        traces.append(trace)
    units = sorted(
        {
            scaled_unit if r["unit"] == level_unit else str(unit_en(r["unit"]) if en else r["unit"])
            for r in rows
            if r["unit"] and r["measure"] == "level"
        }
    )
    pct = any(r["measure"] != "level" for r in rows)
    lay = month_ticks(
        charts.layout("", "/".join(units) if units else ("%" if pct else ""), height=400), en
    )
    lay["legend"] = {"orientation": "h", "y": -0.15}
    lay["showlegend"] = True  # says what the line is, even when there is only one
    if mixed:
        lay["yaxis2"] = {
            "title": {"text": "%"},
            "overlaying": "y",
            "side": "right",
            "tickmode": "auto",
            "showgrid": False,
            "zeroline": False,
        }
        lay["margin"] = {**lay["margin"], "r": 56}
    return charts.figure(traces, lay)


# -- a warning -----------------------------------------------------------------------------------
def thresholds(text: Any) -> list[float]:
    """The signal-light cut-offs a warning's evidence lists as '1.5/3/6/9'."""
    out: list[float] = []
    for part in str(text or "").split("/"):
        with contextlib.suppress(ValueError):
            out.append(float(part))
    return out


def warning_chart(
    records: Sequence[ObservationRecord],
    period: Period,
    name: str,
    measure: str,
    period_type: str,
    cuts: Sequence[float],
    en: bool,
) -> dict[str, Any]:
    """The series a warning was raised on (``records``, in time order), the warning's period
    marked and shaded, the signal-light cut-offs dotted."""
    unit = "%" if measure != "level" else (records[0].unit or "")
    if en and unit != "%":
        unit = unit_en(unit)
    kind = series_kind(measure, period_type, en)
    xs, ys, texts = gapped([record_row(r) for r in records], en)
    traces = [charts.line(f"{name}（{kind}）", xs, ys, text=texts)]
    hit = [r for r in records if r.period == period.code]
    if hit:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "warning period" if en else "预警期",
                "x": [axis_x(period)],
                "y": [hit[0].value],
                "marker": {
                    "color": "#b42318",
                    "size": 14,
                    "symbol": "circle-open",
                    "line": {"width": 3},
                },
            }
        )
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            # the month the point stands at (a year-to-date period ends in its last month)
            "x0": date(period.year, period.last_month, 1).isoformat(),
            "x1": period.end.isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": "rgba(180,35,24,0.12)",
            "line": {"width": 0},
            "layer": "below",
        }
    ]
    for cut in cuts:
        shapes.append(
            {
                **charts.hline(cut, f"{cut:g}", colour="#9aa5b1"),
                "line": {"color": "#9aa5b1", "dash": "dot", "width": 1},
            }
        )
    lay = month_ticks(charts.layout("", unit, height=340), en)
    return charts.figure(traces, lay, shapes)
