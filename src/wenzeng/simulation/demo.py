"""Simulated demo data: key enterprises, their supplier links and monthly figures.

Pure generation: no database, no files, no clock.  The same catalogue and
seed give the same data on every run (``random.Random(seed)``, consumed in
a fixed order; no iteration over sets).

The figures are SIMULATED.  They are built to look like the real industry
so that every feature has something to show, not to describe it:

* a national monthly path of operating revenue whose yearly totals equal the
  published ``revenue_elec`` levels (2021–2025) or the levels implied by the
  published growth rates (2017–2020), with seasonality (low January–February,
  high December), an in-year trend, the 2020 Q1 shock and the downturn of
  2022-11 to 2023-Q1;
* provincial shares close to the real map (Guangdong about a third, Jiangsu
  about 15 %, …) drifting slowly towards the central and western provinces,
  with each province's own noise and local shocks (Hubei early 2020, Henan
  2022-11);
* the other form indicators (profit, export delivery value, output value, new
  orders, finished-goods inventory, receivables, employment) derived from
  revenue with unit-specific ratios and noise;
* key enterprises holding 30–40 % of their province's figures.

Nothing is generated for the nation or the region groups: those carry
published figures only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from wenzeng.definitions.catalogue import Catalogue
from wenzeng.domain.catalog import (
    REPORTING_REGION_KINDS,
    Entity,
    EntityKind,
    Indicator,
    Measure,
    SeriesKind,
)
from wenzeng.ingest.pipeline import OUTPUT_SCHEMA
from wenzeng.ingest.readers import ROW

SEED = 20230801
N_ENTERPRISES = 300
FIRST_YEAR, LAST_YEAR = 2019, 2025  # the years written
START_YEAR, END_YEAR = 2017, 2026  # the years generated (bases for YoY, trailing means, leads)
SOURCE_TITLE = "模拟演示数据（非真实统计）/ Simulated demo data (not real statistics)"
VINTAGE_LAG_DAYS = 30

# ── national anchors ──────────────────────────────────────────────────────────────────
# Operating revenue of 规上电子信息制造业, 亿元 a year: the published revenue_elec levels
# for 2021–2025 (14.13, 15.4, 15.1, 16.19, 17.4 万亿元); earlier years back-cast with the
# published growth (2019 +4.5 %, 2020 +8.3 %, 2021 +14.7 %); 2017 and 2026 only serve as
# bases and leads and are never written.
NATIONAL_REVENUE = {
    2017: 99_850.0,
    2018: 108_840.0,
    2019: 113_740.0,
    2020: 123_180.0,
    2021: 141_285.0,
    2022: 154_000.0,
    2023: 151_000.0,
    2024: 161_900.0,
    2025: 174_000.0,
    2026: 186_000.0,
}
# Profit margin, % of revenue: published profit_elec ÷ revenue_elec where both exist
# (2018–2019 from the published profit growth, +3.1 % in 2019 and +17.2 % in 2020).
NATIONAL_MARGIN = {
    2017: 5.0,
    2018: 4.9,
    2019: 4.85,
    2020: 5.25,
    2021: 5.86,
    2022: 4.80,
    2023: 4.25,
    2024: 3.96,
    2025: 4.32,
    2026: 4.3,
}
# Export delivery value, share of revenue.
NATIONAL_EXPORT_RATIO = {
    2017: 0.51,
    2018: 0.50,
    2019: 0.48,
    2020: 0.46,
    2021: 0.45,
    2022: 0.43,
    2023: 0.41,
    2024: 0.39,
    2025: 0.38,
    2026: 0.37,
}
# Average persons employed.
NATIONAL_EMPLOYMENT = {
    2017: 8_300_000,
    2018: 8_500_000,
    2019: 8_600_000,
    2020: 8_700_000,
    2021: 9_000_000,
    2022: 9_100_000,
    2023: 8_850_000,
    2024: 8_900_000,
    2025: 9_000_000,
    2026: 9_100_000,
}

# Share of each month in a year's revenue (fitted to the published 2024 monthly figures).
SEASON = [0.068, 0.064, 0.080, 0.076, 0.079, 0.087, 0.079, 0.0815, 0.096, 0.087, 0.095, 0.107]
# Profit margin of a month relative to the year's.
MARGIN_SEASON = [0.45, 0.45, 0.95, 0.90, 0.95, 1.10, 0.95, 1.00, 1.10, 1.00, 1.10, 1.10]
EMPLOYMENT_SEASON = [0.990, 0.965, 0.990, 1.0, 1.0, 1.0, 1.0, 1.005, 1.010, 1.015, 1.015, 1.005]

# Shocks, (year, month) → multiplier: the early-2020 shutdown and the 2022-11 – 2023-Q1
# downturn (published: va_elec −1.1 % in 2022-11, −2.6 % in 2023-01~02).
REVENUE_SHOCK = {
    (2020, 1): 0.90,
    (2020, 2): 0.62,
    (2020, 3): 0.94,
    (2020, 4): 0.99,
    (2022, 11): 0.90,
    (2022, 12): 0.93,
    (2023, 1): 0.87,
    (2023, 2): 0.87,
    (2023, 3): 0.91,
    (2023, 4): 0.94,
    (2023, 5): 0.96,
    (2023, 6): 0.97,
}
MARGIN_SHOCK = {
    (2020, 1): 0.6,
    (2020, 2): 0.3,
    (2020, 3): 0.8,
    (2022, 11): 0.8,
    (2022, 12): 0.8,
    (2023, 1): 0.45,
    (2023, 2): 0.45,
    (2023, 3): 0.75,
    (2023, 4): 0.85,
}
EXPORT_SHOCK = {
    (2020, 2): 0.92,
    (2022, 11): 0.86,
    (2022, 12): 0.88,
    (2023, 1): 0.92,
    (2023, 2): 0.92,
    (2023, 3): 0.93,
    (2023, 4): 0.96,
}
EMPLOYMENT_SHOCK = {
    (2020, 2): 0.88,
    (2020, 3): 0.96,
    (2022, 11): 0.985,
    (2022, 12): 0.985,
    (2023, 1): 0.98,
    (2023, 2): 0.97,
    (2023, 3): 0.985,
}
# Inventories pile up when demand falls.
INVENTORY_CYCLE = {
    (2020, 2): 1.20,
    (2020, 3): 1.12,
    (2020, 4): 1.05,
    (2022, 9): 1.05,
    (2022, 10): 1.08,
    (2022, 11): 1.14,
    (2022, 12): 1.18,
    (2023, 1): 1.20,
    (2023, 2): 1.20,
    (2023, 3): 1.17,
    (2023, 4): 1.14,
    (2023, 5): 1.10,
    (2023, 6): 1.07,
    (2023, 7): 1.04,
    (2023, 8): 1.02,
}
# Local shocks: Hubei in early 2020, Henan (the Zhengzhou phone plants) in 2022-11.
LOCAL_SHOCK = {
    "420000": {(2020, 1): 0.95, (2020, 2): 0.55, (2020, 3): 0.72, (2020, 4): 0.92},
    "410000": {(2022, 11): 0.72, (2022, 12): 0.85, (2023, 1): 0.93},
}

# Province: (share of national revenue around 2022, drift of the share a year (log),
# export intensity, labour intensity).  Shares are renormalised every month.
PROVINCES: dict[str, tuple[float, float, float, float]] = {
    "440000": (0.320, -0.010, 1.15, 1.0),  # 广东
    "320000": (0.155, 0.000, 1.20, 1.0),  # 江苏
    "510000": (0.062, 0.030, 1.35, 1.1),  # 四川
    "330000": (0.055, 0.010, 0.90, 1.1),  # 浙江
    "500000": (0.045, 0.020, 1.50, 1.2),  # 重庆
    "310000": (0.042, -0.010, 1.20, 0.7),  # 上海
    "410000": (0.040, 0.010, 1.60, 1.4),  # 河南
    "340000": (0.035, 0.050, 0.70, 1.0),  # 安徽
    "360000": (0.035, 0.050, 0.80, 1.2),  # 江西
    "350000": (0.032, 0.020, 0.90, 1.0),  # 福建
    "370000": (0.030, 0.000, 0.90, 1.0),  # 山东
    "420000": (0.030, 0.030, 0.60, 0.9),  # 湖北
    "110000": (0.025, -0.020, 0.40, 0.6),  # 北京
    "610000": (0.020, 0.030, 0.60, 0.9),  # 陕西
    "430000": (0.018, 0.020, 0.50, 1.1),  # 湖南
    "120000": (0.015, -0.010, 0.90, 0.9),  # 天津
    "450000": (0.012, 0.010, 0.80, 1.2),  # 广西
    "140000": (0.008, -0.010, 1.20, 1.3),  # 山西
    "130000": (0.008, 0.000, 0.40, 1.1),  # 河北
    "210000": (0.008, -0.020, 0.50, 1.0),  # 辽宁
    "520000": (0.006, 0.030, 0.30, 1.0),  # 贵州
    "530000": (0.004, 0.010, 0.30, 1.0),  # 云南
    "220000": (0.002, -0.010, 0.20, 1.0),  # 吉林
    "150000": (0.002, 0.000, 0.20, 1.0),  # 内蒙古
    "620000": (0.002, 0.010, 0.20, 1.0),  # 甘肃
    "640000": (0.002, 0.010, 0.20, 1.0),  # 宁夏
    "230000": (0.0015, -0.020, 0.20, 1.0),  # 黑龙江
    "460000": (0.001, 0.020, 0.30, 1.0),  # 海南
    "650000": (0.001, 0.010, 0.30, 1.0),  # 新疆
    "630000": (0.0008, 0.000, 0.10, 1.0),  # 青海
    "540000": (0.0001, 0.000, 0.10, 1.0),  # 西藏
}
DEFAULT_PROVINCE = (0.001, 0.0, 0.3, 1.0)
# Plan cities and the XPCC: (province they lie in, share of its figures, drift a year).
SUB_REGIONS: dict[str, tuple[str, float, float]] = {
    "440300": ("440000", 0.52, -0.005),  # 深圳
    "350200": ("350000", 0.30, 0.000),  # 厦门
    "330200": ("330000", 0.18, 0.010),  # 宁波
    "370200": ("370000", 0.28, 0.000),  # 青岛
    "210200": ("210000", 0.22, -0.010),  # 大连
    "660000": ("650000", 0.15, 0.010),  # 新疆生产建设兵团
}

# ── enterprises ───────────────────────────────────────────────────────────────────────
# Sector mix of the key-enterprise lists, and multipliers where a province specialises.
SECTOR_MIX = {
    "C391": 0.08,
    "C392": 0.10,
    "C393": 0.03,
    "C394": 0.02,
    "C395": 0.07,
    "C396": 0.08,
    "C397": 0.17,
    "C398": 0.25,
    "C399": 0.07,
    "C3841": 0.07,
    "C3825": 0.06,
}
SPECIALISATION: dict[str, dict[str, float]] = {
    "440000": {"C392": 2.0, "C395": 2.0, "C396": 1.5},
    "320000": {"C3825": 2.5, "C398": 1.3, "C397": 1.3},
    "510000": {"C391": 3.0, "C397": 1.5},
    "500000": {"C391": 4.0},
    "410000": {"C392": 3.0},
    "340000": {"C397": 2.0, "C396": 1.5},
    "360000": {"C398": 1.5, "C3841": 2.0},
    "350000": {"C3841": 3.0, "C397": 1.3},
    "310000": {"C397": 3.0},
    "110000": {"C397": 2.0, "C391": 2.0, "C394": 2.0},
    "610000": {"C397": 2.5, "C394": 2.0},
    "330000": {"C3825": 2.0, "C399": 2.0, "C396": 1.5},
    "370000": {"C395": 2.5, "C393": 2.0},
    "420000": {"C397": 2.5, "C392": 1.5},
    "120000": {"C3841": 2.0, "C391": 1.5},
    "430000": {"C398": 1.5, "C394": 1.5},
    "450000": {"C392": 2.0},
    "210000": {"C394": 2.0},
}
DOWNSTREAM = ("C391", "C392", "C393", "C394", "C395", "C396", "C399")
# Relative growth of a sector's firms a year (log), margin relative to the industry's,
# export intensity, productivity (revenue per person) relative to the province's.
SECTOR_PROFILE: dict[str, tuple[float, float, float, float]] = {
    "C391": (-0.03, 0.5, 1.4, 0.8),
    "C392": (0.00, 0.9, 1.2, 0.7),
    "C393": (0.00, 1.0, 0.7, 1.0),
    "C394": (0.01, 1.3, 0.3, 1.1),
    "C395": (-0.02, 0.6, 1.1, 0.9),
    "C396": (0.02, 0.9, 1.0, 0.9),
    "C397": (0.03, 1.6, 0.6, 1.5),
    "C398": (0.01, 1.2, 0.8, 0.9),
    "C399": (0.00, 1.1, 0.8, 1.0),
    "C3841": (0.08, 1.4, 0.7, 1.3),
    "C3825": (0.05, 1.3, 1.3, 1.4),
}
# Years in which a sector's margin departs from its profile (photovoltaic losses).
SECTOR_MARGIN_YEARS = {"C3825": {2024: -0.6, 2025: -0.4}, "C3841": {2024: 0.9, 2025: 0.9}}

BRAND_CHARS_1 = [
    ("澜", "Lan"),
    ("鼎", "Ding"),
    ("岑", "Cen"),
    ("朗", "Lang"),
    ("铭", "Ming"),
    ("启", "Qi"),
    ("凌", "Ling"),
    ("岳", "Yue"),
    ("睿", "Rui"),
    ("弘", "Hong"),
    ("锦", "Jin"),
    ("晨", "Chen"),
    ("霁", "Ji"),
    ("曜", "Yao"),
    ("沐", "Mu"),
    ("珏", "Jue"),
    ("瀚", "Han"),
    ("璟", "Jing"),
    ("珂", "Ke"),
    ("砚", "Yan"),
]
BRAND_CHARS_2 = [
    ("芯", "xin"),
    ("讯", "xun"),
    ("辰", "chen"),
    ("微", "wei"),
    ("宇", "yu"),
    ("拓", "tuo"),
    ("峰", "feng"),
    ("源", "yuan"),
    ("驰", "chi"),
    ("衡", "heng"),
    ("屹", "yi"),
    ("湃", "pai"),
    ("骁", "xiao"),
    ("钧", "jun"),
    ("桥", "qiao"),
    ("岭", "ling"),
    ("舟", "zhou"),
    ("帆", "fan"),
    ("棠", "tang"),
    ("禾", "he"),
]
BUSINESS: dict[str, list[tuple[str, str]]] = {
    "C391": [("计算机", "Computer"), ("信息设备", "Information Equipment")],
    "C392": [("通信设备", "Communication Equipment"), ("移动终端", "Mobile Devices")],
    "C393": [("广电设备", "Broadcasting Equipment")],
    "C394": [("雷达技术", "Radar Technology")],
    "C395": [("视听电子", "Audio-Visual Electronics"), ("显示终端", "Display Devices")],
    "C396": [("智能设备", "Smart Devices"), ("智能穿戴", "Wearables")],
    "C397": [
        ("半导体", "Semiconductor"),
        ("微电子", "Microelectronics"),
        ("光电显示", "Optoelectronic Display"),
    ],
    "C398:upstream": [("电子材料", "Electronic Materials")],
    "C398:midstream": [("电子元件", "Electronic Components"), ("电路板", "Circuit Board")],
    "C399": [("电子设备", "Electronic Equipment")],
    "C3841": [("锂电科技", "Lithium Battery Technology"), ("新能源电池", "New Energy Battery")],
    "C3825": [("光伏科技", "Photovoltaic Technology")],
}
PRODUCTS: dict[str, list[str]] = {
    "C397": [
        "存储芯片",
        "处理器芯片",
        "显示面板",
        "功率半导体器件",
        "图像传感器",
        "射频芯片",
        "电源管理芯片",
    ],
    "C398:upstream": ["电子级覆铜板", "电子浆料", "湿电子化学品", "光刻胶", "电子级玻纤布"],
    "C398:midstream": [
        "印制电路板",
        "片式多层陶瓷电容器",
        "连接器",
        "电声器件",
        "光学镜头模组",
        "电感器件",
    ],
    "C3841": ["锂电池电芯", "电池模组"],
    "C3825": ["光伏组件"],
}
LIST_DOWNSTREAM = "重点电子整机企业"
LIST_SUPPLY_CHAIN = "上游供应链企业"
LARGE_REVENUE = 100.0  # 亿元 a year (2024): above it an enterprise is "large"

# ── indicators of the monitoring forms ────────────────────────────────────────────────
# role → indicator code; roles whose code the catalogue lacks are left out.
ROLES = {
    "revenue": "revenue_elec",
    "profit": "profit_elec",
    "export": "export_elec",
    "output": "output_value_elec",
    "orders": "orders_new",
    "inventory": "inventory_finished",
    "receivables": "receivables",
    "employment": "employment",
}
AVERAGED = ("employment",)  # cumulative level = mean over January to month n, not the sum


@dataclass(frozen=True)
class DemoEnterprise:
    code: str
    name_zh: str
    name_en: str
    region: str
    sector: str
    chain_position: str
    attributes: dict[str, Any]


@dataclass(frozen=True)
class DemoLink:
    buyer: str
    supplier: str
    product: str


@dataclass
class DemoData:
    enterprises: list[DemoEnterprise]
    links: list[DemoLink]
    frame: pl.DataFrame  # pipeline.OUTPUT_SCHEMA
    indicators: list[str] = field(default_factory=list)


# ── the calendar of generation ────────────────────────────────────────────────────────
MONTHS = [(y, m) for y in range(START_YEAR, END_YEAR + 1) for m in range(1, 13)]
INDEX = {ym: i for i, ym in enumerate(MONTHS)}


def _t(y: int, m: int) -> float:
    """Time in years since mid-2022 (the centre of the written span)."""
    return y + (m - 0.5) / 12 - 2022.5


def _ar_noise(rng: random.Random, sd: float, phi: float = 0.6) -> list[float]:
    """A stationary AR(1) path of log deviations, one per generated month."""
    out, e = [], rng.gauss(0.0, sd)
    scale = math.sqrt(1 - phi * phi)
    for _ in MONTHS:
        e = phi * e + scale * rng.gauss(0.0, sd)
        out.append(e)
    return out


def _trailing_annual(values: list[float]) -> list[float]:
    """Sum over the last twelve months (scaled up where fewer months exist)."""
    out = []
    for i in range(len(values)):
        lo = max(0, i - 11)
        out.append(sum(values[lo : i + 1]) * 12 / (i + 1 - lo))
    return out


def _employment_trend(y: int, m: int) -> float:
    """The employment anchors, log-linearly interpolated between mid-years."""
    t = y + (m - 0.5) / 12 - 0.5
    y0 = min(max(math.floor(t), START_YEAR), END_YEAR - 1)
    w = t - y0
    a, b = NATIONAL_EMPLOYMENT[y0], NATIONAL_EMPLOYMENT[y0 + 1]
    return math.exp((1 - w) * math.log(a) + w * math.log(b))


def national_revenue() -> list[float]:
    """The national monthly revenue path, 亿元; each year sums to its anchor."""
    out: list[float] = []
    for y in range(START_YEAR, END_YEAR + 1):
        prev = NATIONAL_REVENUE.get(y - 1)
        g = NATIONAL_REVENUE[y] / prev - 1 if prev else 0.06
        raw = [
            SEASON[m - 1] * (1 + g * (m - 6.5) / 12) * REVENUE_SHOCK.get((y, m), 1.0)
            for m in range(1, 13)
        ]
        total = sum(raw)
        out.extend(NATIONAL_REVENUE[y] * r / total for r in raw)
    return out


def national_margin() -> list[float]:
    """Profit ÷ revenue by month (a fraction); revenue-weighted, each year averages its anchor."""
    rev = national_revenue()
    out: list[float] = []
    for y in range(START_YEAR, END_YEAR + 1):
        idx = [INDEX[(y, m)] for m in range(1, 13)]
        raw = [MARGIN_SEASON[m - 1] * MARGIN_SHOCK.get((y, m), 1.0) for m in range(1, 13)]
        weighted = sum(rev[i] * r for i, r in zip(idx, raw, strict=True)) / sum(rev[i] for i in idx)
        out.extend(NATIONAL_MARGIN[y] / 100 * r / weighted for r in raw)
    return out


@dataclass
class _Unit:
    """A reporting unit being generated: a region or an enterprise."""

    code: str
    revenue: list[float]
    margin_factor: float
    export_factor: float
    productivity: float  # relative to the national revenue per person
    sector: str | None = None
    noise_scale: float = 1.0
    local: dict[tuple[int, int], float] = field(default_factory=dict)


class _Generator:
    def __init__(self, catalogue: Catalogue, seed: int) -> None:
        self.catalogue = catalogue
        self.rng = random.Random(seed)
        self.nat_revenue = national_revenue()
        self.nat_margin = national_margin()
        # revenue per person: national revenue of the last twelve months ÷ the employment
        # anchor interpolated to the month, so the national total follows the anchors
        trailing = _trailing_annual(self.nat_revenue)
        self.productivity = [
            trailing[i] / _employment_trend(y, m) for i, (y, m) in enumerate(MONTHS)
        ]

    # -- regions ------------------------------------------------------------------------
    def regions(self) -> list[Entity]:
        return sorted(self.catalogue.entities_of(*REPORTING_REGION_KINDS), key=lambda e: e.code)

    def province_units(self, provinces: list[Entity]) -> dict[str, _Unit]:
        rng = self.rng
        profile = {p.code: PROVINCES.get(p.code, DEFAULT_PROVINCE) for p in provinces}
        shares = []
        for y, m in MONTHS:
            raw = {c: s * math.exp(d * _t(y, m)) for c, (s, d, _, _) in profile.items()}
            total = sum(raw.values())
            shares.append({c: v / total for c, v in raw.items()})
        base_share = {c: s for c, (s, _, _, _) in profile.items()}
        total_share = sum(base_share.values())
        export_mean = sum(base_share[c] * profile[c][2] for c in profile) / total_share
        labour_mean = sum(base_share[c] * profile[c][3] for c in profile) / total_share
        margins = {c: rng.uniform(0.75, 1.25) for c in profile}
        margin_mean = sum(base_share[c] * margins[c] for c in profile) / total_share
        units = {}
        for p in provinces:
            share, _, export, labour = profile[p.code]
            sd = min(0.08, 0.02 + 0.004 / math.sqrt(share / total_share))
            noise = _ar_noise(rng, sd)
            local = LOCAL_SHOCK.get(p.code, {})
            revenue = [
                self.nat_revenue[i] * shares[i][p.code] * local.get(ym, 1.0) * math.exp(noise[i])
                for i, ym in enumerate(MONTHS)
            ]
            units[p.code] = _Unit(
                p.code,
                revenue,
                margins[p.code] / margin_mean,
                export / export_mean,
                labour_mean / labour,
                local=local,
            )
        return units

    def sub_region_unit(self, entity: Entity, provinces: dict[str, _Unit]) -> _Unit | None:
        rng = self.rng
        parent_code, frac, drift = SUB_REGIONS.get(entity.code, (entity.parent or "", 0.2, 0.0))
        parent = provinces.get(parent_code)
        if parent is None:
            return None
        noise = _ar_noise(rng, 0.04)
        revenue = [
            parent.revenue[i] * frac * math.exp(drift * _t(*ym) + noise[i])
            for i, ym in enumerate(MONTHS)
        ]
        return _Unit(
            entity.code,
            revenue,
            parent.margin_factor * rng.uniform(0.9, 1.1),
            parent.export_factor * rng.uniform(0.9, 1.15),
            parent.productivity * rng.uniform(0.9, 1.1),
            local=parent.local,
        )

    # -- the derived indicators ------------------------------------------------------------
    def derive(self, unit: _Unit) -> dict[str, list[float]]:
        """Every role's monthly path for one unit, from its revenue."""
        rng, rev, k = self.rng, unit.revenue, unit.noise_scale
        n = len(MONTHS)
        out: dict[str, list[float]] = {"revenue": rev}

        noise = _ar_noise(rng, 0.05 * k, 0.3)
        sector_years = SECTOR_MARGIN_YEARS.get(unit.sector or "", {})
        profit = []
        for i, (y, _m) in enumerate(MONTHS):
            factor = sector_years.get(y)
            if factor is None:
                mf = unit.margin_factor
            elif factor >= 0:
                mf = unit.margin_factor * factor
            else:  # a loss-making year for the sector
                mf = factor * abs(unit.margin_factor)
            profit.append(rev[i] * self.nat_margin[i] * mf * (1 + noise[i]))
        out["profit"] = profit

        noise = _ar_noise(rng, 0.04 * k, 0.5)
        out["export"] = [
            min(
                0.95,
                NATIONAL_EXPORT_RATIO[y]
                * unit.export_factor
                * EXPORT_SHOCK.get((y, m), 1.0)
                * math.exp(noise[i]),
            )
            * rev[i]
            for i, (y, m) in enumerate(MONTHS)
        ]

        ratio, noise = rng.uniform(0.96, 1.03), _ar_noise(rng, 0.015 * k, 0.5)
        out["output"] = [rev[i] * ratio * math.exp(noise[i]) for i in range(n)]

        ratio, noise = rng.uniform(1.0, 1.05), _ar_noise(rng, 0.05 * k, 0.4)
        out["orders"] = [
            (0.4 * rev[i] + 0.6 * rev[min(i + 1, n - 1)]) * ratio * math.exp(noise[i])
            for i in range(n)
        ]

        recent = [sum(rev[max(0, i - 2) : i + 1]) / (i - max(0, i - 2) + 1) for i in range(n)]
        ratio, noise = rng.uniform(0.45, 0.75), _ar_noise(rng, 0.03 * k, 0.8)
        out["inventory"] = [
            recent[i] * ratio * INVENTORY_CYCLE.get(ym, 1.0) * math.exp(noise[i])
            for i, ym in enumerate(MONTHS)
        ]
        ratio, noise = rng.uniform(2.4, 3.2), _ar_noise(rng, 0.02 * k, 0.8)
        out["receivables"] = [
            recent[i]
            * ratio
            * (1 + 0.03 * (y - START_YEAR))
            * (0.92 if m == 12 else 1.0)
            * math.exp(noise[i])
            for i, (y, m) in enumerate(MONTHS)
        ]

        noise = _ar_noise(rng, 0.006 * k, 0.8)
        emp = []
        annual = _trailing_annual(rev)
        for i, (y, m) in enumerate(MONTHS):
            shock = EMPLOYMENT_SHOCK.get((y, m), 1.0) * (
                min(1.0, 0.5 + 0.5 * unit.local.get((y, m), 1.0))
            )
            emp.append(
                annual[i]
                / (self.productivity[i] * unit.productivity)
                * EMPLOYMENT_SEASON[m - 1]
                * shock
                * math.exp(noise[i])
            )
        out["employment"] = emp
        return out

    # -- enterprises --------------------------------------------------------------------------
    def enterprises(self, provinces: dict[str, _Unit]) -> tuple[list[DemoEnterprise], list[_Unit]]:
        rng = self.rng
        sectors = [s for s in SECTOR_MIX if s in self.catalogue.sectors]
        hosts = [c for c in provinces if PROVINCES.get(c, DEFAULT_PROVINCE)[0] >= 0.008]
        weights = {c: PROVINCES[c][0] ** 0.75 for c in hosts}
        counts = _allocate(N_ENTERPRISES, weights, minimum=3)
        brands = [(a + b, ea + eb) for a, ea in BRAND_CHARS_1 for b, eb in BRAND_CHARS_2]
        rng.shuffle(brands)

        specs: list[tuple[str, str, str]] = []  # (province, sector, chain position)
        for c in hosts:
            mix = [SECTOR_MIX[s] * SPECIALISATION.get(c, {}).get(s, 1.0) for s in sectors]
            for _ in range(counts[c]):
                sector = rng.choices(sectors, weights=mix)[0]
                if sector in DOWNSTREAM:
                    position = "downstream"
                elif sector == "C397" or (sector == "C398" and rng.random() < 0.45):
                    position = "upstream"
                else:
                    position = "midstream"
                specs.append((c, sector, position))

        # each province's enterprises share 30–40 % of its figures, Pareto-like
        raw = [
            min(40.0, rng.paretovariate(1.2)) * (1.5 if pos == "downstream" else 1.0)
            for _, _, pos in specs
        ]
        held = {c: rng.uniform(0.30, 0.40) for c in hosts}
        totals = {c: 0.0 for c in hosts}
        for (c, _, _), w in zip(specs, raw, strict=True):
            totals[c] += w
        # relative growth: the sector's plus the firm's own, centred within each province so
        # that the enterprises keep about the same share of it over the years
        drifts = [SECTOR_PROFILE[sector][0] + rng.gauss(0.0, 0.04) for _, sector, _ in specs]
        mean_drift = {c: 0.0 for c in hosts}
        for (c, _, _), w, d in zip(specs, raw, drifts, strict=True):
            mean_drift[c] += d * w / totals[c]

        out, units = [], []
        for i, ((c, sector, position), w, d) in enumerate(
            zip(specs, raw, drifts, strict=True), start=1
        ):
            code = f"E{i:04d}"
            key = f"{sector}:{position}" if sector == "C398" else sector
            biz_zh, biz_en = rng.choice(BUSINESS[key])
            brand_zh, brand_en = brands[i - 1]
            _, margin, export, productivity = SECTOR_PROFILE[sector]
            drift = d - mean_drift[c]
            noise = _ar_noise(rng, 0.05, 0.5)
            share = held[c] * w / totals[c]
            parent = provinces[c]
            revenue = [
                parent.revenue[j] * share * math.exp(drift * _t(*ym) + noise[j])
                for j, ym in enumerate(MONTHS)
            ]
            units.append(
                _Unit(
                    code,
                    revenue,
                    margin * math.exp(rng.gauss(0.0, 0.3)),
                    parent.export_factor * export * math.exp(rng.gauss(0.0, 0.25)),
                    parent.productivity * productivity * math.exp(rng.gauss(0.0, 0.2)),
                    sector=sector,
                    noise_scale=1.6,
                    local=parent.local,
                )
            )
            out.append(
                DemoEnterprise(
                    code=code,
                    name_zh=f"{brand_zh}模拟{biz_zh}有限公司",
                    name_en=f"{brand_en} Demo {biz_en} Co., Ltd.",
                    region=c,
                    sector=sector,
                    chain_position=position,
                    attributes={
                        "key_enterprise": True,
                        "list": LIST_DOWNSTREAM if position == "downstream" else LIST_SUPPLY_CHAIN,
                        "size": "medium",  # set from the revenue below
                        "simulated": True,
                    },
                )
            )
        year = [INDEX[(2024, m)] for m in range(1, 13)]
        sized = []
        for e, u in zip(out, units, strict=True):
            size = "large" if sum(u.revenue[j] for j in year) >= LARGE_REVENUE else "medium"
            sized.append(
                DemoEnterprise(
                    e.code,
                    e.name_zh,
                    e.name_en,
                    e.region,
                    e.sector,
                    e.chain_position,
                    {**e.attributes, "size": size},
                )
            )
        return sized, units

    def links(self, enterprises: list[DemoEnterprise]) -> list[DemoLink]:
        rng = self.rng

        def supplies(e: DemoEnterprise) -> str | None:
            key = f"{e.sector}:{e.chain_position}" if e.sector == "C398" else e.sector
            return key if key in PRODUCTS else None

        suppliers = [e for e in enterprises if e.chain_position != "downstream" and supplies(e)]
        upstream = [e for e in suppliers if e.chain_position == "upstream"]
        out: list[DemoLink] = []
        seen: set[tuple[str, str]] = set()

        def pick(
            buyer: DemoEnterprise,
            pool: list[DemoEnterprise],
            k: int,
            allowed: Callable[[DemoEnterprise], bool],
        ) -> None:
            pool = [s for s in pool if s.code != buyer.code and allowed(s)]
            if not pool:
                return
            weights = [3.0 if s.region == buyer.region else 1.0 for s in pool]
            for _ in range(k):
                s = rng.choices(pool, weights=weights)[0]
                if (buyer.code, s.code) in seen:
                    continue
                seen.add((buyer.code, s.code))
                product = rng.choice(PRODUCTS[supplies(s) or ""])
                out.append(DemoLink(buyer.code, s.code, product))

        def anything(_s: DemoEnterprise) -> bool:
            return True

        for e in enterprises:
            if e.chain_position == "downstream":
                # photovoltaic modules go to other electronic equipment (power systems) only
                def fits(s: DemoEnterprise, buyer: DemoEnterprise = e) -> bool:
                    return s.sector != "C3825" or buyer.sector == "C399"

                pick(e, suppliers, rng.randint(3, 7), fits)
            elif e.chain_position == "midstream":
                pick(e, upstream, rng.randint(1, 3), anything)
        return out


