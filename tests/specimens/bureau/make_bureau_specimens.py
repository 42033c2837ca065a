"""Writes the bureau-table specimens of this folder and what importing each must give.

    python tests/specimens/bureau/make_bureau_specimens.py

The files are committed as written (GB18030, GBK, UTF-8 with BOM, tab-separated, real xlsx
with merged cells); this script only documents and reproduces them.  It is deterministic: the
same bytes every run (fixed workbook timestamps, a seeded random generator).

Every expected value is worked out here by hand from the text written into the file and the
unit written beside it, with exact decimal arithmetic, to the indicator's canonical unit in
catalog/indicators.yaml (亿元, 万台, 亿块, GW, 万部, %).  Nothing in this script imports
WenZeng: the expectations must not come from the code they check.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).parent
STAMP = datetime(2024, 10, 18, 9, 30, 0)

# Factor from a unit as written in a file to the indicator's canonical unit (by hand).
TO_CANONICAL: dict[tuple[str, str], Decimal] = {
    ("亿元", "亿元"): Decimal(1),
    ("万元", "亿元"): Decimal("0.0001"),
    ("万亿元", "亿元"): Decimal(10000),
    ("万台", "万台"): Decimal(1),
    ("亿台", "万台"): Decimal(10000),
    ("亿块", "亿块"): Decimal(1),
    ("万千瓦", "GW"): Decimal("0.01"),  # 1 万千瓦 = 10 MW = 0.01 GW
    ("万部", "万部"): Decimal(1),
    ("%", "%"): Decimal(1),
}

CANONICAL = {
    "revenue_elec": "亿元",
    "profit_elec": "亿元",
    "export_elec": "亿元",
    "phone_output": "万台",
    "smartphone_output": "万台",
    "pc_output": "万台",
    "tv_output": "万台",
    "ic_output": "亿块",
    "solar_cell_output": "GW",
    "phone_ship_total": "万部",
    "phone_ship_smart": "万部",
    "phone_ship_5g": "万部",
}

PROVINCES = [
    ("110000", "北京市", "北京"),
    ("120000", "天津市", "天津"),
    ("130000", "河北省", "河北"),
    ("140000", "山西省", "山西"),
    ("150000", "内蒙古自治区", "内蒙古"),
    ("210000", "辽宁省", "辽宁"),
    ("220000", "吉林省", "吉林"),
    ("230000", "黑龙江省", "黑龙江"),
    ("310000", "上海市", "上海"),
    ("320000", "江苏省", "江苏"),
    ("330000", "浙江省", "浙江"),
    ("340000", "安徽省", "安徽"),
    ("350000", "福建省", "福建"),
    ("360000", "江西省", "江西"),
    ("370000", "山东省", "山东"),
    ("410000", "河南省", "河南"),
    ("420000", "湖北省", "湖北"),
    ("430000", "湖南省", "湖南"),
    ("440000", "广东省", "广东"),
    ("450000", "广西壮族自治区", "广西"),
    ("460000", "海南省", "海南"),
    ("500000", "重庆市", "重庆"),
    ("510000", "四川省", "四川"),
    ("520000", "贵州省", "贵州"),
    ("530000", "云南省", "云南"),
    ("540000", "西藏自治区", "西藏"),
    ("610000", "陕西省", "陕西"),
    ("620000", "甘肃省", "甘肃"),
    ("630000", "青海省", "青海"),
    ("640000", "宁夏回族自治区", "宁夏"),
    ("650000", "新疆维吾尔自治区", "新疆"),
]
CODE = {full: code for code, full, _ in PROVINCES} | {short: c for c, _, short in PROVINCES}
CODE |= {"全国": "CN", "大连": "210200", "宁波": "330200", "厦门": "350200"}
CODE |= {"青岛": "370200", "深圳": "440300", "新疆生产建设兵团": "660000"}

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
MISSING = "—"


# ── writing values as offices do ────────────────────────────────────────────────────────


def thousands(text: str) -> str:
    """'351234000' → '351,234,000'; '1234.5' → '1,234.5'."""
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    return sign + grouped + (f".{frac}" if frac else "")


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def number_value(text: str) -> Decimal:
    """What a cell as written means: full-width digits, thousands separators."""
    plain = text.translate(str.maketrans("０１２３４５６７８９．，－", "0123456789.,-"))
    return Decimal(plain.replace(",", ""))


# ── expectations ────────────────────────────────────────────────────────────────────────


@dataclass
class Expect:
    name: str
    shape: str
    publisher: str
    provenance: str
    options: list[str] = field(default_factory=list)
    notes: int | None = None
    observations: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def obs(
        self, indicator: str, entity: str, period: str, measure: str, text: str, unit: str
    ) -> None:
        """One expected observation from a cell's text and the unit it is written in; a
        missing cell ("—", blank) gives none."""
        if text.strip() in ("", MISSING, "-", "…"):
            return
        canonical = "%" if measure != "level" else CANONICAL[indicator]
        value = number_value(text) * TO_CANONICAL[(unit, canonical)]
        self.observations.append(
            {
                "indicator": indicator,
                "entity": entity,
                "period": period,
                "measure": measure,
                "value": float(value),
                "unit": canonical,
            }
        )

    def error(self, row: int, column: str | None, contains: str) -> None:
        self.errors.append({"row": row, "column": column, "contains": contains})

    def write(self) -> None:
        doc: dict[str, Any] = {"options": self.options}
        if self.errors:
            doc["errors"] = self.errors
            doc["writes"] = 0
        else:
            doc["notes"] = self.notes
            doc["observations"] = self.observations
        text = f"# {self.name}: {self.shape}\n# {self.publisher}; {self.provenance}\n"
        text += yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
        (HERE / f"{self.name}.expected.yaml").write_text(text, encoding="utf-8")


ALL: list[Expect] = []


def specimen(fn: Callable[[], Expect]) -> Callable[[], Expect]:
    def run() -> Expect:
        e = fn()
        ALL.append(e)
        e.write()
        return e

    return run


def csv_bytes(rows: Iterable[Sequence[str]], encoding: str, sep: str = ",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for r in rows:
        w.writerow(list(r))
    return buf.getvalue().encode(encoding)


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save with fixed document dates and zip entry times, so the bytes never change."""
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    wb.properties.creator = "统计处"
    raw = io.BytesIO()
    wb.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-10-18T09:30:00Z", data
                )
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6]),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    path.write_bytes(fixed.getvalue())


