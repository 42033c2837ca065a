"""Writes the specimen files of this folder (run once; the files are committed).

python tests/specimens/make_specimens.py
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent


def expect(name: str, data: dict) -> None:
    (HERE / "expected" / f"{name}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def good() -> None:
    (HERE / "good" / "utf8_long.csv").write_text(
        "indicator,region,period,period_type,measure,value,unit,source_title\n"
        'revenue_elec,CN,2025-09,cum_month,level,"118,000.5",亿元,测试来源\n'
        "revenue_elec,CN,2025-09,cum_month,yoy_pct,7.1,%,测试来源\n"
        "phone_ship_5g_share,CN,2025-09,month,share_pct,88.5%,%,测试来源\n",
        encoding="utf-8",
    )
    expect(
        "utf8_long.csv",
        {
            "rows": 3,
            "check": [
                {
                    "indicator": "revenue_elec",
                    "measure": "level",
                    "period": "2025-01~09",
                    "value": 118000.5,
                }
            ],
        },
    )

    text = (
        "指标,地区,期间,口径,数值,单位,备注\n"
        'revenue_elec_prov,广东省,2025年1-9月,level,"３，２１０.５",亿元,全角数字\n'
        "revenue_elec_prov,江苏,2025年1-9月,level,1.6,万亿元,\n"
        "revenue_elec_prov,四川,2025年1-9月,yoy_pct,－2.5%,%,负增长\n"
        "revenue_elec_prov,重庆,2025年1-9月,level,—,亿元,未报\n"
    )
    (HERE / "good" / "gbk_chinese_headers.csv").write_bytes(text.encode("gbk"))
    expect(
        "gbk_chinese_headers.csv",
        {
            "rows": 3,
            "warnings": 1,
            "check": [
                {
                    "indicator": "revenue_elec_prov",
                    "entity": "440000",
                    "period": "2025-01~09",
                    "measure": "level",
                    "value": 3210.5,
                },
                {
                    "indicator": "revenue_elec_prov",
                    "entity": "320000",
                    "measure": "level",
                    "value": 16000.0,
                },
                {
                    "indicator": "revenue_elec_prov",
                    "entity": "510000",
                    "measure": "yoy_pct",
                    "value": -2.5,
                },
            ],
        },
    )

    wb = Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append(["表1 电子信息制造业主要指标（2025年1-2月）", None, None, None, None])
    ws.merge_cells("A1:E1")
    ws["A1"].font = Font(bold=True)
    ws.append(["指标", "地区", "期间", "本期", None])
    ws.append([None, None, None, "数值", "单位"])
    for col in "ABC":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    ws["D2"].alignment = Alignment(horizontal="center")
    ws.append(["export_elec", "四川省", "2025年1-2月", 1234.5, "亿元"])
    ws.append(["export_elec", "重庆市", "2025年1-2月", 987, "亿元"])
    ws.append([None, None, None, None, None])
    ws.append(["export_elec", "陕西省", "2025年1-2月", "1,001.25", "亿元"])
    wb.save(HERE / "good" / "excel_merged_header.xlsx")
    expect(
        "excel_merged_header.xlsx",
        {
            "map": ["value=本期/数值", "unit=本期/单位"],
            "set": ["measure=level"],
            "rows": 3,
            "check": [
                {
                    "indicator": "export_elec",
                    "entity": "510000",
                    "period": "2025-01~02",
                    "value": 1234.5,
                },
                {"indicator": "export_elec", "entity": "610000", "value": 1001.25},
            ],
        },
    )


def bad() -> None:
    (HERE / "bad" / "bad_values.csv").write_text(
        "indicator,region,period,measure,value,unit\n"
        "revenue_elec,CN,2025-09,level,100,亿元\n"
        "revenu_elec,CN,2025-09,level,100,亿元\n"
        "revenue_elec,Atlantis,2025-09,level,100,亿元\n"
        "revenue_elec,CN,2025年13月,level,100,亿元\n"
        "revenue_elec,CN,2025-08,level,一百,亿元\n"
        "phone_ship_5g_share,CN,2025-08,share_pct,120,%\n"
        "revenue_elec,CN,2025-07,level,100,GW\n"
        "revenue_elec,CN,2025-09,level,101,亿元\n",
        encoding="utf-8",
    )
    expect(
        "bad_values.csv",
        {
            "issues": [
                {"row": 3, "column": "indicator", "code": "unknown_indicator"},
                {"row": 4, "column": "region", "code": "unknown_entity"},
                {"row": 5, "column": "period", "code": "bad_period"},
                {"row": 6, "column": "value", "code": "not_a_number"},
                {"row": 7, "column": "value", "code": "out_of_range"},
                {"row": 8, "column": "unit", "code": "unit_mismatch"},
                {"row": 9, "column": None, "code": "duplicate"},
            ]
        },
    )
    (HERE / "bad" / "missing_value_column.csv").write_text(
        "indicator,region,period,amount\nrevenue_elec,CN,2025-09,100\n", encoding="utf-8"
    )
    expect(
        "missing_value_column.csv",
        {"issues": [{"row": None, "column": None, "code": "missing_column"}]},
    )
    (HERE / "bad" / "not_text.csv").write_bytes(b"indicator,region\n\xff\xfe\xff\x80\x80\n")
    expect("not_text.csv", {"issues": [{"row": None, "column": None, "code": "encoding"}]})
    (HERE / "bad" / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    expect("broken.xlsx", {"issues": [{"row": None, "column": None, "code": "unreadable_file"}]})
    (HERE / "bad" / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    expect("old_format.xls", {"issues": [{"row": None, "column": None, "code": "unknown_format"}]})


if __name__ == "__main__":
    good()
    bad()
