"""Alembic environment: uses the engine handed over by :mod:`app.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import app.models  # noqa: F401  (registers every table on the metadata)
from app.models.base import metadata

config = context.config


def _run() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        from app.db import make_engine
        from app.settings import get_settings

        engine = make_engine(get_settings())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("qianfu migrations run online only (qianfu migrate)")
_run()
