"""The demo's calibration: read from ``calibration.yaml`` next to this module, validated.

:func:`load_calibration` reads and checks the file (pydantic, naming file, line and key of
any problem) and gives a :class:`Calibration` shaped for the generator: shocks keyed by
(year, month), profiles as small records, names as (zh, en) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from wenzeng.definitions.yaml_doc import load_yaml, validate_document

START_YEAR, END_YEAR = 2017, 2026  # the years generated (bases for YoY, trailing means, leads)

YearMonthMap = dict[int, dict[int, float]]  # year → month → multiplier


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Province(_Strict):
    share: float = Field(ge=0, description="share of national revenue around 2022")
    drift: float = Field(description="drift of the share a year (log)")
    export: float = Field(gt=0, description="export intensity")
    labour: float = Field(gt=0, description="labour intensity")


class SubRegion(_Strict):
    province: str
    share: float = Field(gt=0, le=1, description="share of the province's figures")
    drift: float = Field(description="drift of that share a year (log)")


class SectorProfile(_Strict):
    growth: float = Field(description="relative growth of the sector's firms a year (log)")
    margin: float = Field(gt=0, description="margin relative to the industry's")
    export: float = Field(gt=0, description="export intensity")
    productivity: float = Field(gt=0, description="revenue per person relative to the province")


def _check_months(shocks: YearMonthMap) -> YearMonthMap:
    for year, months in shocks.items():
        if not START_YEAR <= year <= END_YEAR:
            raise ValueError(f"year {year} outside {START_YEAR}–{END_YEAR}")
        bad = sorted(m for m in months if not 1 <= m <= 12)
        if bad:
            raise ValueError(f"months must be 1–12, got {bad} in {year}")
    return shocks


class _National(_Strict):
    revenue: dict[int, float]
    margin_pct: dict[int, float]
    export_ratio: dict[int, float]
    employment: dict[int, int]

    @model_validator(mode="after")
    def _every_year(self) -> _National:
        years = set(range(START_YEAR, END_YEAR + 1))
        for name in ("revenue", "margin_pct", "export_ratio", "employment"):
            got = set(getattr(self, name))
            if got != years:
                raise ValueError(f"{name} needs exactly the years {START_YEAR}–{END_YEAR}")
        return self


class _Season(_Strict):
    revenue: list[float] = Field(min_length=12, max_length=12)
    margin: list[float] = Field(min_length=12, max_length=12)
    employment: list[float] = Field(min_length=12, max_length=12)


class _Shocks(_Strict):
    revenue: YearMonthMap
    margin: YearMonthMap
    export: YearMonthMap
    employment: YearMonthMap
    inventory: YearMonthMap
    local: dict[str, YearMonthMap]

    @field_validator("revenue", "margin", "export", "employment", "inventory")
    @classmethod
    def _months(cls, v: YearMonthMap) -> YearMonthMap:
        return _check_months(v)

    @field_validator("local")
    @classmethod
    def _local_months(cls, v: dict[str, YearMonthMap]) -> dict[str, YearMonthMap]:
        for shocks in v.values():
            _check_months(shocks)
        return v


class _Enterprises(_Strict):
    sector_mix: dict[str, float]
    specialisation: dict[str, dict[str, float]]
    downstream: list[str]
    sector_profiles: dict[str, SectorProfile]
    sector_margin_years: dict[str, dict[int, float]]
    list_downstream: str
    list_supply_chain: str
    large_revenue: float = Field(gt=0)

    @model_validator(mode="after")
    def _sectors_known(self) -> _Enterprises:
        missing = sorted(set(self.sector_mix) - set(self.sector_profiles))
        if missing:
            raise ValueError(f"sector_profiles lacks {', '.join(missing)}")
        return self


class _Names(_Strict):
    brand_first: list[tuple[str, str]] = Field(min_length=1)
    brand_second: list[tuple[str, str]] = Field(min_length=1)
    business: dict[str, list[tuple[str, str]]]


class _CalibrationDoc(_Strict):
    schema_: Literal["wenzeng/demo-calibration/v1"] = Field(alias="schema")
    national: _National
    season: _Season
    shocks: _Shocks
    provinces: dict[str, Province]
    default_province: Province
    enterprise_host_share: float = Field(ge=0)
    sub_regions: dict[str, SubRegion]
    enterprises: _Enterprises
    names: _Names
    products: dict[str, list[str]]

    @field_validator("sub_regions")
    @classmethod
    def _parents_known(cls, v: dict[str, SubRegion], info: ValidationInfo) -> dict[str, SubRegion]:
        provinces = info.data.get("provinces", {})
        unknown = sorted({s.province for s in v.values()} - set(provinces))
        if unknown:
            raise ValueError(f"not a province of provinces: {', '.join(unknown)}")
        return v

    @field_validator("names")
    @classmethod
    def _business_of_sectors(cls, v: _Names, info: ValidationInfo) -> _Names:
        enterprises = info.data.get("enterprises")
        sectors = set(enterprises.sector_mix) if enterprises else set()
        unknown = sorted(k for k in v.business if k.split(":")[0] not in sectors)
        if unknown:
            raise ValueError(f"business: not a sector of enterprises.sector_mix: {unknown}")
        return v

    @field_validator("products")
    @classmethod
    def _products_of_sectors(
        cls, v: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        enterprises = info.data.get("enterprises")
        sectors = set(enterprises.sector_mix) if enterprises else set()
        unknown = sorted(k for k in v if k.split(":")[0] not in sectors)
        if unknown:
            raise ValueError(f"not a sector of enterprises.sector_mix: {', '.join(unknown)}")
        return v


def _by_month(shocks: YearMonthMap) -> dict[tuple[int, int], float]:
    return {(y, m): v for y, months in shocks.items() for m, v in months.items()}


@dataclass(frozen=True)
class Calibration:
    """The calibration as the generator uses it (see calibration.yaml for each meaning)."""

    national_revenue: dict[int, float]
    national_margin_pct: dict[int, float]
    national_export_ratio: dict[int, float]
    national_employment: dict[int, int]
    season: list[float]
    margin_season: list[float]
    employment_season: list[float]
    revenue_shock: dict[tuple[int, int], float]
    margin_shock: dict[tuple[int, int], float]
    export_shock: dict[tuple[int, int], float]
    employment_shock: dict[tuple[int, int], float]
    inventory_cycle: dict[tuple[int, int], float]
    local_shock: dict[str, dict[tuple[int, int], float]]
    provinces: dict[str, Province]
    default_province: Province
    enterprise_host_share: float
    sub_regions: dict[str, SubRegion]
    sector_mix: dict[str, float]
    specialisation: dict[str, dict[str, float]]
    downstream: tuple[str, ...]
    sector_profiles: dict[str, SectorProfile]
    sector_margin_years: dict[str, dict[int, float]]
    list_downstream: str
    list_supply_chain: str
    large_revenue: float
    brand_first: list[tuple[str, str]]
    brand_second: list[tuple[str, str]]
    business: dict[str, list[tuple[str, str]]]
    products: dict[str, list[str]]

    def province(self, code: str) -> Province:
        return self.provinces.get(code, self.default_province)


def calibration_file() -> Path:
    return Path(str(resources.files("wenzeng.simulation").joinpath("calibration.yaml")))


def read_calibration(path: Path, text: str | None = None) -> Calibration:
    """Read and validate a calibration file; ``ValidationFailed`` names each problem."""
    data, lines = load_yaml(path, text)
    doc = validate_document(_CalibrationDoc, data, str(path), lines)
    shocks, ent, names = doc.shocks, doc.enterprises, doc.names
    return Calibration(
        national_revenue=doc.national.revenue,
        national_margin_pct=doc.national.margin_pct,
        national_export_ratio=doc.national.export_ratio,
        national_employment=doc.national.employment,
        season=doc.season.revenue,
        margin_season=doc.season.margin,
        employment_season=doc.season.employment,
        revenue_shock=_by_month(shocks.revenue),
        margin_shock=_by_month(shocks.margin),
        export_shock=_by_month(shocks.export),
        employment_shock=_by_month(shocks.employment),
        inventory_cycle=_by_month(shocks.inventory),
        local_shock={code: _by_month(v) for code, v in shocks.local.items()},
        provinces=doc.provinces,
        default_province=doc.default_province,
        enterprise_host_share=doc.enterprise_host_share,
        sub_regions=doc.sub_regions,
        sector_mix=ent.sector_mix,
        specialisation=ent.specialisation,
        downstream=tuple(ent.downstream),
        sector_profiles=ent.sector_profiles,
        sector_margin_years=ent.sector_margin_years,
        list_downstream=ent.list_downstream,
        list_supply_chain=ent.list_supply_chain,
        large_revenue=ent.large_revenue,
        brand_first=names.brand_first,
        brand_second=names.brand_second,
        business=names.business,
        products=doc.products,
    )


@cache
def load_calibration() -> Calibration:
    """The shipped calibration (read once)."""
    return read_calibration(calibration_file())
