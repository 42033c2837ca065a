"""Report documents built from the store: every printed figure is the stored one."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenzeng.domain.periods import parse_period
from wenzeng.domain.units import convert
from wenzeng.errors import ValidationFailed
from wenzeng.reports.builder import Frame
from wenzeng.reports.definition import narrative_rules
from wenzeng.reports.document import Document, Fig, Heading, Paragraph, Table, Text, plain
from wenzeng.reports.narrative import Cited, ItemFigures, Labels, Sentences, compose
from wenzeng.services import reports
from wenzeng.services.context import Context
from wenzeng.store import observations as observation_store

AS_OF = date(2025, 6, 30)


def _figs(doc: Document) -> list[Fig]:
    out: list[Fig] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            out.extend(r for r in b.runs if isinstance(r, Fig))
        elif isinstance(b, Table):
            out.extend(r for row in b.rows for cell in row for r in cell if isinstance(r, Fig))
    return out


def _stored(ctx: Context, s: object) -> float:
    """The value the store holds for a source's observation, as known on the vintage."""
    period = parse_period(s.period)  # type: ignore[attr-defined]
    with ctx.reading() as conn:
        rows = observation_store.query_observations(
            conn,
            units=ctx.units,
            indicator=s.indicator,  # type: ignore[attr-defined]
            entities=[s.entity],  # type: ignore[attr-defined]
            measure=s.measure,  # type: ignore[attr-defined]
            period_type=period.type.value,
            periods=[period.code],
            as_of=AS_OF,
        )
    assert len(rows) == 1, s
    return rows[0].value


