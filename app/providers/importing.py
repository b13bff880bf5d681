"""Registry imports: provider records from CSV or JSON, validated, written all-or-nothing.

The file's encoding is always given (UTF-8 by default, or GBK/GB18030 as Chinese office
software writes them) and never guessed: bytes that do not decode in it are refused with the
line they are on, and so is a file declared GBK that is really UTF-8 (it would decode to
mojibake). A UTF-8 byte-order mark is dropped.

CSV: a header row naming :class:`~app.providers.schema.ProviderEntry` fields (see
:data:`COLUMNS`); list columns separate items with ``;`` or ``；``; a point is ``lat``,
``lng`` and ``coordtype`` together (the coordinate system is never assumed); ``hours`` is the
weekly schedule as JSON. JSON: a list of records, or ``{"providers": [...]}``, in the seed
file's shape. Every problem is reported as ``第N行 字段：说明`` (JSON records count as
``第N条``); personal mobile numbers and ``sample`` verification are refused; records may only
create or update imported records, never seed or sample ones.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.db import writer
from app.models.provider import Location
from app.providers.schema import ProviderEntry, is_mobile
from app.providers.store import CHUNK, check_references, write_providers
from app.validation_messages import describe

ORIGIN: Final = "import"
# Sources are reviewed data: they live in the seed, which `qianfu seed` would otherwise prune.
SOURCE_HINT: Final = "（请先把来源加入 seed/sources/ 并运行 qianfu seed）"


class ImportFormat(StrEnum):
    """File formats an import reads."""

    CSV = "csv"
    JSON = "json"


class ImportEncoding(StrEnum):
    """Text encodings an import accepts (named explicitly, never detected)."""

    UTF8 = "utf-8"
    GBK = "gbk"
    GB18030 = "gb18030"


LIST_COLUMNS: Final = ("services", "sources", "languages", "accessibility")
POINT_COLUMNS: Final = ("lat", "lng", "coordtype")
COLUMNS: Final = (
    "id",
    "name",
    "organization",
    "type",
    "region",
    "address",
    "phone",
    *POINT_COLUMNS,
    "location_note",
    "hours",
    "hours_text",
    "status",
    "inclusive",
    "price",
    "capacity",
    "vacancies",
    *LIST_COLUMNS,
    "transport",
    "verification",
    "checked_on",
    "verification_note",
    "note",
)
REQUIRED_COLUMNS: Final = ("id", "name", "type", "region", "sources", "verification")
_LIST_SEPARATOR = re.compile(r"[;；]")
_BOOLEANS: Final = {
    "true": True,
    "1": True,
    "yes": True,
    "是": True,
    "false": False,
    "0": False,
    "no": False,
    "否": False,
}


@dataclass(frozen=True)
class ImportProblem:
    """Why (part of) a file cannot be imported; ``line`` None means the whole file."""

    line: int | None
    field: str | None
    message: str
    unit: str = "行"

    def __str__(self) -> str:
        where = f"第{self.line}{self.unit}" if self.line is not None else "文件"
        return f"{where} {self.field}：{self.message}" if self.field else f"{where}：{self.message}"


class ImportRefused(Exception):
    """The file was refused; ``problems`` lists every problem found (nothing was written)."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} 处问题，未写入任何记录")
        self.problems = problems


@dataclass(frozen=True)
class ParsedRecord:
    """A valid record and where it is in the file."""

    line: int
    entry: ProviderEntry
    unit: str = "行"


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote (or, for a dry run, would write)."""

    added: int
    updated: int
    dry_run: bool

    @property
    def total(self) -> int:
        """Records in the file."""
        return self.added + self.updated


# --- Reading ------------------------------------------------------------------------------


def decode(data: bytes, encoding: ImportEncoding) -> str:
    """``data`` as text in exactly ``encoding``; :class:`ImportRefused` if it is not."""
    if data.startswith(codecs.BOM_UTF8):
        if encoding is not ImportEncoding.UTF8:
            raise ImportRefused(
                [
                    ImportProblem(
                        1,
                        None,
                        f"文件以 UTF-8 字节顺序标记（BOM）开头，却指定了 {encoding} 编码；"
                        "如果文件是 UTF-8，请用 --encoding utf-8",
                    )
                ]
            )
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding.value)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportRefused(
            [
                ImportProblem(
                    line,
                    None,
                    f"该行第 {column} 个字节起不是有效的 {encoding} 编码文本；请确认文件的编码，"
                    "用 --encoding 指定（utf-8、gbk 或 gb18030），程序不会猜测编码",
                )
            ]
        ) from exc
    if encoding is not ImportEncoding.UTF8 and not data.isascii() and _is_utf8(data):
        first = next(i for i, byte in enumerate(data) if byte >= 0x80)
        raise ImportRefused(
            [
                ImportProblem(
                    data.count(b"\n", 0, first) + 1,
                    None,
                    f"文件是有效的 UTF-8 文本，按 {encoding} 读取会变成乱码；"
                    "如果文件是 UTF-8，请用 --encoding utf-8",
                )
            ]
        )
    return text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def format_of(path: Path, given: ImportFormat | None) -> ImportFormat:
    """The format named by ``--format``, else by the file's extension."""
    if given is not None:
        return given
    suffix = path.suffix.lower().lstrip(".")
    if suffix in {f.value for f in ImportFormat}:
        return ImportFormat(suffix)
    raise ImportRefused([ImportProblem(None, None, "无法从扩展名判断格式，请用 --format 指定")])