def title_cell(ws: Worksheet, text: str, width: int) -> None:
    ws.append([text] + [None] * (width - 1))
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    cell = ws.cell(ws.max_row, 1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def made_up(rnd: random.Random, low: float, high: float, digits: int = 1) -> str:
    return f"{rnd.uniform(low, high):.{digits}f}"


# ── good specimens ──────────────────────────────────────────────────────────────────────

REGION_HEADER = [
    "地区",
    "营业收入(亿元)",
    "同比增长(%)",
    "利润总额(亿元)",
    "同比增长(%)",
    "出口交货值(亿元)",
    "同比增长(%)",
]
REGION_INDICATORS = [
    ("revenue_elec", "level", "亿元"),
    ("revenue_elec", "yoy_pct", "%"),
    ("profit_elec", "level", "亿元"),
    ("profit_elec", "yoy_pct", "%"),
    ("export_elec", "level", "亿元"),
    ("export_elec", "yoy_pct", "%"),
]
# rough size of each province's electronics revenue for 1-9 months (亿元), made up
SIZE = {"广东": 33000, "江苏": 21000, "四川": 9000, "浙江": 7500, "山东": 6000, "上海": 5200}


def region_row(rnd: random.Random, short: str) -> list[str]:
    size = SIZE.get(short, rnd.choice([300, 800, 1500, 2500, 4000]))
    rev = rnd.uniform(0.85, 1.15) * size
    profit = rev * rnd.uniform(-0.01, 0.06)
    export = rev * rnd.uniform(0.05, 0.45)
    return [
        f"{rev:.1f}",
        made_up(rnd, -15, 25),
        f"{profit:.1f}",
        made_up(rnd, -40, 60),
        f"{export:.1f}",
        made_up(rnd, -20, 30),
    ]


@specimen
def g01_regions_gb18030() -> Expect:
    e = Expect(
        "g01_regions_gb18030.csv",
        "分地区 table, entities as rows, GB18030 CSV, title row with the period, 3 footnote rows",
        "MIIT 运行监测协调局 monthly 分地区 table as forwarded by a provincial department",
        "全国 row real (MIIT 2024年前三季度运行情况: 营业收入11.49万亿元 +7.5%, 利润总额4503亿元 "
        "+7.1%, 出口交货值 +1.1%, its level not published so '—'); province rows made up",
    )
    period = "2024-01~09"
    rnd = random.Random(1)
    rows: list[list[str]] = [
        ["2024年1-9月全国规模以上电子信息制造业分地区主要指标", "", "", "", "", "", ""],
        REGION_HEADER,
    ]
    national = ["全国", "114,900.0", "7.5", "4,503.0", "7.1", MISSING, "1.1"]
    body = [national]
    for _code, _full, short in PROVINCES:
        cells = region_row(rnd, short)
        if short == "黑龙江":
            cells[2] = "-3.5"  # a loss: profits may be negative
        if short == "西藏":
            cells[4], cells[5] = MISSING, MISSING
        if short == "宁夏":
            cells[0] = full_width(cells[0])
        if short in SIZE:
            cells[0] = thousands(cells[0])
        body.append([short, *cells])
    rows += body
    rows += [
        [
            "注：1.本表数据为快报数，部分数据因四舍五入，分项之和与合计略有出入。",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        ["2.“—”表示数据不详或无该项统计。", "", "", "", "", "", ""],
        ["资料来源：工业和信息化部运行监测协调局", "", "", "", "", "", ""],
    ]
    for label, *cells in body:
        for (ind, measure, unit), text in zip(REGION_INDICATORS, cells, strict=True):
            e.obs(ind, CODE[label], period, measure, text, unit)
    e.notes = 3
    (HERE / e.name).write_bytes(csv_bytes(rows, "gb18030"))
    return e


@specimen
def g02_regions_gbk_halfyear() -> Expect:
    e = Expect(
        "g02_regions_gbk_halfyear.csv",
        "分地区 table, GBK CSV, period 上半年 in the title, a 单位 line, units not in the header",
        "provincial 工业和信息化厅 half-year bulletin (东部地区)",
        "all values made up",
    )
    period = "2024-01~06"
    rnd = random.Random(2)
    east = ["北京", "天津", "河北", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"]
    rows = [
        ["2024年上半年东部地区电子信息制造业主要指标", "", "", "", ""],
        ["单位：亿元", "", "", "", ""],
        ["地区", "营业收入", "增长(%)", "利润总额", "增长(%)"],
    ]
    for short in east:
        cells = region_row(rnd, short)
        rev, rev_g, prof, prof_g = (
            f"{number_value(cells[0]) * Decimal('0.66'):.1f}",
            cells[1],
            cells[2],
            cells[3],
        )
        rows.append([short, rev, rev_g, prof, prof_g])
        e.obs("revenue_elec", CODE[short], period, "level", rev, "亿元")
        e.obs("revenue_elec", CODE[short], period, "yoy_pct", rev_g, "%")
        e.obs("profit_elec", CODE[short], period, "level", prof, "亿元")
        e.obs("profit_elec", CODE[short], period, "yoy_pct", prof_g, "%")
    rows.append(["说明：本表数据由各省级工业和信息化主管部门报送，未经核定。", "", "", "", ""])
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "gbk"))
    return e


@specimen
def g03_regions_utf8bom_q3() -> Expect:
    e = Expect(
        "g03_regions_utf8bom_q3.csv",
        "分地区 table, UTF-8 with BOM, 前三季度 in the title, blank rows, full names, "
        "'比上年同期增长(%)', thousands separators throughout",
        "provincial statistics bureau table (中西部), exported from Excel as 'CSV UTF-8'",
        "all values made up",
    )
    period = "2024-01~09"
    rnd = random.Random(3)
    names = ["山西省", "安徽省", "江西省", "河南省", "湖北省", "湖南省", "重庆市", "四川省"]
    names += ["贵州省", "云南省", "陕西省", "广西壮族自治区"]
    rows = [
        ["2024年前三季度中西部地区规模以上电子信息制造业营业收入和出口交货值", "", "", "", ""],
        ["", "", "", "", ""],
        [
            "省份",
            "营业收入（亿元）",
            "比上年同期增长(%)",
            "出口交货值（亿元）",
            "比上年同期增长(%)",
        ],
    ]
    for full in names:
        cells = region_row(rnd, full[:2])
        rev, rev_g, exp, exp_g = thousands(cells[0]), cells[1], thousands(cells[4]), cells[5]
        rows.append([full, rev, rev_g, exp, exp_g])
        e.obs("revenue_elec", CODE[full], period, "level", rev, "亿元")
        e.obs("revenue_elec", CODE[full], period, "yoy_pct", rev_g, "%")
        e.obs("export_elec", CODE[full], period, "level", exp, "亿元")
        e.obs("export_elec", CODE[full], period, "yoy_pct", exp_g, "%")
    rows += [["", "", "", "", ""], ["注：出口交货值按当年价格计算。", "", "", "", ""]]
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8-sig"))
    return e


@specimen
def g04_regions_tab() -> Expect:
    e = Expect(
        "g04_regions_tab.tsv",
        "分地区 table, tab-separated UTF-8, full-width brackets in the header, a source line",
        "copied out of a statistics bureau web page into a text file",
        "all values made up",
    )
    period = "2024-01~08"
    rnd = random.Random(4)
    names = ["辽宁", "吉林", "黑龙江", "内蒙古"]
    rows = [
        ["2024年1-8月东北地区规模以上电子信息制造业营业收入", "", ""],
        ["地区", "营业收入（亿元）", "同比增长（%）"],
    ]
    for short in names:
        cells = region_row(rnd, short)
        rows.append([short, cells[0], cells[1]])
        e.obs("revenue_elec", CODE[short], period, "level", cells[0], "亿元")
        e.obs("revenue_elec", CODE[short], period, "yoy_pct", cells[1], "%")
    rows.append(["数据来源：各省（区）统计局", "", ""])
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8", sep="\t"))
    return e


@specimen
def g05_regions_merged_xlsx() -> Expect:
    e = Expect(
        "g05_regions_merged.xlsx",
        "分地区 workbook: merged title, two-row merged header 营业收入 over 本月 | 1-9月累计, "
        "numbers as numbers and as text, a merged footnote",
        "MIIT monthly 分地区 workbook (2024年9月)",
        "all values made up",
    )
    rnd = random.Random(5)
    wb = Workbook()
    ws = wb.active
    ws.title = "分地区"
    title_cell(ws, "2024年9月规模以上电子信息制造业分地区营业收入和利润", 5)
    ws.append(["地区", "营业收入（亿元）", None, "利润总额（亿元）", None])
    ws.append([None, "本月", "1-9月累计", "本月", "1-9月累计"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:E2")
    for short in ["北京", "上海", "江苏", "浙江", "广东", "四川", "重庆", "陕西"]:
        cells = region_row(rnd, short)
        cum, cum_p = number_value(cells[0]), number_value(cells[2])
        month = f"{cum * Decimal('0.118'):.1f}"
        month_p = f"{cum_p * Decimal('0.121'):.1f}"
        written: list[Any] = [short, float(month), thousands(cells[0]), float(month_p), cells[2]]
        ws.append(written)
        e.obs("revenue_elec", CODE[short], "2024-09", "level", month, "亿元")
        e.obs("revenue_elec", CODE[short], "2024-01~09", "level", cells[0], "亿元")
        e.obs("profit_elec", CODE[short], "2024-09", "level", month_p, "亿元")
        e.obs("profit_elec", CODE[short], "2024-01~09", "level", cells[2], "亿元")
    ws.append(["注：本月数据为快报数。", None, None, None, None])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=5)
    e.notes = 1
    save_workbook(wb, HERE / e.name)
    return e


PRODUCT_HEADER = ["产品名称", "计量单位", "本月", "1-9月累计", "同比增长(%)"]


@specimen
def g06_products_national() -> Expect:
    e = Expect(
        "g06_products_national.csv",
        "product output table (产品名称 | 计量单位 | 本月 | 1-9月累计 | 同比增长(%)), 全国 in the "
        "title, 其中：智能手机, 太阳能电池 in 万千瓦, 集成电路 in 亿块; GB18030",
        "NBS 规模以上工业主要产品产量 as repeated in MIIT's release",
        "real: 1-9月累计 and 同比 of 手机 (11.84亿台, +9.8%), 智能手机 (8.73亿台, +10.5%), "
        "微型计算机设备 (2.49亿台, +2.9%), 集成电路 (3156亿块, +26%) from MIIT 2024年前三季度"
        "运行情况; their 本月 = 1-9月 minus the published 1-8月 cumulative; 彩色电视机 and "
        "太阳能电池 made up",
    )
    rows = [
        ["2024年9月份全国规模以上工业主要电子产品产量", "", "", "", ""],
        PRODUCT_HEADER,
        ["手机", "万台", "16,900", "118,400", "9.8"],
        ["其中：智能手机", "万台", "12,200", "87,300", "10.5"],
        ["微型计算机设备", "万台", "3,200", "24,900", "2.9"],
        ["集成电路", "亿块", "311", "3,156", "26.0"],
        ["彩色电视机", "万台", "1,712.6", "14,082.3", "4.6"],
        ["太阳能电池", "万千瓦", "4,512.3", "47,856.2", "12.1"],
        ["注：本表为规模以上工业企业产量；同比增长为1-9月累计比上年同期增长。", "", "", "", ""],
        ["资料来源：国家统计局", "", "", "", ""],
    ]
    codes = {
        "手机": "phone_output",
        "其中：智能手机": "smartphone_output",
        "微型计算机设备": "pc_output",
        "集成电路": "ic_output",
        "彩色电视机": "tv_output",
        "太阳能电池": "solar_cell_output",
    }
    for label, unit, month, cum, growth in rows[2:8]:
        ind = codes[label]
        e.obs(ind, "CN", "2024-09", "level", month, unit)
        e.obs(ind, "CN", "2024-01~09", "level", cum, unit)
        e.obs(ind, "CN", "2024-01~09", "yoy_pct", growth, "%")
    e.notes = 2
    (HERE / e.name).write_bytes(csv_bytes(rows, "gb18030"))
    return e


@specimen
def g07_products_guangdong_xlsx() -> Expect:
    e = Expect(
        "g07_products_guangdong.xlsx",
        "product output workbook of one province (广东省 named in the merged title), "
        "产品名称 | 计量单位 | 1-9月 | 同比增长(%), 其中 rows indented with full-width spaces",
        "广东省统计局 主要工业产品产量",
        "all values made up",
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "主要产品产量"
    title_cell(ws, "2024年1-9月广东省规模以上工业主要电子产品产量", 4)
    ws.append(["产品名称", "计量单位", "1-9月", "同比增长(%)"])
    data = [
        ("手机", "万台", 48120.3, "6.2", "phone_output"),
        ("　　其中：智能手机", "万台", "36,045.8", "8.9", "smartphone_output"),
        ("微型计算机设备", "万台", 5210.7, "-3.4", "pc_output"),
        ("集成电路", "亿块", 520.4, "21.7", "ic_output"),
        ("彩色电视机", "万台", 7890.1, "2.3", "tv_output"),
        ("太阳能电池", "万千瓦", "1,234.5", "-8.6", "solar_cell_output"),
    ]
    for label, unit, cum, growth, ind in data:
        ws.append([label, unit, cum, float(growth)])
        e.obs(ind, "440000", "2024-01~09", "level", str(cum), unit)
        e.obs(ind, "440000", "2024-01~09", "yoy_pct", growth, "%")
    ws.append(["注：“其中”项包含在上一行中。", None, None, None])
    e.notes = 1
    save_workbook(wb, HERE / e.name)
    return e


@specimen
def g08_products_entity_option() -> Expect:
    e = Expect(
        "g08_products_entity_option.csv",
        "product output table whose title names no region: the region is given with --entity",
        "a city or provincial office's product sheet (四川) sent without the region in it",
        "all values made up",
    )
    e.options = ["--entity", "510000"]
    rows = [
        ["2024年1-9月规模以上工业主要电子产品产量", "", "", ""],
        ["产品名称", "计量单位", "1-9月累计", "同比增长(%)"],
        ["微型计算机设备", "万台", "6,123.4", "4.1"],
        ["集成电路", "亿块", "98.7", "15.2"],
        ["彩色电视机", "万台", "1,234.5", "-2.7"],
        ["太阳能电池", "万千瓦", "5,678.9", "35.0"],
        ["注：数据为快报数。", "", "", ""],
    ]
    codes = {
        "微型计算机设备": "pc_output",
        "集成电路": "ic_output",
        "彩色电视机": "tv_output",
        "太阳能电池": "solar_cell_output",
    }
    for label, unit, cum, growth in rows[2:6]:
        e.obs(codes[label], "510000", "2024-01~09", "level", cum, unit)
        e.obs(codes[label], "510000", "2024-01~09", "yoy_pct", growth, "%")
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


@specimen
def g09_miit_annex() -> Expect:
    e = Expect(
        "g09_miit_annex.csv",
        "运行情况 annex: indicators as rows (指标 | 单位 | 9月 | 同比增长(%) | 1-9月 | 同比增长(%)), "
        "营业收入 in 万亿元, missing levels as '—'",
        "MIIT 2024年前三季度电子信息制造业运行情况, 附表",
        "all values real (MIIT 2024年前三季度运行情况, as in data/public/observations.csv): "
        "营业收入 9月1.55万亿元 +6.0%, 1-9月11.49万亿元 +7.5%; 利润总额 1-9月4503亿元 +7.1%; "
        "出口交货值 9月 +0.8%, 1-9月 +1.1%; figures not published are '—'",
    )
    rows = [
        ["附表：2024年1-9月全国规模以上电子信息制造业主要指标", "", "", "", "", ""],
        ["指标", "单位", "9月", "同比增长(%)", "1-9月", "同比增长(%)"],
        ["营业收入", "万亿元", "1.55", "6.0", "11.49", "7.5"],
        ["利润总额", "亿元", MISSING, MISSING, "4,503", "7.1"],
        ["出口交货值", "亿元", MISSING, "0.8", MISSING, "1.1"],
        ["注：利润总额按累计发布，9月当月不单独发布。", "", "", "", "", ""],
        ["资料来源：工业和信息化部网站", "", "", "", "", ""],
    ]
    codes = {"营业收入": "revenue_elec", "利润总额": "profit_elec", "出口交货值": "export_elec"}
    for label, unit, m, mg, c, cg in rows[2:5]:
        e.obs(codes[label], "CN", "2024-09", "level", m, unit)
        e.obs(codes[label], "CN", "2024-09", "yoy_pct", mg, "%")
        e.obs(codes[label], "CN", "2024-01~09", "level", c, unit)
        e.obs(codes[label], "CN", "2024-01~09", "yoy_pct", cg, "%")
    e.notes = 2
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


@specimen
def g10_workbook_sheets() -> Expect:
    e = Expect(
        "g10_workbook_sheets.xlsx",
        "workbook of three sheets: 分地区 (entities as rows), 主要产品 (products as rows, 全国), "
        "说明 (text only, nothing to import)",
        "MIIT monthly data package",
        "主要产品 real (MIIT 2024年前三季度: 手机 11.84亿台 +9.8%, 智能手机 8.73亿台 +10.5%, "
        "集成电路 3156亿块 +26%), written in 亿台 as the release does; 分地区 made up",
    )
    rnd = random.Random(10)
    wb = Workbook()
    ws = wb.active
    ws.title = "分地区"
    title_cell(ws, "2024年1-9月规模以上电子信息制造业分地区营业收入", 3)
    ws.append(["地区", "营业收入(亿元)", "同比增长(%)"])
    for short in ["江苏", "浙江", "安徽", "福建", "江西", "山东"]:
        cells = region_row(rnd, short)
        ws.append([short, float(cells[0]), float(cells[1])])
        e.obs("revenue_elec", CODE[short], "2024-01~09", "level", cells[0], "亿元")
        e.obs("revenue_elec", CODE[short], "2024-01~09", "yoy_pct", cells[1], "%")
    products = wb.create_sheet("主要产品")
    title_cell(products, "2024年1-9月全国主要电子产品产量", 4)
    products.append(["产品名称", "计量单位", "1-9月", "同比增长(%)"])
    for label, unit, cum, growth, ind in [
        ("手机", "亿台", "11.84", "9.8", "phone_output"),
        ("其中：智能手机", "亿台", "8.73", "10.5", "smartphone_output"),
        ("集成电路", "亿块", "3156", "26", "ic_output"),
    ]:
        products.append([label, unit, float(cum), float(growth)])
        e.obs(ind, "CN", "2024-01~09", "level", cum, unit)
        e.obs(ind, "CN", "2024-01~09", "yoy_pct", growth, "%")
    products.append(["资料来源：国家统计局", None, None, None])
    about = wb.create_sheet("说明")
    for line in [
        "填报说明",
        "1. 本数据包包括分地区主要指标和主要产品产量两张表。",
        "2. 数据为快报数，以正式公布数为准。",
        "3. 联系人：运行监测协调局",
    ]:
        about.append([line])
    e.notes = 1  # the source line of 主要产品; the 说明 sheet has no table
    save_workbook(wb, HERE / e.name)
    return e


@specimen
def g11_plan_cities_xpcc() -> Expect:
    e = Expect(
        "g11_plan_cities_xpcc.csv",
        "entities as rows: the 5 计划单列市 (大连, 宁波, 厦门, 青岛, 深圳) and 新疆生产建设兵团, "
        "six indicator columns with repeated '同比增长(%)'",
        "MIIT 分地区 table, the part listing 计划单列市 and 兵团",
        "all values made up",
    )
    rnd = random.Random(11)
    rows = [
        ["2024年1-9月计划单列市等电子信息制造业主要指标", "", "", "", "", "", ""],
        REGION_HEADER,
    ]
    for label in ["大连", "宁波", "厦门", "青岛", "深圳", "新疆生产建设兵团"]:
        cells = region_row(rnd, label)
        if label == "深圳":
            cells[0], cells[4] = thousands(f"{26000.4:.1f}"), thousands(f"{11234.6:.1f}")
        rows.append([label, *cells])
        for (ind, measure, unit), text in zip(REGION_INDICATORS, cells, strict=True):
            e.obs(ind, CODE[label], "2024-01~09", measure, text, unit)
    rows.append(["注：计划单列市数据已包含在所在省数据中，不可与之相加。", "", "", "", "", "", ""])
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


@specimen
def g12_amounts_wanyuan() -> Expect:
    e = Expect(
        "g12_amounts_wanyuan.csv",
        "amounts in 万元 (a '计量单位：万元' line): stored in 亿元 (351,234,000 万元 → 35123.4 亿元); "
        "GB18030",
        "provincial statistics bureau table kept in 万元",
        "all values made up",
    )
    rows = [
        ["2024年1-9月部分省份规模以上电子信息制造业主要指标", "", "", ""],
        ["计量单位：万元", "", "", ""],
        ["地区", "营业收入", "利润总额", "出口交货值"],
        ["广东省", "351,234,000", "12,345,678", "150,000,500"],
        ["江苏省", "228,765,400", "9,876,543", "98,765,432"],
        ["四川省", "91,234,567", "3,210,987", "40,123,456"],
        ["陕西省", "18,765,432", "-123,456", "5,432,100"],
        ["注：利润总额为负表示亏损。", "", "", ""],
    ]
    for label, rev, prof, exp in rows[3:7]:
        e.obs("revenue_elec", CODE[label], "2024-01~09", "level", rev, "万元")
        e.obs("profit_elec", CODE[label], "2024-01~09", "level", prof, "万元")
        e.obs("export_elec", CODE[label], "2024-01~09", "level", exp, "万元")
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "gb18030"))
    return e


@specimen
def g13_monthly_two_row_header() -> Expect:
    e = Expect(
        "g13_monthly_two_row_header.csv",
        "monthly table '2024年9月': two-row CSV header (营业收入(亿元) over 本月 | 同比增长(%) | "
        "1-9月累计 | 同比增长(%)), group label only over the first of its columns",
        "provincial 工业和信息化厅 monthly report",
        "all values made up",
    )
    rnd = random.Random(13)
    rows = [
        ["2024年9月规模以上电子信息制造业营业收入（分地区）", "", "", "", ""],
        ["地区", "营业收入(亿元)", "", "", ""],
        ["", "本月", "同比增长(%)", "1-9月累计", "同比增长(%)"],
    ]
    for short in ["河北", "山西", "河南", "湖北", "湖南", "云南"]:
        cells = region_row(rnd, short)
        month = f"{number_value(cells[0]) * Decimal('0.12'):.1f}"
        month_g = made_up(rnd, -20, 30)
        rows.append([short, month, month_g, cells[0], cells[1]])
        e.obs("revenue_elec", CODE[short], "2024-09", "level", month, "亿元")
        e.obs("revenue_elec", CODE[short], "2024-09", "yoy_pct", month_g, "%")
        e.obs("revenue_elec", CODE[short], "2024-01~09", "level", cells[0], "亿元")
        e.obs("revenue_elec", CODE[short], "2024-01~09", "yoy_pct", cells[1], "%")
    rows.append(["注：本月数据为快报数，累计数据按可比口径计算。", "", "", "", ""])
    e.notes = 1
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


@specimen
def g14_long_format() -> Expect:
    e = Expect(
        "g14_long_format.csv",
        "the long format (one observation a row: indicator, region, period, measure, value, unit)",
        "WenZeng's own import format",
        "real (MIIT 2024年前三季度 and 2024 annual figures, as in data/public/observations.csv); "
        "the 四川 row made up",
    )
    rows = [
        ["indicator", "region", "period", "period_type", "measure", "value", "unit"],
        ["revenue_elec", "CN", "2024年1-9月", "cum_month", "level", "11.49", "万亿元"],
        ["revenue_elec", "CN", "2024年1-9月", "cum_month", "yoy_pct", "7.5", "%"],
        ["profit_elec", "CN", "2024-01~09", "cum_month", "level", "4,503", "亿元"],
        ["phone_output", "全国", "2024", "year", "level", "16.7", "亿台"],
        ["smartphone_output", "CN", "2024", "year", "level", "12.5", "亿台"],
        ["ic_output", "CN", "2024-09", "cum_month", "level", "3156", "亿块"],
        ["revenue_elec", "四川省", "2024年1-9月", "cum_month", "level", "９，１２３.４", "亿元"],
        ["export_elec", "CN", "2024-09", "month", "yoy_pct", "0.8", "%"],
    ]
    period_code = {"2024年1-9月": "2024-01~09", "2024-01~09": "2024-01~09", "2024": "2024"}
    for ind, region, period, ptype, measure, value, unit in rows[1:]:
        code = "2024-01~09" if (period, ptype) == ("2024-09", "cum_month") else None
        code = code or period_code.get(period, period)
        e.obs(ind, CODE.get(region, region), code, measure, value, unit)
    e.notes = 0
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


# ── bad specimens ───────────────────────────────────────────────────────────────────────


@specimen
def b01_5g_above_all_phones() -> Expect:
    e = Expect(
        "b01_5g_above_all_phones.csv",
        "phone-market table (indicators as rows) whose 5G shipments exceed all phone shipments",
        "CAICT 国内手机市场运行分析报告",
        "values made up; the 5G figure is planted above the total",
    )
    rows = [
        ["2024年1-9月全国手机市场出货量", "", "", ""],
        ["指标", "单位", "1-9月", "同比增长(%)"],
        ["手机出货量", "万部", "23,100.5", "8.9"],
        ["其中：智能手机出货量", "万部", "20,512.3", "10.1"],
        ["5G手机出货量", "万部", "24,630.2", "12.4"],
        ["资料来源：中国信息通信研究院", "", "", ""],
    ]
    e.error(5, "1-9月", "大于")
    (HERE / e.name).write_bytes(csv_bytes(rows, "gb18030"))
    return e


@specimen
def b02_negative_output() -> Expect:
    e = Expect(
        "b02_negative_output.csv",
        "product output table with a negative output",
        "NBS 主要产品产量",
        "values made up; 彩色电视机 planted negative",
    )
    rows = [
        ["2024年1-9月全国规模以上工业主要电子产品产量", "", "", ""],
        ["产品名称", "计量单位", "1-9月", "同比增长(%)"],
        ["微型计算机设备", "万台", "24,900", "2.9"],
        ["彩色电视机", "万台", "-123.4", "4.6"],
        ["集成电路", "亿块", "3,156", "26.0"],
    ]
    e.error(4, "1-9月", "-123.4")
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


@specimen
def b03_smartphones_above_phones() -> Expect:
    e = Expect(
        "b03_smartphones_above_phones.xlsx",
        "product workbook whose 其中：智能手机 exceeds 手机",
        "provincial statistics bureau 主要产品产量",
        "values made up; 智能手机 planted above 手机",
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "产量"
    title_cell(ws, "2024年1-9月广东省主要电子产品产量", 4)
    ws.append(["产品名称", "计量单位", "1-9月", "同比增长(%)"])
    ws.append(["手机", "万台", 48120.3, 6.2])
    ws.append(["其中：智能手机", "万台", 51045.8, 8.9])
    ws.append(["集成电路", "亿块", 520.4, 21.7])
    e.error(4, "1-9月", "大于")
    save_workbook(wb, HERE / e.name)
    return e


@specimen
def b04_unknown_region() -> Expect:
    e = Expect(
        "b04_unknown_region.csv",
        "分地区 table with a region that does not exist",
        "MIIT 分地区 table",
        "values made up; '南海省' planted",
    )
    rows = [
        ["2024年1-9月规模以上电子信息制造业分地区营业收入", "", ""],
        ["地区", "营业收入(亿元)", "同比增长(%)"],
        ["广东", "33,012.5", "6.1"],
        ["南海省", "1,234.5", "3.2"],
        ["福建", "4,321.0", "5.5"],
    ]
    e.error(4, "地区", "南海省")
    (HERE / e.name).write_bytes(csv_bytes(rows, "gbk"))
    return e


@specimen
def b05_unit_mismatch() -> Expect:
    e = Expect(
        "b05_unit_mismatch.csv",
        "运行情况 annex whose 营业收入 row is given in 万台",
        "MIIT 运行情况 附表",
        "values real (营业收入 11.49, 利润总额 4503) but the unit 万台 planted",
    )
    rows = [
        ["2024年1-9月全国规模以上电子信息制造业主要指标", "", "", ""],
        ["指标", "单位", "1-9月", "同比增长(%)"],
        ["营业收入", "万台", "11.49", "7.5"],
        ["利润总额", "亿元", "4,503", "7.1"],
    ]
    e.error(3, "1-9月", "万台")
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


@specimen
def b06_ragged_row() -> Expect:
    e = Expect(
        "b06_ragged_row.csv",
        "分地区 GB18030 table with a ragged row: 12 fields under a 7-column header",
        "MIIT 分地区 table, a row pasted twice into one line",
        "values made up; the ragged row planted",
    )
    rnd = random.Random(6)
    rows: list[list[str]] = [
        ["2024年1-9月规模以上电子信息制造业分地区主要指标", "", "", "", "", "", ""],
        REGION_HEADER,
    ]
    for short in ["北京", "天津", "河北", "山西", "辽宁"]:
        rows.append([short, *region_row(rnd, short)])
    rows[4] = rows[4] + ["", "1.2", "3.4", "", "5.6"]  # 河北: 12 fields
    e.error(5, None, "12")
    (HERE / e.name).write_bytes(csv_bytes(rows, "gb18030"))
    return e


@specimen
def b08_garbled_value() -> Expect:
    e = Expect(
        "b08_garbled_value.csv",
        "分地区 GB18030 table with a garbled value (锟斤拷: text mangled by a wrong encoding round "
        "trip) where a number should be",
        "MIIT 分地区 table passed through a wrongly set mail client",
        "values made up; the garbled cell planted",
    )
    rnd = random.Random(8)
    rows: list[list[str]] = [
        ["2024年1-9月规模以上电子信息制造业分地区主要指标", "", "", "", "", "", ""],
        REGION_HEADER,
    ]
    for short in ["北京", "天津", "河北", "山西", "辽宁"]:
        rows.append([short, *region_row(rnd, short)])
    rows[6][1] = "锟斤拷"  # 辽宁's revenue
    e.error(7, "营业收入(亿元)", "不是数字")
    (HERE / e.name).write_bytes(csv_bytes(rows, "gb18030"))
    return e


@specimen
def b07_ambiguous_name() -> Expect:
    e = Expect(
        "b07_ambiguous_name.csv",
        "indicators as rows with a bare '手机' and no unit: output (万台) or shipments (万部)?",
        "a summary table pasted together from two releases",
        "values made up",
    )
    rows = [
        ["2024年1-9月全国电子信息产品主要指标", "", ""],
        ["指标", "1-9月", "同比增长(%)"],
        ["集成电路产量（亿块）", "3,156", "26.0"],
        ["手机", "23,100.5", "8.9"],
    ]
    e.error(4, "指标", "phone_ship_total")  # the candidates are listed
    (HERE / e.name).write_bytes(csv_bytes(rows, "utf-8"))
    return e


README_HEAD = """\
# Specimen files

Files as offices and bureaus send them, with what importing each must give.

- `good/`, `bad/`, `expected/` (written by `make_specimens.py`): long-format files for
  `tests/test_import.py`, the expected issue codes in `expected/NAME.json`.
- `forms/` (written by `make_form_specimens.py`): filled-in monitoring forms for the upload tests.
- `bureau/` (written by `bureau/make_bureau_specimens.py`): tables as statistics bureaus and MIIT
  publish them, for `tests/test_specimens.py`, which imports each with `wenzeng import FILE
  --format json OPTIONS` on a fresh store and compares. Each `bureau/FILE.expected.yaml` holds
  `options` (what the command needs beyond the file), and for a good file `observations` (every
  observation the import must store: indicator, entity, period code, measure, value in the
  indicator's canonical unit, that unit) and `notes` (footnote and source rows below the table),
  for a bad file `errors` (row, column header as written or null, a fragment of the message) and
  `writes: 0`.

## Bureau tables

The values were converted by hand to each indicator's canonical unit (catalog/indicators.yaml):
万元 × 0.0001 → 亿元, 万亿元 × 10000 → 亿元, 亿台 × 10000 → 万台, 万千瓦 × 0.01 → GW. Real
figures are those of `src/wenzeng/data/public/observations.csv`, which names each source.
Choices the expectations make:

- 营业收入, 利润总额 and 出口交货值 of provinces, 计划单列市 and 兵团 are `revenue_elec`,
  `profit_elec` and `export_elec` (the indicators the monitoring forms collect for those entity
  kinds), not `revenue_elec_prov` (a provincial department's own annual figure).
- A 同比增长(%) column belongs to the level column before it; after 本月 it is the month's growth,
  after 1-9月累计 the cumulative growth. A table with 本月 and 1-9月累计 but one 同比增长(%) (the
  product table) has cumulative growth only.
- 全国 rows and titles naming 全国 are entity `CN`; a title naming a province sets the entity of
  a product table; a title naming none needs `--entity`.
- "—" and blank cells are missing: no observation, no error.

How the expectations are checked beyond the hand work: `tests/test_specimens.py` compares every
national figure a specimen expects with the same figure in the built-in published data, where
it has one (so the real values and their conversions agree with the sourced data set).

"""


def readme() -> str:
    lines = ["| file | shape | imitates | real values (source) / made up |", "|---|---|---|---|"]
    for e in ALL:
        cells = [f"`bureau/{e.name}`", e.shape, e.publisher, e.provenance]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return README_HEAD + "\n".join(lines) + "\n"


def main() -> None:
    for fn in [
        g01_regions_gb18030,
        g02_regions_gbk_halfyear,
        g03_regions_utf8bom_q3,
        g04_regions_tab,
        g05_regions_merged_xlsx,
        g06_products_national,
        g07_products_guangdong_xlsx,
        g08_products_entity_option,
        g09_miit_annex,
        g10_workbook_sheets,
        g11_plan_cities_xpcc,
        g12_amounts_wanyuan,
        g13_monthly_two_row_header,
        g14_long_format,
        b01_5g_above_all_phones,
        b02_negative_output,
        b03_smartphones_above_phones,
        b04_unknown_region,
        b05_unit_mismatch,
        b06_ragged_row,
        b07_ambiguous_name,
        b08_garbled_value,
    ]:
        fn()
    (HERE.parent / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    main()
