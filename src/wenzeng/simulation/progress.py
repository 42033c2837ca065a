"""Simulated annual progress reports (稳增长工作措施进展情况年度报告) for the demo.

Pure generation, like :mod:`wenzeng.simulation.demo`: no database, no files,
no clock.  The same inputs and seed give the same values on every run (each
draw comes from a ``random.Random`` seeded with a string naming the seed,
the form, the reporter and the year, never from Python's salted ``hash``).

Two things are generated:

* the values of one report — for each measure of the plan a status, with
  short texts on the actions taken, related figures and problems met, then
  the overall summary, key figures and problems and suggestions.  Every text
  begins with :data:`MARK` (【模拟】) so that nobody takes it for a real
  report.  A measure's status follows the reporter from year to year (a
  measure completed in 2023 stays completed in 2024), and a measure whose
  responsible parties do not include the reporter's kind of body is more
  often "not applicable";
* which reporters have reported (:func:`report_outcomes`): about three in
  four submitted (most of them accepted), one or two drafts, one returned
  and the rest missing, so that the tracker has late reporters to show.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from wenzeng.definitions.catalogue import expand_fields, measure_field_code
from wenzeng.domain.catalog import Entity, EntityKind
from wenzeng.domain.forms import FieldType, Form, FormField
from wenzeng.domain.plan import Plan, PlanMeasure
from wenzeng.simulation.demo import SEED

MARK = "【模拟】"
REPORT_MONTH = 10  # the report is due on 30 November: it quotes January to October

COMPLETED = "completed"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
NOT_APPLICABLE = "not_applicable"
MEASURE_STATUSES = (COMPLETED, IN_PROGRESS, NOT_STARTED, NOT_APPLICABLE)

# The party of the plan (plan file `parties`) each kind of reporter belongs to.
PARTY_OF_KIND: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.PROVINCE: ("local_miit", "local_finance"),
    EntityKind.PLAN_CITY: ("local_miit", "local_finance"),
    EntityKind.XPCC: ("local_miit", "local_finance"),
    EntityKind.ASSOCIATION: ("associations",),
}

# Status of a measure in the plan's first year (issued in August 2023), by whether the
# reporter's kind of body is named among the measure's responsible parties.
FIRST_YEAR_WEIGHTS: dict[bool, dict[str, float]] = {
    True: {COMPLETED: 0.15, IN_PROGRESS: 0.62, NOT_STARTED: 0.18, NOT_APPLICABLE: 0.05},
    False: {COMPLETED: 0.06, IN_PROGRESS: 0.34, NOT_STARTED: 0.20, NOT_APPLICABLE: 0.40},
}
# Each later year: chance that a measure in progress is completed, and that one not
# started gets going (of which a part is completed within the year).
ADVANCE_IN_PROGRESS = 0.6
START_NOT_STARTED = 0.7
COMPLETE_NOT_STARTED = 0.2
DILIGENCE = 0.15  # a reporter's own lean, ± on the chances above


class Outcome(StrEnum):
    """Where a reporter's report stands in the demo."""

    ACCEPTED = "accepted"
    SUBMITTED = "submitted"  # awaiting review
    DRAFT = "draft"
    RETURNED = "returned"
    MISSING = "missing"  # not reported: late


SUBMITTED_SHARE = 0.75  # submitted or accepted
PENDING_SHARE = 0.15  # of those, still awaiting review (in the latest year only)


