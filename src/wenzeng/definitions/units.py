"""The built-in units of measure, read once from ``wenzeng/catalog/units.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from wenzeng.definitions.yaml_doc import load_yaml, validate_document
from wenzeng.domain.text import I18n
from wenzeng.domain.units import Unit, UnitError, UnitRegistry
from wenzeng.errors import ValidationFailed


class UnitRecord(BaseModel):
    """One unit as the file writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=16)
    dimension: str = Field(pattern=r"^[a-z][a-z_]*$")
    factor: float = Field(gt=0)
    name: I18n
    aliases: list[str] = Field(default_factory=list)

    def unit(self) -> Unit:
        return Unit(
            self.code, self.dimension, self.factor, self.name.en, self.name.zh, tuple(self.aliases)
        )


class _UnitsDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["wenzeng/units/v1"] = Field(alias="schema")
    units: list[UnitRecord] = Field(min_length=1)


def read_units(path: Path, text: str | None = None) -> list[Unit]:
    """The units of a ``wenzeng/units/v1`` file, each problem named by file, line and key."""
    data, lines = load_yaml(path, text)
    doc = validate_document(_UnitsDoc, data, str(path), lines)
    return [r.unit() for r in doc.units]


@cache
def builtin_units() -> UnitRegistry:
    path = Path(str(resources.files("wenzeng") / "catalog" / "units.yaml"))
    try:
        return UnitRegistry.of(read_units(path))
    except UnitError as exc:
        raise ValidationFailed(f"{path}: {exc}") from exc
