"""The words people read for the codes WenZeng stores: each label written once, Chinese first.

Every table maps a code (an enum value or a fixed code) to its ``(zh, en)`` label.  Pages,
their data twins, the services and the reports take their labels from here, so that a status
reads the same wherever it is shown.  ``tests/test_labels.py`` checks that each table covers
every value of its enum or code list.
"""

from __future__ import annotations

from collections.abc import Mapping

Label = tuple[str, str]  # (zh, en)
Labels = Mapping[str, Label]

# -- collection: submissions and who has reported ---------------------------------------------
SUBMISSION_STATUS: dict[str, Label] = {
    "draft": ("草稿", "draft"),
    "submitted": ("已报送待审核", "submitted"),
    "accepted": ("已接受", "accepted"),
    "returned": ("已退回", "returned"),
}
SUBMISSION_ACTION: dict[str, Label] = {
    "edit": ("修改", "edit"),
    "submit": ("报送", "submit"),
    "accept": ("接受", "accept"),
    "return": ("退回", "return"),
    "revise": ("更正", "revise"),
}
# A reporter's standing for one form and period: a submission's status, or nothing yet.
REPORTING_STATUS: dict[str, Label] = {"missing": ("未报送", "missing"), **SUBMISSION_STATUS}
LATE: Label = ("逾期", "late")
# The tracker's filters, in the order the page offers them.
TRACKER_FILTER: dict[str, Label] = {
    code: REPORTING_STATUS.get(code, LATE)
    for code in ("missing", "draft", "returned", "submitted", "accepted", "late")
}
ISSUE_SEVERITY: dict[str, Label] = {
    "error": ("错误", "error"),
    "warning": ("提示", "warning"),
}

# -- data: observations and series ---------------------------------------------------------------
MEASURE: dict[str, Label] = {
    "level": ("水平值", "level"),
    "yoy_pct": ("同比增速", "YoY growth"),
    "share_pct": ("占比", "share"),
}
PERIOD_TYPE: dict[str, Label] = {
    "month": ("当月", "single month"),
    "cum_month": ("1-n月累计", "year to date"),
    "quarter": ("季度", "quarter"),
    "year": ("年度", "annual"),
}
FREQUENCY: dict[str, Label] = {
    "monthly": ("月度", "monthly"),
    "quarterly": ("季度", "quarterly"),
    "annual": ("年度", "annual"),
}
QUALIFIER: dict[str, Label] = {
    "": ("", ""),
    ">": ("超过", "more than"),
    "<": ("低于", "less than"),
    "~": ("约", "about"),
}
SOURCE_KIND: dict[str, Label] = {
    "published": ("公开发布", "published"),
    "import": ("文件导入", "imported"),
    "submission": ("报表报送", "reported"),
    "simulated": ("模拟数据", "simulated"),
}
# How the indicator explorer may derive a series from what is stored.
TRANSFORM: dict[str, Label] = {
    "as_stored": ("按存储口径", "as stored"),
    "single_month": ("由累计值推算当月值", "single month from year-to-date levels"),
    "cumulative": ("由当月值累加为累计值", "year to date from single-month levels"),
    "yoy": ("由水平值计算同比增速", "YoY growth from levels"),
}

# -- places, organisations and people ----------------------------------------------------------
ENTITY_KIND: dict[str, Label] = {
    "nation": ("全国", "nation"),
    "province": ("省级地区", "province"),
    "plan_city": ("计划单列市", "city specifically designated in the state plan"),
    "xpcc": ("新疆生产建设兵团", "XPCC"),
    "region_group": ("区域", "region group"),
    "city": ("城市", "city"),
    "association": ("行业协会", "industry association"),
    "enterprise": ("重点企业", "key enterprise"),
}
CHAIN_POSITION: dict[str, Label] = {
    "downstream": ("下游（整机）", "downstream (equipment)"),
    "midstream": ("中游", "midstream"),
    "upstream": ("上游", "upstream"),
}
ROLE: dict[str, Label] = {
    "admin": ("系统管理员", "administrator"),
    "analyst": ("分析人员", "analyst"),
    "province": ("省级主管部门", "provincial authority"),
    "association": ("行业协会", "industry association"),
    "enterprise": ("重点企业", "key enterprise"),
    "public": ("公众", "public"),
}

# -- analysis: targets and early warnings --------------------------------------------------------
TARGET_STATUS: dict[str, Label] = {
    "achieved": ("达标", "achieved"),
    "basically": ("基本达标", "basically on target"),
    "at_risk": ("有风险", "at risk"),
    "unlikely": ("难以达标", "unlikely to be met"),
    "no_data": ("无数据", "no data"),
    "qualitative": ("定性目标", "qualitative target"),
}
FIGURE_KIND: dict[str, Label] = {
    "actual": ("目标口径实际值", "the target's own figure"),
    "alternate": ("同一行业、另一发布机构的数据", "the same industry from another publisher"),
    "derived": ("由分子、分母计算", "computed from its numerator and denominator"),
    "lower_bound": ("已发布组成部分之和（下限）", "the sum of its published parts (a floor)"),
    "projected": ("按年内累计数预测", "projected from the year to date"),
    "none": ("无可用数据", "no figure"),
}
WARNING_CLASS: dict[str, Label] = {
    "emerging": ("苗头性", "emerging"),
    "trending": ("倾向性", "trending"),
    "latent": ("潜在性", "latent"),
}
WARNING_SEVERITY: dict[str, Label] = {
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}
WARNING_STATUS: dict[str, Label] = {
    "new": ("新发现", "new"),
    "acknowledged": ("已知悉", "acknowledged"),
    "closed": ("已关闭", "closed"),
}
# The fields of a warning's evidence are labelled by the detector registry
# (wenzeng.domain.detector_kinds.evidence_label).

# -- reports -------------------------------------------------------------------------------------
REPORT_KIND: dict[str, Label] = {
    "quarterly": ("季度行业运行情况", "Quarterly operation report"),
    "meeting": ("运行座谈会材料", "Quarterly meeting pack"),
    "annual": ("年度进展情况汇总", "Annual progress summary"),
}
REPORT_STATE: dict[str, Label] = {
    "published": ("已发布", "published"),
    "draft": ("未发布", "draft"),
}
LANGUAGE: dict[str, Label] = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}


# -- reading the tables ---------------------------------------------------------------------------
def pair(table: Labels, code: str) -> Label:
    """The label of ``code``; an unknown code stands for itself in both languages."""
    return table.get(code, (code, code))


def text(table: Labels, code: str | None, lang: str) -> str:
    """The label of ``code`` in ``lang`` ('en' or Chinese); '' for no code."""
    if code is None:
        return ""
    zh, en = pair(table, code)
    return en if lang == "en" else zh


def options(table: Labels, key: str = "value") -> list[dict[str, str]]:
    """A table as the choices of a select box: ``{key: code, 'zh': …, 'en': …}``."""
    return [{key: code, "zh": zh, "en": en} for code, (zh, en) in table.items()]
