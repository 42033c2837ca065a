"""Search (搜索): indicators by their names and aliases, regions, the key enterprises the user
may see, the stored plans and their targets, and the forms the user deals with — ranked.

Matching is on normalised text (NFKC, case folded, without spaces, 规模以上 as 规上 and
营业收入 as 营收: :func:`wenzeng.domain.names.label_key`), so that 规模以上电子信息制造业营业收入
finds the indicator named 规上电子信息制造业营收 and a query in full-width letters finds its
code.  A query of several words finds what matches every word.  Who may find what is asked of
:mod:`wenzeng.auth.policy`, as the pages of those things ask it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from wenzeng.auth import policy
from wenzeng.auth.principal import Principal
from wenzeng.domain.catalog import REPORTING_REGION_KINDS, Entity, EntityKind
from wenzeng.domain.names import label_key
from wenzeng.domain.plan import ReporterKind
from wenzeng.domain.text import I18n
from wenzeng.errors import ValidationFailed
from wenzeng.services.context import Context
from wenzeng.services.forms import all_forms
from wenzeng.services.plans import stored_plans

MAX_QUERY = 100  # characters
# what a match on a label is worth: the whole label, its start, anywhere in it
EXACT, PREFIX, INSIDE = 100, 70, 40
ALIAS_DISCOUNT = 10  # a name is worth more than an alias, a code or a detail
# the order of kinds when matches are equally good: what people look for most first
KIND_ORDER = ("indicator", "region", "enterprise", "target", "plan", "form")
# the places people compare and look up: the regions that report, and the nation
FINDABLE_PLACES = (EntityKind.NATION, *REPORTING_REGION_KINDS)


@dataclass(frozen=True)
class Hit:
    """One thing found: its kind and code, its names, what matched, and its score."""

    kind: str
    code: str
    zh: str
    en: str
    score: int
    matched: str
    detail_zh: str = ""
    detail_en: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # e.g. the plan of a target

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "name_zh": self.zh,
            "name_en": self.en,
            "detail_zh": self.detail_zh,
            "detail_en": self.detail_en,
            "matched": self.matched,
            "score": self.score,
            **self.extra,
        }


@dataclass(frozen=True)
class Candidate:
    """Something to find, with its labels normalised once (see :func:`index`)."""

    kind: str
    code: str
    zh: str
    en: str
    names: tuple[str, ...]  # the names proper
    others: tuple[str, ...]  # aliases, short names, codes, details
    detail_zh: str = ""
    detail_en: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    name_keys: tuple[str, ...] = ()
    other_keys: tuple[str, ...] = ()

    def keyed(self) -> Candidate:
        return replace(
            self,
            name_keys=tuple(label_key(x) for x in self.names),
            other_keys=tuple(label_key(x) for x in self.others),
        )


def terms_of(query: str) -> list[str]:
    """The words of a query as they are compared; refuses a query too long to be a search."""
    text = query.strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed(
            f"搜索词过长（{len(text)} 字，最多 {MAX_QUERY} 字）/ the search is too long "
            f"({len(text)} characters, at most {MAX_QUERY})"
        )
    return [k for k in (label_key(w) for w in text.split()) if k]


def _key_score(term: str, key: str) -> int:
    if not key:
        return 0
    if key == term:
        return EXACT
    if key.startswith(term):
        return PREFIX
    if term in key:
        return INSIDE
    return 0


def _term_score(term: str, c: Candidate) -> tuple[int, str]:
    """The best match of one word among a candidate's labels, and the label it matched."""
    best, matched = 0, ""
    for labels_, keys, discount in (
        (c.names, c.name_keys, 0),
        (c.others, c.other_keys, ALIAS_DISCOUNT),
    ):
        for label, key in zip(labels_, keys, strict=True):
            s = _key_score(term, key)
            if s and s - discount > best:
                best, matched = s - discount, label
    return best, matched


def score(terms: list[str], c: Candidate) -> tuple[int, str]:
    """Every word must match; the score is the mean of the words' best matches."""
    total, matched = 0, []
    for term in terms:
        s, label = _term_score(term, c)
        if s == 0:
            return 0, ""
        total += s
        if label not in matched:
            matched.append(label)
    return total // len(terms), " / ".join(matched)


# -- what there is to find, as the user may find it --------------------------------------------
def _both(text: I18n | None) -> tuple[str, ...]:
    """A text's Chinese and English, or nothing when there is none (a missing short name)."""
    return (text.zh, text.en) if text else ()


