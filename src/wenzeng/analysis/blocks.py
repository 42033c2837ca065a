"""The warning rules over a panel of many entities, block by block, in bounded memory.

A national run judges tens of thousands of enterprises.  Held at once, their long frames,
transforms and panels take gigabytes; but every detector except concentration judges a row
of a panel on its own (rising stock compares it with the same entity's row of another
panel, divergence with the nation's row).  So the entities are split into blocks (of
enterprises, say, in code order), each block's panels are built, judged and dropped, and
only the findings and counts are kept.  :func:`run_rules_by_block` gives what
:func:`wenzeng.analysis.warnings.run_rules` gives on the whole panel: the same findings in
the same order, the same counts.

The blocks themselves are regular monthly arrays (entities × indicators × months).  On
these, :func:`cumulative`, :func:`year_on_year` and :func:`share_of` compute what
:func:`~wenzeng.analysis.transforms.month_to_cum`, :func:`~wenzeng.analysis.transforms.yoy_from_levels`
and :func:`~wenzeng.analysis.transforms.share` compute on long frames (without
combined January–February releases), with the same arithmetic in the same order, so with
the same bits; and :class:`GroupSums` adds a block's rows into the sums of their regions,
sectors or nation one row after another, in entity order, so that the sums do not depend
on where the blocks are cut.  NaN stands for a missing figure throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from wenzeng.analysis.tracking import Assessment
from wenzeng.analysis.warnings import Finding, Names, Panel, RunStats, run_rules
from wenzeng.domain.warning_rules import Detector, SeriesSpec, WarningConfig

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CROSS_ROW = frozenset({Detector.CONCENTRATION})
"""Detectors that judge a panel's rows together: their block panels are joined first."""


# -- transforms of dense monthly arrays -------------------------------------------------------
def cumulative(values: FloatArray, first_month: int) -> FloatArray:
    """January-to-month levels from single-month levels along the last axis.

    ``values[..., j]`` is month number ``first_month + j`` (year·12 + month − 1).  As
    :func:`~wenzeng.analysis.transforms.month_to_cum`: a running sum within each calendar
    year, NaN from the first missing month of the year on, and NaN for the months of a
    year whose January lies before the axis.
    """
    out = np.full(values.shape, np.nan)
    start = (-first_month) % 12  # the first January on the axis
    for s in range(start, values.shape[-1], 12):
        np.cumsum(values[..., s : s + 12], axis=-1, out=out[..., s : s + 12])
    return out


def year_on_year(values: FloatArray) -> FloatArray:
    """Year-on-year growth, %, along the last (monthly) axis: ``(x − b) / b · 100`` against
    the value twelve months before, NaN where that base is missing or ``≤ 0``, as
    :func:`~wenzeng.analysis.transforms.yoy_from_levels`."""
    out = np.full(values.shape, np.nan)
    x, b = values[..., 12:], values[..., :-12]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[..., 12:] = np.where(b > 0, (x - b) / b * 100.0, np.nan)
    return out


