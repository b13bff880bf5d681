"""Engine construction and the per-request database session dependency.

SQLite gets WAL, foreign keys and a busy timeout. Transactions begin DEFERRED for reads; a
writer asks for ``BEGIN IMMEDIATE`` through :func:`writer`, because a deferred transaction
that upgrades to a write fails at once under contention (reliability.md F10).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlmodel import Session, create_engine

from app.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(settings: Settings) -> Engine:
    """Build the engine for the configured database (no connection is opened here)."""
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        settings.database_url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=2,
        connect_args={"connect_timeout": 5},
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, so we choose its mode.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode stays consistent; a power cut may lose the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def writer(engine: Engine) -> Iterator[Session]:
    """A session for one all-or-nothing write: committed on success, rolled back on error."""
    bound = (
        engine.execution_options(sqlite_begin="IMMEDIATE") if engine.name == "sqlite" else engine
    )
    with Session(bound) as session, session.begin():
        yield session
