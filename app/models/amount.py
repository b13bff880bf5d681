"""Money amounts a service states (补贴、标准), dated and regional, each with its sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, Numeric
from sqlmodel import Field, SQLModel

from app.models.base import CODE_LEN, REGION_CODE_LEN
from app.models.verification import Verifiable


class ServiceAmount(Verifiable, table=True):
    """An amount in 元 with its unit; ``value`` null means the amount is 待核实."""

    __tablename__ = "service_amount"

    id: int | None = Field(default=None, primary_key=True)
    service_code: str = Field(foreign_key="service.code", index=True, max_length=CODE_LEN)
    key: str = Field(max_length=CODE_LEN)
    label: str = Field(max_length=128)
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2)))
    unit: str = Field(max_length=32)
    region_code: str | None = Field(
        default=None, foreign_key="region.code", max_length=REGION_CODE_LEN
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class AmountSource(SQLModel, table=True):
    """A source of an amount."""

    __tablename__ = "amount_source"

    amount_id: int = Field(foreign_key="service_amount.id", primary_key=True)
    source_id: str = Field(foreign_key="source.id", primary_key=True, max_length=CODE_LEN)