def test_quarterly_report_figures_are_the_stored_ones(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    assert doc.title == "2024年第三季度电子信息制造业运行情况"
    observed = [s for s in doc.sources if s.measure]
    assert len(observed) >= 20
    for s in observed:
        assert _stored(ctx, s) == pytest.approx(s.value), s
    by_ref = {s.ref: s for s in doc.sources}
    checked = 0
    for fig in _figs(doc):
        if fig.ref is None:
            continue
        source = by_ref[fig.ref]
        number, unit = _printed(fig.text)
        unit = unit or _printed(source.value_text)[1]  # a table prints the unit in a column
        if source.measure in ("yoy_pct", "share_pct") or unit == "%":
            assert abs(number) == pytest.approx(round(abs(source.value), 1)), (fig, source)
        else:
            canonical = ctx.units[source.indicator]
            value = convert(number, unit, canonical) if unit and canonical else number
            assert value == pytest.approx(source.value, rel=1e-3), (fig, source)
        checked += 1
    assert checked >= 30


def _printed(text: str) -> tuple[float, str]:
    """A printed figure: its number and unit (11.49万亿元 → 11.49, 万亿元)."""
    m = re.fullmatch(r"([-+]?[\d.]+)\s*(\S*)", text)
    assert m, text
    return float(m.group(1)), m.group(2)


def test_the_headline_sentence_reads_as_the_release(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    # MIIT: 1-9月，规模以上电子信息制造业营业收入11.49万亿元，同比增长7.5%; the period and
    # the industry are said once, the sentences after open with the indicator
    assert any(t.startswith("营业收入11.49万亿元，同比增长7.5%") for t in texts), texts
    assert sum(t.startswith("2024年1—9月，规模以上电子信息制造业") for t in texts[:4]) == 1
    assert any("增加值同比增长12.8%，增速比1—6月回落0.5个百分点" in t for t in texts)
    # a decline is said in words, never as a negative increase
    assert all("增长-" not in t for t in texts)


def test_every_chart_has_data_and_a_numbered_caption(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    charts = doc.charts
    assert len(charts) >= 4
    for i, c in enumerate(charts, start=1):
        assert c.caption.startswith(f"图{i} ")
        assert any(v is not None for s in c.series for v in s.values)
        assert all(len(s.values) == len(c.categories) for s in c.series)
    codes = [c.code for c in charts] + [t.code for t in doc.tables]
    assert len(codes) == len(set(codes))


def test_a_period_with_nothing_to_report_on_is_refused_with_the_reason(ctx: Context) -> None:
    with pytest.raises(ValidationFailed, match="2031年第二季度尚未结束"):
        reports.build(ctx, "quarterly", "2031Q2")
    with pytest.raises(ValidationFailed, match="2018年第二季度的核心指标.*尚无已发布的数据"):
        reports.build(ctx, "meeting", "2018Q2")
    with pytest.raises(ValidationFailed, match="2018年的核心指标"):
        reports.build(ctx, "annual", "2018")
    with pytest.raises(ValidationFailed, match="最早发布于2024年10月30日"):
        reports.build(ctx, "quarterly", "2024Q3", as_of=date(2024, 10, 1))


def test_a_report_is_made_as_of_its_period_s_time_by_default(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3")
    assert doc.as_of == date(2024, 10, 30)
    assert doc.date_text == "数据截至2024年10月30日（本期主要指标发布之日）"
    assert doc.cover_notes == ()
    assert all(s.vintage <= date(2024, 10, 30) for s in doc.sources)
    assert "2025年" not in doc.text() and "2026年" not in doc.text()
    assert doc == reports.build(ctx, "quarterly", "2024Q3", as_of=date(2024, 10, 30))


def test_a_later_vintage_is_said_on_the_cover(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    assert doc.date_text == (
        "数据截至2025年6月30日（晚于本期主要指标发布之日2024年10月30日，含其后发布和修订的数据）"
    )
    en = reports.build(ctx, "quarterly", "2024Q3", lang="en", as_of=AS_OF)
    assert en.date_text.startswith("Data as of 2025-06-30 (later than 2024-10-30")


def test_the_english_version(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024-Q3", lang="en", as_of=AS_OF)
    assert doc.title == "Electronic Information Manufacturing: Operation in 2024 Q3"
    texts = [b.text for b in doc.blocks if isinstance(b, (Paragraph, Heading))]
    assert any("up 7.5% year on year" in t and "11.49 trillion yuan" in t for t in texts), texts
    cjk = re.compile(r"[\u4e00-\u9fff]")
    # headings and generated sentences are English (quoted Chinese titles of sources aside)
    assert not [t for t in texts if cjk.search(t)]


def test_a_report_is_made_for_its_kind_of_period(ctx: Context) -> None:
    with pytest.raises(ValidationFailed, match="quarter"):
        reports.build(ctx, "quarterly", "2024", as_of=AS_OF)
    with pytest.raises(ValidationFailed, match="unreadable period"):
        reports.build(ctx, "quarterly", "next quarter", as_of=AS_OF)
    with pytest.raises(ValidationFailed, match="unknown report kind"):
        reports.build(ctx, "weekly", "2024Q3", as_of=AS_OF)


def test_a_period_partly_covered_says_once_what_is_missing(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2025Q4")
    assert doc.cover_notes == (
        "截至数据日期，本期尚无以下指标的数据：规模以上电子信息制造业营业收入利润率。",
    )
    assert doc.text().count("本期尚无以下指标的数据") == 1
    # not said again as a missing-data sentence in the text
    missing = [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.style == "missing"]
    assert not [t for t in missing if "营业收入利润率" in t]


def test_the_vintage_decides_what_is_known(ctx: Context) -> None:
    early = reports.build(ctx, "quarterly", "2024Q3", as_of=date(2024, 10, 30))
    late = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    assert len(early.sources) < len(late.sources)
    assert all(s.vintage <= date(2024, 10, 30) for s in early.sources)


def test_the_same_inputs_give_the_same_document(ctx: Context) -> None:
    a = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    b = reports.build(ctx, "quarterly", "2024Q3", as_of=AS_OF)
    assert a == b


def test_frames() -> None:
    f = Frame.of(parse_period("2024Q1"))
    assert (f.ytd.code, f.prev, f.month.code) == ("2024-01~03", None, "2024-03")
    f = Frame.of(parse_period("2024"))
    assert (f.ytd.code, f.prev and f.prev.code) == ("2024-01~12", "2024-01~09")
    assert f.label(parse_period("2024-01~09"), "zh") == "2024年1—9月"
    assert f.label(parse_period("2024-01~09"), "en", with_year=False) == "Jan–Sep"


# -- the narrative rules -------------------------------------------------------------------
growth = st.floats(min_value=-99.9, max_value=999.9, allow_nan=False).map(lambda v: round(v, 1))


@given(now=growth, before=growth, lang=st.sampled_from(["zh", "en"]))
def test_change_words_follow_the_sign(now: float, before: float, lang: str) -> None:
    say = Sentences(narrative_rules(), lang)
    p = say.sentence(
        Labels("营业收入", "1—9月", "1—6月", "9月"),
        ItemFigures(yoy=Cited(now, Fig("x", 1)), prev_yoy=Cited(before, Fig("y", 2))),
    )
    text = p.text
    words = {
        "zh": ("增长", "下降", "持平", "加快", "回落"),
        "en": ("up", "down", "unchanged", "faster", "slower"),
    }[lang]
    up, down, flat, faster, slower = words
    if now > 0:
        assert f"{up}{'' if lang == 'zh' else ' '}{abs(now):.1f}%" in text
    elif now < 0:
        assert f"{down}{'' if lang == 'zh' else ' '}{abs(now):.1f}%" in text
    else:
        assert flat in text
    d = round(now - before, 1)
    if now < 0 and before < 0:  # both periods down: the decline narrows or widens
        narrower, wider = {"zh": ("收窄", "扩大"), "en": ("narrowed", "widened")}[lang]
        faster, slower = narrower, wider
    if d > 0:
        assert faster in text and f"{abs(d):.1f}" in text
    elif d < 0:
        assert slower in text and f"{abs(d):.1f}" in text
    assert "-" not in text.replace("1—9", "")  # no minus signs in running text


@given(st.lists(st.sampled_from(["a", "{x}", "{y}", "，", "b"]), max_size=12))
def test_compose_fills_every_placeholder(parts: list[str]) -> None:
    template = "".join(parts)
    runs = compose(template, {"x": (Fig("7.5%", 1),), "y": "Y"})
    assert plain(runs) == template.replace("{x}", "7.5%").replace("{y}", "Y")
    assert sum(isinstance(r, Fig) for r in runs) == template.count("{x}")
    assert not any(
        isinstance(a, Text) and isinstance(b, Text) for a, b in zip(runs, runs[1:], strict=False)
    )


def test_a_sentence_without_figures_says_they_are_missing() -> None:
    p = Sentences(narrative_rules(), "zh").sentence(
        Labels("利润总额", "2031年1—9月", None, "9月"), ItemFigures()
    )
    assert p.style == "missing"
    assert p.text == "利润总额：2031年1—9月数据暂缺（尚未发布或尚未报送）。"


def test_the_meeting_pack_lists_late_reporters_up_to_a_limit(ctx: Context) -> None:
    # the built-in store has no monitoring returns: every region is late for every month
    doc = reports.build(ctx, "meeting", "2024Q3", as_of=AS_OF)
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "省级电子信息制造业运行情况月报（2024年7月）应报37家，已报送0家，逾期未报37家。" in texts
    late = next(t for t in doc.tables if t.code == "late_reporters")
    assert len(late.rows) == 40
    assert late.note is not None and "另有71家次未列出" in late.note


def test_products_without_figures_are_named_once_not_listed_as_dashes(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3")
    products = next(t for t in doc.tables if t.code == "products")
    assert all(plain(row[2]) != "—" or plain(row[3]) != "—" for row in products.rows)
    assert products.note is not None and products.note.endswith("本期数据暂缺，未列出。")
    summary = next(
        b.text for b in doc.blocks if isinstance(b, Paragraph) and "种主要产品中" in b.text
    )
    assert "0种" not in summary


def test_a_year_is_said_as_the_year_and_compared_with_the_nearest_quarter(ctx: Context) -> None:
    text = reports.build(ctx, "annual", "2024").text()
    assert "2024年，规模以上电子信息制造业增加值同比增长11.8%" in text
    assert "1—12月" not in text
    # exports for December are not out: January–November, compared with January–September
    assert "2024年1—11月，规模以上电子信息制造业出口交货值同比增长1.3%，增速比1—9月加快" in text


def test_a_trend_chart_names_its_source_and_says_how_gaps_are_drawn(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3")
    trend = next(c for c in doc.charts if c.code == "growth_trend")
    assert trend.note is not None
    assert trend.note.startswith("资料来源：工业和信息化部运行监测协调局")
    gaps = any(v is None for s in trend.series for v in s.values)
    assert ("虚线" in trend.note) == gaps


def test_a_target_rate_reads_to_one_decimal_in_the_meeting_pack(sqlite_ctx: Context) -> None:
    """The meeting pack's target table writes rates as a release does (7.7%, not 7.662%)."""
    doc = reports.build(sqlite_ctx, "meeting", "2024Q3")
    table = next(t for t in doc.tables if t.code == "targets")
    rates = [plain(row[2]) for row in table.rows if plain(row[2]).endswith("%")]
    assert rates and all(re.fullmatch(r"-?\d+\.\d%", r) for r in rates), rates


@given(x=st.floats(min_value=-50, max_value=150, allow_nan=False), i=st.integers(0, 100))
def test_a_rate_is_never_rounded_across_its_goal(x: float, i: int) -> None:
    """Whatever the figure, the text shown is judged as the figure itself is."""
    from wenzeng.analysis.tracking_core import meets
    from wenzeng.reports.parts_plan import figure_text

    rated = [t for t in _builtin_targets() if not t.is_qualitative and t.unit == "%"]
    t = rated[i % len(rated)]
    shown = float(figure_text(t, x))
    assert meets(t, shown) == meets(t, x)
    assert abs(shown - x) <= 0.05 + 1e-9


@cache
def _builtin_targets() -> list:  # type: ignore[type-arg]
    from wenzeng.definitions.catalogue import catalog_dir
    from wenzeng.definitions.yaml_doc import load_model
    from wenzeng.domain.plan import Plan

    plans = sorted((catalog_dir() / "plans").glob("*.yaml"))
    return [t for p in plans for t in load_model(Plan, p).targets]
