"""Rule data is validated at load and by ``qianfu check``: each mistake names file and record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.eligibility.loader import check_ruleset, load_ruleset
from app.seedfiles.load import SeedError
from tests.conftest import SEED_DIR
from tests.support.seed_copies import copy_seed, edit_seed

runner = CliRunner()
RULES = "eligibility/rules"
LOW_INCOME = f"{RULES}/minimum-living-allowance.yaml"
VETERANS = f"{RULES}/preferential-treatment-and-pensions.yaml"
PARAMS = "eligibility/parameters.yaml"
FACTS = "eligibility/facts.yaml"
DIBAO_VALUE = """      - region: "520000"
        value: null"""


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    return copy_seed(tmp_path)


def _rename_service(root: Path) -> None:
    (root / LOW_INCOME).rename(root / RULES / "no-such-service.yaml")
    edit_seed(
        root,
        f"{RULES}/no-such-service.yaml",
        "service: minimum-living-allowance",
        "service: no-such-service",
    )


BREAKAGES: list[tuple[str, Callable[[Path], None], str, str]] = [
    (
        "unknown fact id",
        lambda r: edit_seed(
            r, LOW_INCOME, "fact: household.income_per_capita_monthly", "fact: household.no_such"
        ),
        "seed/eligibility/rules/minimum-living-allowance.yaml",
        "未知的事实 household.no_such",
    ),
    (
        "unknown region code in a parameter",
        lambda r: edit_seed(r, PARAMS, DIBAO_VALUE, DIBAO_VALUE.replace("520000", "529999")),
        "seed/eligibility/parameters.yaml",
        "地区代码 529999 不在区划表中",
    ),
    (
        "overlapping parameter dates for one region",
        lambda r: edit_seed(
            r,
            PARAMS,
            DIBAO_VALUE,
            DIBAO_VALUE
            + """
      - region: "520000"
        valid_from: 2024-01-01
        value: 700
        sources: [state-council-order-649-social-assistance]""",
        ),
        "seed/eligibility/parameters.yaml",
        "地区 520000 的取值生效日期重叠",
    ),
    (
        "conflicting regional rules at the same level",
        lambda r: edit_seed(
            r,
            VETERANS,
            "  - region: national\n    valid_from: 2024-10-01",
            "  - region: national\n    valid_from: 2024-01-01",
        ),
        "seed/eligibility/rules/preferential-treatment-and-pensions.yaml",
        "同一层级的规则冲突",
    ),
    (
        "unknown region code in a rule version",
        lambda r: edit_seed(
            r,
            VETERANS,
            "  - region: national\n    valid_from: 2024-10-01",
            '  - region: "529998"\n    valid_from: 2024-10-01',
        ),
        "seed/eligibility/rules/preferential-treatment-and-pensions.yaml",
        "地区代码 529998 不在区划表中",
    ),
    (
        "unknown service code",
        lambda r: _rename_service(r),
        "seed/eligibility/rules/no-such-service.yaml",
        "服务 no-such-service 不在 seed/services/ 中",
    ),
    (
        "dangling service dependency",
        lambda r: edit_seed(
            r,
            f"{RULES}/legal-aid.yaml",
            "service: preferential-treatment-and-pensions",
            "service: vaccination",
        ),
        "seed/eligibility/rules/legal-aid.yaml",
        "依赖的服务 vaccination 没有资格规则",
    ),
    (
        "unknown placeholder in a sentence",
        lambda r: edit_seed(r, LOW_INCOME, "低于{region}最低", "低于{regoin}最低"),
        "seed/eligibility/rules/minimum-living-allowance.yaml",
        "未知的占位符：regoin",
    ),
    (
        "operator that does not fit the fact",
        lambda r: edit_seed(r, f"{RULES}/disaster-victim-assistance.yaml", "op: eq", "op: gte"),
        "seed/eligibility/rules/disaster-victim-assistance.yaml",
        "gte 只能用于数值类事实",
    ),
    (
        "a fact no rule uses",
        lambda r: edit_seed(
            r,
            FACTS,
            "facts:\n  # ---- person: basics ----",
            "facts:\n  - {id: person.shoe_size, entity: person, type: bool, label_zh: 鞋码,"
            " question_zh: 鞋码？, sensitivity: low}\n  # ---- person: basics ----",
        ),
        "seed/eligibility/facts.yaml",
        "没有任何规则用到这个事实",
    ),
    (
        "a service neither with rules nor with a reason",
        lambda r: edit_seed(
            r,
            "eligibility/coverage.yaml",
            "  - service: vaccination\n",
            "  - service: vaccination-x\n",
        ),
        "seed/services/early-childhood/vaccination.yaml",
        "该服务既没有资格规则，也没有在 seed/eligibility/coverage.yaml 说明原因",
    ),
]


REVIEW_ONLY = {"a fact no rule uses", "a service neither with rules nor with a reason"}


def test_shipped_rules_pass() -> None:
    assert check_ruleset(SEED_DIR) == []
    result = runner.invoke(cli, ["check", "--seed-dir", str(SEED_DIR)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "breakage", "file", "message"), BREAKAGES, ids=[b[0] for b in BREAKAGES]
)
def test_check_rejects(
    seed_copy: Path, name: str, breakage: Callable[[Path], None], file: str, message: str
) -> None:
    breakage(seed_copy)
    problems = check_ruleset(seed_copy)
    assert any(p.file == file and message in p.message for p in problems), problems
    result = runner.invoke(cli, ["check", "--seed-dir", str(seed_copy)])
    assert result.exit_code == 1
    assert message in result.output
    if name in REVIEW_ONLY:
        load_ruleset(seed_copy)  # completeness is for review: the site still starts
    else:
        with pytest.raises(SeedError):
            load_ruleset(seed_copy)


def test_dependency_cycle_is_rejected(seed_copy: Path) -> None:
    # 优待抚恤 ← 法律援助 already; make 优待抚恤 depend on 法律援助 too.
    cycle = (
        "      all:\n"
        "        - id: via_legal_aid\n"
        "          service: legal-aid\n"
        "          is: [eligible]\n"
        "          text: {label: x, pass: x, fail: x, unknown: x}\n"
        "        - id: preferential_object"
    )
    edit_seed(seed_copy, VETERANS, "      all:\n        - id: preferential_object", cycle)
    problems = check_ruleset(seed_copy)
    assert any("服务依赖形成循环" in p.message for p in problems), problems


def test_yaml_and_schema_errors_name_the_file(seed_copy: Path) -> None:
    (seed_copy / RULES / "tv-viewing.yaml").write_text("service: [oops", encoding="utf-8")
    edit_seed(seed_copy, f"{RULES}/radio-listening.yaml", "entity: household", "entity: family")
    problems = check_ruleset(seed_copy)
    files = {p.file for p in problems}
    assert "seed/eligibility/rules/tv-viewing.yaml" in files
    assert any(p.file.endswith("radio-listening.yaml") and "entity" in p.message for p in problems)
