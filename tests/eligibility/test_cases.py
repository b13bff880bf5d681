"""Tests as data: every YAML case in ``cases/`` (facts, region, as_of → expected result)."""

from __future__ import annotations

from typing import Any

import pytest

from app.eligibility.api_models import ServiceResultOut
from app.eligibility.evaluate import evaluate
from tests.eligibility.support import household_of, load_cases, run_case, shipped

CASES = list(load_cases())


@pytest.mark.parametrize(("service", "name", "case"), CASES, ids=[f"{s}: {n}" for s, n, _ in CASES])
def test_case(service: str, name: str, case: dict[str, Any]) -> None:
    expect = case["expect"]
    if expect.get("skipped"):
        ruleset, regions = shipped()
        ev = evaluate(ruleset, regions, household_of(case, (service,)))
        assert ev.skipped == (service,)
        assert ev.results == ()
        return
    block = run_case(service, case)
    ServiceResultOut.model_validate(block)
    assert block["status"] == expect["status"], block["reasons"]
    if "status_label" in expect:
        assert block["status_label"] == expect["status_label"]
    if "missing" in expect:
        assert {m["fact"] for m in block["missing_facts"]} == set(expect["missing"])
    if "missing_parameters" in expect:
        assert set(block["missing_parameters"]) == set(expect["missing_parameters"])
    outcomes = {(r["leaf"], r["outcome"]) for r in block["reasons"]}
    for leaf in expect.get("failed", []):
        assert (leaf, "fail") in outcomes, block["reasons"]
    for leaf in expect.get("passed", []):
        assert (leaf, "pass") in outcomes, block["reasons"]
    hinted = {h["leaf"] for h in block["hints"]}
    assert set(expect.get("hints", [])) <= hinted
    declined = {m["fact"] for m in block["missing_facts"] if m["declined"]}
    assert set(expect.get("declined", [])) <= declined
    levels = {p["id"]: p["level"] for p in block["parameters"]}
    for pid, level in expect.get("parameter_levels", {}).items():
        assert levels[pid] == level
    if "rule_version" in expect:
        assert block["rule"]["version"] == expect["rule_version"]


def test_every_service_with_rules_has_cases() -> None:
    ruleset, _ = shipped()
    covered = {service for service, _, _ in CASES}
    assert covered == set(ruleset.services)


def test_cases_cover_boundaries_and_regional_overrides() -> None:
    names = " ".join(name for _, name, _ in CASES)
    assert "age 60" in names
    assert "age 16" in names
    assert "exactly the standard" in names
    assert any(case.get("parameters") and len(case["parameters"]) for _, _, case in CASES)
    levels = {
        level
        for _, _, case in CASES
        for level in case["expect"].get("parameter_levels", {}).values()
    }
    assert {"prefecture", "province"} <= levels
