"""Facts about the loaded dataset itself (seed fingerprint, when it was loaded)."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class DatasetMeta(SQLModel, table=True):
    """A key/value row describing the dataset, e.g. ``seed_sha256`` and ``seeded_at``."""

    __tablename__ = "dataset_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))
