"""Providers, modelled after Open Referral HSDS: organisation → location → services.

A *location* is a place a resident can go to (a 托育机构, a 卫生院, a legal-aid window); it
belongs to an *organisation* and delivers catalogue services. Coordinates are stored in one
system only — WGS-84 (see :mod:`app.geo.coords` for why); the API converts from and to GCJ-02
and BD-09 at the edge, and sources published in GCJ-02 are converted when seeded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.models.base import CODE_LEN, REGION_CODE_LEN, STATUS_LEN
from app.models.verification import Verifiable


class Organization(Verifiable, table=True):
    """An organisation that runs one or more locations (HSDS ``organization``)."""

    id: str = Field(primary_key=True, max_length=CODE_LEN)
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_column=Column(Text))
    url: str | None = Field(default=None, sa_column=Column(Text))
    sample: bool = Field(default=False, index=True)


class Location(Verifiable, table=True):
    """A place where services are delivered (HSDS ``location`` with its contact and hours)."""

    id: str = Field(primary_key=True, max_length=CODE_LEN)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=CODE_LEN)
    name: str = Field(max_length=200, index=True)
    type: str = Field(max_length=32, index=True)
    address: str | None = Field(default=None, sa_column=Column(Text))
    region_code: str = Field(foreign_key="region.code", index=True, max_length=REGION_CODE_LEN)
    county_code: str | None = Field(
        default=None, foreign_key="region.code", index=True, max_length=REGION_CODE_LEN
    )
    lat: float | None = None
    lng: float | None = None
    location_note: str | None = Field(default=None, sa_column=Column(Text))
    phone: str | None = Field(default=None, max_length=64)
    opening_hours: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    opening_hours_text: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="open", max_length=STATUS_LEN)
    inclusive: bool | None = None
    price: str | None = Field(default=None, sa_column=Column(Text))
    capacity: int | None = None
    vacancies: int | None = None
    accessibility: list[str] | None = Field(default=None, sa_column=Column(JSON))
    languages: list[str] | None = Field(default=None, sa_column=Column(JSON))
    transport: str | None = Field(default=None, sa_column=Column(Text))
    sample: bool = Field(default=False, index=True)
    origin: str = Field(default="seed", max_length=STATUS_LEN, index=True)


class ServiceAtLocation(SQLModel, table=True):
    """A catalogue service delivered at a location (HSDS ``service_at_location``)."""

    __tablename__ = "service_at_location"

    location_id: str = Field(foreign_key="location.id", primary_key=True, max_length=CODE_LEN)
    service_code: str = Field(
        foreign_key="service.code", primary_key=True, index=True, max_length=CODE_LEN
    )


class LocationSource(SQLModel, table=True):
    """A source attesting a location's facts."""

    __tablename__ = "location_source"

    location_id: str = Field(foreign_key="location.id", primary_key=True, max_length=CODE_LEN)
    source_id: str = Field(foreign_key="source.id", primary_key=True, max_length=CODE_LEN)


class CorrectionReport(SQLModel, table=True):
    """ "信息有误？" — a resident's report about a location. Holds no personal data.

    ``location_id`` has no foreign key on purpose: seed reloads, re-imports and demo mode
    replace location rows (delete, then insert), and editors' reports must outlive that.
    """

    __tablename__ = "correction_report"

    id: int | None = Field(default=None, primary_key=True)
    location_id: str = Field(index=True, max_length=CODE_LEN)
    topic: str = Field(max_length=STATUS_LEN)
    message: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
    status: str = Field(default="new", max_length=STATUS_LEN, index=True)