def read_providers(
    path: Path, fmt: ImportFormat | None = None, encoding: ImportEncoding = ImportEncoding.UTF8
) -> list[ParsedRecord]:
    """Read and validate every record of a registry file (no database needed)."""
    kind = format_of(path, fmt)
    text = decode(path.read_bytes(), encoding)
    return parse_csv(text) if kind is ImportFormat.CSV else parse_json(text)


def parse_csv(text: str) -> list[ParsedRecord]:
    """Records from CSV text with a header row; :class:`ImportRefused` lists every problem."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[ImportProblem] = []
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ImportRefused([ImportProblem(None, None, "文件是空的")]) from None
    except csv.Error as exc:
        raise ImportRefused([ImportProblem(1, None, f"CSV 格式错误：{exc}")]) from exc
    problems.extend(_header_problems(header))
    if problems:
        raise ImportRefused(problems)
    records: list[ParsedRecord] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(ImportProblem(line, None, f"CSV 格式错误：{exc}"))
            break
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != len(header):
            problems.append(
                ImportProblem(line, None, f"有 {len(cells)} 列，表头有 {len(header)} 列")
            )
            continue
        raw, row_problems = _csv_record(dict(zip(header, cells, strict=True)), line)
        problems.extend(row_problems)
        entry = _validate(raw, line, "行", problems)
        if entry is not None:
            records.append(ParsedRecord(line, entry))
    if not records and not problems:
        problems.append(ImportProblem(None, None, "文件里没有记录"))
    if problems:
        raise ImportRefused(problems)
    return records


def _header_problems(header: list[str]) -> list[ImportProblem]:
    problems = [
        ImportProblem(1, None, f"未知的列 {name or '（空）'}")
        for name in header
        if name not in COLUMNS
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(ImportProblem(1, None, f"列 {name} 重复"))
        seen.add(name)
    problems.extend(
        ImportProblem(1, None, f"缺少必需的列 {name}")
        for name in REQUIRED_COLUMNS
        if name not in seen
    )
    return problems


def _csv_record(cells: dict[str, str], line: int) -> tuple[dict[str, Any], list[ImportProblem]]:
    """One CSV row in the record shape; cell problems the model cannot word are reported here."""
    problems: list[ImportProblem] = []
    values = {k: v.strip() for k, v in cells.items() if v.strip()}
    record: dict[str, Any] = {}
    for name in ("id", "name", "organization", "type", "region", "address", "phone"):
        if name in values:
            record[name] = values[name]
    for name in ("hours_text", "status", "price", "capacity", "vacancies", "transport", "note"):
        if name in values:
            record[name] = values[name]
    for name in LIST_COLUMNS:
        if name in values:
            items = [item.strip() for item in _LIST_SEPARATOR.split(values[name])]
            record[name] = [item for item in items if item]
    if "inclusive" in values:
        flag = _BOOLEANS.get(values["inclusive"].lower())
        if flag is None:
            problems.append(ImportProblem(line, "inclusive", "必须是 是/否 或 true/false"))
        else:
            record["inclusive"] = flag
    if "hours" in values:
        try:
            record["hours"] = json.loads(values["hours"])
        except json.JSONDecodeError:
            problems.append(ImportProblem(line, "hours", "不是有效的 JSON（每周开放时间）"))
    given = [name for name in POINT_COLUMNS if name in values]
    if given and len(given) < len(POINT_COLUMNS):
        problems.append(
            ImportProblem(
                line,
                "lat/lng/coordtype",
                "纬度、经度和坐标系（wgs84、gcj02 或 bd09）必须一起填写",
            )
        )
    elif given:
        record["location"] = {name: values[name] for name in POINT_COLUMNS}
        if "location_note" in values:
            record["location"]["note"] = values["location_note"]
    elif "location_note" in values:
        problems.append(
            ImportProblem(line, "location_note", "只能和坐标一起填写；没有坐标时请写在 note 列")
        )
    verification: dict[str, Any] = {}
    for column, key in (
        ("verification", "status"),
        ("checked_on", "checked_on"),
        ("verification_note", "note"),
    ):
        if column in values:
            verification[key] = values[column]
    if verification:
        record["verification"] = verification
    return record, problems


def parse_json(text: str) -> list[ParsedRecord]:
    """Records from a JSON list (or ``{"providers": [...]}``); numbered ``第N条``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused([ImportProblem(exc.lineno, None, "JSON 格式错误")]) from exc
    if isinstance(data, dict) and set(data) == {"providers"}:
        data = data["providers"]
    if not isinstance(data, list):
        raise ImportRefused(
            [ImportProblem(None, None, '必须是记录的列表，或 {"providers": [...]}')]
        )
    problems: list[ImportProblem] = []
    records: list[ParsedRecord] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(ImportProblem(number, None, "必须是一个对象（键: 值）", "条"))
            continue
        entry = _validate(dict(item), number, "条", problems)
        if entry is not None:
            records.append(ParsedRecord(number, entry, "条"))
    if not records and not problems:
        problems.append(ImportProblem(None, None, "文件里没有记录"))
    if problems:
        raise ImportRefused(problems)
    return records


