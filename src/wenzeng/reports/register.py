"""Chinese text from elsewhere (the warning rules' explanations, the target tracking's notes)
put in the register of the releases: no English spacing around figures, a decline said as
下降 rather than as a negative growth, periods written 1—9月."""

from __future__ import annotations

import re

_CJK = r"\u4e00-\u9fff（），；：、。"
_SPACE_BEFORE = re.compile(rf"(?<=[{_CJK}])[ \u00a0]+(?=[-+\d])")
_SPACE_AFTER = re.compile(rf"(?<=[\d%])[ \u00a0]+(?=[{_CJK}])")
_BARE_GROWTH = re.compile(r"同比(-?)(\d+(?:\.\d+)?)%")
_MONTHS = re.compile(r"(\d{4}年)?(\d{1,2})-(\d{1,2})月")


def _growth(m: re.Match[str]) -> str:
    if float(m.group(2)) == 0:
        return "同比持平"
    return f"同比{'下降' if m.group(1) else '增长'}{m.group(2)}%"


def zh_register(text: str) -> str:
    """``text`` as a release would write it (see the module's docstring)."""
    text = _SPACE_BEFORE.sub("", text)
    text = _SPACE_AFTER.sub("", text)
    text = _BARE_GROWTH.sub(_growth, text)
    return _MONTHS.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}—{m.group(3)}月", text)
