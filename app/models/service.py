"""Public services and their links to standard items, life events and sources."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.models.base import CODE_LEN, REGION_CODE_LEN, STATUS_LEN
from app.models.verification import Verifiable


class Service(Verifiable, table=True):
    """One public service, one record across editions of the standard.

    ``region_code`` is where the service is offered (the province for province-wide services,
    a 市(州) or county for local ones); ``sort_key`` orders the catalogue and backs cursors.
    """

    code: str = Field(primary_key=True, max_length=CODE_LEN)
    name: str = Field(max_length=128, index=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tier: str = Field(max_length=STATUS_LEN, index=True)
    area_code: str = Field(foreign_key="area.code", index=True, max_length=CODE_LEN)
    category_code: str | None = Field(
        default=None, foreign_key="category.code", index=True, max_length=2
    )
    region_code: str = Field(foreign_key="region.code", index=True, max_length=REGION_CODE_LEN)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))
    sort_key: str = Field(max_length=96, unique=True)


class ServiceSource(SQLModel, table=True):
    """A source attesting the service as a whole."""

    __tablename__ = "service_source"

    service_code: str = Field(foreign_key="service.code", primary_key=True, max_length=CODE_LEN)
    source_id: str = Field(foreign_key="source.id", primary_key=True, max_length=CODE_LEN)


class ServiceLifeEvent(SQLModel, table=True):
    """Membership of a service in a life event."""

    __tablename__ = "service_life_event"

    service_code: str = Field(foreign_key="service.code", primary_key=True, max_length=CODE_LEN)
    life_event_code: str = Field(
        foreign_key="life_event.code", primary_key=True, index=True, max_length=CODE_LEN
    )


class ServiceStandardRef(SQLModel, table=True):
    """The item of a standard edition that a service implements."""

    __tablename__ = "service_standard_ref"

    id: int | None = Field(default=None, primary_key=True)
    service_code: str = Field(foreign_key="service.code", index=True, max_length=CODE_LEN)
    edition_code: str = Field(foreign_key="standard_edition.code", index=True, max_length=4)
    item_no: str | None = Field(default=None, max_length=16)
    item_name: str = Field(max_length=128)


class StandardRefSource(SQLModel, table=True):
    """A source attesting a standard reference."""

    __tablename__ = "standard_ref_source"

    ref_id: int = Field(foreign_key="service_standard_ref.id", primary_key=True)
    source_id: str = Field(foreign_key="source.id", primary_key=True, max_length=CODE_LEN)
