"""Read the seed directory into validated models, collecting every problem found.

Nothing here touches the database: :func:`load_seed` returns a :class:`SeedBundle` or the full
list of problems, each naming its file and record, so ``qianfu check`` can report them all at
once and seeding can refuse to start on a broken seed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.providers.schema import ProviderEntry, ProvidersFile
from app.seedfiles.regions import RegionRow, read_divisions, read_townships
from app.seedfiles.schema import (
    ServiceFile,
    SourceEntry,
    SourcesFile,
    TaxonomyFile,
    service_file_name_ok,
)
from app.validation_messages import describe

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the seed: where it is and what is wrong, in Chinese."""

    file: str
    record: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.record}]" if self.record else self.file
        return f"{where}: {self.message}"


@dataclass
class SeedBundle:
    """The whole seed, validated file by file (cross-file checks are in ``check``)."""

    root: Path
    taxonomy: TaxonomyFile
    sources: SourcesFile
    services: dict[str, ServiceFile]
    service_files: dict[str, str]
    regions: list[RegionRow]
    providers: list[tuple[str, ProviderEntry]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class SeedError(Exception):
    """The seed has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"种子数据有 {len(problems)} 处问题")


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _validate(
    model: type[M], data: Any, file: str, record: str | None, problems: list[Problem]
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False, include_input=False):
            loc = ".".join(str(p) for p in err["loc"]) or "(整个文件)"
            problems.append(Problem(file, record, f"{loc}: {describe(dict(err))}"))
        return None


def _load_file(model: type[M], root: Path, name: str, problems: list[Problem]) -> M | None:
    path = root / name
    if not path.is_file():
        problems.append(Problem(_rel(root, path), None, "文件不存在"))
        return None
    try:
        data = _read_yaml(path)
    except yaml.YAMLError as exc:
        problems.append(Problem(_rel(root, path), None, f"YAML 语法错误：{exc}"))
        return None
    return _validate(model, data, _rel(root, path), None, problems)


def _load_sources(root: Path, problems: list[Problem]) -> SourcesFile | None:
    """Merge every ``seed/sources/*.yaml`` file into one registry."""
    merged: list[SourceEntry] = []
    files = sorted((root / "sources").glob("*.yaml"))
    if not files:
        problems.append(Problem(_rel(root, root / "sources"), None, "没有来源登记文件"))
        return None
    ok = True
    for path in files:
        part = _load_file(SourcesFile, root, str(path.relative_to(root)), problems)
        if part is None:
            ok = False
            continue
        merged.extend(part.sources)
    return SourcesFile(sources=merged) if ok else None


def _load_services(
    root: Path, problems: list[Problem]
) -> tuple[dict[str, ServiceFile], dict[str, str]]:
    services: dict[str, ServiceFile] = {}
    files: dict[str, str] = {}
    service_dir = root / "services"
    for path in sorted(service_dir.rglob("*")):
        if path.is_dir():
            continue
        rel = _rel(root, path)
        if not service_file_name_ok(path.name):
            problems.append(
                Problem(rel, None, "服务文件名必须是 <code>.yaml（小写字母、数字和连字符）")
            )
            continue
        try:
            data = _read_yaml(path)
        except yaml.YAMLError as exc:
            problems.append(Problem(rel, None, f"YAML 语法错误：{exc}"))
            continue
        record = data.get("code") if isinstance(data, dict) else None
        service = _validate(ServiceFile, data, rel, record, problems)
        if service is None:
            continue
        if path.stem != service.code:
            problems.append(Problem(rel, service.code, f"文件名应为 {service.code}.yaml"))
        if service.code in services:
            problems.append(Problem(rel, service.code, f"服务代码与 {files[service.code]} 重复"))
            continue
        services[service.code] = service
        files[service.code] = rel
    if not services and not problems:
        problems.append(Problem(_rel(root, service_dir), None, "没有任何服务文件"))
    return services, files


def _load_regions(root: Path, problems: list[Problem]) -> list[RegionRow]:
    divisions = root / "regions" / "guizhou-divisions.json"
    townships = root / "regions" / "guizhou-townships.csv"
    rows: list[RegionRow] = []
    for path, reader in ((divisions, read_divisions), (townships, read_townships)):
        rel = _rel(root, path)
        if not path.is_file():
            problems.append(Problem(rel, None, "文件不存在"))
            continue
        try:
            rows.extend(reader(path, rel, problems))
        except (json.JSONDecodeError, csv.Error, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, None, f"无法读取：{exc}"))
    return rows


def _load_providers(root: Path, problems: list[Problem]) -> list[tuple[str, ProviderEntry]]:
    """Every ``seed/providers/*.yaml`` record, with the file it came from."""
    out: list[tuple[str, ProviderEntry]] = []
    for path in sorted((root / "providers").glob("*.yaml")):
        part = _load_file(ProvidersFile, root, str(path.relative_to(root)), problems)
        if part is not None:
            out.extend((_rel(root, path), entry) for entry in part.providers)
    return out


def load_seed(root: Path) -> SeedBundle:
    """Load and validate every seed file; raise :class:`SeedError` listing all problems."""
    from app.seedfiles.check import cross_check

    problems: list[Problem] = []
    taxonomy = _load_file(TaxonomyFile, root, "taxonomy.yaml", problems)
    sources = _load_sources(root, problems)
    services, files = _load_services(root, problems)
    regions = _load_regions(root, problems)
    providers = _load_providers(root, problems)
    if taxonomy is None or sources is None:
        raise SeedError(problems)
    bundle = SeedBundle(root, taxonomy, sources, services, files, regions, providers)
    problems.extend(cross_check(bundle))
    if problems:
        raise SeedError(problems)
    return bundle
