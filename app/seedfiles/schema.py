"""Pydantic shapes of the reviewed seed files in ``seed/``.

The seed is data reviewed like code, so every file is validated strictly: unknown keys are
errors, codes have fixed forms, and facts must name their sources. Cross-file checks (does a
source id exist, is a region code known) live in :mod:`app.seedfiles.check`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.domain import FIELD_KINDS, Tier, VerificationStatus

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REGION_PATTERN = r"^52\d{4}(?:\d{3})?$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=64)]
RegionCode = Annotated[str, StringConstraints(pattern=REGION_PATTERN)]
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1\d|2[0-2])$")]
EditionCode = Literal["2021", "2023"]


class Strict(BaseModel):
    """Base for seed models: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Verification(Strict):
    """How far a fact has been checked; ``verified`` needs the date of the check."""

    status: VerificationStatus
    checked_on: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _verified_needs_date(self) -> Verification:
        if self.status is VerificationStatus.VERIFIED and self.checked_on is None:
            raise ValueError("verified 记录必须写明核对日期 checked_on")
        if self.status is not VerificationStatus.VERIFIED and self.checked_on is not None:
            raise ValueError("只有 verified 记录才有核对日期 checked_on")
        return self


class SourceEntry(Strict):
    """A document a fact comes from: title, 文号, issuer, date and where it was read."""

    id: Slug
    title: NonBlank
    doc_no: str | None = None
    issuer: str | None = None
    published_on: dt.date | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    note: str | None = None


class SourcesFile(Strict):
    """``seed/sources.yaml``."""

    sources: list[SourceEntry]


class AreaEntry(Strict):
    """One of the nine areas of 七有两保障."""

    code: Slug
    name: NonBlank
    ordinal: int = Field(ge=1, le=9)
    description: NonBlank


class CategoryEntry(Strict):
    """One of the 22 categories (大类) of the national standard, numbered as in its text."""

    code: CategoryCode
    name: NonBlank
    area: Slug


class LifeEventEntry(Strict):
    """A life event (人生事项) that groups services the way residents think of them."""

    code: Slug
    name: NonBlank
    ordinal: int = Field(ge=1)
    description: NonBlank


class EditionEntry(Strict):
    """An edition of the national standard with the dates it was in force."""

    code: EditionCode
    title: NonBlank
    doc_no: str | None = None
    published_on: dt.date | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None
    item_count: int = Field(ge=1)
    note: str | None = None
    sources: list[Slug] = Field(min_length=1)


class TaxonomyFile(Strict):
    """``seed/taxonomy.yaml``: areas, categories, life events and editions."""

    areas: list[AreaEntry]
    categories: list[CategoryEntry]
    life_events: list[LifeEventEntry]
    editions: list[EditionEntry]


class FieldValueEntry(Strict):
    """One dated, regional value of a service field, with its own sources.

    ``region: national`` marks national wording (``edition`` names the standard edition it is
    quoted from, whose dates then apply unless given); a region code marks a provincial, city
    or county value that overrides it for that region and below.
    """

    value: NonBlank | list[NonBlank]
    region: Literal["national"] | RegionCode
    edition: EditionCode | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    sources: list[Slug] = Field(min_length=1)
    verification: Verification

    @model_validator(mode="after")
    def _dates_ordered(self) -> FieldValueEntry:
        _check_dates(self.valid_from, self.valid_to)
        if self.edition is not None and self.region != "national":
            raise ValueError("只有国家标准原文（region: national）才标注 edition")
        return self


class AmountEntry(Strict):
    """A money amount (补贴、标准). ``value: null`` means the amount exists but is 待核实."""

    key: Slug
    label: NonBlank
    value: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    unit: NonBlank
    region: Literal["national"] | RegionCode
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    sources: list[Slug] = Field(min_length=1)
    verification: Verification

    @model_validator(mode="after")
    def _dates_ordered(self) -> AmountEntry:
        _check_dates(self.valid_from, self.valid_to)
        return self


class StandardRefEntry(Strict):
    """A dated reference from a service to the item of a standard edition it implements."""

    edition: EditionCode
    item_no: Annotated[str, StringConstraints(pattern=r"^\d{1,2}\.\(\d{1,2}\)$")] | None = None
    item_name: NonBlank
    sources: list[Slug] = Field(min_length=1)


class ServiceFile(Strict):
    """``seed/services/<area>/<code>.yaml``: one public service across editions."""

    code: Slug
    name: NonBlank
    aliases: list[NonBlank] = Field(default_factory=list)
    tier: Tier
    area: Slug
    category: CategoryCode | None = None
    region: RegionCode = "520000"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    summary: NonBlank | None = None
    life_events: list[Slug] = Field(default_factory=list)
    sources: list[Slug] = Field(min_length=1)
    verification: Verification
    standard_refs: list[StandardRefEntry] = Field(default_factory=list)
    fields: dict[str, list[FieldValueEntry]] = Field(default_factory=dict)
    amounts: list[AmountEntry] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServiceFile:
        _check_dates(self.valid_from, self.valid_to)
        unknown = sorted(set(self.fields) - set(FIELD_KINDS))
        if unknown:
            raise ValueError(f"未知字段 {unknown}；可用字段：{', '.join(FIELD_KINDS)}")
        if self.tier is not Tier.BASIC and self.standard_refs:
            raise ValueError("只有基本公共服务（tier: basic）才对应国家标准条目 standard_refs")
        keys = [a.key for a in self.amounts]
        if len(keys) != len(set(keys)) and not _amount_keys_distinct(self.amounts):
            raise ValueError("同一地区、同一时段的金额 key 重复")
        return self


def _amount_keys_distinct(amounts: list[AmountEntry]) -> bool:
    seen: set[tuple[str, str, dt.date | None]] = set()
    for a in amounts:
        marker = (a.key, a.region, a.valid_from)
        if marker in seen:
            return False
        seen.add(marker)
    return True


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ValueError("valid_to 必须晚于 valid_from")


_SERVICE_FILE_NAME = re.compile(SLUG_PATTERN[:-1] + r"\.ya?ml$")


def service_file_name_ok(name: str) -> bool:
    """A service file is named after its code: ``<code>.yaml``."""
    return bool(_SERVICE_FILE_NAME.match(name))
