"""The ``qianfu`` command line: thin wrappers over bootstrap, seeding and migrations."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

import app as package
from app import migrate as migrations
from app.bootstrap import prepare_database, prepare_search
from app.db import make_engine
from app.eligibility.loader import check_ruleset
from app.http_protocol import BufferedHttpToolsProtocol
from app.providers.hsds import stream_hsds
from app.providers.importing import (
    ImportEncoding,
    ImportFormat,
    ImportRefused,
    import_providers,
    read_providers,
)
from app.search.base import SearchUnavailable
from app.seedfiles.load import SeedError, load_seed
from app.seeding import seed_database, stored_fingerprint
from app.settings import Settings, get_settings

app = typer.Typer(
    help="黔服 qianfu：贵州省公共服务目录", no_args_is_help=True, add_completion=False
)

HSDS_FILE_NAME = "qianfu-hsds.json"

SeedDirOption = Annotated[
    Path | None,
    typer.Option("--seed-dir", help="种子数据目录（默认使用随程序发布的 seed/）"),
]


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="端口")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="工作进程数")] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="载入程序生成的示例办理点（演示数据，页面会标明）；不加此项启动时会移除它们",
        ),
    ] = False,
) -> None:
    """迁移数据库、首次启动时载入种子数据，然后启动网站和 API。"""
    settings = get_settings()
    if demo:
        settings = settings.model_copy(update={"demo": True})
        os.environ["QIANFU_DEMO"] = "true"  # the workers build their settings from the env
    _setup_logging(settings.log_level)
    engine = make_engine(settings)
    try:
        prepare_database(settings, engine)
        prepare_search(settings, engine)
    except SeedError as exc:
        _print_problems(exc)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()
    database = _safe_url(settings.database_url)
    typer.echo(f"黔服 qianfu {package.__version__}: http://{host}:{port}/  (数据库 {database})")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        server_header=False,
        log_level=settings.log_level,
        http=BufferedHttpToolsProtocol,
    )


@contextmanager
def _database() -> Iterator[tuple[Settings, Engine]]:
    """Settings, logging and an engine on the data directory (created if missing)."""
    settings = get_settings()
    _setup_logging(settings.log_level)
    settings.ensure_data_dir()
    engine = make_engine(settings)
    try:
        yield settings, engine
    finally:
        engine.dispose()


@app.command()
def migrate() -> None:
    """把数据库结构升级到最新版本。"""
    settings = get_settings()
    settings.ensure_data_dir()
    engine = make_engine(settings)
    migrations.upgrade(engine)
    engine.dispose()
    typer.echo("数据库结构已是最新版本")


@app.command()
def seed(seed_dir: SeedDirOption = None) -> None:
    """校验并载入种子数据（全部成功或全部不写入；可重复执行）。"""
    with _database() as (settings, engine):
        try:
            migrations.upgrade(engine)
            report = seed_database(engine, seed_dir or settings.seed_dir)
            prepare_search(settings, engine)
        except SeedError as exc:
            _print_problems(exc)
            raise typer.Exit(code=1) from exc
    state = "已更新" if report.changed else "无变化"
    typer.echo(
        f"种子数据{state}：{report.services} 项服务，{report.regions} 个地区，"
        f"{report.sources} 份来源"
    )


@app.command()
def reindex() -> None:
    """从数据库重建当前搜索引擎的索引（先建新索引再切换，重建期间搜索照常）。"""
    with _database() as (settings, engine):
        try:
            prepare_search(settings, engine, force=True)
        except SearchUnavailable as exc:
            typer.echo(f"无法连接搜索引擎：{exc}", err=True)
            raise typer.Exit(code=1) from exc
    typer.echo(f"搜索索引已重建（{settings.search_backend}）")


@app.command()
def check(seed_dir: SeedDirOption = None) -> None:
    """校验种子数据，列出每个问题所在的文件和记录；有问题时退出码为 1。"""
    root = seed_dir or get_settings().seed_dir
    try:
        bundle = load_seed(root)
    except SeedError as exc:
        _print_problems(exc)
        raise typer.Exit(code=1) from exc
    rule_problems = check_ruleset(root)
    if rule_problems:
        _print_problems(SeedError(rule_problems))
        raise typer.Exit(code=1)
    typer.echo(
        f"种子数据有效：{len(bundle.services)} 项服务，{len(bundle.regions)} 个地区，"
        f"{len(bundle.sources.sources)} 份来源"
    )


@app.command("import-providers")
def import_providers_command(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV 或 JSON 文件"),
    ],
    fmt: Annotated[
        ImportFormat | None, typer.Option("--format", help="csv 或 json（默认按扩展名）")
    ] = None,
    encoding: Annotated[
        ImportEncoding,
        typer.Option(help="文件编码：utf-8（默认）、gbk 或 gb18030；程序不会猜测"),
    ] = ImportEncoding.UTF8,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只校验（包括与数据库核对），不写入")
    ] = False,
) -> None:
    """从登记名录导入办理点（CSV/JSON）：逐条校验，全部通过才写入，有问题时列出每一处。"""
    with _database() as (settings, engine):
        try:
            migrations.upgrade(engine)
            if not _is_seeded(engine):
                typer.echo("数据库还没有载入种子数据，请先运行 qianfu seed", err=True)
                raise typer.Exit(code=1)
            records = read_providers(file, fmt, encoding)
            report = import_providers(engine, records, dry_run=dry_run)
            if not dry_run:
                prepare_search(settings, engine)
        except ImportRefused as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"共 {len(exc.problems)} 处问题，未写入任何记录", err=True)
            raise typer.Exit(code=1) from exc
    if report.dry_run:
        typer.echo(
            f"校验通过（未写入）：{report.total} 条，其中新增 {report.added} 条、"
            f"更新 {report.updated} 条"
        )
    else:
        typer.echo(
            f"已导入 {report.total} 条办理点：新增 {report.added} 条，更新 {report.updated} 条"
        )


@app.command("export-hsds")
def export_hsds_command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", file_okay=False, help="写入此目录下的 qianfu-hsds.json（默认输出到标准输出）"
        ),
    ] = None,
    include_sample: Annotated[
        bool, typer.Option("--include-sample", help="包含程序生成的示例数据（带 sample 标记）")
    ] = False,
) -> None:
    """以 Open Referral HSDS 3.0 的形式导出办理点（JSON），与 GET /api/v1/export/hsds 相同。"""
    settings = get_settings()
    engine = make_engine(settings)
    try:
        if not migrations.is_current(engine):
            typer.echo("数据库结构不是最新版本，请先运行 qianfu migrate", err=True)
            raise typer.Exit(code=1)
        chunks = stream_hsds(engine, include_sample=include_sample)
        if out is None:
            for chunk in chunks:
                typer.echo(chunk, nl=False)
            return
        out.mkdir(parents=True, exist_ok=True)
        target = out / HSDS_FILE_NAME
        partial = target.with_suffix(".json.partial")
        with partial.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        partial.replace(target)  # readers never see half a file
    finally:
        engine.dispose()
    typer.echo(f"已导出到 {target}")


def _is_seeded(engine: Engine) -> bool:
    with Session(engine) as session:
        return stored_fingerprint(session) is not None


@app.command()
def version() -> None:
    """显示版本号。"""
    typer.echo(f"qianfu {package.__version__}")


def _print_problems(exc: SeedError) -> None:
    for problem in exc.problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"种子数据有 {len(exc.problems)} 处问题", err=True)


def _safe_url(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
