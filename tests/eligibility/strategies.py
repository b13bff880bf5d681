"""Hypothesis strategies: random households over the shipped fact vocabulary."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from app.eligibility.facts import FactDef
from app.eligibility.values import OUTSIDE
from tests.eligibility.support import shipped

REGIONS = ["520102", "520103", "520201", "522301", "520102016"]


def value_of(fact: FactDef) -> st.SearchStrategy[Any]:
    """Valid answers for one fact, biased to the thresholds the rules use."""
    if fact.type == "bool":
        return st.booleans()
    if fact.options:
        return st.sampled_from([o.value for o in fact.options])
    if fact.type == "region":
        return st.sampled_from([*REGIONS, OUTSIDE])
    low, high = int(fact.min or 0), int(fact.max or 0)
    if fact.type == "int":
        edges = [v for v in (0, 1, 14, 15, 16, 17, 59, 60, 61, 70, 80, 130) if low <= v <= high]
        return st.one_of(st.sampled_from(edges), st.integers(low, high))
    return st.one_of(
        st.sampled_from([0.0, 699.99, 700.0, 1000.0]),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


def answer(fact: FactDef) -> st.SearchStrategy[Any]:
    """Absent (not asked, returned as the string marker), 不清楚 (None) or a value."""
    return st.one_of(st.just("<absent>"), st.none(), value_of(fact))


@st.composite
def facts_of(draw: st.DrawFn, person: bool) -> dict[str, Any]:
    """A random subset of the person's or household's facts."""
    ruleset, _ = shipped()
    out: dict[str, Any] = {}
    for fid in ruleset.fact_order:
        fact = ruleset.fact(fid)
        if fact.person != person:
            continue
        value = draw(answer(fact))
        if value != "<absent>":
            out[fid] = value
    return out


@st.composite
def households(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """``(region, household facts, members' facts)``."""
    region = draw(st.sampled_from(REGIONS))
    members = draw(st.lists(facts_of(person=True), min_size=1, max_size=3))
    return region, draw(facts_of(person=False)), members