def _allocate(total: int, weights: dict[str, float], minimum: int) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), ``minimum`` at least."""
    spare = total - minimum * len(weights)
    wsum = sum(weights.values())
    exact = {c: spare * w / wsum for c, w in weights.items()}
    counts = {c: minimum + int(v) for c, v in exact.items()}
    left = total - sum(counts.values())
    for c in sorted(exact, key=lambda c: (-(exact[c] - int(exact[c])), c))[:left]:
        counts[c] += 1
    return counts


# ── from monthly paths to observation rows ─────────────────────────────────────────────
def _allowed(indicators: dict[str, Indicator]) -> pl.DataFrame:
    """(indicator, measure, period_type) the catalogue lists for each indicator."""
    kinds = {
        SeriesKind.LEVEL: (Measure.LEVEL, "month"),
        SeriesKind.CUM_LEVEL: (Measure.LEVEL, "cum_month"),
        SeriesKind.YOY: (Measure.YOY_PCT, "month"),
        SeriesKind.CUM_YOY: (Measure.YOY_PCT, "cum_month"),
    }
    rows = [
        (code, kinds[k][0].value, kinds[k][1])
        for code, ind in indicators.items()
        for k in ind.series_kinds
        if k in kinds and kinds[k][0] in ind.measures
    ]
    return pl.DataFrame(
        rows,
        schema=[("indicator", pl.Utf8), ("measure", pl.Utf8), ("period_type", pl.Utf8)],
        orient="row",
    )


def to_frame(
    paths: dict[str, dict[str, list[float]]], indicators: dict[str, Indicator]
) -> pl.DataFrame:
    """Observation rows (pipeline.OUTPUT_SCHEMA) from monthly paths: entity → role → values.

    Single months and January-to-month-n levels, and their YoY growth, for the
    written years; no January rows (January and February are reported together).
    """
    first = INDEX[(FIRST_YEAR - 1, 1)]
    last = INDEX[(LAST_YEAR, 12)]
    span = MONTHS[first : last + 1]
    years = [y for y, _ in span]
    months = [m for _, m in span]
    role_of = {code: role for role, code in ROLES.items() if code in indicators}
    n = len(span)
    entity_col: list[str] = []
    indicator_col: list[str] = []
    values: list[float] = []
    for entity, roles in paths.items():
        for code, role in role_of.items():
            digits = 0 if indicators[code].unit == "人" else 4
            entity_col.extend([entity] * n)
            indicator_col.extend([code] * n)
            values.extend(round(v, digits) for v in roles[role][first : last + 1])
    k = len(values) // n
    base = pl.DataFrame(
        {
            "entity": entity_col,
            "indicator": indicator_col,
            "year": years * k,
            "month": months * k,
            "value": values,
        },
        schema={
            "entity": pl.Utf8,
            "indicator": pl.Utf8,
            "year": pl.Int32,
            "month": pl.Int32,
            "value": pl.Float64,
        },
    )
    averaged = [ROLES[r] for r in AVERAGED if r in ROLES]
    persons = pl.col("indicator").is_in([c for c in role_of if indicators[c].unit == "人"])
    cum = (
        base.sort("entity", "indicator", "year", "month")
        .with_columns(pl.col("value").cum_sum().over("entity", "indicator", "year").alias("cum"))
        .with_columns(
            pl.when(pl.col("indicator").is_in(averaged))
            .then(pl.col("cum") / pl.col("month"))
            .otherwise(pl.col("cum"))
            .alias("value")
        )
        .drop("cum")
    )
    levels = pl.concat(
        [
            base.with_columns(pl.lit("month").alias("period_type")),
            cum.with_columns(pl.lit("cum_month").alias("period_type")),
        ]
    ).filter(pl.col("month") >= 2)
    # round each level to its unit's precision (cumulative sums of rounded months included)
    levels = levels.with_columns(
        pl.when(persons).then(pl.col("value").round(0)).otherwise(pl.col("value").round(4))
    )
    prior = levels.select(
        "entity",
        "indicator",
        "period_type",
        "month",
        (pl.col("year") + 1).alias("year"),
        pl.col("value").alias("prior"),
    )
    yoy = (
        levels.join(prior, on=["entity", "indicator", "period_type", "year", "month"])
        .filter((pl.col("prior") > 0) & (pl.col("value") > 0))
        .with_columns(((pl.col("value") / pl.col("prior") - 1) * 100).round(1).alias("value"))
        .drop("prior")
        .with_columns(pl.lit(Measure.YOY_PCT.value).alias("measure"))
    )
    rows = pl.concat(
        [
            levels.with_columns(pl.lit(Measure.LEVEL.value).alias("measure")),
            yoy.select(levels.columns + ["measure"]),
        ]
    ).filter(pl.col("year") >= FIRST_YEAR)
    rows = rows.join(
        _allowed({c: indicators[c] for c in role_of}),
        on=["indicator", "measure", "period_type"],
        how="semi",
    )
    units = pl.DataFrame(
        [(c, indicators[c].unit or "") for c in role_of],
        schema=[("indicator", pl.Utf8), ("_unit", pl.Utf8)],
        orient="row",
    )
    mm = pl.col("month").cast(pl.Utf8).str.zfill(2)
    rows = (
        rows.join(units, on="indicator", how="left")
        .sort("indicator", "entity", "measure", "period_type", "year", "month")
        .with_columns(
            pl.when(pl.col("period_type") == "month")
            .then(pl.format("{}-{}", pl.col("year"), mm))
            .otherwise(pl.format("{}-01~{}", pl.col("year"), mm))
            .alias("period"),
            (
                pl.date(pl.col("year"), pl.col("month"), 1).dt.month_end()
                + pl.duration(days=VINTAGE_LAG_DAYS)
            ).alias("vintage"),
            pl.lit("").alias("qualifier"),
            pl.col("value").cast(pl.Utf8).alias("published_value"),
            pl.when(pl.col("measure") == Measure.LEVEL.value)
            .then(pl.col("_unit"))
            .otherwise(pl.lit("%"))
            .alias("published_unit"),
            pl.lit(SOURCE_TITLE).alias("source_title"),
            pl.lit(None, dtype=pl.Utf8).alias("source_url"),
            pl.lit(None, dtype=pl.Utf8).alias("note"),
        )
        .with_row_index(ROW, offset=1)
    )
    return rows.select(list(OUTPUT_SCHEMA)).cast(OUTPUT_SCHEMA)  # type: ignore[arg-type]


def build_demo(catalogue: Catalogue, seed: int = SEED) -> DemoData:
    """The whole demo set: enterprises, supplier links and observation rows."""
    gen = _Generator(catalogue, seed)
    regions = gen.regions()
    provinces = [e for e in regions if e.kind is EntityKind.PROVINCE]
    province_units = gen.province_units(provinces)
    units: list[_Unit] = [province_units[p.code] for p in provinces]
    for e in regions:
        if e.kind is not EntityKind.PROVINCE:
            unit = gen.sub_region_unit(e, province_units)
            if unit is not None:
                units.append(unit)
    enterprises, enterprise_units = gen.enterprises(province_units)
    links = gen.links(enterprises)
    units.extend(enterprise_units)
    paths = {u.code: gen.derive(u) for u in units}
    indicators = {c: catalogue.indicators[c] for c in ROLES.values() if c in catalogue.indicators}
    if "revenue_elec" not in indicators:
        raise ValueError("the catalogue has no revenue_elec indicator: cannot simulate")
    frame = to_frame(paths, indicators)
    return DemoData(enterprises, links, frame, sorted(indicators))