# ── phrases ───────────────────────────────────────────────────────────────────────────
LOCAL_ACTIONS = (
    "印发专项工作方案，明确责任分工和时间节点",
    "建立重点企业“白名单”和服务专员制度",
    "组织召开产业链上下游供需对接会",
    "开展重点项目月度调度和现场督导",
    "联合金融机构开展银企对接活动",
    "组织企业参加国内外重点展会",
    "开展政策宣贯培训，推动惠企政策直达快享",
    "推动建设行业公共服务平台",
    "设立专项资金对重点项目给予支持",
    "开展重点企业走访调研，协调解决实际困难",
)
ASSOCIATION_ACTIONS = (
    "组织会员企业开展专题调研",
    "发布行业运行分析报告，研判发展形势",
    "举办行业峰会和供需对接活动",
    "牵头制定相关团体标准",
    "向主管部门反映会员企业诉求并提出建议",
    "组织开展行业统计和运行监测",
    "举办专业技术培训和人才交流活动",
    "组织企业开展国际交流与合作",
)
RESULTS = (
    "服务企业{n}家次",
    "促成合作项目{n}个，签约金额{x}亿元",
    "惠及企业{n}家",
    "协调解决企业问题{n}项",
    "推动{n}个项目开工建设",
)
FIGURES = (
    "{year}年1—10月，组织对接活动{n}场，参与企业{m}家",
    "{year}年1—10月，推动{n}个重点项目开工或投产，完成投资{x}亿元",
    "{year}年以来，新增专精特新企业{n}家",
    "{year}年以来，累计落实支持资金{x}亿元，带动社会投资{y}亿元",
    "{year}年1—10月，相关产品产量同比增长{g}%",
    "{year}年以来，发布或推动制定标准{n}项",
)
PROBLEMS = (
    "部分企业订单不足，开工率偏低",
    "融资成本较高，中小企业融资难问题仍较突出",
    "高端人才和复合型人才短缺",
    "关键材料和设备对外依存度较高",
    "市场需求恢复不及预期",
    "项目用地、用能指标较为紧张",
    "部门间协同机制有待进一步完善",
    "国际贸易环境不确定性增加，出口承压",
)
SUGGESTIONS = (
    "加大中央财政资金对重点项目的支持力度",
    "完善产业链供需对接机制，支持上下游协同",
    "进一步优化出口退税和通关便利化措施",
    "加强高端人才引进和培养政策支持",
    "支持建设行业公共服务平台",
    "加强行业运行监测和预警，及时研判形势",
)
NEXT_STEPS = (
    "继续抓好各项措施落地见效",
    "加强运行监测和重点企业服务",
    "谋划储备一批重大项目",
    "推动产业链协同和集群发展",
)
PLANS = (
    "计划于下一年度上半年启动相关工作",
    "正在开展前期调研，研究制定实施方案",
    "拟结合本地实际分步推进",
)


# ── which reporters report ────────────────────────────────────────────────────────────
def _rank_key(seed: int, year: int, code: str) -> str:
    return hashlib.sha256(f"{seed}:{year}:{code}".encode()).hexdigest()


def report_outcomes(
    reporters: Sequence[str], year: int, *, latest: bool = True, seed: int = SEED
) -> dict[str, Outcome]:
    """Where each reporter's report for ``year`` stands.

    The reporters are ordered by a seeded hash of their code and the year, and
    take the outcomes in that order: one returned and one or two drafts (for
    five reporters or more), about 75 % submitted — most of them accepted, some
    still awaiting review when the year is the ``latest`` — and the rest missing.
    """
    order = sorted(dict.fromkeys(reporters), key=lambda c: _rank_key(seed, year, c))
    n = len(order)
    returned = 1 if n >= 5 else 0
    drafts = 2 if n >= 20 else (1 if n >= 5 else 0)
    submitted = min(round(SUBMITTED_SHARE * n), n - returned - drafts)
    pending = max(1, round(PENDING_SHARE * submitted)) if latest and submitted >= 4 else 0
    outcomes = (
        [Outcome.RETURNED] * returned
        + [Outcome.DRAFT] * drafts
        + [Outcome.SUBMITTED] * pending
        + [Outcome.ACCEPTED] * (submitted - pending)
    )
    outcomes += [Outcome.MISSING] * (n - len(outcomes))
    return dict(zip(order, outcomes, strict=True))


# ── figures from the monitoring data ──────────────────────────────────────────────────
@dataclass(frozen=True)
class ReporterFigures:
    """January-to-October figures of a reporter's monitoring data (亿元, % on a year ago)."""

    revenue: float | None = None
    revenue_yoy: float | None = None
    profit: float | None = None
    profit_yoy: float | None = None
    export: float | None = None
    export_yoy: float | None = None


# indicator code → (attribute of ReporterFigures for its level, its Chinese name)
FIGURE_INDICATORS = {
    "revenue_elec": ("revenue", "营业收入"),
    "profit_elec": ("profit", "利润总额"),
    "export_elec": ("export", "出口交货值"),
}


