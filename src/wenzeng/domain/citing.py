"""How a figure is cited, in the reports and on the pages alike.

A figure is stored with the copy it was read from (``source_title``, ``source_url``: often a
repost) and, where known, who published it (``publisher``) and the title of the release it
was published in (``release``).  It is cited by the publisher and the release —
工业和信息化部运行监测协调局《2019年1—4月电子信息制造业运行情况》 — with the stored copy as a
secondary note (阅读副本 / copy read); where no publisher is known, by the copy's title.
English names the publisher in English and keeps the release's title as published, marked
as Chinese.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Publishers as English names them.
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
    "北京市统计局": "Beijing Municipal Bureau of Statistics",
    "重庆市统计局": "Chongqing Municipal Bureau of Statistics",
    "安徽省统计局": "Anhui Provincial Bureau of Statistics",
    "广东省统计局": "Guangdong Provincial Bureau of Statistics",
    "河南省统计局": "Henan Provincial Bureau of Statistics",
    "湖南省统计局": "Hunan Provincial Bureau of Statistics",
    "江西省统计局": "Jiangxi Provincial Bureau of Statistics",
    "陕西省统计局": "Shaanxi Provincial Bureau of Statistics",
    "四川省统计局": "Sichuan Provincial Bureau of Statistics",
    "浙江省统计局": "Zhejiang Provincial Bureau of Statistics",
    "南通市统计局": "Nantong Municipal Bureau of Statistics",
    "无锡市统计局": "Wuxi Municipal Bureau of Statistics",
    "中山市统计局": "Zhongshan Municipal Bureau of Statistics",
}

IN_CHINESE = "(in Chinese)"
COPY_READ = {"zh": "阅读副本", "en": "copy read"}

_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_BILINGUAL = re.compile(r"(.*[\u4e00-\u9fff）)])\s*/\s*([A-Z][^\u4e00-\u9fff]* [^\u4e00-\u9fff]*)")


def publisher_text(publisher: str, lang: str) -> str:
    """The publisher as a text in ``lang`` names it (English: its English name, if known)."""
    if lang != "en":
        return publisher
    return PUBLISHER_EN.get(publisher, publisher)


def release_text(publisher: str, release: str | None, lang: str) -> str:
    """工业和信息化部运行监测协调局《2019年1—4月电子信息制造业运行情况》; in English
    "MIIT, Bureau of …, 《2019年1—4月电子信息制造业运行情况》 (in Chinese)"."""
    who = publisher_text(publisher, lang)
    if not release:
        return who
    if lang != "en":
        return f"{who}《{release}》"
    marked = f" {IN_CHINESE}" if _CHINESE.search(release) else ""
    return f"{who}, 《{release}》{marked}"


def title_in(title: str, lang: str) -> str:
    """A bilingual title "中文 / English" in ``lang``; others as they are."""
    m = _BILINGUAL.fullmatch(title)
    if m is None:
        return title
    return m.group(2).strip() if lang == "en" else m.group(1).strip()


def cited(publisher: str | None, release: str | None, source_title: str, lang: str) -> str:
    """What a figure is cited by: its publisher and release where the publisher is known,
    else the title of the copy it was read from."""
    if publisher:
        return release_text(publisher, release, lang)
    return title_in(source_title, lang)


def copy_site(url: str | None) -> str | None:
    """The site of a stored copy (m.dyhjw.com), or None without an address."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None
