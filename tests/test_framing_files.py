"""Bureau tables read from real bytes: GB18030 and BOM CSVs, workbooks with merged titles
and headers, several sheets, notes; the fast way for plain files and its notes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from wenzeng.errors import TooLarge, ValidationFailed
from wenzeng.ingest.framing import NoteRow
from wenzeng.ingest.limits import Limits
from wenzeng.ingest.readers import ROW, read_table, read_tables

BUREAU_CSV = """2024年1-9月全省电子信息制造业主要指标
单位：亿元

地区,营业收入,,利润总额,
,本月,1-9月累计,本月,1-9月累计
全省,1234.5,9876.1,100.2,800
南京市,—,—,—,—
苏州市,300,2500,30,250
注：1.本表数据为快报数，部分数据因四舍五入存在误差。
2.苏州市含工业园区。
资料来源：省统计局
"""

HEADER = ("地区", "营业收入/本月", "营业收入/1-9月累计", "利润总额/本月", "利润总额/1-9月累计")


def data_rows(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    return frame.rows()


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [("gb18030", ","), ("gbk", ","), ("utf-8-sig", ","), ("utf-8", "\t"), ("utf-8", ";")],
)
def test_a_bureau_csv_is_read_with_its_framing(encoding: str, sep: str) -> None:
    data = BUREAU_CSV.replace(",", sep).encode(encoding)
    table = read_table(Path("指标.csv"), data)
    assert table.columns == list(HEADER)
    assert data_rows(table.frame) == [
        ("全省", "1234.5", "9876.1", "100.2", "800", 6),
        ("南京市", "—", "—", "—", "—", 7),
        ("苏州市", "300", "2500", "30", "250", 8),
    ]
    f = table.framing
    assert f.title == "2024年1-9月全省电子信息制造业主要指标"
    assert (f.period, f.unit, f.header_rows, f.header) == ("2024年1-9月", "亿元", (4, 5), HEADER)
    assert f.notes == (
        NoteRow(1, "2024年1-9月全省电子信息制造业主要指标", "title"),
        NoteRow(2, "单位：亿元", "unit"),
        NoteRow(9, "注：1.本表数据为快报数，部分数据因四舍五入存在误差。", "note"),
        NoteRow(10, "2.苏州市含工业园区。", "note"),
        NoteRow(11, "资料来源：省统计局", "source"),
    )
    assert table.encoding == ("utf-8" if encoding.startswith("utf") else "gbk/gb18030")
    assert read_tables(Path("指标.csv"), data)[0].frame.equals(table.frame)


def test_a_title_padded_with_separators_as_excel_saves_it() -> None:
    text = "\n".join(line + "," * (4 - line.count(",")) for line in BUREAU_CSV.splitlines())
    table = read_table(Path("指标.csv"), text.encode("gb18030"))
    assert table.columns == list(HEADER) and table.frame.height == 3
    assert [n.kind for n in table.framing.notes] == ["title", "unit", "note", "note", "source"]


def test_a_plain_csv_with_notes_at_the_bottom_goes_the_fast_way_without_them() -> None:
    lines = ["indicator,region,period,value"] + [f"rev,R{i},2024-09,{i}.5" for i in range(50)]
    notes = ["", "注：本表为快报数。", "1.R3含开发区", "资料来源：省统计局"]
    table = read_table(Path("long.csv"), "\n".join(lines + notes).encode())
    assert table.frame.height == 50
    assert table.frame.get_column(ROW).to_list() == list(range(2, 52))
    assert table.framing.header_rows == (1,) and table.framing.title is None
    assert table.framing.notes == (
        NoteRow(53, "注：本表为快报数。", "note"),
        NoteRow(54, "1.R3含开发区", "note"),
        NoteRow(55, "资料来源：省统计局", "source"),
    )


def test_a_note_with_commas_below_a_plain_csv_is_a_note_not_a_ragged_row() -> None:
    text = "a,b\n1,2\n3,4\n注：1.快报数,2.含园区,3.四舍五入\n"
    table = read_table(Path("n.csv"), text.encode())
    assert table.frame.rows() == [("1", "2", 2), ("3", "4", 3)]
    assert table.framing.notes == (NoteRow(4, "注：1.快报数 2.含园区 3.四舍五入", "note"),)


def test_a_short_data_row_or_a_label_row_stays_data() -> None:
    table = read_table(Path("s.csv"), "地区,值\n全省,1\n一、按行业分\n制造业,2\n".encode())
    assert table.frame.rows() == [("全省", "1", 2), ("一、按行业分", None, 3), ("制造业", "2", 4)]


def test_ragged_rows_in_a_framed_csv_are_reported_all_at_once() -> None:
    text = "全省主要指标\n地区,值\n全省,1\n南京,2,3\n苏州,4\n无锡,5,6,7\n"
    with pytest.raises(ValidationFailed) as info:
        read_table(Path("r.csv"), text.encode())
    issues = info.value.issues
    assert [(i.loc.row, i.msg_en) for i in issues] == [
        (4, "malformed CSV: row 4 has 3 fields, the header 2"),
        (6, "malformed CSV: row 6 has 4 fields, the header 2"),
    ]
    assert "CSV 格式有误：第4行有3个字段，表头有2个（另有1行）" in info.value.message
    assert all(i.loc.file == "r.csv" for i in issues)


def test_an_unmatched_quote_in_a_framed_csv_names_its_row() -> None:
    text = '全省主要指标\n地区,值\n全省,"1\n南京,2\n'
    with pytest.raises(ValidationFailed) as info:
        read_table(Path("q.csv"), text.encode())
    assert info.value.issues[0].loc.row == 3
    assert "unmatched or misplaced quote" in info.value.message


def test_limits_apply_to_every_row_of_a_framed_csv() -> None:
    wide = "全省主要指标\n" + ",".join(f"c{i}" for i in range(20)) + "\n" + "1," * 19 + "1\n"
    with pytest.raises(TooLarge) as info:
        read_table(Path("w.csv"), wide.encode(), Limits(columns=10))
    assert info.value.issues[0].loc.row == 2
    long = "全省主要指标\n地区,值\n全省," + "壹" * 50 + "\n"
    with pytest.raises(TooLarge) as info:
        read_table(Path("l.csv"), long.encode(), Limits(cell_chars=20))
    assert info.value.issues[0].loc.row == 3


def test_an_empty_or_blank_csv_is_refused() -> None:
    for text in ("", "\n\n", ",,\n,,\n"):
        with pytest.raises(ValidationFailed, match="empty|为空"):
            read_table(Path("e.csv"), text.encode())


# -- workbooks --------------------------------------------------------------------------------
def bureau_sheet(ws: openpyxl.worksheet.worksheet.Worksheet, title: str) -> None:
    ws["A1"] = title
    ws.merge_cells("A1:E1")
    ws["E2"] = "单位：亿元"
    ws["A3"] = "地区"
    ws.merge_cells("A3:A4")
    ws["B3"], ws["D3"] = "营业收入", "利润总额"
    ws.merge_cells("B3:C3")
    ws.merge_cells("D3:E3")
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "本月", "1-9月累计", "本月", "1-9月累计"
    ws.append(["全省", 1234.5, 9876.1, 100.2, 800])
    ws.append(["南京市", "—", "—", "—", "—"])
    ws.append([])
    ws.append(["注：本表数据为快报数。"])
    ws.merge_cells("A8:E8")
    ws.append(["资料来源：省统计局"])


def workbook(*sheets: tuple[str, str], empty_first: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    if empty_first:
        first.title = "说明"
    for i, (name, title) in enumerate(sheets):
        ws = first if i == 0 and not empty_first else wb.create_sheet()
        ws.title = name
        bureau_sheet(ws, title)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_bureau_workbook_with_merged_title_and_headers() -> None:
    table = read_table(Path("指标.xlsx"), workbook(("分地区", "2024年前三季度全省主要指标分地区")))
    assert table.columns == list(HEADER) and table.sheet == "分地区"
    assert table.frame.rows() == [
        ("全省", "1234.5", "9876.1", "100.2", "800", 5),
        ("南京市", "—", "—", "—", "—", 6),
    ]
    f = table.framing
    assert (f.period, f.unit, f.header_rows) == ("2024年1-9月", "亿元", (3, 4))
    assert [(n.row, n.kind) for n in f.notes] == [
        (1, "title"),
        (2, "unit"),
        (8, "note"),
        (9, "source"),
    ]


def test_every_sheet_with_a_table_is_read_and_empty_sheets_are_skipped() -> None:
    data = workbook(
        ("分地区", "2024年9月分地区主要指标"),
        ("主要产品", "2024年上半年主要产品"),
        empty_first=True,
    )
    tables = read_tables(Path("多表.xlsx"), data)
    assert [t.sheet for t in tables] == ["分地区", "主要产品"]
    assert [t.framing.period for t in tables] == ["2024年9月", "2024年1-6月"]
    assert all(t.columns == list(HEADER) and t.frame.height == 2 for t in tables)
    assert read_table(Path("多表.xlsx"), data).sheet == "分地区"


def test_a_sheet_with_a_header_only_is_skipped_when_another_has_data() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["地区", "值"])
    other = wb.create_sheet("数据")
    other.append(["地区", "值"])
    other.append(["全省", 3])
    out = io.BytesIO()
    wb.save(out)
    tables = read_tables(Path("h.xlsx"), out.getvalue())
    assert [(t.sheet, t.frame.rows()) for t in tables] == [("数据", [("全省", "3", 2)])]


def test_characters_only_gb18030_has_are_read() -> None:
    text = "2024年9月各地主要指标\n地区,值\n䶮城区,1\n𠀾镇,2\n"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    table = read_table(Path("g.csv"), data)
    assert table.frame.get_column("地区").to_list() == ["䶮城区", "𠀾镇"]
    assert table.framing.period == "2024年9月" and table.encoding == "gbk/gb18030"


def test_polars_reads_the_data_of_plain_and_framed_csvs_and_csv_only_the_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wenzeng.ingest import csv_frame

    calls: list[str] = []
    tolerant = csv_frame._tolerant

    def spy(*args: object, **kwargs: object) -> object:
        calls.append("tolerant")
        return tolerant(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_frame, "_tolerant", spy)
    plain = "indicator,region,period,value\n" + "rev,CN,2024-09,1.5\n" * 2000 + "注：快报数\n"
    assert read_table(Path("p.csv"), plain.encode()).frame.height == 2000
    titled = read_table(Path("t.csv"), ("2024年9月主要指标\n\n" + plain).encode())
    assert titled.frame.height == 2000 and titled.framing.period == "2024年9月"
    assert titled.frame.get_column(ROW).to_list() == list(range(4, 2004))
    assert [n.row for n in titled.framing.notes] == [1, 2004]
    assert read_table(Path("b.csv"), BUREAU_CSV.encode()).frame.height == 3
    assert calls == []
    read_table(Path("n.csv"), (plain + "注：1.快报数,2.含园区,3.四舍五入,4.口径,5.来源\n").encode())
    assert calls == ["tolerant"]


SAMPLES = [
    BUREAU_CSV,
    BUREAU_CSV.replace("\n\n", "\n,,,,\n"),
    "\n".join(line + "," * (4 - line.count(",")) for line in BUREAU_CSV.splitlines()),
    '标题\n地区,值,,\n全省,1,,\n\n南京,"2\n3",,\n注：说明\n',
    "地区\t值\n全省\t1\n资料来源：省统计局\n",
    "a,b\n1,2\n一、按行业分\n3,4\n",
    "标题（单位：万元）\n项目,2023,2024\n,本月,本月\n钢材,1,2\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_fast_way_and_the_tolerant_way_agree(text: str) -> None:
    from wenzeng.ingest import csv_frame

    path = Path("x.tsv" if "\t" in text else "x.csv")
    frame, framing, _ = csv_frame.read_csv(path, text.encode(), Limits())
    sep = "\t" if "\t" in text else ","
    slow, slow_framing = csv_frame._tolerant(str(path), text, sep, "utf-8", Limits())
    assert frame.equals(slow) and framing == slow_framing


def test_the_column_limit_holds_for_semicolon_files() -> None:
    text = ";".join(f"c{i}" for i in range(12)) + "\n" + ";".join("1" * 12) + "\n"
    assert read_table(Path("s.csv"), text.encode()).frame.width == 13
    with pytest.raises(TooLarge, match="12 columns"):
        read_table(Path("s.csv"), text.encode(), Limits(columns=10))


def test_signature_lines_below_a_plain_csv_are_notes() -> None:
    text = "地区,值,备注\n全省,1,\n单位负责人：张三,填表人：李四,报出日期：2024年10月8日\n"
    table = read_table(Path("f.csv"), text.encode())
    assert table.frame.rows() == [("全省", "1", None, 2)]
    assert [n.row for n in table.framing.notes] == [3]
