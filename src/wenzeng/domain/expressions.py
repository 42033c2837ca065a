"""A small, safe expression language for validation rules.

Rules in form files are written as Python-like expressions over field codes:

    phone_ship_5g <= phone_ship_total
    abs(revenue - sum(revenue_c391, revenue_c392, revenue_c399)) <= 0.01 * revenue
    revenue >= prev(revenue)
    abs(revenue / last_year(revenue) - 1) <= 0.5
    abs(revenue_yoy - (revenue / last_year(revenue) - 1) * 100) <= 1

The text is parsed with :mod:`ast` and compiled into a tree of closures; only
the node kinds below are accepted, so nothing but arithmetic, comparison,
logic and the listed functions can run.  ``eval`` is never used.

A missing value (a blank field, no figure for last month) makes the rule
*not applicable* rather than failed, as in VTL: the rule returns ``None``.
``present(x)`` and ``coalesce(x, y)`` let a rule speak about missing values.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wenzeng.domain.text import BilingualError


class ExpressionError(BilingualError):
    """An expression that is not allowed or does not parse."""


class _Missing(Exception):
    """Raised inside evaluation when a value is missing."""


# History lookups: (function name, field code) -> value or None
History = Callable[[str, str], float | None]


@dataclass
class Env:
    values: Mapping[str, Any]
    history: History = field(default=lambda _fn, _code: None)
    used: dict[str, Any] = field(default_factory=dict)  # the values the rule looked at


Node = Callable[[Env], Any]

HISTORY_FUNCTIONS = {
    "prev": "上期值 / the value for the previous period",
    "last_year": "上年同期值 / the value for the same period a year earlier",
    "prev_cum": "上期累计值 / the cumulative value up to the previous month",
    "national": "全国已发布值 / the published national figure for the same period",
    "others": "其他报送单位已接受值之和 / the sum of the other reporters' accepted values",
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _need(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise _Missing
    return value


def _sum(*xs: Any) -> Any:
    return sum(_need(x) for x in xs)


_PLAIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": lambda x: abs(_need(x)),
    "min": lambda *xs: min(_need(x) for x in xs),
    "max": lambda *xs: max(_need(x) for x in xs),
    "sum": _sum,
    "round": lambda x, n=0: round(_need(x), int(n)),
}


@dataclass(frozen=True)
class Expression:
    text: str
    names: frozenset[str]  # field codes the expression refers to
    _root: Node

    def evaluate(self, env: Env) -> Any:
        """The value, or None when a value it needs is missing."""
        try:
            return self._root(env)
        except _Missing:
            return None
        except ZeroDivisionError:
            return None


def compile_expression(text: str, fields: set[str] | None = None) -> Expression:
    """Parse and check ``text``; ``fields`` (when given) are the only names allowed."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"表达式语法错误（第{exc.offset}列）：{text!r}",
            f"syntax error in expression at column {exc.offset}: {text!r}",
        ) from exc
    names: set[str] = set()
    root = _compile(tree.body, text, fields, names)
    return Expression(text, frozenset(names), root)


def _bad(node: ast.AST, text: str, what: str) -> ExpressionError:
    col = getattr(node, "col_offset", 0) + 1
    return ExpressionError(
        f"表达式中不允许使用{what}（第{col}列）：{text!r}",
        f"{what} is not allowed in expressions (column {col}): {text!r}",
    )


def _compile(node: ast.AST, text: str, fields: set[str] | None, names: set[str]) -> Node:  # noqa: C901 - one branch per node kind
    def rec(n: ast.AST) -> Node:
        return _compile(n, text, fields, names)

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _bad(node, text, f"常量 {node.value!r} / the constant {node.value!r}")
        value = node.value
        return lambda env: value
    if isinstance(node, ast.Name):
        name = node.id
        if fields is not None and name not in fields:
            raise ExpressionError(
                f"表达式引用了未知字段 {name!r}：{text!r}",
                f"the expression names an unknown field {name!r}: {text!r}",
            )
        names.add(name)

        def load(env: Env) -> Any:
            value = env.values.get(name)
            env.used[name] = value
            return _need(value)

        return load
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        op, left, right = _BINOPS[type(node.op)], rec(node.left), rec(node.right)
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.UnaryOp):
        operand = rec(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env: -operand(env)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return lambda env: not operand(env)
    if isinstance(node, ast.BoolOp):
        parts = [rec(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(p(env) for p in parts)
        return lambda env: any(p(env) for p in parts)
    if isinstance(node, ast.Compare) and all(type(o) in _COMPARE for o in node.ops):
        first = rec(node.left)
        rest = [
            (_COMPARE[type(o)], rec(c)) for o, c in zip(node.ops, node.comparators, strict=True)
        ]

        def compare(env: Env) -> bool:
            left = first(env)
            for op, right_node in rest:
                right = right_node(env)
                if not op(left, right):
                    return False
                left = right
            return True

        return compare
    if isinstance(node, ast.IfExp):
        test, body, orelse = rec(node.test), rec(node.body), rec(node.orelse)
        return lambda env: body(env) if test(env) else orelse(env)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return _compile_call(node, text, fields, names)
    raise _bad(node, text, type(node).__name__)


def _compile_call(node: ast.Call, text: str, fields: set[str] | None, names: set[str]) -> Node:  # noqa: C901 - one branch per function
    assert isinstance(node.func, ast.Name)
    fn = node.func.id
    if fn in HISTORY_FUNCTIONS:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise ExpressionError(
                f"{fn}() 需要一个字段名作参数：{text!r}",
                f"{fn}() takes one field name: {text!r}",
            )
        code = node.args[0].id
        if fields is not None and code not in fields:
            raise ExpressionError(
                f"表达式引用了未知字段 {code!r}：{text!r}",
                f"the expression names an unknown field {code!r}: {text!r}",
            )
        names.add(code)

        def lookup(env: Env) -> Any:
            value = env.history(fn, code)
            env.used[f"{fn}({code})"] = value
            return _need(value)

        return lookup
    if fn == "present":
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise ExpressionError(
                f"present() 需要一个字段名作参数：{text!r}",
                f"present() takes one field name: {text!r}",
            )
        inner = _compile(node.args[0], text, fields, names)

        def present(env: Env) -> bool:
            try:
                inner(env)
            except _Missing:
                return False
            return True

        return present
    if fn == "coalesce":
        parts = [_compile(a, text, fields, names) for a in node.args]

        def coalesce(env: Env) -> Any:
            for p in parts:
                try:
                    return p(env)
                except _Missing:
                    continue
            raise _Missing

        return coalesce
    if fn in _PLAIN_FUNCTIONS:
        impl = _PLAIN_FUNCTIONS[fn]
        args = [_compile(a, text, fields, names) for a in node.args]
        return lambda env: impl(*(a(env) for a in args))
    known = ", ".join([*_PLAIN_FUNCTIONS, *HISTORY_FUNCTIONS, "present", "coalesce"])
    raise ExpressionError(
        f"未知函数 {fn}()（可用：{known}）：{text!r}",
        f"unknown function {fn}() (available: {known}): {text!r}",
    )
