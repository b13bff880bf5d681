"""The national standard's structure (areas, categories, editions) and life events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.models.base import CODE_LEN


class Area(SQLModel, table=True):
    """One of the nine areas of 七有两保障."""

    code: str = Field(primary_key=True, max_length=CODE_LEN)
    name: str = Field(max_length=32)
    ordinal: int
    description: str = Field(sa_column=Column(Text, nullable=False))


class Category(SQLModel, table=True):
    """One of the 22 categories (大类), numbered as in the national standard."""

    code: str = Field(primary_key=True, max_length=2)
    name: str = Field(max_length=64)
    area_code: str = Field(foreign_key="area.code", index=True, max_length=CODE_LEN)


class LifeEvent(SQLModel, table=True):
    """A life event (人生事项) grouping services as residents think of them."""

    __tablename__ = "life_event"

    code: str = Field(primary_key=True, max_length=CODE_LEN)
    name: str = Field(max_length=32)
    ordinal: int
    description: str = Field(sa_column=Column(Text, nullable=False))


class StandardEdition(SQLModel, table=True):
    """An edition of 国家基本公共服务标准 and the dates it was in force."""

    __tablename__ = "standard_edition"

    code: str = Field(primary_key=True, max_length=4)
    title: str = Field(max_length=128)
    doc_no: str | None = Field(default=None, max_length=64)
    published_on: dt.date | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None
    item_count: int
    note: str | None = Field(default=None, sa_column=Column(Text))


class EditionSource(SQLModel, table=True):
    """Which sources attest an edition."""

    __tablename__ = "edition_source"

    edition_code: str = Field(foreign_key="standard_edition.code", primary_key=True, max_length=4)
    source_id: str = Field(foreign_key="source.id", primary_key=True, max_length=64)