# ── one report ────────────────────────────────────────────────────────────────────────
def _responsible(measure: PlanMeasure, reporter: Entity) -> bool:
    parties = PARTY_OF_KIND.get(reporter.kind, ())
    return any(p in measure.responsible for p in parties)


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _lean(seed: int, reporter: Entity) -> float:
    """The reporter's diligence, the same in every year: −DILIGENCE … +DILIGENCE."""
    return random.Random(f"{seed}:lean:{reporter.code}").uniform(-DILIGENCE, DILIGENCE)


def measure_statuses(
    plan: Plan, reporter: Entity, year: int, *, seed: int = SEED
) -> dict[str, str]:
    """Measure code → status for ``year``, carried forward from the plan's first year."""
    lean = _lean(seed, reporter)
    out: dict[str, str] = {}
    for m in plan.measures:
        rng = random.Random(f"{seed}:status:{reporter.code}:{m.code}")
        status = _pick(rng, FIRST_YEAR_WEIGHTS[_responsible(m, reporter)])
        for _ in range(plan.period.start, year):
            u = rng.random()
            if status == IN_PROGRESS and u < ADVANCE_IN_PROGRESS + lean:
                status = COMPLETED
            elif status == NOT_STARTED and u < START_NOT_STARTED + lean:
                status = COMPLETED if u < COMPLETE_NOT_STARTED else IN_PROGRESS
        out[m.code] = status
    return out


def _name(reporter: Entity) -> str:
    return reporter.name.zh


def _fill(rng: random.Random, template: str, year: int) -> str:
    return template.format(
        year=year,
        n=rng.randint(3, 60),
        m=rng.randint(20, 400),
        x=f"{rng.uniform(0.5, 80):.1f}",
        y=f"{rng.uniform(5, 300):.1f}",
        g=f"{rng.uniform(1, 25):.1f}",
    )


def _measure_texts(
    rng: random.Random, m: PlanMeasure, reporter: Entity, status: str, year: int
) -> dict[str, str]:
    name = _name(reporter)
    title = f"{m.code} {m.title.zh}"
    association = reporter.kind is EntityKind.ASSOCIATION
    pool = ASSOCIATION_ACTIONS if association else LOCAL_ACTIONS
    if status == NOT_APPLICABLE:
        why = "本行业" if association else "本地区产业实际"
        return {"actions": f"{MARK}“{title}”不涉及{why}，{name}本年度未安排相关工作。"}
    if status == NOT_STARTED:
        return {
            "actions": f"{MARK}{name}已将“{title}”列入下一阶段工作安排，{rng.choice(PLANS)}。",
            "problems": f"{MARK}{rng.choice(PROBLEMS)}，相关工作尚未启动。",
        }
    acts = rng.sample(pool, 2)
    result = _fill(rng, rng.choice(RESULTS), year)
    tail = "该项措施已按期完成" if status == COMPLETED else "相关工作正在持续推进"
    out = {
        "actions": f"{MARK}{name}围绕“{title}”，{acts[0]}，{acts[1]}，{result}，{tail}。",
        "figures": f"{MARK}{_fill(rng, rng.choice(FIGURES), year)}。",
    }
    if status == IN_PROGRESS or rng.random() < 0.3:
        out["problems"] = f"{MARK}{rng.choice(PROBLEMS)}。"
    return out


def _change(yoy: float) -> str:
    return f"同比增长{yoy:.1f}%" if yoy >= 0 else f"同比下降{-yoy:.1f}%"


