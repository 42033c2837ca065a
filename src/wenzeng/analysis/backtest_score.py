"""The score of a backtest against the real episodes (:mod:`wenzeng.domain.episodes`).

Per class of warning (苗头性 emerging, 倾向性 trending, 潜在性 latent) and for all together:
the shocks hit, how soon after their data's publication (lead time in months: run month −
publication month, 0 = the run at the end of the month the figure came out), the shocks
missed, and the false alarms (new warnings raised in the runs of a calm stretch), those on
the core indicators (value added, revenue) counted apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wenzeng.domain.episodes import Episode, EpisodeFile, end_month
from wenzeng.domain.warning_rules import Klass

ALL = "all"
CLASSES = [k.value for k in Klass] + [ALL]


@dataclass(frozen=True)
class RunNew:
    """The new warnings of one run of a backtest."""

    month: int  # month number of the run's date
    new: Sequence[Mapping[str, Any]]  # rule, class, indicator, period, …


@dataclass
class EpisodeScore:
    code: str
    kind: str
    title_zh: str
    title_en: str
    published: int | None = None  # month number the first figure came out (shocks)
    lead: dict[str, int] = field(default_factory=dict)  # class → months after publication
    flags: list[str] = field(default_factory=list)  # the warnings that hit it, or the false alarms
    false_alarms: dict[str, int] = field(default_factory=dict)  # class → count (calm)
    core_false_alarms: dict[str, int] = field(default_factory=dict)  # the same, core only

    @property
    def hit(self) -> bool:
        return ALL in self.lead


@dataclass
class ClassScore:
    klass: str
    hits: int = 0
    misses: int = 0
    leads: list[int] = field(default_factory=list)
    false_alarms: int = 0
    core_false_alarms: int = 0

    @property
    def mean_lead(self) -> float | None:
        return sum(self.leads) / len(self.leads) if self.leads else None


@dataclass
class Score:
    episodes: list[EpisodeScore]
    classes: dict[str, ClassScore]

    def as_dict(self) -> dict[str, Any]:
        return {
            "classes": {
                k: {
                    "hits": c.hits,
                    "misses": c.misses,
                    "lead_months": c.leads,
                    "mean_lead_months": c.mean_lead,
                    "false_alarms": c.false_alarms,
                    "core_false_alarms": c.core_false_alarms,
                }
                for k, c in self.classes.items()
            },
            "episodes": [
                {
                    "code": e.code,
                    "kind": e.kind,
                    "published": _code(e.published) if e.published is not None else None,
                    "lead_months": e.lead,
                    "flags": e.flags,
                    "false_alarms": e.false_alarms,
                    "core_false_alarms": e.core_false_alarms,
                }
                for e in self.episodes
            ],
        }


def _code(month: int) -> str:
    y, m = divmod(month, 12)
    return f"{y}-{m + 1:02d}"


def _label(n: Mapping[str, Any], run: int) -> str:
    return f"{_code(run)} {n['rule']} {n['indicator']} {n['period']}"


def score(
    runs: Sequence[RunNew], episodes: EpisodeFile, published: Mapping[str, int | None]
) -> Score:
    """Score the runs' new warnings; ``published`` gives each shock's publication month
    (None: none of its figures is in the data, so it cannot be flagged and counts as a miss)."""
    classes = {k: ClassScore(k) for k in CLASSES}
    out = []
    core = set(episodes.core_indicators)
    for ep in episodes.episodes:
        es = EpisodeScore(ep.code, ep.kind, ep.title.zh, ep.title.en)
        if ep.kind == "shock":
            _shock(es, ep, runs, published.get(ep.code))
            for k in CLASSES:
                c = classes[k]
                if k in es.lead:
                    c.hits += 1
                    c.leads.append(es.lead[k])
                else:
                    c.misses += 1
        else:
            _calm(es, ep, runs, core)
            for k in CLASSES:
                classes[k].false_alarms += es.false_alarms.get(k, 0)
                classes[k].core_false_alarms += es.core_false_alarms.get(k, 0)
        out.append(es)
    return Score(out, classes)


def _shock(es: EpisodeScore, ep: Episode, runs: Sequence[RunNew], published: int | None) -> None:
    es.published = published
    if published is None:
        return
    first, last = ep.span
    wanted = set(ep.indicators)
    for run in runs:
        if not published <= run.month <= published + ep.within:
            continue
        for n in run.new:
            if n["indicator"] not in wanted or not first <= end_month(n["period"]) <= last:
                continue
            lead = run.month - published
            for k in (n["class"], ALL):
                es.lead.setdefault(k, lead)
            es.flags.append(_label(n, run.month))


def _calm(es: EpisodeScore, ep: Episode, runs: Sequence[RunNew], core: set[str]) -> None:
    first, last = ep.span
    for run in runs:
        if not first <= run.month <= last:
            continue
        for n in run.new:
            for k in (n["class"], ALL):
                es.false_alarms[k] = es.false_alarms.get(k, 0) + 1
                if n["indicator"] in core:
                    es.core_false_alarms[k] = es.core_false_alarms.get(k, 0) + 1
            es.flags.append(_label(n, run.month))
