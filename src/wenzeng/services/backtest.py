"""Backtest: run the warning system month by month on the data known at each month.

For each month-end from ``start`` to ``end`` the analysis reads the store as
it stood that day (observations whose vintage is not later), so a release
counts only from the day it became known.  A warning counts as *new* in the
month it first fires; while it keeps firing it is the same open warning (as
in the running system, where it is updated, not raised again); after
``quiet_months`` without firing it is taken as resolved, and firing again
later makes it new again.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wenzeng.analysis.backtest_score import RunNew, Score, score
from wenzeng.definitions.catalogue import catalog_dir
from wenzeng.definitions.yaml_doc import load_model
from wenzeng.domain.episodes import EpisodeFile
from wenzeng.services.context import Context
from wenzeng.services.early_warning import analyse, first_published


@dataclass
class BacktestMonth:
    as_of: date
    fired: int
    new: list[dict[str, Any]]
    open: int
    lights: list[dict[str, Any]]
    composite: dict[str, Any] | None
    insufficient: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "fired": self.fired,
            "new": self.new,
            "open": self.open,
            "lights": self.lights,
            "composite": self.composite,
            "insufficient": self.insufficient,
        }


@dataclass
class Backtest:
    months: list[BacktestMonth] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"months": [m.as_dict() for m in self.months]}


def month_ends(start: date, end: date) -> list[date]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(date(y, m, calendar.monthrange(y, m)[1]))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def run_backtest(
    ctx: Context,
    start: date,
    end: date,
    *,
    quiet_months: int = 3,
    published_only: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    result = Backtest()
    last_fired: dict[str, int] = {}  # key → index of the month it last fired
    for i, when in enumerate(month_ends(start, end)):
        r = analyse(ctx, when, published_only=published_only)
        new = []
        for f in r.findings:
            previous = last_fired.get(f.key)
            if previous is None or i - previous > quiet_months:
                new.append(
                    {
                        "rule": f.rule,
                        "class": f.klass.value,
                        "indicator": f.indicator,
                        "entity": f.entity,
                        "period": f.period,
                        "severity": f.severity,
                        "explanation_zh": f.explanation_zh,
                        "explanation_en": f.explanation_en,
                    }
                )
            last_fired[f.key] = i
        open_now = sum(1 for k, j in last_fired.items() if i - j <= quiet_months)
        result.months.append(
            BacktestMonth(
                when,
                len(r.findings),
                new,
                open_now,
                r.signals.get("lights", []),
                r.signals.get("composite"),
                r.stats.insufficient,
            )
        )
        if progress:
            progress(1)
    return result


def episodes() -> EpisodeFile:
    """The real episodes the backtest is scored on (``catalog/episodes.yaml``)."""
    return load_model(EpisodeFile, catalog_dir() / "episodes.yaml")


def score_backtest(ctx: Context, bt: Backtest, chosen: EpisodeFile | None = None) -> Score:
    """Hits, lead time from the data's publication, misses and false alarms per class of the
    backtest ``bt`` against the episodes (:mod:`wenzeng.analysis.backtest_score`)."""
    eps = chosen or episodes()
    end = bt.months[-1].as_of if bt.months else date.today()
    published: dict[str, int | None] = {}
    for ep in eps.episodes:
        if ep.kind != "shock":
            continue
        day = first_published(ctx, ep.indicators, ep.span, end)
        published[ep.code] = day.year * 12 + day.month - 1 if day else None
    runs = [RunNew(m.as_of.year * 12 + m.as_of.month - 1, m.new) for m in bt.months]
    return score(runs, eps, published)