def _key_figures(
    rng: random.Random, reporter: Entity, year: int, figures: ReporterFigures | None
) -> str:
    name = _name(reporter)
    parts = []
    if figures is not None:
        for attr, label in FIGURE_INDICATORS.values():
            level = getattr(figures, attr)
            yoy = getattr(figures, f"{attr}_yoy")
            if level is None:
                continue
            part = f"{label}{level:.1f}亿元"
            parts.append(part + (f"，{_change(yoy)}" if yoy is not None else ""))
    if parts:
        return (
            f"{MARK}{year}年1—10月，{name}规模以上电子信息制造业实现"
            + "；".join(parts)
            + "（数据取自本系统模拟监测数据）。"
        )
    if reporter.kind is EntityKind.ASSOCIATION:
        return (
            f"{MARK}据{name}对{rng.randint(30, 200)}家重点会员企业的调查，{year}年1—10月，"
            f"会员企业营业收入{_change(rng.uniform(-3, 15))}，"
            f"利润总额{_change(rng.uniform(-10, 20))}，"
            f"出口交货值{_change(rng.uniform(-8, 10))}。"
        )
    return f"{MARK}{year}年1—10月，{name}电子信息制造业主要指标运行总体平稳。"


def _summary(
    rng: random.Random, plan: Plan, reporter: Entity, year: int, statuses: Mapping[str, str]
) -> str:
    name = _name(reporter)
    pool = ASSOCIATION_ACTIONS if reporter.kind is EntityKind.ASSOCIATION else LOCAL_ACTIONS
    acts = rng.sample(pool, 3)
    count = {s: sum(1 for v in statuses.values() if v == s) for s in MEASURE_STATUSES}
    title = plan.short_title.zh if plan.short_title else plan.title.zh
    return (
        f"{MARK}{year}年，{name}认真贯彻落实《{title}》，{acts[0]}，{acts[1]}，{acts[2]}。"
        f"对照方案{len(statuses)}项工作措施，已完成{count[COMPLETED]}项，"
        f"推进中{count[IN_PROGRESS]}项，尚未启动{count[NOT_STARTED]}项，"
        f"不适用{count[NOT_APPLICABLE]}项。下一步，将{'，'.join(rng.sample(NEXT_STEPS, 2))}。"
    )


def _problems_suggestions(rng: random.Random) -> str:
    problems = rng.sample(PROBLEMS, 2)
    suggestions = rng.sample(SUGGESTIONS, 2)
    return (
        f"{MARK}存在的问题：一是{problems[0]}；二是{problems[1]}。"
        f"政策建议：一是{suggestions[0]}；二是{suggestions[1]}。"
    )


def _fit(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def progress_values(
    form: Form,
    plan: Plan,
    reporter: Entity,
    year: int,
    *,
    figures: ReporterFigures | None = None,
    fields: Sequence[FormField] | None = None,
    seed: int = SEED,
) -> dict[str, str]:
    """The values of a simulated annual progress report: field code → status code or text.

    Only fields the form has are filled (and texts are cut to their ``max_length``);
    empty texts are left out.  ``figures``, when given, are quoted in ``key_figures``.
    ``fields`` are the form's fields with the per-measure ones expanded for ``plan``
    (as a stored form has them); by default they are expanded here.
    """
    by_code = {f.code: f for f in (fields if fields is not None else expand_fields(form, plan))}
    rng = random.Random(f"{seed}:progress:{form.code}:{reporter.code}:{year}")
    statuses = measure_statuses(plan, reporter, year, seed=seed)
    raw: dict[str, str] = {
        "summary": _summary(rng, plan, reporter, year, statuses),
        "key_figures": _key_figures(rng, reporter, year, figures),
        "problems_suggestions": _problems_suggestions(rng),
    }
    for m in plan.measures:
        raw[measure_field_code(m.code, "status")] = statuses[m.code]
        for name, text in _measure_texts(rng, m, reporter, statuses[m.code], year).items():
            raw[measure_field_code(m.code, name)] = text
    out: dict[str, str] = {}
    for code, value in raw.items():
        f = by_code.get(code)
        if f is None:
            continue
        out[code] = _fit(value, f.max_length) if f.type is FieldType.TEXT else value
    return out


def return_reason(plan: Plan, reporter: Entity, year: int, *, seed: int = SEED) -> str:
    """Why a reviewer sent the simulated report back (marked 【模拟】 too)."""
    rng = random.Random(f"{seed}:return:{reporter.code}:{year}")
    m = rng.choice(plan.measures)
    return (
        f"{MARK}第{m.code}项“{m.title.zh}”的进展情况表述过于笼统，"
        "请补充具体措施、成效和相关数据后重新报送。"
    )
