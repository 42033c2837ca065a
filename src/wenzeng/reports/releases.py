"""Who published a figure and in which release, as the built-in data set names them.

Each row of ``data/public/observations.csv`` keeps the stored copy it was read from
(``source_title``, ``source_url``: often a repost) and, where that copy names them, the
``publisher`` and the ``release`` (its title). A report cites the publisher and the release,
with the stored copy as a secondary note.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit


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
def builtin_releases() -> dict[tuple[str, str], Release]:
    """(source title, source address) → its publisher and release, from the data set."""
    path = resources.files("wenzeng") / "data" / "public" / "observations.csv"
    out: dict[tuple[str, str], Release] = {}
    text = path.read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        publisher = (row.get("publisher") or "").strip()
        if publisher:
            key = (row["source_title"], row.get("source_url") or "")
            out[key] = Release(publisher, (row.get("release") or "").strip())
    return out


def release_of(title: str, url: str | None) -> Release | None:
    return builtin_releases().get((title, url or ""))


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


def title_in(title: str, lang: str) -> str:
    """A bilingual title "中文 / English" in the report's language; others as they are."""
    zh, sep, en = title.partition(" / ")
    if not sep:
        return title
    return en.strip() if lang == "en" else zh.strip()
