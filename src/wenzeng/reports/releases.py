"""Who published a figure and in which release, as the built-in data set names them.

Each row of ``data/public/observations.csv`` keeps the stored copy it was read from
(``source_title``, ``source_url``: often a repost) and, where that copy names them, the
``publisher`` and the ``release`` (its title). A report cites the publisher and the release,
with the stored copy as a secondary note.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from wenzeng.domain.periods import PeriodError, parse_period


@dataclass(frozen=True)
class Release:
    publisher: str
    title: str  # the release's title, without 《》; "" when the copy does not name it


# Publishers as an English report names them.
PUBLISHER_EN = {
    "工业和信息化部": "MIIT",
    "工业和信息化部运行监测协调局": "MIIT, Bureau of Operation Monitoring and Coordination",
    "工业和信息化部电子信息司": "MIIT, Department of Electronic Information",
    "国家统计局": "National Bureau of Statistics",
    "中国信息通信研究院": "CAICT",
    "中国电子信息产业发展研究院": "CCID",
    "中国光伏行业协会": "China Photovoltaic Industry Association",
    "洛图科技": "RUNTO",
    "奥维云网": "AVC",
}


@cache
def builtin_releases() -> dict[tuple[str, str, str], Release]:
    """(source title, source address, period code) → the publisher and release of the
    figures read from that copy for that period, from the data set (a copy that gathers
    several releases names a release for each period)."""
    path = resources.files("wenzeng") / "data" / "public" / "observations.csv"
    out: dict[tuple[str, str, str], Release] = {}
    text = path.read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        publisher = (row.get("publisher") or "").strip()
        if publisher:
            try:
                period = parse_period(row["period"], row["period_type"]).code
            except PeriodError:
                continue
            key = (row["source_title"], row.get("source_url") or "", period)
            out[key] = Release(publisher, (row.get("release") or "").strip())
    return out


def release_of(title: str, url: str | None, period: str) -> Release | None:
    return builtin_releases().get((title, url or "", period))


def publisher_text(publisher: str, lang: str) -> str:
    if lang != "en":
        return publisher
    return PUBLISHER_EN.get(publisher, publisher)


def copy_site(url: str | None) -> str | None:
    """The site of a stored copy (m.dyhjw.com), or None without an address."""
    if not url:
        return None
    host = urlsplit(url).hostname
    return host or None


_BILINGUAL = re.compile(r"(.*[\u4e00-\u9fff）)])\s*/\s*([A-Z][^\u4e00-\u9fff]* [^\u4e00-\u9fff]*)")


def title_in(title: str, lang: str) -> str:
    """A bilingual title "中文 / English" in the report's language; others as they are."""
    m = _BILINGUAL.fullmatch(title)
    if m is None:
        return title
    return m.group(2).strip() if lang == "en" else m.group(1).strip()
