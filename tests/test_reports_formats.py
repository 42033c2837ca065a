"""The three reports in the three formats, from the built-in and demo data: the figures read
back from the PDF text and the Word paragraphs are the stored ones, every chart is there, no
character prints as a box, and the same inputs give the same files.

Every page of the quarterly PDF, and of its Word file converted by LibreOffice where it is
installed, is written as PNG to test-output/reports/ for a person to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from pdf_checks import page_texts, squash, tofu
from wenzeng.auth.principal import SYSTEM
from wenzeng.config import load_settings
from wenzeng.errors import ValidationFailed
from wenzeng.reports.document import Chart, Document, Fig, Paragraph, Table, plain
from wenzeng.services import reports
from wenzeng.services.context import Context
from wenzeng.services.plans import get_plan
from wenzeng.services.series import SeriesQuery, observations
from wenzeng.services.setup import initialise

OUT = Path(__file__).parents[1] / "test-output" / "reports"
AS_OF = date(2025, 6, 30)
REF = re.compile(r"\[\d+\]")


@dataclass
class Made:
    doc: Document
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def demo_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A SQLite store with the built-in data and the simulated demo data (as `make run`)."""
    db = tmp_path_factory.mktemp("reports") / "demo.db"
    ctx = Context.open(load_settings(database_url=f"sqlite:///{db}"))
    initialise(ctx, demo=True)
    yield ctx
    ctx.close()


_made: dict[tuple[str, str, str], Made] = {}


def made(ctx: Context, kind: str, period: str, lang: str = "zh") -> Made:
    key = (kind, period, lang)
    if key not in _made:
        g = reports.generate(ctx, SYSTEM, kind, period, lang=lang, as_of=AS_OF, keep=False)
        _made[key] = Made(g.document, g.files)
    return _made[key]


def _stored(ctx: Context, indicator: str, period: str, measure: str) -> float:
    rows = observations(
        ctx,
        SYSTEM,
        SeriesQuery(
            indicator, period=period, measure=measure, period_type="cum_month", as_of=AS_OF
        ),
    )
    assert len(rows) == 1
    return rows[0].value


def _pdf_text(pdf: bytes) -> str:
    return squash("".join(page_texts(pdf)))


def _docx_paragraphs(data: bytes) -> list[str]:
    d = docx.Document(io.BytesIO(data))
    return [p.text for p in d.paragraphs]


