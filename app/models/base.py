"""Shared metadata settings for every table: a naming convention Alembic can rely on."""

from __future__ import annotations

from sqlmodel import SQLModel

# Explicit constraint names make migrations reproducible on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

metadata = SQLModel.metadata

# Column sizes shared by several tables.
CODE_LEN = 64
REGION_CODE_LEN = 9
STATUS_LEN = 16