def share_of(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """``100 · num / den``, NaN where the denominator is missing or ``≤ 0``, as
    :func:`~wenzeng.analysis.transforms.share`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 100.0 * numerator / denominator, np.nan)


@dataclass
class GroupSums:
    """Sums over entities into groups (regions, sectors, the nation), built block by block.

    Rows are added one after another in the order given, so the sums are those of one
    pass over all entities in order, wherever the blocks are cut.  ``count`` is the number
    of entities with a figure; a sum with none is NaN (:attr:`values`).
    """

    groups: list[str]
    shape: tuple[int, ...]
    total: FloatArray = field(init=False)
    count: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.total = np.zeros((len(self.groups), *self.shape))
        self.count = np.zeros((len(self.groups), *self.shape), dtype=np.int64)

    def add(self, values: FloatArray, group: Sequence[int]) -> None:
        """Add each row ``values[i]`` to the sum of group ``group[i]``."""
        known = ~np.isnan(values)
        filled = np.where(known, values, 0.0)
        for i, g in enumerate(group):
            self.total[g] += filled[i]
            self.count[g] += known[i]

    @property
    def values(self) -> FloatArray:
        return np.where(self.count > 0, self.total, np.nan)


# -- panels of a block ----------------------------------------------------------------------
def block_panel(
    spec: SeriesSpec,
    entities: Sequence[str],
    months: Sequence[int],
    values: FloatArray,
    simulated: npt.NDArray[np.bool_] | None = None,
) -> Panel:
    """A :class:`Panel` of the rows of ``values`` (entities × months, sorted entities) with a
    figure in the window, as :func:`~wenzeng.analysis.warnings.build_panel` keeps them."""
    keep = ~np.all(np.isnan(values), axis=1)
    rows = np.flatnonzero(keep)
    sim = np.zeros(rows.size, dtype=bool) if simulated is None else simulated[rows]
    return Panel(
        spec,
        [entities[int(i)] for i in rows],
        list(months),
        np.ascontiguousarray(values[rows]),
        sim,
    )


def _joined(spec: SeriesSpec, parts: list[Panel]) -> Panel | None:
    parts = [p for p in parts if p.entities]
    if not parts:
        return None
    return Panel(
        spec,
        [e for p in parts for e in p.entities],
        parts[0].months,
        np.concatenate([p.values for p in parts]),
        np.concatenate([p.simulated for p in parts]),
    )


# -- rules by block -------------------------------------------------------------------------
def _nation_of(spec: SeriesSpec) -> SeriesSpec:
    return spec.model_copy(update={"entities": "nation"})


@dataclass
class BlockRun:
    """A run of the rules over the panels of ``level`` block by block, then the rest.

    :meth:`judge_block` judges one block (its panels of ``level``) and keeps only the
    findings and counts; :meth:`finish` judges the other levels' panels, and the panels
    of detectors that judge rows together (:data:`CROSS_ROW`, joined from the blocks), and
    returns all findings in the order of :func:`~wenzeng.analysis.warnings.run_rules`.
    So the aggregates may be built while the blocks go by, and judged after them.
    """

    config: WarningConfig
    names: Names
    level: str = "enterprises"
    found: dict[tuple[int, int], list[Finding]] = field(default_factory=dict)
    gathered: dict[SeriesSpec, list[Panel]] = field(default_factory=dict)
    stats: RunStats = field(default_factory=RunStats)

    def _judge(self, r: int, j: int, spec: SeriesSpec, panels: Mapping[SeriesSpec, Panel]) -> None:
        rule = self.config.rules[r]
        one = self.config.model_copy(update={"rules": [rule.model_copy(update={"series": [spec]})]})
        out, more = run_rules(one, panels, self.names)
        self.stats.judged += more.judged
        self.stats.insufficient += more.insufficient
        self.found.setdefault((r, j), []).extend(out)

    def judge_block(
        self, block: Mapping[SeriesSpec, Panel], nation: Mapping[SeriesSpec, Panel] | None = None
    ) -> None:
        """Judge one block; ``nation`` holds the national panels that divergence compares
        a row with (a :class:`ValueError` when such a rule's is missing)."""
        panels = {**(nation or {}), **block}
        for r, rule in enumerate(self.config.rules):
            if rule.detector is Detector.TARGET_RISK:
                continue
            for j, spec in enumerate(rule.series):
                if spec.entities != self.level or spec not in block:
                    continue
                if rule.detector in CROSS_ROW:
                    self.gathered.setdefault(spec, []).append(block[spec])
                    continue
                if rule.detector is Detector.DIVERGENCE and _nation_of(spec) not in panels:
                    raise ValueError(
                        f"规则 {rule.code} 需要先有全国序列 {spec.indicator} / rule "
                        f"{rule.code} needs the national series {spec.indicator} before the blocks"
                    )
                self._judge(r, j, spec, panels)

    def finish(
        self, shared: Mapping[SeriesSpec, Panel], assessments: Iterable[Assessment] = ()
    ) -> tuple[list[Finding], RunStats]:
        joined = {s: p for s, ps in self.gathered.items() if (p := _joined(s, ps)) is not None}
        whole = {**shared, **joined}
        findings: list[Finding] = []
        for r, rule in enumerate(self.config.rules):
            if rule.detector is Detector.TARGET_RISK:
                one = self.config.model_copy(update={"rules": [rule]})
                found, _ = run_rules(one, whole, self.names, assessments)
            else:
                found = []
                for j, spec in enumerate(rule.series):
                    if spec.entities != self.level or rule.detector in CROSS_ROW:
                        self._judge(r, j, spec, whole)
                    found += self.found.get((r, j), [])
            self.stats.by_rule[rule.code] = len(found)
            findings += found
        self.stats.findings = len(findings)
        return findings, self.stats


def run_rules_by_block(
    config: WarningConfig,
    shared: Mapping[SeriesSpec, Panel],
    blocks: Iterable[Mapping[SeriesSpec, Panel]],
    names: Names,
    assessments: Iterable[Assessment] = (),
    *,
    level: str = "enterprises",
    on_block: Callable[[Mapping[SeriesSpec, Panel]], None] | None = None,
) -> tuple[list[Finding], RunStats]:
    """:func:`~wenzeng.analysis.warnings.run_rules` over ``shared`` panels (every level
    but ``level``) and the panels of ``level`` given block by block.

    Each block maps specs of ``level`` to panels of one set of entities; blocks come in
    entity order and do not overlap.  A block is judged and let go before the next is
    read, so memory holds one block at a time (``on_block`` sees each, for more work on
    it).  The findings, their order and the counts are those of ``run_rules`` on the
    whole panels.
    """
    run = BlockRun(config, names, level)
    nation = {k: v for k, v in shared.items() if k.entities == "nation"}
    for block in blocks:
        run.judge_block(block, nation)
        if on_block is not None:
            on_block(block)
    return run.finish(shared, assessments)
