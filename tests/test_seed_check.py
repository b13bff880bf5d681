"""``qianfu check`` passes on the shipped seed and names file and record for every problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from tests.conftest import SEED_DIR
from tests.support.seed_copies import copy_seed, edit_seed

runner = CliRunner()
VETERANS = "services/veterans/preferential-treatment-and-pensions.yaml"
_CITED = "sources: [ndrc-2021-standard-toc], verification: {status: unverified}"


def test_shipped_seed_passes() -> None:
    result = runner.invoke(cli, ["check", "--seed-dir", str(SEED_DIR)])
    assert result.exit_code == 0, result.output
    assert "种子数据有效" in result.output


@pytest.fixture
def broken_seed(tmp_path: Path) -> Path:
    return copy_seed(tmp_path)


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


BREAKAGES: list[tuple[str, Callable[[Path], object], str, str]] = [
    (
        "unknown source id",
        lambda r: edit_seed(
            r, VETERANS, "sources: [caigou2003-2021-veterans-section]", "sources: [no-such-source]"
        ),
        VETERANS,
        "来源 no-such-source 未在 seed/sources/ 中登记",
    ),
    (
        "unknown region",
        lambda r: edit_seed(r, VETERANS, 'region: "520000"', 'region: "529999"'),
        VETERANS,
        "服务范围地区 529999 不在区划表中",
    ),
    (
        "category of another area",
        lambda r: edit_seed(r, VETERANS, 'category: "20"', 'category: "01"'),
        VETERANS,
        "大类 01 属于领域 early-childhood，不属于 veterans",
    ),
    (
        "verified without a date",
        lambda r: edit_seed(
            r, VETERANS, "verification: {status: unverified}", "verification: {status: verified}"
        ),
        VETERANS,
        "checked_on",
    ),
    (
        "unknown field name",
        lambda r: edit_seed(
            r,
            VETERANS,
            "fields:\n",
            "fields:\n  hotline:\n    - {value: x, region: national, " + _CITED + "}\n",
        ),
        VETERANS,
        "未知字段 ['hotline']",
    ),
    (
        "YAML syntax error",
        lambda r: _write(
            r, "services/veterans/broken-yaml.yaml", "code: broken-yaml\nname: [unclosed\n"
        ),
        "services/veterans/broken-yaml.yaml",
        "YAML 语法错误",
    ),
    (
        "file not named after its code",
        lambda r: shutil.copy(r / VETERANS, r / "services/veterans/another-name.yaml"),
        "services/veterans/another-name.yaml",
        "文件名应为 preferential-treatment-and-pensions.yaml",
    ),
    (
        "overlapping dates",
        lambda r: _write(
            r,
            "services/veterans/overlap-test.yaml",
            "code: overlap-test\nname: 重叠\ntier: inclusive\narea: veterans\n"
            "sources: [ndrc-2021-standard-toc]\nverification: {status: unverified}\n"
            "amounts:\n"
            "  - {key: aa, label: A, value: 1, unit: 元, region: '520000', valid_from: 2024-01-01, "
            + _CITED
            + "}\n"
            "  - {key: aa, label: A, value: 2, unit: 元, region: '520000', valid_from: 2025-01-01, "
            + _CITED
            + "}\n",
        ),
        "services/veterans/overlap-test.yaml",
        "金额 aa 在地区 520000 的有效期重叠",
    ),
    (
        "township of an unknown county",
        lambda r: edit_seed(
            r,
            "regions/guizhou-townships.csv",
            '520102016,"新华路街道",520102',
            '529999016,"新华路街道",529999',
        ),
        "seed/regions",
        "上级区划 529999 不存在",
    ),
    (
        "duplicate source id",
        lambda r: _write(
            r,
            "sources/zz-dup.yaml",
            "sources:\n  - {id: ndrc-2021-standard-toc, title: 重复}\n",
        ),
        "seed/sources",
        "来源 id 重复",
    ),
    (
        "missing taxonomy",
        lambda r: (r / "taxonomy.yaml").unlink(),
        "taxonomy.yaml",
        "文件不存在",
    ),
]


@pytest.mark.parametrize(
    ("breakage", "file", "message"),
    [(b, f, m) for _, b, f, m in BREAKAGES],
    ids=[name for name, *_ in BREAKAGES],
)
def test_broken_seed_fails_with_file_and_record(
    broken_seed: Path, breakage: Callable[[Path], object], file: str, message: str
) -> None:
    breakage(broken_seed)
    result = runner.invoke(cli, ["check", "--seed-dir", str(broken_seed)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert file in lines[0]
    assert "处问题" in result.output


def test_all_problems_are_reported_at_once(broken_seed: Path) -> None:
    BREAKAGES[0][1](broken_seed)
    BREAKAGES[1][1](broken_seed)
    result = runner.invoke(cli, ["check", "--seed-dir", str(broken_seed)])
    assert result.exit_code == 1
    assert "no-such-source" in result.output
    assert "529999" in result.output
