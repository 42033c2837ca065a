"""The built-in published figures: when each became known, and what its wording qualifies.

The published data set records what was published and where, not when.
A vintage is therefore estimated, in this order:

1. a note saying the figure was stated in a later release (e.g. "stated as
   prior-year comparison in 2022 1-4月 release") dates it to that release;
2. a date printed in the source title (a repost dated 2020-07-13) bounds it:
   the figure was known by then;
3. otherwise the usual release calendar: monthly and quarterly figures about
   30 days after the period ends (MIIT's 电子信息制造业运行情况 and NBS's
   industrial production release appear in the second half of the next
   month), annual figures 60 days after the year ends.

The earliest of (2) and (3) is used.  Words such as 超过 or 约 in a note
become the observation's qualifier ('>' at least, '~' about).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from wenzeng.domain.periods import Period, PeriodType, parse_period

LAG_DAYS = {
    PeriodType.MONTH: 30,
    PeriodType.CUM_MONTH: 30,
    PeriodType.QUARTER: 30,
    PeriodType.YEAR: 60,
}

_TITLE_DATE = re.compile(r"(20\d\d)[-年./](\d{1,2})[-月./](\d{1,2})")
_LATER_RELEASE = re.compile(r"prior-year comparison in (?:the |a )?(\d{4})")
_SAME_YEAR_RELEASE = re.compile(r"stated in (?:the )?1-(\d{1,2})月 release")
_LOWER = re.compile(r"(超过|突破|逾|lower bound|>)")
_ABOUT = re.compile(r"stated '约|'约")


def release_estimate(period: Period) -> date:
    return period.end + timedelta(days=LAG_DAYS[period.type])


def estimate_vintage(
    period_code: str, period_type: str, source_title: str, note: str | None
) -> date:
    period = parse_period(period_code, period_type)
    note = note or ""
    later = _LATER_RELEASE.search(note)
    if later:
        return release_estimate(period.shift_years(int(later[1]) - period.year))
    same = _SAME_YEAR_RELEASE.search(note)
    if same:
        return release_estimate(Period.cum_month(period.year, int(same[1])))
    estimate = release_estimate(period)
    m = _TITLE_DATE.search(source_title or "")
    if m:
        try:
            printed = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return estimate
        if period.end < printed < estimate:
            return printed
    return estimate


def qualifier_from_note(note: str | None) -> str:
    if not note:
        return ""
    if _ABOUT.search(note):
        return "~"
    if "stated" in note and _LOWER.search(note):
        return ">"
    if "lower bound" in note.lower():  # also "LOWER BOUND"
        return ">"
    return ""
