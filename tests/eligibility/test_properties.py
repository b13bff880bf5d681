"""Invariants of the three-valued engine, checked with hypothesis over the shipped rules.

* monotonicity: answering more never turns a decided result back into "unknown". A yes/no
  gate that contradicts a detailed answer already given (军人 "no" after 现役军人) overrules it
  by design — that changes an answer rather than adding one, and may undecide a result; it is
  pinned by its own test below;
* completeness: answering every listed missing fact decides a result, unless a local standard
  (parameter) is missing;
* determinism: the same answers, region and date always give the same response.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.eligibility.evaluate import Evaluation, Household, Member, evaluate
from app.eligibility.present import evaluation_json
from tests.eligibility.strategies import households, value_of
from tests.eligibility.support import DEFAULT_AS_OF, shipped

AS_OF = DEFAULT_AS_OF
Household_ = tuple[str, dict[str, Any], list[dict[str, Any]]]


def run(region: str, hfacts: dict[str, Any], members: list[dict[str, Any]]) -> Evaluation:
    ruleset, regions = shipped()
    people = tuple(Member("applicant" if i == 0 else "other", m) for i, m in enumerate(members))
    return evaluate(ruleset, regions, Household(region, AS_OF, hfacts, people))


def statuses(ev: Evaluation) -> dict[tuple[str, int | None], str]:
    return {(r.service.code, o.member): o.status for r in ev.results for o in r.outcomes}


def _consistent(known: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """``more`` without the yes/no gate answers that would overrule a detailed answer in
    ``known``: those change an answer rather than add one (see the gate test below)."""
    ruleset, _ = shipped()
    kept = dict(more)
    for fact in ruleset.facts.values():
        if fact.gate is None or fact.gate in known:
            continue
        detail = known.get(fact.id)
        if (
            detail is not None
            and kept.get(fact.gate) is fact.gate_equals
            and detail != fact.implied
        ):
            del kept[fact.gate]
    return kept


@settings(max_examples=100, deadline=None)
@given(base=households(), extra=households())
def test_more_answers_never_undecide(base: Household_, extra: Household_) -> None:
    region, hfacts, members = base
    _, more_h, more_m = extra
    before = statuses(run(region, hfacts, members))
    filled_h = {**_consistent(hfacts, more_h), **{k: v for k, v in hfacts.items() if v is not None}}
    filled_m = [
        {
            **_consistent(m, more_m[i] if i < len(more_m) else {}),
            **{k: v for k, v in m.items() if v is not None},
        }
        for i, m in enumerate(members)
    ]
    after = statuses(run(region, filled_h, filled_m))
    for key, status in before.items():
        if status != "unknown":
            assert after[key] != "unknown", key


@settings(max_examples=100, deadline=None)
@given(base=households(), data=st.data())
def test_answering_every_missing_fact_decides(base: Household_, data: st.DataObject) -> None:
    region, hfacts, members = base
    ruleset, _ = shipped()
    ev = run(region, hfacts, members)
    for result in ev.results:
        for outcome in result.outcomes:
            if outcome.status != "unknown" or not outcome.res.missing:
                continue
            h = dict(hfacts)
            ms = [dict(m) for m in members]
            for fact, member in outcome.res.missing:
                value = data.draw(value_of(ruleset.fact(fact)))
                (h if member is None else ms[member])[fact] = value
            again = run(region, h, ms)
            found = next(r for r in again.results if r.service.code == result.service.code)
            redo = next(o for o in found.outcomes if o.member == outcome.member)
            if redo.status == "unknown":
                assert not redo.res.missing, (result.service.code, redo.res.missing)
                assert redo.res.missing_params, result.service.code


@settings(max_examples=40, deadline=None)
@given(base=households())
def test_deterministic_for_fixed_date_and_region(base: Household_) -> None:
    region, hfacts, members = base
    first = evaluation_json(run(region, hfacts, members))
    second = evaluation_json(run(region, dict(reversed(hfacts.items())), members))
    assert first == second


def test_missing_is_never_zero_or_false() -> None:
    # age absent vs age 0: a missing fact must not be read as 0 (or "no").
    missing = statuses(run("520102", {}, [{}]))
    zero = statuses(run("520102", {}, [{"person.age": 0}]))
    assert missing[("elderly-welfare-subsidy", 0)] == "unknown"
    assert zero[("elderly-welfare-subsidy", 0)] == "not_eligible"
    assert missing[("disability-culture-sports-services", 0)] == "unknown"


def test_as_of_selects_dated_rules() -> None:
    ruleset, regions = shipped()
    person = {"person.military_status": "other_veteran"}

    def status(day: dt.date) -> str:
        hh = Household("520102", day, {}, (Member("applicant", person),))
        ev = evaluate(ruleset, regions, hh)
        return next(
            r.status for r in ev.results if r.service.code == "preferential-treatment-and-pensions"
        )

    assert status(dt.date(2024, 9, 30)) == "not_eligible"
    assert status(dt.date(2024, 10, 1)) == "needs_verification"


def test_a_gate_answered_later_overrules_a_contradicting_detailed_answer() -> None:
    """Found by the monotonicity property: 现役军人 answered in detail, then 军人… "no" at the
    gate. The gate wins (a resident who goes back and unticks it meant it), so the detailed
    answer is read as 以上都不是 and legal aid, decided through the military branch, is open
    again until the household's means are known."""
    member = {
        "person.military_status": "active",
        "person.legal_matter": "state_compensation",
        "person.has_legal_representative": False,
    }
    before = statuses(run("520102", {}, [{}, member, {}]))
    after = statuses(run("520102", {}, [{}, {**member, "person.military_related": False}, {}]))
    assert before["legal-aid", 1] != "unknown"
    assert after["legal-aid", 1] == "unknown"
    as_none = statuses(run("520102", {}, [{}, {**member, "person.military_status": "none"}, {}]))
    assert after["legal-aid", 1] == as_none["legal-aid", 1]