# -- the quarterly report --------------------------------------------------------------------
def test_pdf_figures_are_the_stored_ones(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3")
    text = REF.sub("", _pdf_text(m.files["pdf"]))
    revenue = re.search(r"营业收入([\d.]+)万亿元，同比增长([\d.]+)%", text)
    assert revenue, text[:2000]
    level = _stored(demo_ctx, "revenue_elec", "2024-01~09", "level")  # 亿元
    assert float(revenue.group(1)) * 10000 == pytest.approx(level)
    assert float(revenue.group(2)) == pytest.approx(
        _stored(demo_ctx, "revenue_elec", "2024-01~09", "yoy_pct")
    )
    va = re.search(r"增加值同比增长([\d.]+)%，增速比1—6月回落([\d.]+)个百分点", text)
    assert va
    now = _stored(demo_ctx, "va_elec", "2024-01~09", "yoy_pct")
    before = _stored(demo_ctx, "va_elec", "2024-01~06", "yoy_pct")
    assert float(va.group(1)) == pytest.approx(now)
    assert float(va.group(2)) == pytest.approx(round(before - now, 1))
    # every sentence of the document is in the PDF as written
    for b in m.doc.blocks:
        if isinstance(b, Paragraph):
            assert squash(b.text) in text, b.text


def test_docx_paragraphs_are_the_documents(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3")
    paragraphs = [REF.sub("", p) for p in _docx_paragraphs(m.files["docx"])]
    for b in m.doc.blocks:
        if isinstance(b, Paragraph):
            assert any(b.text in p for p in paragraphs), b.text
    joined = "\n".join(paragraphs)
    profit = re.search(r"利润总额(\d+)亿元，同比增长([\d.]+)%", joined)
    assert profit
    assert float(profit.group(1)) == pytest.approx(
        _stored(demo_ctx, "profit_elec", "2024-01~09", "level")
    )
    assert float(profit.group(2)) == pytest.approx(
        _stored(demo_ctx, "profit_elec", "2024-01~09", "yoy_pct")
    )


def test_every_chart_is_in_every_format(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3")
    charts = m.doc.charts
    assert len(charts) >= 6
    html = m.files["html"].decode()
    assert html.count("<svg") == len(charts)
    for c in charts:
        assert f'aria-label="{c.caption}"' in html
    pdf_text = _pdf_text(m.files["pdf"])
    for c in charts:
        assert squash(c.caption) in pdf_text
    images = [
        n
        for n in zipfile.ZipFile(io.BytesIO(m.files["docx"])).namelist()
        if n.startswith("word/media/")
    ]
    assert len(images) == len(charts)
    d = docx.Document(io.BytesIO(m.files["docx"]))
    assert len(d.inline_shapes) == len(charts)


def test_tables_are_in_the_word_file(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3")
    d = docx.Document(io.BytesIO(m.files["docx"]))
    cells = {REF.sub("", c.text) for t in d.tables for row in t.rows for c in row.cells}
    for t in m.doc.tables:
        for row in t.rows:
            for cell in row:
                assert plain(cell) in cells


def test_no_character_prints_as_a_box(demo_ctx: Context) -> None:
    for lang in ("zh", "en"):
        m = made(demo_ctx, "quarterly", "2024Q3", lang)
        assert tofu(m.doc, m.files["pdf"]) == set()


def test_the_same_inputs_give_the_same_files(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3")
    again = reports.generate(demo_ctx, SYSTEM, "quarterly", "2024Q3", as_of=AS_OF, keep=False)
    for fmt in reports.FORMATS:
        assert again.files[fmt] == m.files[fmt], fmt


def test_pages_are_written_for_a_person_to_look_at(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("quarterly-*.png"):
        old.unlink()
    pdf = pdfium.PdfDocument(m.files["pdf"])
    for n, page in enumerate(pdf, start=1):
        page.render(scale=100 / 72).to_pil().save(OUT / f"quarterly-pdf-page-{n}.png")
    assert len(pdf) >= 6
    (OUT / "quarterly.html").write_bytes(m.files["html"])
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: the Word file is not rendered")
    work = OUT / "lo"
    work.mkdir(exist_ok=True)
    (work / "quarterly.docx").write_bytes(m.files["docx"])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(work / "quarterly.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = pdfium.PdfDocument((work / "quarterly.pdf").read_bytes())
    for n, page in enumerate(converted, start=1):
        page.render(scale=100 / 72).to_pil().save(OUT / f"quarterly-docx-page-{n}.png")
    words = squash("".join(p.get_textpage().get_text_range() for p in converted))
    assert squash(m.doc.title) in words
    assert "11.49万亿元" in words


# -- the English version, the meeting pack and the annual summary ------------------------------
def test_the_english_quarterly_report(demo_ctx: Context) -> None:
    m = made(demo_ctx, "quarterly", "2024Q3", "en")
    text = _pdf_text(m.files["pdf"])
    assert squash("Electronic Information Manufacturing: Operation in 2024 Q3") in text
    assert squash("was 11.49 trillion yuan, up 7.5% year on year") in REF.sub("", text)
    assert "【" not in "".join(_docx_paragraphs(m.files["docx"]))


def test_the_meeting_pack_splits_warnings(demo_ctx: Context) -> None:
    m = made(demo_ctx, "meeting", "2024Q3")
    texts = [b.text for b in m.doc.blocks if isinstance(b, Paragraph)]
    split = next(t for t in texts if t.startswith("与上一季度"))
    total = next(t for t in texts if t.startswith("按截至"))
    new, continuing = (
        int(x) for x in re.search(r"新出现预警(\d+)条，持续预警(\d+)条", split).groups()
    )  # type: ignore[union-attr]
    found = int(re.search(r"共发现(\d+)条", total).group(1))  # type: ignore[union-attr]
    assert new + continuing == found
    codes = {t.code for t in m.doc.tables}
    assert {"targets", "headline", "focus_regions"} <= codes
    late = (
        next(t for t in m.doc.tables if t.code == "late_reporters")
        if "late_reporters" in codes
        else None
    )
    reporting = [t for t in texts if "应报" in t]
    assert len(reporting) == 6  # two monthly forms × three months
    if late is not None:
        assert all(plain(r[3]) for r in late.rows)
    assert squash(m.doc.title) in _pdf_text(m.files["pdf"])


def test_the_annual_summary_compiles_the_progress_reports(demo_ctx: Context) -> None:
    m = made(demo_ctx, "annual", "2024")
    reporters = next(t for t in m.doc.tables if t.code == "progress_reporters")
    statuses = [plain(r[1]) for r in reporters.rows]
    done = sum(s in ("已报送", "已审核") for s in statuses)
    assert len(reporters.rows) == 48  # 37 reporting regions and 11 associations
    texts = [b.text for b in m.doc.blocks if isinstance(b, Paragraph)]
    assert f"截至2025年6月30日已报送{done}家，尚未报送{48 - done}家" in "".join(texts)
    missing = next(t for t in texts if t.startswith("尚未报送的单位"))
    assert f"（{48 - done}家）" in missing
    measures = next(t for t in m.doc.tables if t.code == "progress_measures")
    assert len(measures.rows) == len(get_plan(demo_ctx, "eim-2023-2024").measures)  # 2024's plan
    for row in measures.rows:  # each measure's statuses add up to the reports sent
        assert sum(float(plain(c)) for c in row[1:]) == done
    quoted = [t for t in texts if "：【模拟】" in t]
    assert len(quoted) == 2 * done  # key figures and problems of every report sent
    # the year's published figures, known by the vintage
    assert "2024年，规模以上电子信息制造业增加值" in "".join(texts)
    assert "营业收入16.19万亿元" in "".join(texts)
    assert "16.19万亿元" in _pdf_text(m.files["pdf"])


def test_a_period_partly_covered_says_once_in_every_format_what_is_missing(
    demo_ctx: Context,
) -> None:
    g = reports.generate(demo_ctx, SYSTEM, "quarterly", "2025Q4", keep=False)
    said = "本期尚无以下指标的数据：规模以上电子信息制造业营业收入利润率"
    assert g.document.as_of == date(2026, 1, 31)
    assert _pdf_text(g.files["pdf"]).replace("\n", "").count("本期尚无以下指标的数据") == 1
    assert [p for p in _docx_paragraphs(g.files["docx"]) if said in p]
    assert g.files["html"].decode().count(said) == 1
    with pytest.raises(ValidationFailed, match="尚未结束"):
        reports.generate(demo_ctx, SYSTEM, "quarterly", "2031Q2", keep=False)


# -- simulated data --------------------------------------------------------------------------
NOTICE = "说明：标注“模拟”的数据为演示用模拟数据，不是统计数据。"
SIM = "（模拟数据）"


@pytest.mark.parametrize(
    ("kind", "period"), [("quarterly", "2024Q3"), ("meeting", "2024Q3"), ("annual", "2024")]
)
def test_simulated_data_are_marked_under_the_title_and_at_each_figure(
    demo_ctx: Context, kind: str, period: str
) -> None:
    m = made(demo_ctx, kind, period)
    doc = m.doc
    assert doc.simulated
    html = m.files["html"].decode()
    assert html.index(NOTICE) < html.index("<h2")  # under the title, before the first section
    paragraphs = _docx_paragraphs(m.files["docx"])
    first_heading = next(i for i, p in enumerate(paragraphs) if p.startswith("一、"))
    assert NOTICE in paragraphs[:first_heading]
    assert squash(NOTICE) in squash(page_texts(m.files["pdf"])[0])
    simulated_refs = {s.ref for s in doc.sources if s.simulated}
    marked = [b for b in doc.blocks if isinstance(b, (Table, Chart)) and b.simulated]
    assert marked, kind
    for b in doc.blocks:
        if isinstance(b, (Table, Chart)):
            assert b.caption.endswith(SIM) == bool(b.simulated), b.caption
            assert (b.caption in html) and squash(b.caption) in _pdf_text(m.files["pdf"])
        if isinstance(b, Table):
            refs = {r.ref for row in b.rows for c in row for r in c if isinstance(r, Fig) and r.ref}
            if refs & simulated_refs:  # a table citing a simulated figure is marked
                assert b.simulated, b.caption
            elif refs:  # one citing published figures only is not
                assert not b.simulated, b.caption
        if isinstance(b, Paragraph) and b.style == "body":
            refs = {r.ref for r in b.runs if isinstance(r, Fig) and r.ref}
            if refs:
                assert (SIM in b.text) == bool(refs & simulated_refs), b.text
    # published figures are never marked: the headline table of the quarter's reports
    for t in doc.tables:
        if t.code == "headline":
            assert not t.simulated


# -- as of the period's time -----------------------------------------------------------------
_DATE = re.compile(r"(20\d\d)年(\d{1,2})月(?:(\d{1,2})日)?")


@pytest.mark.parametrize(
    ("kind", "period", "time"),
    [
        ("quarterly", "2024Q3", date(2024, 10, 30)),
        ("meeting", "2024Q3", date(2024, 10, 30)),
        ("annual", "2024", date(2025, 2, 7)),
    ],
)
def test_with_defaults_a_report_holds_nothing_dated_after_its_time(
    demo_ctx: Context, kind: str, period: str, time: date
) -> None:
    doc = reports.build(demo_ctx, kind, period)
    assert doc.as_of == time
    assert doc.date_text.startswith(f"数据截至{time.year}年{time.month}月{time.day}日（本期")
    assert all(s.vintage <= time for s in doc.sources)
    for m in _DATE.finditer(doc.text()):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
        assert date(year, month, day) <= time, m.group(0)
    # no internal codes and no English in the Chinese text
    assert not re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", doc.text())
    assert not re.findall(r"[A-Za-z]{3,} [A-Za-z]{3,}", doc.text())
