"""The verification columns every fact-stating table carries."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from app.models.base import STATUS_LEN


class Verifiable(SQLModel):
    """Mixin: how far the row's facts were checked against their sources, and when."""

    verification: str = Field(max_length=STATUS_LEN)
    verified_on: dt.date | None = None
    verification_note: str | None = None
