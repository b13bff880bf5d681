"""The next question: ordering rules, and how many screens a resident needs to reach a decision.

The measure: a simulated resident answers each screen from a known profile until no question
left can change a result. Results held open only by a missing local standard (标准待核实) do
not count as questions. It is printed (``pytest -s``) and bounded here.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

import yaml

from app.eligibility.evaluate import Household, Member, evaluate
from app.eligibility.questions import candidates, next_question
from tests.eligibility.support import DEFAULT_AS_OF, ask_until_done, load_cases, shipped

PERSONAS = yaml.safe_load(
    (Path(__file__).resolve().parent / "personas.yaml").read_text(encoding="utf-8")
)["personas"]
TARGET = 8


def _first(person: dict[str, Any], household: dict[str, Any] | None = None) -> Any:
    ruleset, regions = shipped()
    hh = Household("520102", DEFAULT_AS_OF, household or {}, (Member("applicant", person),))
    return next_question(evaluate(ruleset, regions, hh))


def question_counts() -> dict[str, list[int]]:
    """Screens needed by every persona and by every single-resident YAML case."""
    personas = [ask_until_done(p["household"], p["person"])[0] for p in PERSONAS]
    cases = [
        ask_until_done(
            case.get("household", {}), case.get("person", {}), region=case.get("region", "520102")
        )[0]
        for _, _, case in load_cases()
        if "members" not in case and not case["expect"].get("skipped")
    ]
    return {"personas": personas, "cases": cases}


def test_question_count_for_typical_residents() -> None:
    counts = question_counts()
    for name, values in counts.items():
        sys.stdout.write(
            f"\nquestions to a decision ({name}, n={len(values)}): "
            f"median {statistics.median(values)}, max {max(values)}\n"
        )
    assert max(counts["personas"]) <= TARGET
    assert statistics.median(counts["cases"]) <= TARGET


def test_cheap_questions_first_sensitive_last() -> None:
    pick = _first({})
    assert pick is not None
    assert pick.sensitivity != "high"


def _screens(persona: dict[str, Any]) -> list[tuple[str, str]]:
    ruleset, regions = shipped()
    household: dict[str, object] = {}
    person: dict[str, object] = {}
    seen: list[tuple[str, str]] = []
    while True:
        hh = Household("520102", DEFAULT_AS_OF, household, (Member("applicant", person),))
        pick = next_question(evaluate(ruleset, regions, hh))
        if pick is None:
            return seen
        seen.append((pick.question_id or pick.fact, pick.sensitivity))
        for fact in pick.facts:
            truth = persona["person"] if fact.startswith("person.") else persona["household"]
            target = person if fact.startswith("person.") else household
            target[fact] = truth.get(fact, False if pick.kind == "checklist" else None)


def test_sensitive_screens_come_after_the_rest() -> None:
    for persona in PERSONAS:
        levels = [level for _, level in _screens(persona)]
        first_high = levels.index("high")
        assert all(level == "high" for level in levels[first_high:]), (persona["name"], levels)


def test_gate_is_asked_before_the_detailed_question() -> None:
    ruleset, regions = shipped()
    hh = Household("520102", DEFAULT_AS_OF, {}, (Member("applicant", {}),))
    ev = evaluate(ruleset, regions, hh)
    found = candidates(ev)
    assert ("person.military_related", 0) in found
    assert ("person.military_status", 0) not in found
    assert ("person.legal_need", 0) in found
    assert ("person.has_legal_representative", 0) not in found
    assert ("person.disability_grade", 0) not in found


def test_declined_facts_are_not_asked_again() -> None:
    pick = _first({"person.age": None, "person.employment": None})
    assert pick is not None
    assert "person.age" not in pick.facts
    assert "person.employment" not in pick.facts


def test_pending_standards_are_not_questions() -> None:
    # 公租房: every path ends at a local standard with no sourced value, so nothing is asked.
    ruleset, regions = shipped()
    hh = Household(
        "520102", DEFAULT_AS_OF, {}, (Member("applicant", {}),), ("public-rental-housing",)
    )
    assert next_question(evaluate(ruleset, regions, hh)) is None


def test_done_when_everything_is_decided() -> None:
    count, ev = ask_until_done(PERSONAS[0]["household"], PERSONAS[0]["person"])
    assert next_question(ev) is None
    assert all(
        r.status != "unknown" or not any(o.res.missing for o in r.outcomes) for r in ev.results
    )
    assert count <= TARGET
