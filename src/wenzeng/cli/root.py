"""The ``wenzeng`` command: the root options, the command groups in the order ``--help``
lists them, and :func:`run`, which turns errors into messages and exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from wenzeng import __version__
from wenzeng.cli import analyze, loading, setup, status, tracker, worker
from wenzeng.cli.catalog import catalog_app
from wenzeng.cli.context import state
from wenzeng.cli.data import data_app
from wenzeng.cli.forms import forms_app
from wenzeng.cli.outbox import outbox_app
from wenzeng.cli.output import err, out
from wenzeng.cli.plan import plan_app
from wenzeng.cli.report import report_app
from wenzeng.cli.user import user_app
from wenzeng.errors import WenzengError

app = typer.Typer(
    name="wenzeng",
    help="稳增 WenZeng：稳增长行动方案的监测、预警与报告 / monitoring, early warning and "
    "reporting for industry stable-growth action plans.",
    no_args_is_help=True,
    invoke_without_command=True,  # so that ``wenzeng --version`` needs no command
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Single commands (``wenzeng init`` …), then the groups (``wenzeng plan …``), each in the
# order of ``wenzeng --help``.
for module in (setup, loading, status, tracker, analyze, worker):
    app.add_typer(module.commands)
app.add_typer(plan_app, name="plan")
app.add_typer(data_app, name="data")
app.add_typer(catalog_app, name="catalog")
app.add_typer(forms_app, name="forms")
app.add_typer(outbox_app, name="outbox")
app.add_typer(user_app, name="user")
app.add_typer(report_app, name="report")
app.add_typer(worker.jobs_app, name="jobs")
app.add_typer(loading.profiles_app, name="import-profiles")


@app.callback()
def _root(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="WENZENG_DATABASE_URL",
            help="数据库地址 / store URL (default: SQLite in WENZENG_DATA_DIR)",
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="显示版本 / show the version")] = False,
) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit()
    state.database_url = database_url


def run(argv: list[str] | None = None) -> int:
    """Run the app; turn WenZeng's errors into messages and exit codes (no tracebacks)."""
    try:
        # without standalone mode, click returns the code of a typer.Exit instead of raising it
        code = app(args=argv, standalone_mode=False)
    except WenzengError as exc:
        err.print(f"[red]错误 / error[/red]: {exc.message}", highlight=False)
        for issue in exc.issues[:50]:
            err.print(f"  - {issue}", highlight=False)
        if len(exc.issues) > 50:
            err.print(f"  … 另有 {len(exc.issues) - 50} 个问题 / {len(exc.issues) - 50} more")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("已取消 / aborted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        # usage errors of the command-line parser (click's, vendored by typer) show themselves
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        if os.environ.get("WENZENG_DEBUG"):
            raise
        err.print(
            f"[red]内部错误 / internal error[/red]: {type(exc).__name__}: {exc}", highlight=False
        )
        err.print("设置 WENZENG_DEBUG=1 可查看详情 / set WENZENG_DEBUG=1 for details")
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())
