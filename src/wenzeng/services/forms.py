"""Report forms in the store: loading, looking up, expanding per-measure fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wenzeng.definitions.catalogue import builtin_form_files, expand_fields, read_form
from wenzeng.domain.forms import Form, FormField
from wenzeng.errors import NotFound, ValidationFailed
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


@dataclass(frozen=True)
class UnusableForm:
    """A stored form that cannot be used with the catalogue in use (it names an indicator
    or unit since removed): kept, listed with the reason, left out of every use."""

    code: str
    title_zh: str
    title_en: str
    builtin: bool
    file: str | None
    problem_zh: str
    problem_en: str


def _unusable(r: dict[str, Any], exc: ValidationFailed) -> UnusableForm:
    code = str(r["code"])
    zh = "；".join(i.msg_zh for i in exc.issues[:3]) or exc.message
    en = "; ".join(i.msg_en for i in exc.issues[:3]) or exc.message
    return UnusableForm(
        code=code,
        title_zh=str(r["title_zh"]),
        title_en=str(r["title_en"]),
        builtin=bool(r["builtin"]),
        file=str(r["file"]) if r["file"] else None,
        problem_zh=f"报表 {code} 暂不可用：{zh}",
        problem_en=f"form {code} is unavailable: {en}",
    )


def _read_forms(ctx: Context) -> tuple[dict[str, LoadedForm], dict[str, UnusableForm]]:
    """The stored forms, usable and not, read once per change of the data (in every
    worker process); one form that no longer reads never hides the others."""

    def read() -> tuple[dict[str, LoadedForm], dict[str, UnusableForm]]:
        with ctx.reading() as conn:
            rows = form_documents(conn)
        plans = {p.code: p for p in stored_plans(ctx)}
        found, unusable = {}, {}
        for r in rows:
            try:
                form = read_form(Path(r["file"] or r["code"]), r["document"], ctx.catalogue)
            except ValidationFailed as exc:
                unusable[str(r["code"])] = _unusable(r, exc)
                continue
            plan = plans.get(form.per_measure.plan) if form.per_measure else None
            found[form.code] = LoadedForm(form, expand_fields(form, plan))
        return found, unusable

    return ctx.kept(("forms",), read, on=("definitions",))


def all_forms(ctx: Context) -> dict[str, LoadedForm]:
    """The stored forms that can be used, by code."""
    return _read_forms(ctx)[0]


def unusable_forms(ctx: Context) -> list[UnusableForm]:
    """The stored forms that cannot be used with the catalogue in use, with the reason."""
    return list(_read_forms(ctx)[1].values())


def get_form(ctx: Context, code: str) -> LoadedForm:
    forms, unusable = _read_forms(ctx)
    if code in unusable:
        u = unusable[code]
        raise NotFound(f"{u.problem_zh} / {u.problem_en}")
    if code not in forms:
        raise NotFound(f"未知报表 / unknown form: {code!r} (known: {', '.join(forms)})")
    return forms[code]
