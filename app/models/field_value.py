"""Dated, regional values of a service's fields, each with its own sources."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.base import CODE_LEN, REGION_CODE_LEN
from app.models.verification import Verifiable


class ServiceFieldValue(Verifiable, table=True):
    """One value of one field (服务对象, 申请材料 …) for a region and a period.

    ``region_code`` null means national wording; ``edition_code`` names the standard edition
    the national wording is quoted from. ``value`` is a string or a list of strings.
    """

    __tablename__ = "service_field_value"

    id: int | None = Field(default=None, primary_key=True)
    service_code: str = Field(foreign_key="service.code", index=True, max_length=CODE_LEN)
    field: str = Field(max_length=32)
    region_code: str | None = Field(
        default=None, foreign_key="region.code", max_length=REGION_CODE_LEN
    )
    edition_code: str | None = Field(
        default=None, foreign_key="standard_edition.code", max_length=4
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    value: str | list[str] = Field(sa_column=Column(JSON, nullable=False))


class FieldValueSource(SQLModel, table=True):
    """A source of a field value."""

    __tablename__ = "field_value_source"

    field_value_id: int = Field(foreign_key="service_field_value.id", primary_key=True)
    source_id: str = Field(foreign_key="source.id", primary_key=True, max_length=CODE_LEN)