def _candidate(
    kind: str,
    code: str,
    name: I18n,
    others: Iterable[str],
    detail: tuple[str, str],
    **extra: str,
) -> Candidate:
    """One thing to find: found by its name in both languages, and at less worth by
    ``others`` (aliases, short names, codes); ``detail`` says what it is (Chinese, English)."""
    return Candidate(
        kind,
        code,
        name.zh,
        name.en,
        names=_both(name),
        others=tuple(others),
        detail_zh=detail[0],
        detail_en=detail[1],
        extra=extra,
    )


def _indicators(ctx: Context) -> Iterator[Candidate]:
    for ind in ctx.catalogue.indicators.values():
        unit = f" · {ind.unit}" if ind.unit else ""
        detail = (f"指标{unit}", f"indicator{unit}")
        yield _candidate("indicator", ind.code, ind.name, (*ind.aliases, ind.code), detail)


def _entity(kind: str, e: Entity, detail: tuple[str, str]) -> Candidate:
    others = (*_both(e.short_name), *e.aliases, e.code)
    return _candidate(kind, e.code, e.name, others, detail)


def _places(ctx: Context) -> Iterator[Candidate]:
    cat = ctx.catalogue
    for e in cat.entities_of(*FINDABLE_PLACES):
        yield _entity("region", e, ("地区", "region"))
    for e in cat.entities_of(EntityKind.ENTERPRISE):
        region = cat.find_entity(e.parent) if e.parent else None
        detail = (
            (f"重点企业 · {region.name.zh}", f"key enterprise · {region.name.en}")
            if region
            else ("重点企业", "key enterprise")
        )
        yield _entity("enterprise", e, detail)


def _plans(ctx: Context) -> Iterator[Candidate]:
    for plan in stored_plans(ctx):
        others = (*_both(plan.short_title), plan.document_number, plan.code)
        span = plan.period
        detail = (f"计划 · {span.start}—{span.end}", f"plan · {span.start}–{span.end}")
        yield _candidate("plan", plan.code, plan.title, others, detail)
        short = plan.short_title or plan.title
        for t in plan.targets:
            detail = (f"目标 · {short.zh}", f"target · {short.en}")
            yield _candidate("target", t.code, t.title, (t.text_zh, t.code), detail, plan=plan.code)


def _forms(ctx: Context) -> Iterator[Candidate]:
    for loaded in all_forms(ctx).values():
        form = loaded.form
        detail = ("报表", "form")
        reporter = form.reporter.value
        yield _candidate("form", form.code, form.title, (form.code,), detail, reporter=reporter)


# every kind of thing there is to find, with where it comes from (KIND_ORDER ranks the kinds)
SOURCES: tuple[Callable[[Context], Iterable[Candidate]], ...] = (
    _indicators,
    _places,
    _plans,
    _forms,
)


def index(ctx: Context) -> list[Candidate]:
    """Everything there is to find, its labels normalised: built once, and again when the
    catalogue, the enterprises, the plans or the forms change."""

    def build() -> list[Candidate]:
        return [c.keyed() for source in SOURCES for c in source(ctx)]

    return ctx.kept(("search-index",), build, on=("entities", "definitions"))


def may_find(ctx: Context, p: Principal, c: Candidate) -> bool:
    """An enterprise within the user's scope, as the enterprise pages ask it; a form by staff
    (to review it) and by those who fill it in; everything else by everyone."""
    cat = ctx.catalogue
    if c.kind == "enterprise":
        return policy.entity_in_scope(p, c.code, cat)
    if c.kind == "form":
        reporter = ReporterKind(c.extra["reporter"])
        return p.authenticated and (
            policy.may_review_submissions(p) or policy.fills_in(p, reporter, cat)
        )
    return True


def search(ctx: Context, p: Principal, query: str, *, limit: int = 50) -> list[Hit]:
    """What ``query`` finds that ``p`` may see, best first; nothing for an empty query."""
    terms = terms_of(query)
    if not terms:
        return []
    hits = []
    for c in index(ctx):
        s, matched = score(terms, c)
        if s and may_find(ctx, p, c):
            extra = {k: v for k, v in c.extra.items() if k != "reporter"}
            hits.append(
                Hit(c.kind, c.code, c.zh, c.en, s, matched, c.detail_zh, c.detail_en, extra)
            )
    hits.sort(key=lambda h: (-h.score, KIND_ORDER.index(h.kind), len(h.zh), h.code))
    return hits[:limit]
