"""Read ``seed/eligibility/`` (plus the service, source and region files it refers to).

:func:`check_ruleset` returns every problem, each naming its file and record (``qianfu
check``); :func:`load_ruleset` raises :class:`~app.seedfiles.load.SeedError` with them, or
returns the compiled :class:`~app.eligibility.compile.Ruleset`. Loading is cached per process
and per file state, so building many apps (tests) reads the files once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.eligibility.compile import SourceRef
from app.eligibility.facts import FactsFile
from app.eligibility.parameters import Level, ParametersFile
from app.eligibility.regions import RegionIndex, RegionRow
from app.eligibility.rules import CoverageFile, RuleFile
from app.seedfiles.load import Problem, SeedError
from app.seedfiles.regions import read_divisions, read_townships
from app.validation_messages import describe

M = TypeVar("M", bound=BaseModel)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """The few catalogue facts about a seeded service that rules need."""

    code: str
    name: str
    region: str
    file: str


@dataclass
class RawRuleset:
    """Validated files, before cross-checks and compilation."""

    root: Path
    facts: FactsFile | None = None
    parameters: ParametersFile | None = None
    coverage: CoverageFile | None = None
    rules: dict[str, tuple[str, RuleFile, bytes]] = field(default_factory=dict)
    services: dict[str, ServiceEntry] = field(default_factory=dict)
    sources: dict[str, SourceRef] = field(default_factory=dict)
    regions: RegionIndex = field(default_factory=lambda: RegionIndex(()))
    digest: str = ""
    problems: list[Problem] = field(default_factory=list)


def rel(root: Path, path: Path) -> str:
    """``seed/...``-style path for messages."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _yaml(path: Path, raw: RawRuleset) -> Any:
    try:
        return yaml.load(path.read_bytes(), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raw.problems.append(Problem(rel(raw.root, path), None, f"无法读取或 YAML 语法错误：{exc}"))
        return None


def _model(model: type[M], data: Any, file: str, record: str | None, raw: RawRuleset) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False, include_input=False):
            loc = ".".join(str(p) for p in err["loc"]) or "(整个文件)"
            text = describe(dict(err))
            if text == "取值不合法" and err.get("msg"):
                text = str(err["msg"])
            raw.problems.append(Problem(file, record, f"{loc}: {text}"))
        return None


def _file(model: type[M], raw: RawRuleset, name: str) -> M | None:
    path = raw.root / "eligibility" / name
    if not path.is_file():
        raw.problems.append(Problem(rel(raw.root, path), None, "文件不存在"))
        return None
    data = _yaml(path, raw)
    return None if data is None else _model(model, data, rel(raw.root, path), None, raw)


def _read_services(raw: RawRuleset) -> None:
    for path in sorted((raw.root / "services").rglob("*.yaml")):
        data = _yaml(path, raw)
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            code = data["code"]
            raw.services[code] = ServiceEntry(
                code, str(data.get("name", code)), str(data.get("region", "")), rel(raw.root, path)
            )


def _read_sources(raw: RawRuleset) -> None:
    for path in sorted((raw.root / "sources").glob("*.yaml")):
        data = _yaml(path, raw)
        for item in (data or {}).get("sources", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                raw.sources[item["id"]] = SourceRef(
                    id=item["id"],
                    title=str(item.get("title", "")),
                    doc_no=item.get("doc_no"),
                    issuer=item.get("issuer"),
                    url=item.get("url"),
                )


def _read_regions(raw: RawRuleset) -> None:
    rows: list[RegionRow] = []
    folder = raw.root / "regions"
    for name, reader in (
        ("guizhou-divisions.json", read_divisions),
        ("guizhou-townships.csv", read_townships),
    ):
        path = folder / name
        if path.is_file():
            for row in reader(path, rel(raw.root, path), raw.problems):
                level: Level = row.level.value
                rows.append(RegionRow(row.code, row.name, level, row.parent_code))
        else:
            raw.problems.append(Problem(rel(raw.root, path), None, "文件不存在"))
    raw.regions = RegionIndex(rows)


def read_raw(root: Path) -> RawRuleset:
    """Read and validate each file on its own (cross-file checks come next)."""
    raw = RawRuleset(root=root)
    folder = root / "eligibility"
    if not folder.is_dir():
        raw.problems.append(Problem(rel(root, folder), None, "资格规则目录不存在"))
        return raw
    raw.facts = _file(FactsFile, raw, "facts.yaml")
    raw.parameters = _file(ParametersFile, raw, "parameters.yaml")
    raw.coverage = _file(CoverageFile, raw, "coverage.yaml")
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    raw.digest = "sha256:" + digest.hexdigest()[:16]
    for path in sorted((folder / "rules").glob("*.yaml")):
        data = _yaml(path, raw)
        if data is None:
            continue
        record = data.get("service") if isinstance(data, dict) else None
        rule = _model(RuleFile, data, rel(root, path), record, raw)
        if rule is None:
            continue
        if path.stem != rule.service:
            raw.problems.append(
                Problem(rel(root, path), rule.service, f"文件名应为 {rule.service}.yaml")
            )
        if rule.service in raw.rules:
            raw.problems.append(Problem(rel(root, path), rule.service, "同一服务有两个规则文件"))
            continue
        raw.rules[rule.service] = (rel(root, path), rule, path.read_bytes())
    _read_services(raw)
    _read_sources(raw)
    _read_regions(raw)
    return raw


def check_ruleset(root: Path) -> list[Problem]:
    """Every problem of the eligibility data under ``root`` (a seed directory)."""
    from app.eligibility.validate import cross_check

    raw = read_raw(root)
    if raw.facts is None or raw.parameters is None or raw.coverage is None:
        return raw.problems
    return raw.problems + cross_check(raw)


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    parts = []
    for sub in ("eligibility", "services", "sources", "regions"):
        for path in sorted((root / sub).rglob("*")):
            if path.is_file():
                stat = path.stat()
                parts.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(parts)


def load_ruleset(root: Path):  # type: ignore[no-untyped-def]
    """The compiled ruleset for seed directory ``root``; raises SeedError on problems."""
    return _load(root.resolve(), _fingerprint(root.resolve()))


@lru_cache(maxsize=4)
def _load(root: Path, _fingerprint: tuple[tuple[str, int, int], ...]) -> Any:
    from app.eligibility.build import build_ruleset
    from app.eligibility.validate import cross_check

    raw = read_raw(root)
    problems = list(raw.problems)
    if raw.facts is not None and raw.parameters is not None and raw.coverage is not None:
        problems.extend(cross_check(raw, review=False))
    if problems:
        raise SeedError(problems)
    return build_ruleset(raw)


@lru_cache(maxsize=4)
def seed_regions(root: Path) -> RegionIndex:
    """The region table of a seed directory (tests and tools; the app uses the catalogue)."""
    raw = RawRuleset(root=root.resolve())
    _read_regions(raw)
    return raw.regions
