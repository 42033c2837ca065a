"""The store's tables (SQLAlchemy Core). Only ``wenzeng.store`` imports SQLAlchemy.

Observations are append-only: a revision is a new row with a later
``vintage`` (the date the figure became known); nothing is updated or
deleted.  The value known on any date is the row with the latest vintage
not after that date (ALFRED's real-time period, closed at both ends).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

# Every stored number is finite and of a size a statistic can be: the store refuses NaN and the
# infinities whatever writes to it (NaN compares greater than every number on PostgreSQL and
# becomes NULL on SQLite, so either way the check or NOT NULL fails).
FINITE_BOUND = "1e15"


def finite(column: str) -> CheckConstraint:
    """The check that keeps ``column`` finite and below 10^15 in size (NULL passes)."""
    return CheckConstraint(
        f"{column} BETWEEN -{FINITE_BOUND} AND {FINITE_BOUND}", name=f"{column}_finite"
    )


# Where a set of observations came from: a publication, an imported file, a form submission.
source = Table(
    "source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # published | import | submission | simulated
    Column("title", Text, nullable=False),
    Column("url", Text),
    UniqueConstraint("kind", "title", "url"),
)

# One load of data: the built-in set, the demo set, an imported file.
batch = Table(
    "batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # builtin | demo | import
    Column("file", Text),
    Column("sha256", String(64)),
    Column("rows", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64)),
    Column("note", Text),
)

# A series key: indicator × entity × measure × period type (SDMX's series key).
series = Table(
    "series",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator", String(48), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("measure", String(16), nullable=False),
    Column("period_type", String(16), nullable=False),
    UniqueConstraint("indicator", "entity", "measure", "period_type"),
    Index("ix_series_entity", "entity"),
)

observation = Table(
    "observation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column(
        "period", String(12), nullable=False
    ),  # canonical code: 2024, 2024-Q3, 2024-09, 2024-01~09
    Column("vintage", Date, nullable=False),  # when the value became known
    Column("value", Float, nullable=False),  # in the indicator's canonical unit
    # '' exact, '>' at least (超过/突破), '<' at most, '~' approximately (约)
    Column("qualifier", String(1), nullable=False, default=""),
    Column("published_value", String(32)),  # as written in the source
    Column("published_unit", String(16)),
    Column("source_id", Integer, ForeignKey("source.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("batch.id"), nullable=False),
    Column("simulated", Boolean, nullable=False, default=False),
    Column("note", Text),
    Column(
        "submission_id", Integer, ForeignKey("submission.id")
    ),  # accepted submission it came from
    # who published the figure and the title of the release, where known (the source is the
    # copy it was read from, often a repost; one copy may gather figures of several releases)
    Column("publisher", Text),
    Column("release", Text),
    Index("ix_observation_key", "series_id", "period", "vintage"),
    finite("value"),
)

# Entities that live in the store rather than the catalogue files: key enterprises.
entity = Table(
    "entity",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("region", String(40)),  # GB/T 2260 code
    Column("sector", String(8)),  # GB/T 4754 code
    Column("chain_position", String(16)),  # upstream | midstream | downstream
    Column("attributes", JSON),
    Column("simulated", Boolean, nullable=False, default=False),
    Index("ix_entity_region", "region"),
)

# Supplier links of the key enterprise and supply-chain lists (重点电子整机及上游供应链企业名单).
supply_link = Table(
    "supply_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("buyer", String(40), ForeignKey("entity.code"), nullable=False),
    Column("supplier", String(40), ForeignKey("entity.code"), nullable=False),
    Column("product", Text),
    Column("simulated", Boolean, nullable=False, default=False),
    UniqueConstraint("buyer", "supplier", "product"),
)

plan = Table(
    "plan",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("document", Text, nullable=False),  # the plan file's text
    Column("file", Text),
    Column("builtin", Boolean, nullable=False, default=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    # active | archived: an archived plan is kept, read-only, out of the default views
    Column("status", String(16), nullable=False, server_default=text("'active'")),
    Column("archived_at", DateTime(timezone=True)),
)

# Catalogue entries a user loaded (units, indicators, entities, sectors), beside the built-in
# ones of the package: one row per version of an entry; the current one has no
# ``superseded_at`` (an entry removed has none current).
catalog_entry = Table(
    "catalog_entry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # unit | indicator | entity | sector
    Column("code", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", JSON, nullable=False),  # the entry as the file wrote it
    Column("source_file", Text, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(64), nullable=False),
    Column("superseded_at", DateTime(timezone=True)),
    UniqueConstraint("kind", "code", "version"),
    Index("ix_catalog_entry_kind_code", "kind", "code"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)

# Counters raised by every transaction that changes what the read-mostly pages show: "data"
# (loads, analysis runs, warnings, reports), "entities", "definitions" (plans, forms); the keys
# of the caches of every worker process (see wenzeng.store.meta).
data_version_table = Table(
    "data_version",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("version", BigInteger, nullable=False, default=0),
)

# -- collection (联网直报) ------------------------------------------------------------------------

form_def = Table(
    "form_def",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("document", Text, nullable=False),  # the form file's text
    Column("file", Text),
    Column("builtin", Boolean, nullable=False, default=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

# One reporter's form for one period. ``version`` guards against lost updates: every change
# must name the version it was made on.
submission = Table(
    "submission",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form", String(64), nullable=False),
    Column("reporter", String(40), nullable=False),  # entity code
    Column("period", String(12), nullable=False),
    Column("status", String(16), nullable=False),  # draft | submitted | accepted | returned
    Column("revision", Integer, nullable=False, default=1),  # 1 + revisions after acceptance
    Column("version", Integer, nullable=False, default=1),
    Column("values", JSON, nullable=False),
    Column("explanations", JSON, nullable=False),
    Column("problems", JSON, nullable=False),
    Column("return_reason", Text),
    Column("channel", String(16), nullable=False),  # web | upload | api
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("reviewed_by", String(64)),
    Column("reviewed_at", DateTime(timezone=True)),
    UniqueConstraint("form", "reporter", "period"),
    Index("ix_submission_form_period", "form", "period"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("details", JSON, nullable=False),  # e.g. {"old": {...}, "new": {...}}
    Index("ix_audit_log_object", "object_type", "object_id"),
)

user = Table(
    "user_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column(
        "role", String(16), nullable=False
    ),  # admin analyst province association enterprise public
    Column("entity", String(40)),  # the region, association or enterprise a reporter speaks for
    Column("email", Text),
    Column("password_hash", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # raised by logout, a new password and disabling: a web session signed with an older
    # epoch no longer counts
    Column("session_epoch", Integer, nullable=False, default=0, server_default="0"),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("user_account.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("expires_at", DateTime(timezone=True)),  # None: until revoked
    Column("read_only", Boolean, nullable=False, default=False, server_default=false()),
)

login_attempt = Table(
    "login_attempt",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("client", String(64)),  # the address the attempt came from
    Index("ix_login_attempt_username_at", "username", "at"),
    Index("ix_login_attempt_client_at", "client", "at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),  # reminder | returned | …
    Column("recipient", Text, nullable=False),  # an e-mail address
    Column("user_id", Integer, ForeignKey("user_account.id")),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("dedupe_key", String(128), unique=True),  # one reminder per reporter, form and period
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)

# -- analysis -----------------------------------------------------------------------------------

analysis_run = Table(
    "analysis_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False),  # the data as known on this date
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("summary", JSON, nullable=False),
)

assessment = Table(
    "assessment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("analysis_run.id"), nullable=False),
    Column("plan", String(64), nullable=False),
    Column("target", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("figure", Float),
    Column("payload", JSON, nullable=False),
    Index("ix_assessment_plan_target", "plan", "target", "as_of"),
    finite("figure"),
)

# A problem found by the early-warning rules.  ``key`` (rule × indicator × entity) identifies
# the problem across runs, so that a problem still present is updated, not raised anew.
warning = Table(
    "warning",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("klass", String(16), nullable=False),  # emerging | trending | latent
    Column("indicator", String(48), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("period", String(12), nullable=False),  # the latest data period it concerns
    Column("severity", String(8), nullable=False),  # high | medium | low
    Column("status", String(16), nullable=False),  # new | acknowledged | closed
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("times_seen", Integer, nullable=False, default=1),
    Column("evidence", JSON, nullable=False),
    Column("explanation_zh", Text, nullable=False),
    Column("explanation_en", Text, nullable=False),
    Column("simulated", Boolean, nullable=False, default=False),
    Column("note", Text),
    Column("updated_by", String(64)),
    Column("updated_at", DateTime(timezone=True)),
    Index("ix_warning_key_status", "key", "status"),
    Index("ix_warning_status", "status"),
)

# -- reports ------------------------------------------------------------------------------------

# A generated report: one kind, period, language and data vintage.  Its files (HTML, PDF,
# DOCX) are kept as generated; a published report is visible to the public.
report = Table(
    "report",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # quarterly | meeting | annual
    Column("period", String(12), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("as_of", Date, nullable=False),  # the data as known on this date
    Column("title", Text, nullable=False),
    Column("simulated", Boolean, nullable=False),  # contains simulated figures
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_by", String(64)),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_report_kind_period", "kind", "period"),
)

report_file = Table(
    "report_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("report.id", ondelete="CASCADE"), nullable=False),
    Column("format", String(8), nullable=False),  # html | pdf | docx
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    UniqueConstraint("report_id", "format"),
)

# -- jobs ---------------------------------------------------------------------------------------

# Long work (an upload, a report, an analysis run) done outside the request by a worker.  The
# queue library only carries "run job <id>"; this row is the job itself: what to do (params and,
# for an upload, the uploaded bytes, so an accepted upload survives the web process), how far it
# got and how it ended.  ``attempts`` is the fencing token of the worker that holds the job: only
# the attempt that claimed it may record its end, in the same transaction as the job's effect.
JOB_ACTIVE = ("queued", "running")

job = Table(
    "job",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # upload | report | analysis
    Column("dedup_key", String(64), nullable=False),  # identical requests share a key
    Column("params", JSON, nullable=False),
    Column("payload", LargeBinary),  # the uploaded file until the job ends
    Column("status", String(8), nullable=False),  # queued | running | done | failed
    Column("stage", Text),
    Column("done_count", Integer, nullable=False, server_default="0"),  # rows read / steps done
    Column("total_count", Integer),
    Column("result", JSON),
    Column("errors", JSON),  # issues, as an upload's validation report
    Column("message", Text),  # why it failed, in Chinese and English
    Column("started_by", String(64), nullable=False),
    Column("started_by_id", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index("ix_job_started_by_id", "started_by", "id"),
    Index("ix_job_status_heartbeat_at", "status", "heartbeat_at"),
    # identical requests while one is queued or running are the same job
    Index(
        "uq_job_dedup_key_active",
        "dedup_key",
        unique=True,
        sqlite_where=text("status IN ('queued', 'running')"),
        postgresql_where=text("status IN ('queued', 'running')"),
    ),
)

# A named way of reading a file (which column holds what, the entity or period the file does not
# say): given once for this month's table, reused for next month's file of the same shape.
import_profile = Table(
    "import_profile",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("mapping", JSON, nullable=False),  # {"columns": {field: column}, "constants": {…}}
    Column("hints", JSON, nullable=False),  # how a wide table is read (entity, period, columns…)
    Column("created_by", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
