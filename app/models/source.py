"""Documents that facts come from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.models.base import CODE_LEN


class Source(SQLModel, table=True):
    """A cited document: title, 文号, issuing body, date and where it was read."""

    id: str = Field(primary_key=True, max_length=CODE_LEN)
    title: str = Field(sa_column=Column(Text, nullable=False))
    doc_no: str | None = Field(default=None, max_length=128)
    issuer: str | None = Field(default=None, max_length=256)
    published_on: dt.date | None = None
    url: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))
