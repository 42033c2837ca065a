"""``wenzeng outbox …``: the messages waiting to be sent, and sending them by SMTP."""

from __future__ import annotations

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_rows, err, out

outbox_app = typer.Typer(help="待发邮件 / the outbox", no_args_is_help=True)


@outbox_app.command("list")
def outbox_list(fmt: FormatOpt = Format.table) -> None:
    """未发送的邮件 / messages waiting to be sent."""
    from wenzeng.services.outbox import pending

    with open_context() as ctx:
        rows = pending(ctx)
    emit_rows(
        rows,
        fmt,
        [
            ("id", "id"),
            ("kind", "类型 kind"),
            ("recipient", "收件人 to"),
            ("subject", "主题 subject"),
            ("attempts", "尝试 attempts"),
            ("last_error", "错误 error"),
        ],
    )


@outbox_app.command("send")
def outbox_send() -> None:
    """通过 SMTP 发送待发邮件 / send waiting messages through the SMTP server."""
    from wenzeng.services.outbox import send_pending

    with open_context() as ctx:
        if not ctx.settings.smtp_host:
            err.print(
                "未设置 WENZENG_SMTP_HOST，邮件留在待发箱中 / WENZENG_SMTP_HOST is not "
                "set; messages stay in the outbox"
            )
        report = send_pending(ctx)
    out.print(
        f"已发送 {report.sent}，失败 {report.failed}，待发 {report.pending} / sent "
        f"{report.sent}, failed {report.failed}, waiting {report.pending}"
    )
    if report.failed:
        raise typer.Exit(1)
