"""Configuration from ``QIANFU_*`` environment variables, with zero-config defaults.

There is no module-level instance: the app factory and the CLI build one with
:func:`get_settings` (cached), and tests build their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.paths import bundled_dir


def _default_data_dir() -> Path:
    return platformdirs.user_data_path("qianfu", appauthor=False)


class Settings(BaseSettings):
    """Everything the app and the CLI can be configured with."""

    model_config = SettingsConfigDict(env_prefix="QIANFU_", extra="ignore")

    environment: Literal["development", "test", "production"] = "production"
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in data_dir.",
    )
    seed_dir: Path = Field(default_factory=lambda: bundled_dir("seed"))
    static_dir: Path = Field(default_factory=lambda: bundled_dir("static"))
    template_dir: Path | None = Field(
        default=None, description="Optional folder whose templates override the bundled ones."
    )
    seed_on_start: bool = True
    cors_origins: list[str] = Field(default_factory=list)
    cache_max_age: int = Field(default=300, ge=0, le=86_400)
    catalogue_check_seconds: float = Field(
        default=1.0, ge=0, le=60, description="How often a worker re-checks catalog_version."
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    public_base_url: str = ""
    search_backend: Literal["embedded", "meilisearch"] = "embedded"
    search_fallback: bool = Field(
        default=False,
        description="Answer from the embedded index when Meilisearch is down (instead of 503).",
    )
    meili_url: str = "http://127.0.0.1:7700"
    meili_master_key: str = ""
    meili_index_prefix: str = "qianfu"
    meili_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    demo: bool = Field(
        default=False,
        description="Load generated SAMPLE providers (every page then shows a 演示数据 banner).",
    )
    demo_providers: int = Field(default=3000, ge=1, le=500_000)
    editor_token: str = Field(
        default="",
        description="Bearer token for the editor endpoints; empty disables them (403).",
    )
    correction_reports_per_hour: int = Field(default=5, ge=1, le=1000)

    @field_validator("cors_origins")
    @classmethod
    def _no_null_origin(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin == "null" or not (
                origin == "*" or origin.startswith(("http://", "https://"))
            ):
                raise ValueError(f"CORS origin {origin!r} must be '*' or an http(s) origin")
        return origins

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'qianfu.db'}"
        return self

    @property
    def search_index_path(self) -> Path:
        """Where the embedded search index file lives."""
        return self.data_dir / "search" / "embedded-index.sqlite3"

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is SQLite (the embedded default)."""
        return self.database_url.startswith("sqlite")

    def ensure_data_dir(self) -> None:
        """Create the data directory for the default SQLite file (at start, never at import)."""
        if self.is_sqlite and ":memory:" not in self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            db_path = self.database_url.removeprefix("sqlite:///")
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
