"""``wenzeng tracker``: who has reported a form for a period, who is late; reminders."""

from __future__ import annotations

from typing import Annotated

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_json, emit_rows, err

commands = typer.Typer()


@commands.command()
def tracker(
    form: Annotated[str, typer.Argument(help="报表代码 / form code")],
    period: Annotated[str, typer.Argument(help="报告期，如 2025-10 / period")],
    remind: Annotated[
        bool, typer.Option(help="给逾期单位排队发送催报 / queue reminders to late reporters")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """报送进度：谁已报、谁逾期 / who has reported, who is late."""
    from wenzeng.auth.principal import SYSTEM
    from wenzeng.services.tracker import queue_reminders
    from wenzeng.services.tracker import tracker as build

    with open_context() as ctx:
        t = build(ctx, SYSTEM, form, period)
        queued = queue_reminders(ctx, SYSTEM, form, period) if remind else None
    if fmt is Format.json:
        emit_json({**t.as_dict(), "queued": queued})
        return
    err.print(f"{form} {t.period}: 截止 / due {t.due}; {t.counts}")
    emit_rows(
        [r.as_dict() for r in t.rows],
        fmt,
        [
            ("reporter", "单位 reporter"),
            ("name_zh", "名称"),
            ("status", "状态 status"),
            ("late", "逾期 late"),
            ("submission_id", "报送 id"),
        ],
    )
    if queued is not None:
        err.print(f"已排队催报 / reminders queued: {queued}")
