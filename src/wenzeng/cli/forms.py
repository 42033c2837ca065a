"""``wenzeng forms …``: the report forms reporters fill in; loading form files, templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wenzeng.cli.context import open_context
from wenzeng.cli.output import Format, FormatOpt, emit_rows, out

forms_app = typer.Typer(help="报表与报送 / report forms and submissions", no_args_is_help=True)


@forms_app.command("list")
def forms_list(fmt: FormatOpt = Format.table) -> None:
    """已加载的报表 / the loaded report forms."""
    from wenzeng.services.forms import all_forms, unusable_forms

    with open_context() as ctx:
        forms = all_forms(ctx)
        unusable = unusable_forms(ctx)
    rows = [
        {
            "code": f.code,
            "title": f.form.title.zh,
            "reporter": f.form.reporter.value,
            "frequency": f.form.frequency,
            "fields": len(f.fields),
            "rules": len(f.form.rules),
            "status": "可用 usable",
        }
        for f in forms.values()
    ] + [
        {
            "code": u.code,
            "title": u.title_zh,
            "reporter": "",
            "frequency": "",
            "fields": None,
            "rules": None,
            "status": f"不可用 unusable: {u.problem_zh} / {u.problem_en}",
        }
        for u in unusable
    ]
    emit_rows(
        rows,
        fmt,
        [
            ("code", "代码 code"),
            ("title", "名称 title"),
            ("reporter", "填报 reporter"),
            ("frequency", "频率"),
            ("fields", "字段 fields"),
            ("rules", "规则 rules"),
            ("status", "状态 status"),
        ],
    )


@forms_app.command("load")
def forms_load(file: Annotated[Path, typer.Argument(help="报表文件（YAML）/ form file")]) -> None:
    """校验并加载一个报表文件 / validate and load a form file."""
    from wenzeng.services.forms import load_form_file

    with open_context() as ctx:
        code, changed = load_form_file(ctx, file)
    out.print(f"报表 / form {code}: {'已加载 / loaded' if changed else '未变 / unchanged'}")


@forms_app.command("template")
def forms_template(
    code: Annotated[str, typer.Argument(help="报表代码 / form code")],
    out_file: Annotated[Path, typer.Option("--out", help="输出文件 .csv 或 .xlsx / output file")],
) -> None:
    """下载填报模板 / write a form's template to fill in (CSV or Excel)."""
    from wenzeng.services.form_files import template_csv, template_xlsx
    from wenzeng.services.forms import get_form

    with open_context() as ctx:
        form = get_form(ctx, code)
    data = template_xlsx(form) if out_file.suffix.lower() == ".xlsx" else template_csv(form)
    out_file.write_bytes(data)
    out.print(f"已写入 / written: {out_file}")
