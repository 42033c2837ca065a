"""Sentences put together from the data by the rules of narrative.yaml.

A template is text with ``{placeholders}``; each placeholder is filled with runs (words and
cited figures).  A clause whose figures are missing is left out; a sentence with no clause
left says that the data are missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from wenzeng.reports.definition import Narrative
from wenzeng.reports.document import Fig, Paragraph, Run, Text

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Runs = tuple[Run, ...]


def compose(template: str, fill: Mapping[str, Runs | str]) -> Runs:
    """The template with every placeholder replaced; unknown placeholders are an error."""
    out: list[Run] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            out.append(Text(template[pos : m.start()]))
        value = fill[m.group(1)]
        out.extend((Text(value),) if isinstance(value, str) else value)
        pos = m.end()
    if pos < len(template):
        out.append(Text(template[pos:]))
    return merge_text(out)


def merge_text(runs: list[Run] | Runs) -> Runs:
    """Adjacent text runs joined, empty ones dropped."""
    out: list[Run] = []
    for r in runs:
        if isinstance(r, Text):
            if not r.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + r.text)
                continue
        out.append(r)
    return tuple(out)


def points_change(now: float, before: float) -> float:
    """The change of a growth rate in percentage points, as the printed (rounded) rates show."""
    return round(round(now, 1) - round(before, 1), 1)


def pct_text(value: float) -> str:
    """A percentage as printed in the releases: one decimal."""
    return f"{abs(value):.1f}%"


def count_list(rules: Narrative, key: str, lang: str, numbers: Mapping[str, int]) -> str:
    """The counts of a summary (the rules' ``counts``), in their order, those of zero left
    out: 达标4项，无数据1项 — never 基本达标0项. ``_separator`` joins them (default ，)."""
    items = rules.counts[key]
    sep = items["_separator"].get(lang) if "_separator" in items else None
    said = [
        items[name].get(lang).replace("{n}", str(numbers[name]))
        for name in items
        if name != "_separator" and numbers.get(name, 0)
    ]
    if lang == "en":
        if sep is None and len(said) > 1:
            return ", ".join(said[:-1]) + " and " + said[-1]
        return (sep or ", ").join(said)
    return (sep or "，").join(said)


@dataclass(frozen=True)
class Cited:
    """A figure with its value: what the rules test and print."""

    value: float
    fig: Fig


@dataclass(frozen=True)
class ItemFigures:
    """The figures of one indicator for one year-to-date period."""

    level: Fig | None = None
    yoy: Cited | None = None
    prev_yoy: Cited | None = None
    month_yoy: Cited | None = None
    value: Fig | None = None


@dataclass(frozen=True)
class Labels:
    subject: str
    ytd: str
    prev: str | None
    month: str


class Sentences:
    def __init__(self, rules: Narrative, lang: str) -> None:
        self.rules = rules
        self.lang = lang

    def _w(self, key: str) -> str:
        return self.rules.words[key].get(self.lang)  # type: ignore[index]

    def change(self, c: Cited) -> Runs:
        """增长7.5% / 下降5.4% / 持平 — the figure is printed without its sign."""
        if round(c.value, 1) == 0:
            return (Text(self._w("flat")),)
        word = self._w("up") if c.value > 0 else self._w("down")
        fig = Fig(pct_text(c.value), c.fig.ref, c.value)
        return (Text(word), fig) if self.lang == "zh" else (Text(word + " "), fig)

    def delta(self, now: Cited, before: Cited) -> tuple[str, Runs]:
        """The clause key and the change in percentage points of a growth rate: 加快/回落, or,
        when both periods declined, the decline 收窄/扩大."""
        d = points_change(now.value, before.value)
        if d == 0:
            return "delta_flat", ()
        declining = round(now.value, 1) < 0 and round(before.value, 1) < 0
        if declining:
            word = self._w("narrower") if d > 0 else self._w("wider")
        else:
            word = self._w("faster") if d > 0 else self._w("slower")
        key = "delta_decline" if declining else "delta"
        points = self._w("points")
        fig = Fig(f"{abs(d):.1f}", None, d)
        if self.lang == "zh":
            return key, (Text(word), fig, Text(points))
        if declining:
            return key, (Text(f"{word} by "), fig, Text(f" {points}"))
        return key, (fig, Text(f" {points} {word}"))

    def sentence(self, labels: Labels, f: ItemFigures, *, following: bool = False) -> Paragraph:
        """The sentence of one indicator; ``following`` another of the same period, it opens
        without the period (frame ``sentence_next``)."""
        fill: dict[str, Runs | str] = {
            "subject": labels.subject,
            "subject_cap": labels.subject[:1].upper() + labels.subject[1:],
            "ytd": labels.ytd,
            "prev": labels.prev or "",
            "month": labels.month,
        }
        clauses: list[str] = []
        if f.value is not None:
            fill["value"] = (f.value,)
            clauses.append("value")
        if f.level is not None:
            fill["level"] = (f.level,)
            clauses.append("level")
        if f.yoy is not None:
            fill["yoy"] = self.change(f.yoy)
            clauses.append("yoy" if clauses else "yoy_first")
            if f.prev_yoy is not None and labels.prev:
                key, runs = self.delta(f.yoy, f.prev_yoy)
                fill["delta"] = runs
                clauses.append(key)
        if f.month_yoy is not None:
            fill["month_yoy"] = self.change(f.month_yoy)
            clauses.append("month_yoy")
        if not clauses:
            template = self.rules.frames["missing"].get(self.lang)
            return Paragraph(compose(template, fill), "missing")
        sep = self.rules.frames["clause_separator"].get(self.lang)
        joined: list[Run] = []
        for i, key in enumerate(clauses):
            if i:
                joined.append(Text(sep))
            joined.extend(compose(self.rules.clauses[key].get(self.lang), fill))  # type: ignore[index]
        fill["clauses"] = tuple(joined)
        frame = self.rules.frames["sentence_next" if following else "sentence"]
        return Paragraph(compose(frame.get(self.lang), fill))
