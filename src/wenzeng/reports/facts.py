"""What a report builder may ask of the store, as known on the report's vintage.

The builders know nothing of the database: the services layer implements :class:`Facts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from wenzeng.analysis.tracking import Assessment
from wenzeng.analysis.warnings import Finding
from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.forms import Form
from wenzeng.domain.observation import ObservationRecord
from wenzeng.domain.plan import Plan

RECEIVED = "received"  # no submission, but the figures arrived by a file import or the API


@dataclass(frozen=True)
class ReportingRow:
    """Whether one reporter has sent one form for one period."""

    form: str
    period: str
    reporter: str
    status: str  # missing | draft | submitted | accepted | returned | received
    late: bool
    simulated: bool = False  # the figures received are simulated demo data


@dataclass(frozen=True)
class ProgressReport:
    """One reporter's annual progress report (a submission of a progress form)."""

    form: str
    reporter: str
    status: str
    submitted_on: date | None
    values: dict[str, Any] = field(default_factory=dict)
    simulated: bool = False  # filed by the simulated demo


class Facts(Protocol):
    @property
    def as_of(self) -> date: ...

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def plan(self) -> Plan: ...

    def observations(
        self,
        indicator: str,
        entities: Sequence[str],
        measure: str,
        period_type: str,
        periods: Sequence[str],
        *,
        simulated: bool | None = None,
    ) -> list[ObservationRecord]: ...

    def assessments(self) -> list[Assessment]: ...

    def findings(self, as_of: date) -> list[Finding]: ...

    def reporting(self, form: str, period: str) -> list[ReportingRow]: ...

    def progress_reports(self, form: str, period: str) -> list[ProgressReport]: ...

    def reporters(self, form: str) -> list[str]: ...

    def form(self, code: str) -> Form: ...
