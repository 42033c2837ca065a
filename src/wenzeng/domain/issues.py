"""Validation problems: collected, never raised one by one.

Every problem names where it is (file, sheet, row, column or key), carries
a stable code, a message in Chinese and English, and a severity: an error
blocks, a warning needs an explanation before it is accepted.

What a file holds never makes a problem long: the texts of a location, a
message and the value kept with it are cut to a bound (a 1 MB cell is quoted
by its first characters, see :func:`wenzeng.domain.text.quote`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from wenzeng.domain.text import clip, clip_value

LOCATION_LIMIT = 120  # characters of a file name, sheet, column or key shown
MESSAGE_LIMIT = 1000  # characters of a message, whatever it quotes


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class IssueCode(StrEnum):
    # structure and reading
    UNREADABLE_FILE = "unreadable_file"
    UNKNOWN_FORMAT = "unknown_format"
    ENCODING = "encoding"
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"  # over a limit (size, rows, columns, cell length)
    # values
    REQUIRED = "required"
    NOT_A_NUMBER = "not_a_number"
    BAD_PERIOD = "bad_period"
    BAD_DATE = "bad_date"
    UNKNOWN_INDICATOR = "unknown_indicator"
    UNKNOWN_ENTITY = "unknown_entity"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_MEASURE = "unknown_measure"
    UNIT_MISMATCH = "unit_mismatch"
    MEASURE_NOT_PUBLISHED = "measure_not_published"
    DUPLICATE = "duplicate"
    OUT_OF_RANGE = "out_of_range"
    BAD_LINK = "bad_link"
    # form rules
    RULE_FAILED = "rule_failed"
    NEEDS_EXPLANATION = "needs_explanation"
    # schema files
    SCHEMA = "schema"
    YAML_SYNTAX = "yaml_syntax"
    REFERENCE = "reference"


@dataclass(frozen=True, slots=True)
class Location:
    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # 1-based, as a spreadsheet shows it (header = row 1)
    column: str | None = None
    line: int | None = None  # for text files such as YAML
    key: str | None = None  # dotted path inside a structured file

    def __post_init__(self) -> None:
        for name in ("file", "sheet", "column", "key"):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > LOCATION_LIMIT:
                object.__setattr__(self, name, clip(value, LOCATION_LIMIT))

    def as_list(self) -> list[Any]:
        """The ``loc`` of the error contract: ["file", f, "row", 12, "column", "value"]."""
        out: list[Any] = []
        for name in ("file", "sheet", "line", "key", "row", "column"):
            value = getattr(self, name)
            if value is not None:
                out += [name, value]
        return out

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"工作表/sheet {self.sheet}")
        if self.line is not None:
            parts.append(f"第{self.line}行/line {self.line}")
        if self.key:
            parts.append(f"键/key {self.key}")
        if self.row is not None:
            parts.append(f"第{self.row}行/row {self.row}")
        if self.column:
            parts.append(f"列/column {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Issue:
    loc: Location
    code: IssueCode
    msg_zh: str
    msg_en: str
    severity: Severity = Severity.ERROR
    value: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "msg_zh", clip(self.msg_zh, MESSAGE_LIMIT))
        object.__setattr__(self, "msg_en", clip(self.msg_en, MESSAGE_LIMIT))
        object.__setattr__(self, "value", clip_value(self.value))

    @property
    def msg(self) -> str:
        return f"{self.msg_zh} / {self.msg_en}"

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "loc": self.loc.as_list(),
            "code": self.code.value,
            "severity": self.severity.value,
            "msg": self.msg,
            "msg_zh": self.msg_zh,
            "msg_en": self.msg_en,
        }
        if self.value is not None:
            d["value"] = self.value
        return d

    def __str__(self) -> str:
        where = str(self.loc)
        return f"{where}: {self.msg}" if where else self.msg


@dataclass
class IssueCollector:
    """Collects issues; stops adding after ``limit`` so a broken million-row file stays readable."""

    limit: int = 1000
    issues: list[Issue] = field(default_factory=list)
    dropped: int = 0

    def add(self, issue: Issue) -> None:
        if len(self.issues) < self.limit:
            self.issues.append(issue)
        else:
            self.dropped += 1

    def extend(self, issues: Iterable[Issue]) -> None:
        for i in issues:
            self.add(i)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues) + self.dropped

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or self.dropped > 0
