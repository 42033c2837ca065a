"""Charts of a target: its series with the goal, the tolerance band and the projection, and
the small chart (sparkline) of its card on the overview."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from wenzeng.analysis.tracking import Assessment
from wenzeng.analysis.tracking_core import shown_digits
from wenzeng.domain import labels
from wenzeng.domain.observation import QUALIFIER_TEXT, ObservationRecord
from wenzeng.domain.plan import Comparator, Computation, Target
from wenzeng.domain.units import UnitError, convert
from wenzeng.present import charts
from wenzeng.present.numbers import (
    change_words,
    cn_number,
    common_scale,
    en_number,
    en_number_text,
    number_text,
)
from wenzeng.present.observation_rows import axis_x

# A series to draw: its name (zh, en) and its observations.
Series = tuple[tuple[str, str], Sequence[ObservationRecord]]


def goal_text(t: Target, *, en: bool = False) -> str:
    """'≥10%（±1）': the target's comparator, value, unit and tolerance; in English the
    value in English units ('>24 trillion yuan', '≥10% (±1)')."""
    if not en:
        return f"{t.comparator.symbol}{t.value:g}{t.unit}" + (
            f"（±{t.tolerance:g}）" if t.tolerance else ""
        )
    value = f"{t.value:g}{t.unit}" if t.unit in ("%", "") else en_number(t.value, t.unit)
    return f"{t.comparator.symbol}{value}" + (f" (±{t.tolerance:g})" if t.tolerance else "")


def in_unit(r: ObservationRecord, unit: str | None) -> tuple[float, str | None]:
    """A level in the unit the reader expects (the target's), when it converts."""
    if r.measure == "level" and r.unit and unit and r.unit != unit:
        with contextlib.suppress(UnitError):
            return convert(r.value, r.unit, unit), unit
    return r.value, r.unit


def display_value(rec: ObservationRecord, unit: str | None) -> dict[str, Any]:
    """A figure in the unit the reader expects (the target's), with its qualifier."""
    value, shown_unit = rec.value, rec.unit
    if unit and rec.unit and rec.measure == "level":
        with contextlib.suppress(UnitError):
            value, shown_unit = convert(rec.value, rec.unit, unit), unit
    q_zh, q_en = QUALIFIER_TEXT.get(rec.qualifier, ("", ""))
    text, text_en = cn_number(value, shown_unit), en_number(value, shown_unit)
    growth = rec.measure == "yoy_pct" and not rec.qualifier
    return {
        "value": value,
        "unit": shown_unit,
        "text_zh": f"{q_zh}{text}",
        "text_en": f"{q_en + ' ' if q_en else ''}{text_en}",
        # in a sentence a growth rate is said in words: 同比下降5.4%, not -5.4%
        "words_zh": change_words(value) if growth else f"{q_zh}{text}",
        "words_en": change_words(value, en=True)
        if growth
        else f"{q_en + ' ' if q_en else ''}{text_en}",
    }


def headline_figure(t: Target, figure: float | None) -> dict[str, str] | None:
    """The figure a target is judged by, as its card and page write it: a percentage to one
    decimal unless that would read as the other side of the goal; a level in 万/亿."""
    if figure is None:
        return None
    if t.unit == "%" or not t.unit:
        digits = shown_digits(t, figure)
        return {"text": digits, "unit": t.unit or "", "text_en": digits, "unit_en": t.unit or ""}
    text, unit = number_text(figure, t.unit)
    text_en, unit_en = en_number_text(figure, t.unit)
    return {"text": text, "unit": unit, "text_en": text_en, "unit_en": " " + unit_en}


def sparkline(
    t: Target, records: Sequence[ObservationRecord], *, en: bool = False
) -> dict[str, Any] | None:
    """A small chart of the target's series: annual and year-to-date values, the goal dashed;
    None with fewer than two values.  Years tick as 2024年 (in English 2024)."""
    if len(records) < 2:
        return None
    records = sorted(records, key=lambda r: r.period_obj.end)
    x = [r.period_obj.end.isoformat() for r in records]
    y = [display_value(r, t.unit)["value"] for r in records]
    # one scale for the small axis too: 15万亿元 rather than 150k
    divisor, unit = common_scale([*y, t.value], t.unit, en=en)
    y = [v / divisor for v in y]
    texts = [r.period_obj.label_en if en else r.period_obj.label_zh for r in records]
    lay = charts.layout(height=110)
    lay.update(
        {
            "margin": {"l": 30, "r": 6, "t": 4, "b": 20},
            "showlegend": False,
            "yaxis": {"tickfont": {"size": 9}, "exponentformat": "none", "ticksuffix": ""},
            "xaxis": {
                "type": "date",
                "tickfont": {"size": 9},
                "tickformat": "%Y" if en else "%Y年",
                "hoverformat": "%b %Y" if en else "%Y年%-m月",
            },
        }
    )
    name = f"{t.title.en} ({unit})" if en else f"{t.title.zh}（{unit}）"
    return charts.figure(
        [charts.line(name, x, y, text=texts, mode="markers+lines")],
        lay,
        [charts.hline(t.value / divisor, "goal")],
    )


def _annotation(y: float, text: str, colour: str, *, below: bool = False) -> dict[str, Any]:
    return {
        "xref": "paper",
        "x": 0,
        "y": y,
        "yref": "y",
        "text": text,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top" if below else "bottom",
        "font": {"color": colour, "size": 11},
    }


def _yearly_axis(lay: dict[str, Any], en: bool) -> dict[str, Any]:
    """Year labels centred on their year, so that a value at 31 December reads as that year's."""
    lay["xaxis"] = {
        **lay["xaxis"],
        "ticklabelmode": "period",
        "dtick": "M12",
        "tickformat": "%Y" if en else "%Y年",
    }
    return lay


def _cum_trace_points(
    records: Sequence[ObservationRecord], unit: str
) -> tuple[list[str | None], list[float | None], list[str]]:
    """Year-to-date values with a gap between years, so that a line never joins December to
    the next February."""
    xs: list[str | None] = []
    ys: list[float | None] = []
    texts: list[str] = []
    last_year: int | None = None
    for r in sorted(records, key=lambda r: r.period_obj.end):
        p = r.period_obj
        if last_year is not None and p.year != last_year:
            xs.append(f"{p.year}-01-01")
            ys.append(None)
            texts.append("")
        last_year = p.year
        xs.append(axis_x(p))
        ys.append(in_unit(r, unit)[0])
        texts.append(p.label_zh)
    return xs, ys, texts


def _series_traces(t: Target, series: Sequence[Series], en: bool) -> list[dict[str, Any]]:
    """Annual values as a line, year-to-date values dotted, one colour a series."""
    traces: list[dict[str, Any]] = []
    colour = 0
    for (zh, en_name), recs in series:
        name = en_name if en else zh
        lang = "en" if en else "zh"
        annual = sorted((r for r in recs if r.period_type == "year"), key=lambda r: r.period)
        if annual:
            traces.append(
                charts.line(
                    f"{name}（{labels.text(labels.PERIOD_TYPE, 'year', lang)}）",
                    [axis_x(r.period_obj) for r in annual],
                    [in_unit(r, t.unit)[0] for r in annual],
                    colour=colour,
                    text=[r.period_obj.label_en if en else r.period_obj.label_zh for r in annual],
                )
            )
        cum = [r for r in recs if r.period_type == "cum_month"]
        if cum:
            xs, ys, texts = _cum_trace_points(cum, t.unit)
            traces.append(
                charts.line(
                    f"{name}（{labels.text(labels.PERIOD_TYPE, 'cum_month', lang)}）",
                    [x or "" for x in xs],
                    ys,
                    colour=colour,
                    dash="dot",
                    text=texts,
                )
            )
        if annual or cum:
            colour += 1
    return traces


def _judged_trace(t: Target, a: Assessment, en: bool) -> dict[str, Any] | None:
    """The projection with its 80 % interval, or else the figure the status was judged on."""
    end_x = f"{t.period.end}-12-31"
    average = t.computation is Computation.AVERAGE_ANNUAL_GROWTH
    if a.projection is not None:
        pr = a.projection
        return charts.interval(
            (
                ("projected average growth, 80 % interval" if en else "预计平均增速及80%区间")
                if average
                else ("projection, 80 % interval" if en else "预测值及80%区间")
            ),
            end_x,
            pr.mean,
            pr.lower,
            pr.upper,
        )
    if a.figure is not None:
        return {
            "type": "scatter",
            "mode": "markers",
            "name": (
                ("average growth judged on" if en else "评估所用平均增速")
                if average
                else ("figure judged on" if en else "评估所用数值")
            ),
            "x": [end_x],
            "y": [a.figure],
            "marker": {"color": "#067647", "size": 14, "symbol": "star"},
        }
    return None


def target_chart(
    t: Target, a: Assessment, series: Sequence[Series], first_year: int, en: bool
) -> dict[str, Any]:
    """The target's series from ``first_year`` with the goal, the 左右 band of a target with
    a tolerance, and the projection or the figure judged on at the end of its period."""
    traces = _series_traces(t, series, en)
    judged = _judged_trace(t, a, en)
    if judged is not None:
        traces.append(judged)
    goal = goal_text(t)
    shapes = [charts.hline(t.value, f"目标 {goal}")]
    notes = [_annotation(t.value, f"{'target' if en else '目标'} {goal}", "#b42318")]
    if t.comparator is Comparator.APPROX and t.tolerance:
        low = t.value - t.tolerance
        shapes.append(charts.hline(low, "容差下限", colour="#b54708"))
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": low,
                "y1": t.value + t.tolerance,
                "fillcolor": "rgba(180,35,24,0.07)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(
            _annotation(
                low,
                f"{'tolerance floor' if en else '容差下限'} {low:g}{t.unit}",
                "#b54708",
                below=True,
            )
        )
    lay = _yearly_axis(charts.layout("", t.unit, height=380), en)
    # the last years up to the end of the target period, with room for the projection marker
    lay["xaxis"]["range"] = [f"{first_year}-01-01", f"{t.period.end + 1}-02-15"]
    lay["annotations"] = notes
    lay["legend"] = {"orientation": "h", "y": -0.18}
    lay["showlegend"] = True
    return charts.figure(traces, lay, shapes)
