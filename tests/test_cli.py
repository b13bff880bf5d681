"""The qianfu command: version, migrate, seed (idempotent), and a failing seed exits non-zero."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import app
from app.cli import app as cli
from app.http_protocol import BufferedHttpToolsProtocol
from app.settings import get_settings
from tests.conftest import SEED_DIR

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("QIANFU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("QIANFU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_version() -> None:
    result = runner.invoke(cli, ["version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"qianfu {app.__version__}"


def test_migrate_then_seed_twice(cli_env: Path) -> None:
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    assert (cli_env / "data" / "qianfu.db").is_file()
    first = runner.invoke(cli, ["seed"])
    assert first.exit_code == 0, first.output
    assert "种子数据已更新" in first.output
    second = runner.invoke(cli, ["seed"])
    assert "种子数据无变化" in second.output


def test_seed_refuses_a_broken_seed(cli_env: Path) -> None:
    broken = cli_env / "seed"
    shutil.copytree(SEED_DIR, broken)
    (broken / "sources" / "core.yaml").write_text("sources: [oops", encoding="utf-8")
    result = runner.invoke(cli, ["seed", "--seed-dir", str(broken)])
    assert result.exit_code == 1
    assert "YAML 语法错误" in result.output


def test_serve_runs_uvicorn_with_the_buffered_protocol(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr("app.cli.prepare_database", lambda *args: None)
    monkeypatch.setattr("app.cli.prepare_search", lambda *args: None)
    monkeypatch.setattr("app.cli.uvicorn.run", lambda *args, **kwargs: seen.update(kwargs))
    result = runner.invoke(cli, ["serve", "--port", "8123", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert seen["http"] is BufferedHttpToolsProtocol
    assert seen["workers"] == 2
    assert seen["factory"] is True
