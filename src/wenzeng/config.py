"""Settings: environment variables prefixed ``WENZENG_``, overridable by CLI options.

Settings are built by :func:`load_settings` when an application or command
starts, never at import time.  Every setting is listed in ``SETTINGS`` with
its help text; ``docs/settings.md`` is checked against it by a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WENZENG_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Folder for the embedded SQLite database and generated files.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the store, e.g. sqlite:///var/wenzeng.db or "
            "postgresql+psycopg://user@127.0.0.1:5432/wenzeng. Default: SQLite in data_dir."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `wenzeng serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `wenzeng serve` listens on.")
    lang: str = Field(
        default="zh", pattern="^(zh|en)$", description="Default language of pages: zh or en."
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")
    report_issuer: str = Field(
        default="",
        description=(
            "The issuing office that signs the reports (落款), e.g. 工业和信息化部电子信息司. "
            "Default: the issuer named in each report's definition."
        ),
    )
    secret_key: str | None = Field(
        default=None,
        description=(
            "Key that signs web sessions. Default: a random key kept in data_dir/secret_key "
            "(created on first start)."
        ),
    )
    secure_cookies: bool = Field(
        default=False,
        description=(
            "Mark the session cookie Secure (sent over HTTPS only): set it when WenZeng is "
            "served behind TLS. Off for the local quick start on plain http://127.0.0.1."
        ),
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for reminders; unset = reminders stay in the outbox."
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP server port.")
    smtp_sender: str = Field(
        default="wenzeng@localhost", description="From address of reminder e-mails."
    )
    smtp_user: str | None = Field(
        default=None, description="SMTP login name, if the server needs one."
    )
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS with the SMTP server.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins allowed per user within login_window_minutes."
    )
    login_window_minutes: int = Field(
        default=15, ge=1, description="Window for counting failed logins (throttling)."
    )
    login_max_failures_per_client: int = Field(
        default=20,
        ge=1,
        description="Failed logins allowed from one client address within login_window_minutes.",
    )
    # -- serving under load --
    request_threads: int = Field(
        default=4,
        ge=1,
        le=256,
        description=(
            "Threads per worker process that run requests' blocking work (the store, "
            "computation). Few threads keep latency even under load: Python runs one at a "
            "time; more help only with a slow remote store."
        ),
    )

    # -- limits on files and request bodies, checked before work starts ----------------------
    # (wenzeng.ingest.limits; the web layer's body limit is wenzeng.web.body_limit)
    limit_upload_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1,
        description="Largest file (bytes) an upload or `wenzeng import` accepts.",
    )
    limit_body_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1,
        description="Largest request body (bytes) other than a file upload (multipart).",
    )
    limit_rows: int = Field(
        default=1_000_000, ge=1, description="Most rows of a file (a sheet's row numbers)."
    )
    limit_columns: int = Field(default=1_000, ge=1, description="Most columns of a file.")
    limit_cells: int = Field(
        default=5_000_000,
        ge=1,
        description="Most cells (rows x columns) a sheet declares, uses or merges.",
    )
    limit_uncompressed_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1,
        description="Largest uncompressed size (bytes) of a workbook's parts together.",
    )
    limit_compression_ratio: int = Field(
        default=100, ge=1, description="Highest compression ratio of a workbook part over 1 MiB."
    )
    limit_cell_chars: int = Field(
        default=32_767, ge=1, description="Most characters in one cell (Excel's own limit)."
    )

    # -- jobs: long work (uploads, reports, analysis runs) done by a worker, see docs/jobs.md --
    jobs_inline: bool = Field(
        default=False,
        description=(
            "Run jobs in the process that starts them, before answering (tests and scripts "
            "only: a long job then holds its request)."
        ),
    )
    jobs_concurrency: int = Field(
        default=2, ge=1, le=64, description="Jobs one `wenzeng worker` runs at a time."
    )
    jobs_stale_seconds: int = Field(
        default=60,
        ge=2,
        description=(
            "A running job whose worker has not been heard of for this long is retried "
            "(or failed after jobs_max_attempts)."
        ),
    )
    jobs_max_attempts: int = Field(
        default=3, ge=1, le=20, description="Attempts at a job before it is marked failed."
    )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'wenzeng.db').as_posix()}"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)


SETTINGS: list[tuple[str, str, str]] = [
    (f"WENZENG_{name.upper()}", str(field.default), field.description or "")
    for name, field in Settings.model_fields.items()
]
