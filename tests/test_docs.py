"""The documentation keeps up with the code: settings, commands, quick start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.main import get_command

from wenzeng.cli import app
from wenzeng.config import SETTINGS

ROOT = Path(__file__).parents[1]


def commands() -> list[str]:
    root = get_command(app)
    out = []

    def walk(cmd: Any, prefix: list[str]) -> None:
        if hasattr(cmd, "list_commands"):  # a group
            ctx = cmd.context_class(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), [*prefix, name])
        else:
            out.append(" ".join(prefix))

    walk(root, ["wenzeng"])
    return out


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, _default, help_text in SETTINGS:
        assert f"`{name}`" in text, name
        assert help_text, name


def test_every_command_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    found = commands()
    assert "wenzeng data show" in found and "wenzeng import" in found
    for command in found:
        assert f"`{command}" in text, command


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    block = start.split("```", 2)[1]
    lines = [ln.split("#")[0].strip() for ln in block.splitlines()[1:] if ln.strip()]
    assert lines == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
