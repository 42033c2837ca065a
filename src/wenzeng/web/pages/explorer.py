"""The indicator explorer (指标查询): any indicator × entity × period range as a chart and a
table — as stored, or derived (single months, year to date, growth on a year earlier) — as
known on any date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from wenzeng.analysis.derived import DERIVATIONS, SOURCE_PERIOD_TYPE
from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain import labels
from wenzeng.domain.catalog import EntityKind, Measure
from wenzeng.domain.periods import PeriodType
from wenzeng.errors import ValidationFailed, WenzengError
from wenzeng.present.observation_rows import derived_row, record_row
from wenzeng.present.series_charts import explorer_chart
from wenzeng.services.context import Context
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.web.deps import CtxDep
from wenzeng.web.etag import cached_json
from wenzeng.web.pages.fields import blank, parse_date, parse_period_field
from wenzeng.web.pages.formats import page_format, respond
from wenzeng.web.security import PrincipalDep
from wenzeng.web.templating import page_lang, render
from wenzeng.web.twins import twin_data

router = APIRouter(include_in_schema=False)

EXPLORER_COLUMNS = [
    ("period_label_zh", "期间 Period"),
    ("period", "期间代码 Period code"),
    ("measure", "口径 Measure"),
    ("value", "数值 Value"),
    ("qualifier", "限定 Qualifier"),
    ("unit", "单位 Unit"),
    ("vintage", "可得日期 Vintage"),
    ("publisher", "发布机构 Publisher"),
    ("release", "发布稿 Release"),
    ("source_title", "来源 Source"),
    ("source_url", "来源链接 Source URL"),
    ("derived", "计算值 Derived"),
    ("flag", "模拟数据 Simulated"),
]


@dataclass(frozen=True)
class ExplorerQuery:
    indicator: str | None
    entity: str
    measure: str | None
    period_type: str | None
    start: str | None
    end: str | None
    transform: str
    as_of: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "entity": self.entity,
            "measure": self.measure,
            "period_type": self.period_type,
            "from": self.start,
            "to": self.end,
            "transform": self.transform,
            "as_of": self.as_of,
        }


def _check(q: ExplorerQuery) -> None:
    if q.transform not in labels.TRANSFORM:
        raise ValidationFailed(
            f"未知变换 / unknown transform: {q.transform!r} "
            f"(expected {', '.join(labels.TRANSFORM)})"
        )
    if q.measure is not None and q.measure not in {m.value for m in Measure}:
        raise ValidationFailed(
            f"未知口径 / unknown measure: {q.measure!r} (expected level, yoy_pct or share_pct)"
        )
    if q.period_type is not None and q.period_type not in {t.value for t in PeriodType}:
        raise ValidationFailed(
            f"未知期间类型 / unknown period type: {q.period_type!r} "
            "(expected month, cum_month, quarter or year)"
        )


def explore(ctx: Context, p: Principal, q: ExplorerQuery, lang: str) -> dict[str, Any]:
    """The rows and chart of an explorer query; raises WenzengError on a bad query."""
    if q.indicator is None:
        return {
            "rows": [],
            "chart": None,
            "info": None,
            "entity_info": None,
            "published_only": False,
        }
    ind = ctx.catalogue.indicator(q.indicator)
    entity = ctx.catalogue.entity(q.entity)
    _check(q)
    start, end = parse_period_field(q.start), parse_period_field(q.end)
    as_of = parse_date(q.as_of)
    if q.transform == "as_stored":
        measure, period_type = q.measure, q.period_type
    else:
        measure = "level"
        period_type = SOURCE_PERIOD_TYPE.get(q.transform, q.period_type)
    seen = observations(
        ctx,
        p,
        SeriesQuery(
            ind.code, entity=entity.code, measure=measure, period_type=period_type, as_of=as_of
        ),
    )
    if q.transform == "as_stored":
        rows = [record_row(r) for r in seen]
    else:
        rows = [derived_row(d) for d in DERIVATIONS[q.transform](seen)]
    rows = [
        r
        for r in rows
        if (start is None or r["x"] >= start.end.isoformat())
        and (end is None or r["x"] <= end.end.isoformat())
    ]
    rows.sort(key=lambda r: (r["x"], r["period_type"], r["measure"]), reverse=True)
    return {
        "rows": rows,
        "chart": explorer_chart(rows, lang == "en") if rows else None,
        "info": {
            "code": ind.code,
            "name": ind.name.model_dump(),
            "unit": ind.unit,
            "publisher": ind.publisher,
            "scope": ind.scope.model_dump() if ind.scope else None,
            "description": ind.description.model_dump() if ind.description else None,
            "measures": [m.value for m in ind.measures],
        },
        "entity_info": {"code": entity.code, "name": entity.name.model_dump()},
        "published_only": not policy.entity_in_scope(p, entity.code, ctx.catalogue),
    }


def _options(ctx: Context, p: Principal) -> dict[str, Any]:
    cat = ctx.catalogue
    entities = [
        {"value": e.code, "zh": e.name.zh, "en": e.name.en}
        for e in cat.entities.values()
        if e.kind is not EntityKind.ENTERPRISE or policy.entity_in_scope(p, e.code, cat)
    ]
    return {
        "indicator": [
            {"value": i.code, "zh": i.name.zh, "en": i.name.en} for i in cat.indicators.values()
        ],
        "entity": entities,
        "measure": labels.options(labels.MEASURE),
        "period_type": labels.options(labels.PERIOD_TYPE),
        "transform": labels.options(labels.TRANSFORM),
    }


@router.get("/explorer", response_class=HTMLResponse)
@router.get("/explorer.{fmt}")
def explorer_page(
    request: Request,
    ctx: CtxDep,
    p: PrincipalDep,
    indicator: str | None = None,
    entity: str | None = None,
    measure: str | None = None,
    period_type: str | None = None,
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    transform: str | None = None,
    as_of: str | None = None,
) -> Response:
    fmt = page_format(request, "explorer")
    q = ExplorerQuery(
        indicator=blank(indicator),
        entity=blank(entity) or "CN",
        measure=blank(measure),
        period_type=blank(period_type),
        start=blank(start),
        end=blank(end),
        transform=blank(transform) or "as_stored",
        as_of=blank(as_of),
    )
    lang = page_lang(request)

    def base() -> dict[str, Any]:
        return {"query": q.as_dict(), "options": _options(ctx, p), "columns": EXPLORER_COLUMNS}

    def answer() -> dict[str, Any]:
        # the same question by the same user on the same data gives the same answer
        key = ("explorer", tuple(sorted(q.as_dict().items())), p.username, p.role.value, lang)
        found = ctx.memo(key, lambda: explore(ctx, p, q, lang))
        return {
            **base(),
            "error": None,
            "table": found["rows"],
            "chart": found["chart"],
            "charts": found["chart"] is not None,
            "info": found["info"],
            "entity_info": found["entity_info"],
            "published_only": found["published_only"],
        }

    if fmt == "json":  # from bytes kept until the data change

        def twin() -> dict[str, Any]:
            try:
                return twin_data(answer())
            except WenzengError as exc:
                raise ValidationFailed(exc.message) from exc

        return cached_json(request, ctx, p, twin)
    try:
        context = answer()
    except WenzengError as exc:
        if fmt != "html":
            raise ValidationFailed(exc.message) from exc
        return render(
            request,
            "explorer.html",
            status_code=422,
            **base(),
            error=exc.message,
            table=[],
            chart=None,
            info=None,
            entity_info=None,
            published_only=False,
        )
    return respond(request, "explorer.html", context, fmt, "explorer")
