"""Plan and form definitions: the documents they were read from, one row per code.

Plans and forms are stored alike (code, titles, the file's text, where it came from);
:func:`save_definition` writes either.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from wenzeng.store.clock import now
from wenzeng.store.tables import form_def, plan


class DefinitionKind(StrEnum):
    PLAN = "plan"
    FORM = "form"


_TABLES: dict[DefinitionKind, Table] = {DefinitionKind.PLAN: plan, DefinitionKind.FORM: form_def}


def save_definition(
    conn: Connection,
    kind: DefinitionKind,
    *,
    code: str,
    title_zh: str,
    title_en: str,
    document: str,
    file: str | None,
    builtin: bool,
) -> bool:
    """Store a plan or form document; returns False when the same document is already stored."""
    table = _TABLES[kind]
    row = conn.execute(select(table.c.document).where(table.c.code == code)).first()
    if row is not None and row.document == document:
        return False
    values = {
        "title_zh": title_zh,
        "title_en": title_en,
        "document": document,
        "file": file,
        "builtin": builtin,
        "loaded_at": now(),
    }
    if row is None:
        conn.execute(insert(table).values(code=code, **values))
    else:
        conn.execute(update(table).where(table.c.code == code).values(**values))
    return True


def definition_documents(conn: Connection, kind: DefinitionKind) -> list[dict[str, Any]]:
    """Every stored plan or form (code, titles, document, file, builtin, loaded_at), by code."""
    table = _TABLES[kind]
    return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.code))]


def save_plan(
    conn: Connection,
    *,
    code: str,
    title_zh: str,
    title_en: str,
    document: str,
    file: str | None,
    builtin: bool,
) -> bool:
    """Store a plan document; returns False when the same document is already stored."""
    return save_definition(
        conn,
        DefinitionKind.PLAN,
        code=code,
        title_zh=title_zh,
        title_en=title_en,
        document=document,
        file=file,
        builtin=builtin,
    )


def plan_documents(conn: Connection) -> list[dict[str, Any]]:
    return definition_documents(conn, DefinitionKind.PLAN)


def form_documents(conn: Connection) -> list[dict[str, Any]]:
    return definition_documents(conn, DefinitionKind.FORM)
