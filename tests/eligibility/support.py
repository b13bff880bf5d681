"""Helpers for the eligibility tests: the shipped ruleset, YAML cases and a questionnaire run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.eligibility.compile import Ruleset
from app.eligibility.evaluate import Evaluation, Household, Member, evaluate
from app.eligibility.loader import load_ruleset, seed_regions
from app.eligibility.parameters import ParamDef, ParamTable
from app.eligibility.present import evaluation_json
from app.eligibility.questions import next_question
from app.eligibility.regions import RegionIndex
from tests.conftest import SEED_DIR

CASES_DIR = Path(__file__).resolve().parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 11, 28)
DEFAULT_REGION = "520102"


@cache
def shipped() -> tuple[Ruleset, RegionIndex]:
    """The ruleset and region table of the repository's seed."""
    return load_ruleset(SEED_DIR), seed_regions(SEED_DIR)


def load_cases() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(file stem, case name, case)`` for every YAML case."""
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield data.get("service", path.stem), case["name"], case


def with_parameters(ruleset: Ruleset, overrides: Mapping[str, list[dict[str, Any]]]) -> Ruleset:
    """A copy of ``ruleset`` whose parameters take test-only values (never shipped data)."""
    params = dict(ruleset.params)
    for pid, values in overrides.items():
        base = ruleset.params[pid].definition
        filled = [{"sources": list(base.sources), **v} for v in values]
        definition = ParamDef.model_validate({**base.model_dump(), "values": filled})
        params[pid] = ParamTable(definition)
    return dataclasses.replace(ruleset, params=params)


def household_of(case: Mapping[str, Any], services: tuple[str, ...] | None = None) -> Household:
    """The engine input a case describes (``person`` is shorthand for one applicant)."""
    members = case.get("members") or [{"role": "applicant", "facts": case.get("person", {})}]
    return Household(
        region=str(case.get("region", DEFAULT_REGION)),
        as_of=case.get("as_of", DEFAULT_AS_OF),
        facts=dict(case.get("household", {})),
        members=tuple(Member(m["role"], dict(m.get("facts", {}))) for m in members),
        services=services,
    )


def run_case(service: str, case: Mapping[str, Any]) -> dict[str, Any]:
    """Evaluate a case for its service and return that service's JSON block."""
    ruleset, regions = shipped()
    if case.get("parameters"):
        ruleset = with_parameters(ruleset, case["parameters"])
    ev = evaluate(ruleset, regions, household_of(case, (service,)))
    results = evaluation_json(ev)["results"]
    assert len(results) == 1, f"{service} not evaluated (no rule in force?)"
    block: dict[str, Any] = results[0]
    return block


def ask_until_done(
    truth_household: Mapping[str, Any],
    truth_person: Mapping[str, Any],
    *,
    region: str = DEFAULT_REGION,
    services: tuple[str, ...] | None = None,
    limit: int = 40,
) -> tuple[int, Evaluation]:
    """Run the questionnaire for one resident; answers come from the truth (else 不清楚).

    Returns the number of screens asked and the final evaluation. Unticked checklist boxes
    mean "no", as on the page; a fact the truth does not hold is answered 不清楚.
    """
    ruleset, regions = shipped()
    household: dict[str, object] = {}
    person: dict[str, object] = {}
    asked = 0
    while True:
        ev = evaluate(
            ruleset,
            regions,
            Household(region, DEFAULT_AS_OF, household, (Member("applicant", person),), services),
        )
        pick = next_question(ev)
        if pick is None:
            return asked, ev
        asked += 1
        assert asked <= limit, "the questionnaire does not converge"
        for fact in pick.facts:
            truth = truth_person if fact.startswith("person.") else truth_household
            target = person if fact.startswith("person.") else household
            if fact in truth:
                target[fact] = truth[fact]
            else:
                target[fact] = False if pick.kind == "checklist" else None
