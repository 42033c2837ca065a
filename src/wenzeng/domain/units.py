"""Units of measure and the one place where values are converted between them.

Chinese releases mix scales freely (亿元 and 万亿元, 万部 and 亿部).  Each
indicator has a canonical unit; every value is stored in it, and the
published value and unit are kept beside it for traceability.
"""

from __future__ import annotations

from dataclasses import dataclass

from wenzeng.domain.text import BilingualError


class UnitError(BilingualError):
    """A unit that is unknown or cannot be converted to the wanted one."""


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    dimension: str
    factor: float  # multiples of the dimension's base unit
    name_en: str


# dimension base units: yuan, piece, W (power), Wh (energy), percent
_UNITS = [
    Unit("元", "money", 1.0, "yuan"),
    Unit("千元", "money", 1e3, "thousand yuan"),
    Unit("万元", "money", 1e4, "10k yuan"),
    Unit("亿元", "money", 1e8, "100 million yuan"),
    Unit("万亿元", "money", 1e12, "trillion yuan"),
    Unit("部", "phones", 1.0, "units"),
    Unit("万部", "phones", 1e4, "10k units"),
    Unit("亿部", "phones", 1e8, "100 million units"),
    Unit("台", "machines", 1.0, "units"),
    Unit("万台", "machines", 1e4, "10k units"),
    Unit("亿台", "machines", 1e8, "100 million units"),
    Unit("块", "chips", 1.0, "pieces"),
    Unit("万块", "chips", 1e4, "10k pieces"),
    Unit("亿块", "chips", 1e8, "100 million pieces"),
    Unit("个", "items", 1.0, "items"),
    Unit("万个", "items", 1e4, "10k items"),
    Unit("亿个", "items", 1e8, "100 million items"),
    Unit("人", "people", 1.0, "persons"),
    Unit("万人", "people", 1e4, "10k persons"),
    Unit("家", "firms", 1.0, "enterprises"),
    Unit("MW", "power", 1e6, "MW"),
    Unit("GW", "power", 1e9, "GW"),
    Unit("吉瓦", "power", 1e9, "GW"),
    Unit("兆瓦", "power", 1e6, "MW"),
    Unit("千瓦", "power", 1e3, "kW"),
    Unit("万千瓦", "power", 1e7, "10 MW"),  # solar cells in bureaus' product tables
    Unit("MWh", "energy", 1e6, "MWh"),
    Unit("GWh", "energy", 1e9, "GWh"),
    Unit("%", "percent", 1.0, "%"),
    Unit("百分点", "points", 1.0, "percentage points"),
]

UNITS: dict[str, Unit] = {u.code: u for u in _UNITS}
_ALIASES = {"％": "%", "gw": "GW", "gwh": "GWh", "mw": "MW", "mwh": "MWh", "pp": "百分点"}


def get_unit(code: str) -> Unit:
    key = code.strip()
    key = _ALIASES.get(key, _ALIASES.get(key.lower(), key))
    try:
        return UNITS[key]
    except KeyError:
        known = "、".join(UNITS)
        raise UnitError(f"未知单位 / unknown unit: {code!r} (known: {known})") from None


def unit_en(code: str | None) -> str:
    """A unit as English text puts it (亿元 → 100 million yuan); unknown units as they are."""
    if not code:
        return ""
    try:
        return get_unit(code).name_en
    except UnitError:
        return code


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value in ``from_unit`` by this to express it in ``to_unit``."""
    a, b = get_unit(from_unit), get_unit(to_unit)
    if a.dimension != b.dimension:
        raise UnitError(
            f"单位不可换算 / units not convertible: {a.code} ({a.dimension}) → "
            f"{b.code} ({b.dimension})"
        )
    return a.factor / b.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    if from_unit == to_unit:
        return value
    return value * conversion_factor(from_unit, to_unit)
