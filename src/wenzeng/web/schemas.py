"""The bodies of the JSON API under /api/v1: what it takes (``*In``, ``*Patch``) and what it
answers (``*Out``, ``*Page``), so that ``/openapi.json`` says what the server does.

The output models describe the JSON the services already produce, key for key; they forbid
undeclared keys, so a service answer that drifts from its documented shape fails loudly instead
of being documented wrongly.  Timestamps are passed through as the services write them (ISO
8601 text), never re-formatted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue, WithJsonSchema

from wenzeng.analysis import tracking
from wenzeng.analysis.tracking import FigureKind
from wenzeng.auth.principal import Role
from wenzeng.domain import submissions
from wenzeng.domain.forms import FormField, PerMeasure, Rule
from wenzeng.domain.issues import Severity
from wenzeng.domain.periods import PeriodType
from wenzeng.domain.plan import Comparator, Due, ReporterKind
from wenzeng.domain.text import I18n
from wenzeng.services.reports import FORMATS, LANGS

Timestamp = Annotated[
    str,
    Field(
        json_schema_extra={
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$",
            "description": "ISO 8601, in UTC; with its offset where the store keeps one",
        }
    ),
]
"""A moment as the store gives it, in ISO 8601 (with its offset where the store keeps one:
SQLite keeps none, so the document does not call it an RFC 3339 ``date-time``)."""

FieldValue = float | int | str
"""A checked form value: numbers as numbers, texts as texts (blank values are dropped)."""


TargetStatus = Annotated[
    tracking.Status,
    WithJsonSchema(
        {"title": "TargetStatus", "type": "string", "enum": [s.value for s in tracking.Status]}
    ),
]
SubmissionStatus = Annotated[
    submissions.Status,
    WithJsonSchema(
        {
            "title": "SubmissionStatus",
            "type": "string",
            "enum": [s.value for s in submissions.Status],
        }
    ),
]


def _absent_if_none(value: object) -> bool:
    return value is None


def _never_null(schema: dict[str, Any]) -> None:
    """The JSON schema of a key that is left out rather than written as null."""
    kinds = [k for k in schema.pop("anyOf", []) if k != {"type": "null"}]
    if len(kinds) == 1:
        schema.update(kinds[0])
    elif kinds:
        schema["anyOf"] = kinds


def omitted() -> Any:
    """A key the answer leaves out when it has no value."""
    return Field(default=None, exclude_if=_absent_if_none, json_schema_extra=_never_null)


# -- what the API takes ------------------------------------------------------------------------
class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SubmissionIn(_In):
    form: str
    reporter: str
    period: str = Field(description="e.g. 2025-10 or 2025年10月")
    values: dict[str, Any] = Field(default_factory=dict)
    explanations: dict[str, str] = Field(default_factory=dict)


class SubmissionPatch(_In):
    version: int
    values: dict[str, Any]
    explanations: dict[str, str] = Field(default_factory=dict)


class VersionIn(_In):
    version: int


class SubmitIn(_In):
    version: int
    explanations: dict[str, str] = Field(default_factory=dict)


class ReturnIn(_In):
    version: int
    reason: str = Field(min_length=1)


class AnalysisIn(_In):
    as_of: date | None = None


class WarningStatusIn(_In):
    note: str | None = None


def one_of(values: Sequence[str]) -> dict[str, Any]:
    """The JSON schema's list of the texts a field takes; the service checks it and refuses
    another text (422) with its own message."""
    return {"enum": list(values)}


class ReportIn(_In):
    kind: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[a-z_]+$",
        description="quarterly | meeting | annual, or a kind loaded from a catalogue file "
        "(the kinds in use: `wenzeng report kinds`)",
    )
    period: str = Field(
        min_length=1,
        max_length=40,
        description="e.g. 2024Q3 or 2024-Q3 (quarterly, meeting), 2024 (annual)",
    )
    lang: str = Field(default="zh", description="zh | en", json_schema_extra=one_of(LANGS))
    as_of: date | None = Field(default=None, description="the data as known on this day (today)")
    formats: list[Annotated[str, Field(json_schema_extra=one_of(FORMATS))]] = Field(
        default_factory=lambda: list(FORMATS), min_length=1
    )


# -- the one error body ------------------------------------------------------------------------
class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItemOut(_Out):
    """One problem: where (``loc``), a stable ``code`` and a message, Chinese first."""

    loc: list[str | int]
    code: str
    msg: str
    severity: Severity | None = omitted()
    msg_zh: str | None = omitted()
    msg_en: str | None = omitted()
    value: JsonValue = omitted()


class ErrorOut(_Out):
    """Every error of the API, uploads and forms: 401, 403, 404, 409, 422 alike."""

    ok: Literal[False]
    status: int
    message: str
    errors: list[ErrorItemOut] = Field(min_length=1)


# -- shared parts ------------------------------------------------------------------------------
class _Answer(_Out):
    ok: Literal[True]


T = TypeVar("T")


class Page(_Answer, Generic[T]):
    """A list and how many it holds; each list names its items (``submissions``, ...)."""

    count: int
    items: list[T]


class IssueOut(_Out):
    """A problem found in an upload or a definition (``wenzeng.domain.issues.Issue``)."""

    loc: list[str | int]
    code: str
    severity: Severity
    msg: str
    msg_zh: str
    msg_en: str
    value: JsonValue = omitted()


class ProblemOut(_Out):
    """A form rule or field check that failed; a warning needs an explanation to submit."""

    loc: list[str | int]
    field: str | None
    rule: str
    code: str
    severity: Severity
    msg: str
    msg_zh: str
    msg_en: str
    values: dict[str, JsonValue]
    explanation: str | None


# -- the caller --------------------------------------------------------------------------------
class MeOut(_Answer):
    username: str
    role: Role
    entity: str | None
    display_name: str


# -- forms -------------------------------------------------------------------------------------
class DueOut(_Out):
    """When a form is due (only the parts that apply)."""

    month: int | None = omitted()
    day: int
    months_after_period: int | None = omitted()


class FormSummaryOut(_Out):
    code: str
    title: I18n
    reporter: ReporterKind
    frequency: Literal["monthly", "quarterly", "annual"]
    period_type: PeriodType
    due: DueOut
    fields: int = Field(description="how many fields")
    rules: int = Field(description="how many rules")


class FormsOut(_Answer):
    forms: list[FormSummaryOut]


class FormDefinitionOut(_Out):
    """A form as defined, with its per-measure fields spelled out in ``fields``."""

    schema_: Literal["wenzeng/form/v1"] = Field(alias="schema")
    code: str
    title: I18n
    reporter: ReporterKind
    frequency: Literal["monthly", "quarterly", "annual"]
    period_type: PeriodType
    due: Due
    plan: str | None
    description: I18n | None
    per_measure: PerMeasure | None
    rules: list[Rule]
    fields: list[FormField]


class FormDetailOut(_Answer):
    form: FormDefinitionOut


# -- submissions -------------------------------------------------------------------------------
class SubmissionDataOut(_Out):
    id: int
    form: str
    reporter: str
    period: str
    status: SubmissionStatus
    revision: int
    version: int = Field(description="name it when changing the submission")
    values: dict[str, FieldValue]
    explanations: dict[str, str]
    problems: list[ProblemOut]
    return_reason: str | None
    channel: str
    created_by: str
    created_at: Timestamp
    updated_at: Timestamp
    submitted_at: Timestamp | None
    reviewed_by: str | None
    reviewed_at: Timestamp | None
    status_zh: str


class SubmissionOut(_Answer):
    submission: SubmissionDataOut


class SubmissionPage(Page[SubmissionDataOut]):
    items: list[SubmissionDataOut] = Field(alias="submissions")


class CheckOut(_Answer):
    can_submit: bool
    values: dict[str, FieldValue]
    problems: list[ProblemOut]


class AuditEntryOut(_Out):
    id: int
    at: Timestamp
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, JsonValue]


class AuditOut(_Answer):
    entries: list[AuditEntryOut]


class UploadOut(_Answer):
    submissions: list[SubmissionDataOut]
    warnings: list[IssueOut]


class PreviewColumnOut(_Out):
    column: str
    role: Literal["reporter", "period", "field"]
    field: str = omitted()
    label_zh: str = omitted()
    label_en: str = omitted()
    unit: str | None = omitted()
    factor: float = omitted()


class PreviewNoteOut(_Out):
    row: int
    kind: str
    text: str


class PreviewRowOut(_Out):
    row: int
    reporter: str
    reporter_name: str
    period: str
    period_label: str


class UploadPreviewOut(_Answer):
    """How an upload would be read and what its checks find; nothing is written."""

    importable: bool  # no blocking problem: uploading the file would store it
    dry_run: Literal[True]
    form: str
    sheet: str | None
    title: str | None
    period_from: Literal["column", "title"]
    columns: list[PreviewColumnOut]
    notes: list[PreviewNoteOut]
    rows: list[PreviewRowOut]
    errors: list[IssueOut]
    warnings: list[IssueOut]


# -- the tracker -------------------------------------------------------------------------------
class TrackerRowOut(_Out):
    reporter: str
    name_zh: str
    name_en: str
    status: Literal["missing", "draft", "submitted", "accepted", "returned"]
    late: bool
    submission_id: int | None


class TrackerOut(_Answer):
    form: str
    period: str
    due: date
    counts: dict[str, int] = Field(description="reporters by status, and how many are late")
    rows: list[TrackerRowOut]


class RemindersOut(_Answer):
    queued: int = Field(description="reminders queued")


# -- observations ------------------------------------------------------------------------------
class ObservationOut(_Out):
    indicator: str
    entity: str
    measure: str
    period_type: str
    period: str
    vintage: date
    value: float
    qualifier: str
    unit: str | None
    published_value: str | None
    published_unit: str | None
    source_kind: str
    source_title: str
    source_url: str | None
    note: str | None
    simulated: bool
    batch_id: int
    publisher: str | None = None  # who published the figure, where known
    release: str | None = None  # the title of the release it was published in
    period_label_zh: str
    period_label_en: str
    kind: str
    flag: str


class ObservationPage(Page[ObservationOut]):
    items: list[ObservationOut] = Field(alias="observations")


# -- target tracking ---------------------------------------------------------------------------
class EvidenceOut(_Out):
    indicator: str
    period: str
    period_label_zh: str
    value: float
    unit: str | None
    qualifier: str
    source_title: str
    source_url: str | None
    vintage: str
    role: Literal["used", "related"]
    entity: str = ""
    publisher: str = ""
    release: str = ""


class ProgressOut(_Out):
    reporter: str
    period: str
    text: str


class ProjectionOut(_Out):
    mean: float
    lower: float = Field(description="80 % interval")
    upper: float
    sd: float
    probability: float = Field(description="of meeting the target")
    method: str
    basis: str
    analogues: int = Field(description="earlier years the pattern was taken from")


class AssessmentOut(_Out):
    target: str
    title_zh: str
    title_en: str
    text_zh: str
    computation: str
    indicator: str | None = Field(description="None for a qualitative target")
    comparator: Comparator | None
    value: float | None
    unit: str | None
    tolerance: float | None
    threshold: float | None = None
    threshold_comparator: Comparator | None = None
    threshold_unit: str | None = None
    entity_kind: str | None = None
    period: list[int] = Field(description="first and last year")
    as_of: date
    status: TargetStatus
    status_zh: str
    status_en: str
    rule_zh: str
    rule_en: str
    figure: float | None
    figure_kind: FigureKind
    figure_note_zh: str
    figure_note_en: str
    evidence: list[EvidenceOut]
    related: list[EvidenceOut]
    projection: ProjectionOut | None
    required_zh: str
    required_en: str
    required_value: float | None
    progress: list[ProgressOut] = Field(default_factory=list)


class TargetsOut(_Answer):
    plan: str
    as_of: date
    targets: list[AssessmentOut]


class TargetOut(_Answer):
    target: AssessmentOut


# -- analysis and warnings ---------------------------------------------------------------------
class AnalysisOut(_Answer):
    as_of: date
    run: int | None
    targets: dict[str, dict[str, TargetStatus]] = Field(description="plan -> target -> status")
    findings: int
    new: int
    updated: int
    judged: int
    insufficient: int
    by_rule: dict[str, int]
    signals: dict[str, JsonValue] = Field(description="signal lights, composite and diffusion")


class AnalysisRunOut(_Out):
    id: int
    as_of: date
    summary: dict[str, JsonValue] = Field(description="as POST /api/v1/analysis answered")


class SignalsOut(_Answer):
    run: AnalysisRunOut | None = Field(description="the latest run; null before the first")


class WarningDataOut(_Out):
    id: int
    key: str
    rule: str
    klass: Literal["emerging", "trending", "latent"]
    indicator: str
    entity: str
    period: str
    severity: Literal["high", "medium", "low"]
    status: Literal["new", "acknowledged", "closed"]
    first_seen: date
    last_seen: date
    times_seen: int
    evidence: dict[str, JsonValue]
    explanation_zh: str
    explanation_en: str
    simulated: bool
    note: str | None
    updated_by: str | None
    updated_at: Timestamp | None


class WarningOut(_Answer):
    warning: WarningDataOut


class WarningPage(Page[WarningDataOut]):
    items: list[WarningDataOut] = Field(alias="warnings")


# -- reports -----------------------------------------------------------------------------------
class ReportFileOut(_Out):
    format: Literal["html", "pdf", "docx"]
    size: int | None


class ReportDataOut(_Out):
    id: int
    kind: str
    kind_zh: str
    kind_en: str
    period: str
    lang: str
    as_of: date
    title: str
    simulated: bool
    created_by: str | None = Field(description="shown to department staff only")
    created_at: Timestamp | None
    published: bool
    published_by: str | None = Field(description="shown to department staff only")
    published_at: Timestamp | None
    files: list[ReportFileOut]


class ReportOut(_Answer):
    report: ReportDataOut


class ReportPage(Page[ReportDataOut]):
    items: list[ReportDataOut] = Field(alias="reports")


class DeletedOut(_Answer):
    deleted: int


# -- jobs --------------------------------------------------------------------------------------
class JobDataOut(_Out):
    """A job: long work (an upload, a report, an analysis run) done by a worker."""

    id: int
    kind: Literal["upload", "report", "analysis"]
    kind_zh: str
    kind_en: str
    status: Literal["queued", "running", "done", "failed"]
    status_zh: str
    status_en: str
    finished: bool = Field(description="done or failed: the job will not change any more")
    stage: str | None = Field(description="what the job is doing, Chinese / English")
    done: int = Field(description="rows read and checked (uploads) so far")
    total: int | None = Field(description="rows in all, once the file has been read")
    params: dict[str, JsonValue] = Field(description="what was asked (never the file itself)")
    result: dict[str, JsonValue] | None = Field(
        description=(
            "when done: an upload's submissions and warnings (as UploadOut), a report's id, "
            "title and files, an analysis run's summary (as AnalysisOut); when failed: "
            "the HTTP status the error would have had"
        )
    )
    errors: list[ErrorItemOut] = Field(
        description="when failed: the problems, an upload's by file, row and column"
    )
    message: str | None = Field(description="when failed: why, Chinese / English")
    started_by: str
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    attempts: int = Field(description="workers that took the job (more than 1: retried)")
    url: str = Field(description="the job's page")


class JobOut(_Answer):
    job: JobDataOut


class JobPage(Page[JobDataOut]):
    items: list[JobDataOut] = Field(alias="jobs")
