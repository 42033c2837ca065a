"""The words and colours of the pages: codes out of notes, hints by name, readable tiles,
messages on two lines (Chinese, then English)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wenzeng.domain.checking import check_values
from wenzeng.domain.forms import Form
from wenzeng.present.colours import contrast, tile_ink
from wenzeng.present.wording import without_codes
from wenzeng.web.templating import bilingual

NAMES = {"va_cce": "计算机、通信和其他电子设备制造业增加值", "server_market": "中国服务器市场规模"}


def test_codes_in_brackets_go_and_bare_codes_become_names() -> None:
    note = "国家统计局发布计算机、通信和其他电子设备制造业增加值增速（va_cce）；见 server_market。"
    assert without_codes(note, NAMES) == (
        "国家统计局发布计算机、通信和其他电子设备制造业增加值增速；见 中国服务器市场规模。"
    )
    # a bracket that is no code, or a code with no name, is kept as written
    assert without_codes("增速（当月）与 (GB/T 4754) 及 foo_bar", NAMES) == (
        "增速（当月）与 (GB/T 4754) 及 foo_bar"
    )


@given(st.tuples(*[st.integers(0, 255)] * 3))
def test_tile_text_always_reads_at_4_5_to_1(rgb: tuple[int, int, int]) -> None:
    fill = "#{:02x}{:02x}{:02x}".format(*rgb)
    ink, chip = tile_ink(fill)
    # either the text reads on the fill, or it sits on a light chip (dark on white: 14.7:1)
    assert chip or contrast(fill, ink) >= 4.5


def test_messages_read_chinese_then_english_on_two_lines() -> None:
    html = str(bilingual("报送 3 未通过审核 / submission 3 cannot be submitted"))
    assert html == '报送 3 未通过审核<br><span lang="en">submission 3 cannot be submitted</span>'
    assert str(bilingual("<b>只有中文</b>")) == "&lt;b&gt;只有中文&lt;/b&gt;"


def test_a_rule_hint_names_the_items_it_used() -> None:
    form = Form.model_validate(
        {
            "schema": "wenzeng/form/v1",
            "code": "tiny",
            "title": {"zh": "小表", "en": "Tiny"},
            "reporter": "enterprise",
            "frequency": "monthly",
            "period_type": "month",
            "due": {"day": 10, "months_after_period": 1},
            "fields": [
                {
                    "code": "export_cum",
                    "label": {"zh": "出口交货值", "en": "Export delivery value"},
                    "type": "number",
                    "unit": "万元",
                },
            ],
            "rules": [
                {
                    "code": "export_growth",
                    "severity": "warning",
                    "check": "export_cum <= last_year(export_cum) * 1.5",
                    "message": {"zh": "出口交货值增长过快", "en": "Exports grew too fast"},
                    "field": "export_cum",
                },
            ],
        }
    )
    result = check_values(form, {"export_cum": "30000"}, history=lambda fn, code: 10000.0)
    (problem,) = result.problems
    assert problem.msg_zh == "出口交货值增长过快（出口交货值 30000，上年同期 出口交货值 10000）"
    assert "export_cum" not in problem.msg_zh + problem.msg_en
    assert "a year earlier, Export delivery value 10000" in problem.msg_en
