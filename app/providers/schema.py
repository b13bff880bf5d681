"""The shape of a provider record, shared by the seed files, registry imports and the generator.

Strict like the rest of the seed: unknown keys are errors, codes have fixed forms, and every
record names its sources (generated sample records name the generator and are flagged).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.domain import PROVIDER_TYPES
from app.geo.coords import CoordType
from app.geo.hours import ScheduleError, parse_schedule
from app.seedfiles.schema import REGION_PATTERN, SLUG_PATTERN, Verification

ProviderId = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=3, max_length=64)]
# Institutional numbers only: digits with an optional area code and extension (no mobiles of
# staff; the import refuses 1xxxxxxxxxx mobile numbers, see PersonalContact below).
PHONE_PATTERN = r"^(0\d{2,3}-)?\d{3,8}(-\d{1,5})?$"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")

ProviderStatus = Literal["open", "temporarily_closed", "closed"]


class Strict(BaseModel):
    """Base: unknown keys are mistakes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Point(Strict):
    """A coordinate as published, with the system it is published in."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)
    coordtype: CoordType
    note: str | None = None


class ProviderEntry(Strict):
    """One provider location (and, by default, an organisation of the same name)."""

    id: ProviderId
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    organization: str | None = None
    type: str
    region: Annotated[str, StringConstraints(pattern=REGION_PATTERN)]
    address: str | None = Field(default=None, max_length=300)
    phone: Annotated[str, StringConstraints(pattern=PHONE_PATTERN)] | None = None
    location: Point | None = None
    hours: dict[str, object] | None = None
    hours_text: str | None = Field(default=None, max_length=300)
    status: ProviderStatus = "open"
    inclusive: bool | None = None
    price: str | None = Field(default=None, max_length=300)
    capacity: int | None = Field(default=None, ge=0, le=100_000)
    vacancies: int | None = Field(default=None, ge=0, le=100_000)
    accessibility: list[str] | None = None
    languages: list[str] | None = None
    transport: str | None = Field(default=None, max_length=300)
    services: list[Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]] = Field(
        default_factory=list
    )
    sources: list[Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]] = Field(min_length=1)
    verification: Verification
    note: str | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in PROVIDER_TYPES:
            raise ValueError(f"未知的办理点类型 {value}")
        return value

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, object] | None) -> dict[str, object] | None:
        if value is not None:
            try:
                parse_schedule(value)
            except ScheduleError as exc:
                raise ValueError(f"开放时间格式有误：{exc}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ProviderEntry:
        if (
            self.vacancies is not None
            and self.capacity is not None
            and self.vacancies > self.capacity
        ):
            raise ValueError("空余名额不能多于总名额")
        sample = self.verification.status.value == "sample"
        if sample and self.phone is not None:
            raise ValueError("示例数据不能有电话号码（逼真的号码可能打给真实的人）")
        if self.location is not None and not all(
            math.isfinite(v) for v in (self.location.lat, self.location.lng)
        ):
            raise ValueError("坐标必须是有限数字")
        return self


class ProvidersFile(Strict):
    """``seed/providers/*.yaml``."""

    providers: list[ProviderEntry]


def is_mobile(value: str) -> bool:
    """A personal mobile number (import refuses them in contact columns)."""
    return bool(_MOBILE.match(value.replace(" ", "").replace("-", "")))
