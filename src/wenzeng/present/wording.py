"""Text written for people with the codes taken out: a note written in a plan or catalogue
file may name an indicator by its code (…增加值增速（va_cce）); the pages show the name."""

from __future__ import annotations

import re
from collections.abc import Mapping

_CODE = re.compile(
    r"\s?[（(]([a-z][a-z0-9_]*)[)）]|(?<![A-Za-z0-9_])([a-z][a-z0-9_]*_[a-z0-9_]+)(?![A-Za-z0-9_])"
)


def without_codes(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each code that has a name replaced: a code in brackets after the words
    it stands for is dropped, a bare code becomes its name; other text is kept as it is."""

    def swap(m: re.Match[str]) -> str:
        bracketed, bare = m.group(1), m.group(2)
        if bracketed is not None:
            return "" if bracketed in names else m.group(0)
        return names.get(bare, bare)

    return _CODE.sub(swap, text)
