"""The names people read for the codes of indicators, places and periods on the pages."""

from __future__ import annotations

from wenzeng.domain.periods import PeriodError, parse_period
from wenzeng.present.observation_rows import span_labels
from wenzeng.services.context import Context


def indicator_names(ctx: Context, code: str) -> tuple[str, str]:
    ind = ctx.catalogue.indicators.get(code)
    return (ind.name.zh, ind.name.en) if ind else (code, code)


def entity_names(ctx: Context, code: str) -> tuple[str, str]:
    if code == "regions":
        return "各地区", "the regions"
    e = ctx.catalogue.find_entity(code)
    return (e.name.zh, e.name.en) if e else (code, code)


def period_code_labels(code: str) -> tuple[str, str]:
    """The label of a period code; a code that is not a period stands for itself."""
    try:
        return span_labels(parse_period(code))
    except PeriodError:
        return code, code
