"""Read a YAML definition file and validate it, naming file, line and key of each problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from wenzeng.domain.issues import Issue, IssueCode, Location
from wenzeng.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)
LineMap = dict[tuple[Any, ...], int]


def _construct(
    loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...], lines: LineMap
) -> Any:
    """Build plain Python data from a composed node, recording each key's line (1-based)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _construct(loader, value_node, (*path, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, child, (*path, i), lines) for i, child in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, LineMap]:
    name = str(path)
    try:
        source = text if text is not None else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        issue = Issue(
            Location(file=name),
            IssueCode.UNREADABLE_FILE,
            f"无法读取文件：{exc}",
            f"cannot read the file: {exc}",
        )
        raise ValidationFailed(f"无法读取 / cannot read {name}", issues=[issue]) from exc
    loader = yaml.SafeLoader(source)
    lines: LineMap = {}
    try:
        node = loader.get_single_node()
        if node is None:
            issue = Issue(
                Location(file=name), IssueCode.EMPTY_FILE, "文件为空", "the file is empty"
            )
            raise ValidationFailed(f"文件为空 / empty file: {name}", issues=[issue])
        return _construct(loader, node, (), lines), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        issue = Issue(
            Location(file=name, line=line),
            IssueCode.YAML_SYNTAX,
            f"YAML 语法错误：{problem}",
            f"YAML syntax error: {problem}",
        )
        raise ValidationFailed(
            f"YAML 语法错误 / YAML syntax error in {name}", issues=[issue]
        ) from exc
    finally:
        loader.dispose()


def line_for(loc: tuple[Any, ...], lines: LineMap) -> int | None:
    loc = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in loc)
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def issues_from_validation(
    exc: ValidationError, file: str, lines: LineMap, prefix: tuple[Any, ...] = ()
) -> list[Issue]:
    out = []
    for err in exc.errors():
        loc = (*prefix, *(p for p in err["loc"]))
        key = ".".join(str(p) for p in loc) or None
        msg = err["msg"].removeprefix("Value error, ")
        found = err.get("input")
        shown = "" if isinstance(found, dict | list) or found is None else f" (found: {found!r})"
        out.append(
            Issue(
                Location(file=file, line=line_for(loc, lines), key=key),
                IssueCode.SCHEMA,
                f"不符合格式要求：{msg}{shown}",
                f"does not match the schema: {msg}{shown}",
            )
        )
    return out


def validate_document(
    model: type[M], data: Any, file: str, lines: LineMap, prefix: tuple[Any, ...] = ()
) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = issues_from_validation(exc, file, lines, prefix)
        raise ValidationFailed(
            f"定义文件有误 / invalid definition file: {file} ({len(issues)} problem(s))",
            issues=issues,
        ) from exc


def load_model(model: type[M], path: Path) -> M:
    data, lines = load_yaml(path)
    return validate_document(model, data, str(path), lines)
