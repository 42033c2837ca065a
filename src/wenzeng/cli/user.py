"""``wenzeng user …``: users and API tokens. The command line acts as the system administrator."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli.arguments import iso_date, usage
from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_rows, err, out

user_app = typer.Typer(help="用户与令牌 / users and API tokens", no_args_is_help=True)
token_app = typer.Typer(help="API 令牌 / API tokens", no_args_is_help=True)
user_app.add_typer(token_app, name="token")

PasswordStdinOpt = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="从标准输入读取密码（一行）/ read the password from standard input (one line)",
    ),
]

USER_COLUMNS = [
    ("id", "编号 id"),
    ("username", "用户名 username"),
    ("display_name", "姓名 name"),
    ("role", "角色 role"),
    ("entity", "主体 entity"),
    ("email", "邮箱 e-mail"),
    ("active", "启用 active"),
    ("has_password", "密码 password"),
    ("created_at", "创建 created"),
]

TOKEN_COLUMNS = [
    ("id", "编号 id"),
    ("name", "名称 name"),
    ("scope", "范围 scope"),
    ("created_at", "创建 created"),
    ("expires_at", "到期 expires"),
    ("expired", "已过期 expired"),
    ("last_used_at", "最近使用 last used"),
    ("revoked", "已吊销 revoked"),
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise usage("标准输入中没有密码 / no password on standard input")
        return line
    password: str = typer.prompt(
        "密码 / password", hide_input=True, confirmation_prompt=True, err=True
    )
    return password


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[
        str,
        typer.Option(help="admin | analyst | province | association | enterprise | public"),
    ],
    entity: Annotated[
        str | None,
        typer.Option(help="报送主体（地区、协会或企业代码）/ the entity a reporter speaks for"),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="姓名 / display name")] = None,
    email: Annotated[str | None, typer.Option(help="电子邮箱 / e-mail address")] = None,
    password_stdin: PasswordStdinOpt = False,
    no_password: Annotated[
        bool,
        typer.Option(
            "--no-password", help="不设密码，只用 API 令牌 / no password: API tokens only"
        ),
    ] = False,
) -> None:
    """添加用户 / add a user."""
    from wenzeng.services.accounts import add_user

    if no_password and password_stdin:
        raise usage(
            "--no-password 与 --password-stdin 不能同时使用 / "
            "--no-password and --password-stdin exclude each other"
        )
    password = None if no_password else _read_password(password_stdin)
    with open_context() as ctx:
        added = add_user(
            ctx,
            SYSTEM,
            username=username,
            role=role,
            entity=entity,
            display_name=name,
            email=email,
            password=password,
        )
    speaks = f"，主体 {added['entity']} / entity {added['entity']}" if added["entity"] else ""
    out.print(
        f"已添加用户 {added['username']}（{added['role']}{speaks}）/ "
        f"added user {added['username']} ({added['role']})",
        highlight=False,
    )


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """设置用户密码（其所有会话随之结束）/ set a user's password (ending all their sessions)."""
    from wenzeng.services.accounts import set_password

    password = _read_password(password_stdin)
    with open_context() as ctx:
        set_password(ctx, SYSTEM, username, password)
    out.print(f"已设置 {username} 的密码 / password of {username} set", highlight=False)


@user_app.command("logout")
def user_logout(username: Annotated[str, typer.Argument(help="用户名 / username")]) -> None:
    """结束用户在所有浏览器上的会话 / end every web session of a user, on every browser."""
    from wenzeng.services.accounts import end_sessions

    with open_context() as ctx:
        end_sessions(ctx, SYSTEM, username)
    out.print(f"已结束 {username} 的所有会话 / every session of {username} ended", highlight=False)


@user_app.command("list")
def user_list(fmt: FormatOpt = Format.table) -> None:
    """列出用户 / list users."""
    from wenzeng.services.accounts import list_users

    with open_context() as ctx:
        rows = list_users(ctx)
    emit_rows(rows, fmt, USER_COLUMNS)


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="用户名 / username")]) -> None:
    """停用用户（其令牌和会话随之失效）/ disable a user (and with it their tokens and sessions)."""
    from wenzeng.services.accounts import set_active

    with open_context() as ctx:
        set_active(ctx, SYSTEM, username, False)
    out.print(f"已停用 {username} / {username} disabled", highlight=False)


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="用户名 / username")]) -> None:
    """重新启用用户 / enable a user again."""
    from wenzeng.services.accounts import set_active

    with open_context() as ctx:
        set_active(ctx, SYSTEM, username, True)
    out.print(f"已启用 {username} / {username} enabled", highlight=False)


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    name: Annotated[str, typer.Option("--name", help="令牌名称（用途）/ what the token is for")],
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            metavar="YYYY-MM-DD",
            help="有效至该日结束（UTC）/ works until the end of this day (UTC)",
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option("--days", help="有效天数 / works for this many days from now"),
    ] = None,
    read_only: Annotated[
        bool,
        typer.Option(
            "--read-only",
            help="只读：只能用于 GET/HEAD/OPTIONS 请求 / read-only: GET, HEAD and OPTIONS only",
        ),
    ] = False,
) -> None:
    """创建 API 令牌（只显示这一次）/ create an API token (shown only this once).

    没有 --expires 或 --days 的令牌一直有效，直到被吊销 / without --expires or --days a token
    works until it is revoked."""
    from wenzeng.services.accounts import create_token, token_expiry

    until = iso_date(expires) if expires is not None else None
    expires_at = token_expiry(until=until, days=days)
    with open_context() as ctx:
        token = create_token(
            ctx, SYSTEM, username, name, expires_at=expires_at, read_only=read_only
        )
    out.print(token, highlight=False, markup=False)
    if read_only:
        err.print("只读令牌 / a read-only token", highlight=False)
    if expires_at is not None:
        when = expires_at.strftime("%Y-%m-%d %H:%M UTC")
        err.print(f"有效至 {when} / works until {when}", highlight=False)
    err.print(
        "请立即妥善保存此令牌，它不会再次显示 / keep this token safe now: "
        "it will not be shown again"
    )


@token_app.command("list")
def token_list(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    fmt: FormatOpt = Format.table,
) -> None:
    """列出用户的 API 令牌（不含令牌本身）/ list a user's API tokens (not the tokens)."""
    from wenzeng.services.accounts import list_tokens

    with open_context() as ctx:
        rows = list_tokens(ctx, username)
    emit_rows(rows, fmt, TOKEN_COLUMNS)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="令牌编号 / id")],
) -> None:
    """吊销 API 令牌 / revoke an API token."""
    from wenzeng.services.accounts import revoke_token

    with open_context() as ctx:
        revoke_token(ctx, SYSTEM, token_id)
    out.print(f"已吊销令牌 {token_id} / token {token_id} revoked", highlight=False)
