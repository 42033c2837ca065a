"""A submission as people read it: names for its form, reporter, period and rules, and its
history (操作记录) as sentences instead of stored codes and dictionaries."""

from __future__ import annotations

from typing import Any

from wenzeng.domain import labels
from wenzeng.domain.checking import format_number
from wenzeng.services.context import Context
from wenzeng.services.forms import LoadedForm, all_forms
from wenzeng.services.submissions import Submission
from wenzeng.web.pages.names import entity_names, period_code_labels

# the steps the audit log records besides the moves of a submission's life
HISTORY_ACTION: dict[str, labels.Label] = {
    "create": ("新建", "created"),
    "update": ("修改", "changed"),
    **labels.SUBMISSION_ACTION,
}
CHANNEL: dict[str, labels.Label] = {
    "web": ("网页填报", "web form"),
    "upload": ("文件上传", "file upload"),
    "api": ("接口报送", "API"),
    "demo": ("模拟数据", "simulated data"),
}


def form_names(ctx: Context, code: str) -> tuple[str, str]:
    f = all_forms(ctx).get(code)
    return (f.form.title.zh, f.form.title.en) if f else (code, code)


def submission_names(ctx: Context, s: Submission) -> dict[str, str]:
    """The words for a submission's codes, for its row in a list."""
    return code_names(ctx, s.form, s.reporter, s.period, s.status.value)


def code_names(ctx: Context, form: str, reporter: str, period: str, status: str) -> dict[str, str]:
    """The words for a submission's form, reporter, period and state, given by their codes
    (as a job keeps the submissions it stored)."""
    form_zh, form_en = form_names(ctx, form)
    rep_zh, rep_en = entity_names(ctx, reporter)
    per_zh, per_en = period_code_labels(period)
    st_zh, st_en = labels.pair(labels.SUBMISSION_STATUS, status)
    return {
        "form_zh": form_zh,
        "form_en": form_en,
        "reporter_zh": rep_zh,
        "reporter_en": rep_en,
        "period_zh": per_zh,
        "period_en": per_en,
        "status_zh": st_zh,
        "status_en": st_en,
    }


def submission_row(ctx: Context, s: Submission) -> dict[str, Any]:
    """A submission's data with the words for its codes (the rows of lists and their twins)."""
    return {**s.as_dict(), **submission_names(ctx, s)}


def rule_names(form: LoadedForm) -> dict[str, tuple[str, str]]:
    """Each rule's message, by its code: the name an explanation is shown under."""
    return {r.code: (r.message.zh, r.message.en) for r in form.form.rules}


def field_names(form: LoadedForm) -> dict[str, tuple[str, str]]:
    return {f.code: (f.label.zh, f.label.en) for f in form.fields}


def _value(v: Any) -> str:
    return "—" if v is None or v == "" else format_number(v)


def _detail(action: str, d: dict[str, Any], form: LoadedForm, en: bool) -> list[str]:
    """The lines saying what one step did, in the page's language."""
    i = 1 if en else 0
    fields = field_names(form)
    rules = rule_names(form)
    out: list[str] = []
    if action == "create":
        new = d.get("new") or {}
        out.append(f"{len(new)} items filled in" if en else f"填写 {len(new)} 项")
    for code, change in (d.get("changes") or {}).items():
        name = fields.get(code, (code, code))[i]
        out.append(f"{name}: {_value(change.get('old'))} → {_value(change.get('new'))}")
    for code, text in (d.get("explanations") or {}).items():
        rule = rules.get(code, (code, code))[i]
        out.append(f"{'Explained' if en else '说明'}「{rule}」：{text}")
    warned = [rules.get(c, (c, c))[i] for c in d.get("warnings") or []]
    if warned:
        out.append(("Warnings: " if en else "提示：") + "；".join(warned))
    if action == "accept":
        n = d.get("observations", 0)
        out.append(f"{n} figures stored" if en else f"形成 {n} 条数据")
    if d.get("reason"):
        out.append(f"{'Reason' if en else '原因'}：{d['reason']}")
    if action == "revise" and d.get("revision"):
        out.append(f"revision {d['revision']}" if en else f"第 {d['revision']} 版")
    if d.get("channel"):
        out.append(labels.pair(CHANNEL, str(d["channel"]))[i])
    return out


def readable_trail(trail: list[dict[str, Any]], form: LoadedForm, en: bool) -> list[dict[str, Any]]:
    """The audit trail of a submission as rows of when, who, what and what changed."""
    rows = []
    for t in trail:
        action = str(t.get("action") or "")
        zh, en_word = labels.pair(HISTORY_ACTION, action)
        details = t.get("details") if isinstance(t.get("details"), dict) else {}
        rows.append(
            {
                "at": str(t.get("at") or "")[:19].replace("T", " "),
                "actor": t.get("actor"),
                "action": action,
                "action_text": en_word if en else zh,
                "lines": _detail(action, details or {}, form, en),
            }
        )
    return rows


def explanation_rows(
    explanations: dict[str, str], form: LoadedForm, en: bool
) -> list[tuple[str, str]]:
    """A submission's explanations under the names of the rules they answer."""
    rules = rule_names(form)
    i = 1 if en else 0
    return [(rules.get(code, (code, code))[i], text) for code, text in explanations.items()]
