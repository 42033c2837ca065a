"""The search page (搜索): ``/search?q=`` finds indicators, regions, the key enterprises the
user may see, plans and their targets, and forms, ranked; ``/search.json`` is its twin."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.services.context import Context
from wenzeng.services.directory import map_indicators
from wenzeng.services.search import KIND_ORDER, Hit, search
from wenzeng.web.deps import CtxDep
from wenzeng.web.pages.formats import page_format, respond
from wenzeng.web.security import PrincipalDep

router = APIRouter(include_in_schema=False)

KIND_WORDS = {
    "indicator": ("指标", "Indicator"),
    "region": ("地区", "Region"),
    "enterprise": ("企业", "Enterprise"),
    "target": ("目标", "Target"),
    "plan": ("计划", "Plan"),
    "form": ("报表", "Form"),
}
SEARCH_COLUMNS = [
    ("kind_zh", "类别 Kind"),
    ("name_zh", "名称 Name"),
    ("name_en", "英文名称 English name"),
    ("detail_zh", "说明 Detail"),
    ("code", "代码 Code"),
    ("url", "链接 Link"),
    ("score", "匹配度 Score"),
]


def _url(p: Principal, h: Hit) -> str:
    """Where a hit leads: the page of the thing, or the page where the user deals with it."""
    code = quote(h.code, safe="")
    if h.kind == "indicator":
        return f"/explorer?{urlencode({'indicator': h.code})}"
    if h.kind == "region":
        return "/explorer?entity=CN" if h.code == "CN" else f"/regions/{code}"
    if h.kind == "enterprise":
        return f"/enterprises/{code}"
    if h.kind == "target":
        return f"/targets/{code}?{urlencode({'plan': h.extra['plan']})}"
    if h.kind == "plan":
        return f"/?{urlencode({'plan': h.code})}"
    if policy.may_review_submissions(p):  # a form: staff review it, a reporter fills it in
        return f"/review?{urlencode({'form': h.code})}"
    return "/report"


def _compare_url(h: Hit, regional: set[str]) -> str | None:
    """A comparison of regions starting from an indicator with regional figures or a region."""
    if h.kind == "indicator" and h.code in regional:
        return f"/compare?{urlencode({'indicator': h.code})}"
    if h.kind == "region":
        return f"/compare?{urlencode({'regions': h.code})}"
    return None


def search_context(ctx: Context, p: Principal, q: str) -> dict[str, Any]:
    hits = search(ctx, p, q)
    regional = {i.code for i in map_indicators(ctx.catalogue)}
    rows = []
    for h in hits:
        kind_zh, kind_en = KIND_WORDS[h.kind]
        rows.append(
            {
                **h.as_dict(),
                "kind_zh": kind_zh,
                "kind_en": kind_en,
                "url": _url(p, h),
                "compare_url": _compare_url(h, regional),
            }
        )
    counts = {k: sum(1 for r in rows if r["kind"] == k) for k in KIND_ORDER}
    return {
        "q": q,
        "count": len(rows),
        "counts": {k: n for k, n in counts.items() if n},
        "kinds": {k: {"zh": zh, "en": en} for k, (zh, en) in KIND_WORDS.items()},
        "results": rows,
        "table": rows,
        "columns": SEARCH_COLUMNS,
    }


@router.get("/search", response_class=HTMLResponse)
@router.get("/search.{fmt}")
def search_page(request: Request, ctx: CtxDep, p: PrincipalDep, q: str = "") -> Response:
    fmt = page_format(request, "search")
    return respond(request, "search.html", search_context(ctx, p, q), fmt, "search")
