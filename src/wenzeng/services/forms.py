"""Report forms in the store: loading, looking up, expanding per-measure fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wenzeng.definitions.catalogue import builtin_form_files, expand_fields, read_form
from wenzeng.domain.forms import Form, FormField
from wenzeng.errors import NotFound
from wenzeng.services.context import Context
from wenzeng.services.plans import stored_plans
from wenzeng.store.definitions import DefinitionKind, form_documents, save_definition


@dataclass(frozen=True)
class LoadedForm:
    form: Form
    fields: list[FormField]  # with per-measure fields expanded

    @property
    def code(self) -> str:
        return self.form.code

    def field(self, code: str) -> FormField:
        for f in self.fields:
            if f.code == code:
                return f
        raise KeyError(code)


def load_form_file(ctx: Context, path: Path, *, builtin: bool = False) -> tuple[str, bool]:
    """Validate and store a form; returns (code, whether anything changed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    form = read_form(path, text, ctx.catalogue)
    with ctx.transaction() as conn:
        changed = save_definition(
            conn,
            DefinitionKind.FORM,
            code=form.code,
            title_zh=form.title.zh,
            title_en=form.title.en,
            document=text or "",
            file=path.name,
            builtin=builtin,
        )
    if not changed:
        return form.code, False
    ctx.invalidate()  # the forms and what was computed from them
    return form.code, True


def load_builtin_forms(ctx: Context) -> list[tuple[str, bool]]:
    return [load_form_file(ctx, p, builtin=True) for p in builtin_form_files()]


def all_forms(ctx: Context) -> dict[str, LoadedForm]:
    """The stored forms, read once per change of the data (in every worker process)."""

    def read() -> dict[str, LoadedForm]:
        with ctx.reading() as conn:
            rows = form_documents(conn)
        plans = {p.code: p for p in stored_plans(ctx)}
        found = {}
        for r in rows:
            form = read_form(Path(r["file"] or r["code"]), r["document"], ctx.catalogue)
            plan = plans.get(form.per_measure.plan) if form.per_measure else None
            found[form.code] = LoadedForm(form, expand_fields(form, plan))
        return found

    return ctx.kept(("forms",), read, on=("definitions",))


def get_form(ctx: Context, code: str) -> LoadedForm:
    forms = all_forms(ctx)
    if code not in forms:
        raise NotFound(f"未知报表 / unknown form: {code!r} (known: {', '.join(forms)})")
    return forms[code]
