"""Administrative divisions of Guizhou, down to 乡镇/街道."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field

from app.models.base import REGION_CODE_LEN, STATUS_LEN
from app.models.verification import Verifiable


class Region(Verifiable, table=True):
    """A GB/T 2260 division (6 digits) or an NBS 乡镇/街道 (9 digits).

    Seat coordinates are GCJ-02, as published by the source; they are null where unknown.
    """

    code: str = Field(primary_key=True, max_length=REGION_CODE_LEN)
    name: str = Field(max_length=64)
    level: str = Field(max_length=STATUS_LEN, index=True)
    parent_code: str | None = Field(
        default=None, foreign_key="region.code", index=True, max_length=REGION_CODE_LEN
    )
    seat_lat_gcj02: float | None = None
    seat_lng_gcj02: float | None = None
    source_note: str = Field(sa_column=Column(Text, nullable=False))
