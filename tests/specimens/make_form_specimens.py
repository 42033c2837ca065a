"""Writes the form-upload specimens (run once; the files are committed).

python tests/specimens/make_form_specimens.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent / "forms"

HEAD = [
    "报送单位代码",
    "报告期",
    "工业总产值（当月）（万元）",
    "工业总产值（1-本月累计）（万元）",
    "营业收入（当月）（万元）",
    "营业收入（1-本月累计）（亿元）",
    "营业收入累计同比增长（%）",
    "利润总额（1-本月累计）（万元）",
    "出口交货值（当月）（万元）",
    "出口交货值（1-本月累计）（万元）",
    "新签订单金额（当月）（万元）",
    "产成品存货（月末）（万元）",
    "应收账款（月末）（万元）",
    "从业人员平均人数（当月）（人）",
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    rows = [
        [
            "E9001",
            "2025年9月",
            "１２，０００",
            "88,000",
            "10,000",
            "8.4",
            "4.8%",
            "5,600",
            "2,900",
            "27,000",
            "11,000",
            "8,000",
            "19,000",
            "1,500",
        ],
        [
            "E9001",
            "2025年10月",
            "12000",
            "100000",
            "11000",
            "9.5",
            "5.0",
            "6000",
            "3000",
            "30000",
            "—",
            "8000",
            "20000",
            "1500",
        ],
    ]
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [HEAD, *rows]) + "\n"
    (HERE / "enterprise_gbk.csv").write_bytes(text.encode("gbk"))

    bad = [
        *rows[:1],
        ["E9001", "2025年13月", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1"],
        [
            "E9001",
            "2025年11月",
            "12000",
            "100000",
            "一万一",
            "9.5",
            "5.0",
            "6000",
            "3000",
            "30000",
            "12500",
            "8000",
            "20000",
            "1500",
        ],
        ["E9002", "2025年11月", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1"],
    ]
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [HEAD, *bad]) + "\n"
    (HERE / "enterprise_bad.csv").write_text(text, encoding="utf-8")

    wb = Workbook()
    ws = wb.active
    ws.title = "企业月报"
    ws.append(["重点企业生产经营情况月报（2025年10月）"] + [None] * 13)
    ws.merge_cells("A1:N1")
    ws.append(
        [
            "报送单位代码",
            "报告期",
            "工业总产值（万元）",
            None,
            "营业收入（万元）",
            None,
            "营业收入累计同比增长（%）",
            "利润总额（1-本月累计）（万元）",
            "出口交货值（万元）",
            None,
            "新签订单金额（当月）（万元）",
            "产成品存货（月末）（万元）",
            "应收账款（月末）（万元）",
            "从业人员平均人数（当月）（人）",
        ]
    )
    ws.append(
        [
            None,
            None,
            "当月",
            "1-本月累计",
            "当月",
            "1-本月累计",
            None,
            None,
            "当月",
            "1-本月累计",
            None,
            None,
            None,
            None,
        ]
    )
    for col in ("A", "B", "G", "H", "K", "L", "M", "N"):
        ws.merge_cells(f"{col}2:{col}3")
    for left, right in (("C", "D"), ("E", "F"), ("I", "J")):
        ws.merge_cells(f"{left}2:{right}2")
    ws.append(
        [
            "E9001",
            "2025年10月",
            12000,
            100000,
            11000,
            "95,000",
            "5.0%",
            6000,
            3000,
            30000,
            12500,
            8000,
            20000,
            1500,
        ]
    )
    wb.save(HERE / "enterprise_merged.xlsx")


if __name__ == "__main__":
    main()
