"""How ``wenzeng analyze --backtest … --score`` shows a score: per class, then per episode."""

from __future__ import annotations

from wenzeng.analysis.backtest_score import ALL, Score
from wenzeng.cli.output import Format, emit_rows, out
from wenzeng.domain.labels import WARNING_CLASS

CLASS_NAMES = {**{k: f"{v[0]} {k}" for k, v in WARNING_CLASS.items()}, ALL: "合计 all"}


def _lead(leads: list[int]) -> str:
    return ", ".join(str(n) for n in leads) if leads else "—"


def show_score(score: Score, fmt: Format) -> None:
    """The score per class (hits, lead times, misses, false alarms) and per episode."""
    emit_rows(
        [
            {
                "class": CLASS_NAMES.get(k, k),
                "hits": c.hits,
                "lead": _lead(c.leads),
                "misses": c.misses,
                "false": c.false_alarms,
                "core": c.core_false_alarms,
            }
            for k, c in score.classes.items()
        ],
        fmt,
        [
            ("class", "类别 class"),
            ("hits", "命中 hits"),
            ("lead", "距公布月数 months after publication"),
            ("misses", "漏报 misses"),
            ("false", "误报 false alarms"),
            ("core", "其中增加值、营收 of which value added, revenue"),
        ],
    )
    out.print("")
    emit_rows(
        [
            {
                "episode": f"{e.title_zh} {e.title_en}",
                "kind": "冲击 shock" if e.kind == "shock" else "平稳 calm",
                "result": _result(e.kind, e.hit, e.lead.get(ALL), e.false_alarms.get(ALL, 0)),
                "flags": "；".join(e.flags),
            }
            for e in score.episodes
        ],
        fmt,
        [
            ("episode", "事件 episode"),
            ("kind", "类型 kind"),
            ("result", "结果 result"),
            ("flags", "预警 warnings"),
        ],
    )


def _result(kind: str, hit: bool, lead: int | None, false_alarms: int) -> str:
    if kind == "shock":
        return f"命中 hit, +{lead} 月 months" if hit else "漏报 missed"
    return f"误报 {false_alarms} false alarms"
