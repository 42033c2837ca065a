"""``wenzeng status``: what the store holds (schema, plans, counts of observations, loads)."""

from __future__ import annotations

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, out

commands = typer.Typer()

TABLE_KEYS = ("database", "schema", "schema_head", "plans", "observations", "simulated")
"""The lines of the plain-text status (the load batches are in the JSON only)."""


@commands.command()
def status(fmt: FormatOpt = Format.table) -> None:
    """数据库状态 / store status: schema, plans, observation counts, loads."""
    from wenzeng.services.status import store_status

    with open_context(require_schema=False) as ctx:
        info = store_status(ctx)
    if fmt is Format.json:
        emit_json(info)
        return
    for k in TABLE_KEYS:
        if k in info:
            out.print(f"{k}: {info[k]}")
