"""The real episodes a backtest is scored on, as data (``wenzeng/catalog/episodes.yaml``).

A *shock* is a stretch of months whose figures a warning system should flag as soon as they
are published; a *calm* stretch is one of runs in which a warning is a false alarm.  Each
episode names the indicators it is judged on and the releases that document it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wenzeng.domain.periods import Period, parse_period
from wenzeng.domain.text import I18n
from wenzeng.domain.uniqueness import refuse_repeated

MONTHS = r"^\d{4}-\d{2}:\d{4}-\d{2}$"


def month_number(code: str) -> int:
    """year·12 + month − 1 of a ``YYYY-MM`` code."""
    p = parse_period(code, "month")
    return p.year * 12 + p.index - 1


def end_month(code: str) -> int:
    """The month number a period code ends in (a month, a year-to-date, a quarter, a year)."""
    p: Period = parse_period(code)
    end = p.end
    return end.year * 12 + end.month - 1


class Episode(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["shock", "calm"]
    title: I18n
    # shock: the months of data that show it; calm: the months of runs that should be quiet
    months: str = Field(pattern=MONTHS)
    # shock: the indicators a flag must be on (a calm stretch counts every warning)
    indicators: list[str] = Field(default_factory=list)
    within: int = Field(3, ge=0, description="shock: months after publication a flag counts")
    sources: list[str] = Field(min_length=1)
    note: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        first, _, last = self.months.partition(":")
        return month_number(first), month_number(last)

    @model_validator(mode="after")
    def _ordered(self) -> Episode:
        first, last = self.span
        if last < first:
            raise ValueError(f"episode {self.code}: {self.months} ends before it starts")
        if self.kind == "shock" and not self.indicators:
            raise ValueError(f"episode {self.code}: a shock needs indicators")
        return self


class EpisodeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: Literal["wenzeng/episodes/v1"] = Field(alias="schema")
    # the indicators whose false alarms matter most (value added and revenue)
    core_indicators: list[str] = Field(min_length=1)
    episodes: list[Episode] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> EpisodeFile:
        refuse_repeated((e.code for e in self.episodes), "episode")
        return self
