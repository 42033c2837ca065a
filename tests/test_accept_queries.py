"""The accept path reads a bounded number of rows whatever the store's size: the same
statements for one submission in a small store and in a larger one, and none of them
scans a table (SQLite's query plans are checked)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event, text

from factories import enterprise_values
from wenzeng.auth.principal import Principal, Role
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.store.entities import insert_entities
from wenzeng.store.tables import metadata

FORM = "monthly_enterprise"
ANALYST = Principal("ana", Role.ANALYST, user_id=1)
TABLES = set(metadata.tables)


def _add(ctx: Context, codes: list[str]) -> None:
    with ctx.transaction() as conn:
        insert_entities(
            conn,
            [
                {
                    "code": c,
                    "kind": "enterprise",
                    "name_zh": c,
                    "name_en": c,
                    "region": "510000",
                    "sector": "C392",
                    "chain_position": "downstream",
                    "attributes": {},
                    "simulated": False,
                }
                for c in codes
            ],
        )
    ctx.invalidate()


@contextmanager
def recorded(ctx: Context) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def hook(_c: Any, _cur: Any, statement: str, params: Any, _cx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(ctx.engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(ctx.engine, "before_cursor_execute", hook)


def _rows_read(ctx: Context, statements: list[tuple[str, Any]]) -> list[int]:
    """How many rows each SELECT among ``statements`` gives when run again now."""
    with ctx.reading() as conn:
        return [
            len(conn.exec_driver_sql(s, p).all())
            for s, p in statements
            if s.lstrip().upper().startswith("SELECT")
        ]


def _file(ctx: Context, code: str) -> dict[str, list[tuple[str, Any]]]:
    """Create, submit and accept one enterprise's report; the statements of each step and
    (under "<step> rows") the rows its SELECTs give."""
    me = Principal(code.lower(), Role.ENTERPRISE, user_id=2, entity=code)
    out = {}
    with recorded(ctx) as seen:
        s = subs.save(ctx, me, form_code=FORM, reporter=code, period="2025-10",
                      values=enterprise_values())  # fmt: skip
    out["save"] = seen
    with recorded(ctx) as seen:
        s = subs.submit(
            ctx, me, s.id, version=s.version, explanations={p["rule"]: "属实" for p in s.problems}
        )
    out["submit"] = seen
    with recorded(ctx) as seen:
        subs.accept(ctx, ANALYST, s.id, version=s.version, vintage=date(2025, 11, 5))
    out["accept"] = seen
    out["accept rows"] = _rows_read(ctx, seen)  # type: ignore[assignment]
    return out


def _shape(statements: list[tuple[str, Any]]) -> list[str]:
    # the statement text, with the length of any list of bound values left out
    return [re.sub(r"(\(\?(, \?)*\))|(%\(\w+\)s(, )?)+", "…", s) for s, _ in statements]


def test_one_accept_reads_the_same_whatever_the_store_holds(ctx: Context) -> None:
    codes = [f"E{i:05d}" for i in range(62)]
    _add(ctx, codes)
    _file(ctx, codes[0])
    small = _file(ctx, codes[1])  # a store with one accepted report
    for code in codes[2:-1]:
        _file(ctx, code)
    large = _file(ctx, codes[-1])  # ... and with sixty
    for step in ("save", "submit", "accept"):
        assert len(small[step]) == len(large[step]), step
        assert _shape(small[step]) == _shape(large[step]), step
    # and its reads give as many rows: none of them grows with the store
    assert small["accept rows"] == large["accept rows"]
    # the accept writes its figures and reads little: a bounded, small number of statements
    assert len(large["accept"]) <= 16


def test_no_statement_of_the_accept_path_scans_a_table(sqlite_ctx: Context) -> None:
    codes = [f"E{i:05d}" for i in range(25)]
    _add(sqlite_ctx, codes)
    for code in codes[:-1]:
        _file(sqlite_ctx, code)
    steps = _file(sqlite_ctx, codes[-1])
    scans = []
    with sqlite_ctx.reading() as conn:
        for step, statements in steps.items():
            if step.endswith("rows"):
                continue
            for statement, params in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
                for row in plan:
                    m = re.match(r"SCAN (\w+)", row[3])
                    if m and m.group(1) in TABLES:
                        scans.append((step, m.group(1), statement[:120]))
    assert scans == []


def test_the_plan_check_sees_a_scan(sqlite_ctx: Context) -> None:
    """The check above can fail: a row-value IN on the series (the old look-up) scans."""
    with sqlite_ctx.reading() as conn:
        plan = conn.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM series WHERE "
                "(indicator, entity, measure, period_type) IN (VALUES ('a','b','c','d'), ('e','f','g','h'))"
            )
        ).all()
    assert any(re.match(r"SCAN series", r[3]) for r in plan)