def _validate(
    raw: dict[str, Any], line: int, unit: str, problems: list[ImportProblem]
) -> ProviderEntry | None:
    """The import's own refusals, then the record schema; appends every problem found."""
    before = len(problems)
    phone = raw.get("phone")
    if isinstance(phone, str) and _personal_mobile(phone):
        problems.append(
            ImportProblem(line, "phone", "不能导入个人手机号码，只收机构的固定电话", unit)
        )
        raw.pop("phone")
    verification = raw.get("verification")
    if isinstance(verification, dict) and verification.get("status") == "sample":
        problems.append(
            ImportProblem(
                line, "verification", "导入的记录不能标为 sample（示例数据只由程序生成）", unit
            )
        )
    try:
        entry = ProviderEntry.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = ".".join(str(part) for part in error["loc"]) or None
            problems.append(ImportProblem(line, loc, describe(dict(error)), unit))
        return None
    return entry if len(problems) == before else None


def _personal_mobile(phone: str) -> bool:
    compact = re.sub(r"[\s()（）-]", "", phone)
    return is_mobile(compact) or is_mobile(re.sub(r"^(\+?86)", "", compact))


# --- Writing ------------------------------------------------------------------------------


def database_problems(session: Session, records: Sequence[ParsedRecord]) -> list[ImportProblem]:
    """Codes must exist (regions, services, registered sources); ids must not be seed/sample."""
    entries = [r.entry for r in records]
    problems = [
        ImportProblem(
            records[p.row - 1].line,
            p.field,
            p.message + (SOURCE_HINT if p.field == "sources" else ""),
            records[p.row - 1].unit,
        )
        for p in check_references(session, entries)
    ]
    origins = _existing_origins(session, [e.id for e in entries])
    for record in records:
        origin = origins.get(record.entry.id)
        if origin is not None and origin != ORIGIN:
            owner = "种子数据" if origin == "seed" else "示例数据"
            problems.append(
                ImportProblem(
                    record.line,
                    "id",
                    f"编号 {record.entry.id} 已被{owner}使用，导入不能覆盖",
                    record.unit,
                )
            )
    return sorted(problems, key=lambda p: p.line or 0)


def _existing_origins(session: Session, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(col(Location.id), col(Location.origin)).where(col(Location.id).in_(chunk))
        found.update(dict(session.exec(query).all()))
    return found


def import_providers(
    engine: Engine, records: Sequence[ParsedRecord], *, dry_run: bool = False
) -> ImportReport:
    """Check ``records`` against the database and write them in one transaction (or not at all).

    A record with the id of an earlier import replaces it (an update in place); a dry run
    checks everything and writes nothing.
    """
    ids = [r.entry.id for r in records]
    if dry_run:
        with Session(engine) as session:
            problems = database_problems(session, records)
            existing = len(_existing_origins(session, ids))
        if problems:
            raise ImportRefused(problems)
        return ImportReport(len(ids) - existing, existing, dry_run=True)
    with writer(engine) as session:
        problems = database_problems(session, records)
        if problems:
            raise ImportRefused(problems)
        existing = len(_existing_origins(session, ids))
        write_providers(session, [r.entry for r in records], origin=ORIGIN)
    return ImportReport(len(ids) - existing, existing, dry_run=False)
