"""The errors WenZeng raises to its users.

Each carries an HTTP status (used by the web layer) and an exit code (used
by the CLI), and every message is written Chinese first, English second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wenzeng.domain.issues import Issue


class WenzengError(Exception):
    status = 500
    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.issues = list(issues)

    def body(self) -> dict[str, Any]:
        """The one error body of WenZeng's API, uploads and forms."""
        errors = [i.as_dict() for i in self.issues] or [
            {"loc": [], "code": self.code, "msg": self.message}
        ]
        return {"ok": False, "status": self.status, "message": self.message, "errors": errors}


class Unauthorized(WenzengError):
    status = 401
    exit_code = 7
    code = "unauthorized"


class TooManyRequests(WenzengError):
    status = 429
    exit_code = 8
    code = "too_many_requests"

    def __init__(
        self, message: str, *, retry_after: int | None = None, issues: Sequence[Issue] = ()
    ) -> None:
        super().__init__(message, issues=issues)
        self.retry_after = retry_after  # seconds, for the Retry-After header


class NotFound(WenzengError):
    status = 404
    exit_code = 4
    code = "not_found"


class Forbidden(WenzengError):
    status = 403
    exit_code = 5
    code = "forbidden"


class Conflict(WenzengError):
    status = 409
    exit_code = 6
    code = "conflict"


class ValidationFailed(WenzengError):
    status = 422
    exit_code = 3
    code = "validation_failed"


class TooLarge(ValidationFailed):
    """A file or request over one of the limits (``wenzeng.ingest.limits``), refused before
    any work starts: 413 Content Too Large.  A kind of validation failure, so every place
    that reports a refused file reports this one too."""

    status = 413
    code = "too_large"


class ConfigurationError(WenzengError):
    status = 500
    exit_code = 2
    code = "configuration"
