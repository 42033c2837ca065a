"""How a figure is cited: publisher and release, in Chinese and in English, the copy's title
only where no publisher is known — the same words in the reports and on the pages."""

from __future__ import annotations

import dataclasses

from report_samples import sample_document
from wenzeng.domain.citing import cited, copy_site, release_text
from wenzeng.reports.source_notes import copy_text, source_note
from wenzeng.services import reports
from wenzeng.services.context import Context

MIIT_BUREAU = "工业和信息化部运行监测协调局"
RELEASE = "2019年1—4月电子信息制造业运行情况"


def test_a_release_is_cited_with_its_publisher_and_marked_as_chinese_in_english() -> None:
    assert release_text(MIIT_BUREAU, RELEASE, "zh") == f"{MIIT_BUREAU}《{RELEASE}》"
    assert release_text(MIIT_BUREAU, RELEASE, "en") == (
        f"MIIT, Bureau of Operation Monitoring and Coordination, 《{RELEASE}》 (in Chinese)"
    )
    assert release_text("四川省统计局", None, "en") == "Sichuan Provincial Bureau of Statistics"
    assert release_text("某协会", "Annual Review 2024", "en") == "某协会, 《Annual Review 2024》"


def test_without_a_publisher_the_copy_read_is_cited_by_its_title() -> None:
    title = "2024年手机出货量 / Phone shipments in 2024"
    assert cited(None, None, title, "zh") == "2024年手机出货量"
    assert cited(None, None, title, "en") == "Phone shipments in 2024"
    assert cited("", "ignored", "某省统计局月度数据发布", "en") == "某省统计局月度数据发布"
    assert copy_site("https://www.excite.co.jp/news/article/1") == "www.excite.co.jp"
    assert copy_site(None) is None and copy_site("not an address") is None


def test_an_english_source_note_names_the_publisher_in_english_and_the_copy_second() -> None:
    doc = sample_document("en")
    source = dataclasses.replace(doc.sources[0], publisher=MIIT_BUREAU, release=RELEASE)
    note = source_note(source, "en")
    assert note.text.endswith(
        f". MIIT, Bureau of Operation Monitoring and Coordination, 《{RELEASE}》 (in Chinese), "
        "2024-10-30"
    )
    assert copy_text(note, "en") == " (copy read: www.miit.gov.cn)."


def test_an_english_report_cites_the_stored_publisher_and_release(ctx: Context) -> None:
    doc = reports.build(ctx, "quarterly", "2024Q3", lang="en")
    released = [s for s in doc.sources if s.publisher == MIIT_BUREAU and s.release]
    assert released
    for s in released:
        assert source_note(s, "en").text.count(f"《{s.release}》 (in Chinese)") == 1
    zh = reports.build(ctx, "quarterly", "2024Q3", lang="zh")
    assert {(s.publisher, s.release) for s in zh.sources} == {
        (s.publisher, s.release) for s in doc.sources
    }
