"""Read the bundled region reference files (GB/T 2260 divisions and NBS 乡镇/街道 codes)."""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain import RegionLevel

if TYPE_CHECKING:
    from app.seedfiles.load import Problem

_DIVISION_LEVELS = {"province", "prefecture", "county"}
_COUNTY_CODE = re.compile(r"^52\d{4}$")
_TOWNSHIP_CODE = re.compile(r"^52\d{7}$")
TOWNSHIP_SOURCE = (
    "NBS 2023 统计用区划代码 via github.com/modood/Administrative-divisions-of-China (WTFPL)"
)
# Region rows are reference data copied from the files above; qianfu editors have not compared
# them with the official publications themselves, so they are "unverified" with this note.
DIVISION_CHECK = "参考数据整理者已将民政部2024年代码与国家统计局2023年代码交叉核对；本项目编辑未另行核对官方发布。"  # noqa: E501
TOWNSHIP_CHECK = "照录国家统计局2023年统计用区划代码；本项目编辑未另行核对官方发布。"


@dataclass(frozen=True)
class RegionRow:
    """A region as read from the reference files; coordinates are GCJ-02 seat points."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    lat: float | None
    lng: float | None
    source_note: str
    verification_note: str


def _coordinate(value: Any, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("坐标必须是数字")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"坐标 {number} 超出贵州范围")
    return number


def read_divisions(path: Path, rel: str, problems: list[Problem]) -> list[RegionRow]:
    """Province, 市(州) and county rows with seat coordinates where the file has them."""
    from app.seedfiles.load import Problem

    rows: list[RegionRow] = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        code = str(item.get("code", ""))
        try:
            if not _COUNTY_CODE.match(code):
                raise ValueError("区划代码必须是 52 开头的 6 位数字")
            if item.get("level") not in _DIVISION_LEVELS:
                raise ValueError(f"未知层级 {item.get('level')!r}")
            if not item.get("name"):
                raise ValueError("缺少名称")
            # Guizhou spans roughly N24.6–29.3, E103.6–109.6; allow a margin.
            lat = _coordinate(item.get("lat"), 24.0, 30.0)
            lng = _coordinate(item.get("lng"), 103.0, 110.0)
        except ValueError as exc:
            problems.append(Problem(rel, code or None, str(exc)))
            continue
        rows.append(
            RegionRow(
                code=code,
                name=item["name"],
                level=RegionLevel(item["level"]),
                parent_code=item.get("parent_code"),
                lat=lat,
                lng=lng,
                source_note=item.get("source") or "",
                verification_note=DIVISION_CHECK,
            )
        )
    return rows


def read_townships(path: Path, rel: str, problems: list[Problem]) -> list[RegionRow]:
    """乡镇/街道 rows; the reference file has no coordinates for them."""
    from app.seedfiles.load import Problem

    rows: list[RegionRow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, item in enumerate(csv.DictReader(fh), start=2):
            code = (item.get("code") or "").strip()
            county = (item.get("county_code") or "").strip()
            name = (item.get("name") or "").strip()
            if not _TOWNSHIP_CODE.match(code) or not code.startswith(county) or not name:
                problems.append(
                    Problem(
                        rel, f"第{line_no}行 {code}", "乡镇代码须为9位、以所属县代码开头，且有名称"
                    )
                )
                continue
            rows.append(
                RegionRow(
                    code,
                    name,
                    RegionLevel.TOWNSHIP,
                    county,
                    None,
                    None,
                    TOWNSHIP_SOURCE,
                    TOWNSHIP_CHECK,
                )
            )
    return rows
