"""Dated, regional parameters (local standards) and their resolution with provenance.

A parameter (e.g. 当地最低生活保障标准) has values per region and date. Resolving walks the
region's parent chain (county → 市(州) → province → ``national``) and takes, at the first level
that has a value in force on ``as_of``, that value with its provenance. A ``null`` value means
"this level sets the standard but no source gives the number": resolution stops there and the
result is "标准待核实" — a higher level's number is never used in its place, and nothing is
guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from app.eligibility.facts import Strict, Text

PARAM_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
ParamId = Annotated[str, StringConstraints(pattern=PARAM_ID_PATTERN, max_length=80)]
RegionKey = Annotated[str, StringConstraints(pattern=r"^(national|\d{6}(\d{3})?)$")]
NATIONAL = "national"


class RegionalPeriod(Strict):
    """Something that holds for one region over a date range (``valid_to`` exclusive)."""

    region: RegionKey
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _period(self) -> RegionalPeriod:
        if self.valid_from and self.valid_to and self.valid_from >= self.valid_to:
            raise ValueError("valid_from 必须早于 valid_to")
        return self

    def in_force(self, as_of: dt.date) -> bool:
        """Whether it applies on ``as_of``."""
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of < self.valid_to
        )


class ParamValue(RegionalPeriod):
    """A value for one region over a date range (``valid_to`` exclusive)."""

    value: float | None = None
    sources: tuple[str, ...] = ()
    note_zh: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> ParamValue:
        if self.value is not None and not self.sources:
            raise ValueError("有数值的参数必须注明来源 sources（否则写 null）")
        return self


class ParamDef(Strict):
    """A local standard that rules compare facts against."""

    id: ParamId
    label_zh: Text
    unit: Text
    basis_zh: Text = Field(description="who sets this standard, per the cited law")
    sources: tuple[str, ...] = Field(min_length=1)
    values: tuple[ParamValue, ...] = Field(min_length=1)


class ParametersFile(Strict):
    """``seed/eligibility/parameters.yaml``."""

    parameters: tuple[ParamDef, ...] = ()


Level = Literal["national", "province", "prefecture", "county", "township"]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a resolved value comes from (``value`` None = 标准待核实)."""

    param: str
    label: str
    unit: str
    value: float | None
    level: Level | None
    region: str | None
    valid_from: dt.date | None
    sources: tuple[str, ...]
    note: str | None


class ParamTable:
    """One parameter's values, indexed by region for fast resolution."""

    __slots__ = ("by_region", "definition")

    def __init__(self, definition: ParamDef) -> None:
        self.definition = definition
        by_region: dict[str, list[ParamValue]] = {}
        for value in definition.values:
            by_region.setdefault(value.region, []).append(value)
        self.by_region = {k: tuple(v) for k, v in by_region.items()}

    def resolve(self, chain: Sequence[str], levels: Sequence[Level], as_of: dt.date) -> Provenance:
        """The value in force at the most specific level of ``chain`` (then ``national``)."""
        for code, level in zip((*chain, NATIONAL), (*levels, "national"), strict=True):
            for value in self.by_region.get(code, ()):
                if value.in_force(as_of):
                    return self._provenance(value, level)
        return self._provenance(None, None)

    def _provenance(self, value: ParamValue | None, level: Level | None) -> Provenance:
        d = self.definition
        if value is None:
            return Provenance(d.id, d.label_zh, d.unit, None, None, None, None, d.sources, None)
        return Provenance(
            param=d.id,
            label=d.label_zh,
            unit=d.unit,
            value=value.value,
            level=level,
            region=None if value.region == NATIONAL else value.region,
            valid_from=value.valid_from,
            sources=value.sources or d.sources,
            note=value.note_zh,
        )
