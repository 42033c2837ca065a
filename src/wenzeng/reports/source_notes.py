"""The list of sources as numbered notes, one line each: the figure, then the publisher and
the release it was published in, the date, and the stored copy it was read from."""

from __future__ import annotations

from dataclasses import dataclass

from wenzeng.domain.citing import cited, copy_site
from wenzeng.reports.document import Document, Source, label


@dataclass(frozen=True)
class SourceNote:
    ref: int
    text: str  # the figure and where it was published
    copy: str | None  # the site of the stored copy (a secondary note), if any
    url: str | None  # the stored copy's address


def _date(s: Source, lang: str) -> str:
    d = s.vintage
    return d.isoformat() if lang == "en" else f"{d.year}年{d.month}月{d.day}日"


def _published(s: Source, lang: str) -> str:
    """工业和信息化部运行监测协调局《2024年前三季度电子信息制造业运行情况》, or the stored
    copy's title where the copy names no publisher."""
    return cited(s.publisher, s.release, s.source_title, lang)


def source_note(s: Source, lang: str) -> SourceNote:
    en = lang == "en"
    mark = label("simulated_data", lang) if s.simulated else ""
    figure = f"{s.indicator_name}, {s.entity_name}, {s.period_label}: {s.value_text}{mark}"
    if not en:
        label_zh = s.period_label.replace("-", "—")
        figure = f"{s.indicator_name}，{s.entity_name}，{label_zh}：{s.value_text}{mark}"
    where = _published(s, lang)
    text = f"{figure}. {where}, {_date(s, lang)}" if en else f"{figure}。{where}，{_date(s, lang)}"
    site = copy_site(s.source_url)
    return SourceNote(s.ref, text, site, s.source_url)


def copy_text(note: SourceNote, lang: str) -> str:
    """The secondary note on the stored copy: 阅读副本：m.dyhjw.com."""
    end = "." if lang == "en" else "。"
    if note.copy is None:
        return end
    return f" (copy read: {note.copy}){end}" if lang == "en" else f"（阅读副本：{note.copy}）{end}"


def signed_date(doc: Document) -> str:
    """The date the document was made (成文日期): its vintage, written out."""
    d = doc.as_of
    return d.strftime("%-d %B %Y") if doc.lang == "en" else f"{d.year}年{d.month}月{d.day}日"
