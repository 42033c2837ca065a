"""Units of measure and the one place where values are converted between them.

Chinese releases mix scales freely (亿元 and 万亿元, 万部 and 亿部, 万千瓦 and GW).  Each
indicator has a canonical unit; every value is stored in it, and the published value and
unit are kept beside it for traceability.

The units are data (``wenzeng/catalog/units.yaml``, read by :mod:`wenzeng.definitions.units`);
this module holds their model, the :class:`UnitRegistry` that converts between them, and
module-level helpers that consult the registry in use (the built-in one unless
:func:`use_units` installed another, e.g. one extended with a user's units).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from wenzeng.domain.text import BilingualError


class UnitError(BilingualError):
    """A unit that is unknown or cannot be converted to the wanted one."""


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    dimension: str
    factor: float  # multiples of the dimension's base unit
    name_en: str
    name_zh: str = ""
    aliases: tuple[str, ...] = ()


def unit_key(text: str) -> str:
    """How a unit is looked up: NFKC (％ → %), no spaces, case folded (gw → GW)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@dataclass(frozen=True)
class UnitRegistry:
    """Known units by code, their aliases, and conversion between units of one dimension."""

    units: Mapping[str, Unit]
    _keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys: dict[str, str] = {}
        for u in self.units.values():  # codes first: an alias never hides a code
            keys.setdefault(unit_key(u.code), u.code)
        for u in self.units.values():
            for a in u.aliases:
                keys.setdefault(unit_key(a), u.code)
        self._keys.update(keys)

    @classmethod
    def of(cls, units: Iterable[Unit]) -> UnitRegistry:
        items = list(units)
        codes = [u.code for u in items]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise UnitError(f"单位代码重复：{'、'.join(dupes)}", f"duplicate unit codes: {dupes}")
        return cls({u.code: u for u in items})

    def with_units(self, extra: Iterable[Unit]) -> UnitRegistry:
        """A registry that also knows ``extra`` units (a unit of the same code is replaced)."""
        merged = dict(self.units)
        merged.update({u.code: u for u in extra})
        return UnitRegistry(merged)

    def find(self, text: str) -> Unit | None:
        code = self._keys.get(unit_key(text))
        return self.units[code] if code is not None else None

    def get(self, text: str) -> Unit:
        found = self.find(text)
        if found is None:
            known = "、".join(self.units)
            raise UnitError(f"未知单位 / unknown unit: {text!r} (known: {known})")
        return found

    def conversion_factor(self, from_unit: str, to_unit: str) -> float:
        """Multiply a value in ``from_unit`` by this to express it in ``to_unit``."""
        a, b = self.get(from_unit), self.get(to_unit)
        if a.dimension != b.dimension:
            raise UnitError(
                f"单位不可换算 / units not convertible: {a.code} ({a.dimension}) → "
                f"{b.code} ({b.dimension})"
            )
        return a.factor / b.factor

    def convertible(self, from_unit: str, to_unit: str) -> bool:
        a, b = self.find(from_unit), self.find(to_unit)
        return a is not None and b is not None and a.dimension == b.dimension

    def in_dimension(self, dimension: str) -> list[Unit]:
        return sorted(
            (u for u in self.units.values() if u.dimension == dimension), key=lambda u: u.factor
        )


_installed: UnitRegistry | None = None


def use_units(registry: UnitRegistry | None) -> None:
    """Make ``registry`` the one the module-level helpers consult (None: the built-in one)."""
    global _installed
    _installed = registry


def units() -> UnitRegistry:
    """The registry in use: the installed one, else the built-in units of the catalogue."""
    if _installed is not None:
        return _installed
    # the built-in units are data read by the definitions layer, once (cached there)
    from wenzeng.definitions.units import builtin_units

    return builtin_units()


class _UnitsView(Mapping[str, Unit]):
    """``UNITS``: the registry in use, by code (kept for callers that list the codes)."""

    def __getitem__(self, code: str) -> Unit:
        return units().units[code]

    def __iter__(self) -> Iterator[str]:
        return iter(units().units)

    def __len__(self) -> int:
        return len(units().units)


UNITS: Mapping[str, Unit] = _UnitsView()


def get_unit(code: str) -> Unit:
    return units().get(code)


def unit_en(code: str | None) -> str:
    """A unit as English text puts it (亿元 → 100 million yuan); unknown units as they are."""
    if not code:
        return ""
    found = units().find(code)
    return found.name_en if found is not None else code


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value in ``from_unit`` by this to express it in ``to_unit``."""
    return units().conversion_factor(from_unit, to_unit)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    if from_unit == to_unit:
        return value
    return value * conversion_factor(from_unit, to_unit)
