"""Settings come from QIANFU_* variables with zero-config defaults; nothing happens at import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import bundled_dir
from app.settings import Settings
from tests.conftest import REPO


def test_zero_config_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = Settings()
    assert settings.data_dir == tmp_path / "xdg" / "qianfu"
    assert settings.database_url == f"sqlite:///{tmp_path / 'xdg' / 'qianfu' / 'qianfu.db'}"
    assert settings.is_sqlite
    assert settings.seed_dir == bundled_dir("seed")
    assert (settings.seed_dir / "taxonomy.yaml").is_file()
    assert settings.cors_origins == []
    assert not settings.data_dir.exists(), "building settings creates nothing"
    settings.ensure_data_dir()
    assert settings.data_dir.is_dir()


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANFU_DATABASE_URL", "postgresql+psycopg://u@db/qianfu")
    monkeypatch.setenv("QIANFU_CORS_ORIGINS", '["https://mp.example.cn"]')
    monkeypatch.setenv("QIANFU_CACHE_MAX_AGE", "60")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@db/qianfu"
    assert not settings.is_sqlite
    assert settings.cors_origins == ["https://mp.example.cn"]
    assert settings.cache_max_age == 60


def test_importing_the_app_creates_nothing(tmp_path: Path) -> None:
    code = "import app.main, app.cli, app.models; print('ok')"
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "ok"
    assert not (tmp_path / "xdg").exists()
