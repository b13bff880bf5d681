"""The next best question: cheap disqualifiers first, sensitive questions last.

Candidates are the missing facts of every undecided result (facts that only a missing local
standard keeps open are never candidates: no answer could decide them). Each candidate scores
1 per undecided result it appears in, plus 2 where a "no" alone would settle that result (a
condition reached through ``all`` only); medium-sensitivity facts lose 1 point and
high-sensitivity facts come after everything else. A fact is as sensitive as the most
sensitive fact on its screen, since the screen is what the resident sees. Ties go to the
vocabulary order, then to the member order. The chosen fact's screen (a question group) asks
the other still-needed facts of that group too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.eligibility.facts import Sensitivity
from app.eligibility.values import ABSENT

if TYPE_CHECKING:
    from app.eligibility.evaluate import Evaluation

PENALTY = {Sensitivity.LOW: 0.0, Sensitivity.MEDIUM: 1.0, Sensitivity.HIGH: 1000.0}


@dataclass(frozen=True, slots=True)
class Pick:
    """One screen to show next."""

    fact: str
    member: int | None
    question_id: str | None
    kind: str  # single | checklist | form
    text: str
    help: str | None
    facts: tuple[str, ...]
    sensitivity: str
    why: tuple[str, ...]
    remaining: int


def candidates(ev: Evaluation) -> dict[tuple[str, int | None], tuple[float, set[str]]]:
    """Every askable ``(fact, member)`` with its score and the services it could decide."""
    found: dict[tuple[str, int | None], tuple[float, set[str]]] = {}
    for result in ev.results:
        if result.status != "unknown":
            continue
        for outcome in result.outcomes:
            if outcome.status != "unknown":
                continue
            necessary = outcome.version.necessary if outcome.version is not None else frozenset()
            for fact, member in outcome.res.missing:
                key = _askable(ev, fact, member)
                if key is None:
                    continue
                score, services = found.get(key, (0.0, set()))
                score += 3.0 if fact in necessary else 1.0
                services.add(result.service.code)
                found[key] = (score, services)
    return found


def _answer(ev: Evaluation, fact: str, member: int | None) -> object:
    hh = ev.household
    src = hh.members[member].facts if member is not None else hh.facts
    return src.get(fact, ABSENT)


def _askable(ev: Evaluation, fact: str, member: int | None) -> tuple[str, int | None] | None:
    """The fact to ask for a missing one: None if declined, its yes/no gate if unanswered."""
    if _answer(ev, fact, member) is None:
        return None  # answered 不清楚: do not ask again
    gate = ev.ruleset.facts[fact].gate or ev.ruleset.fact(fact).ask_after
    if gate is not None:
        state = _answer(ev, gate, member)
        if state is ABSENT:
            return (gate, member)
    return (fact, member)


def screen_sensitivity(ev: Evaluation, fact: str) -> Sensitivity:
    """How sensitive the screen that asks ``fact`` is (the most sensitive fact on it)."""
    rs = ev.ruleset
    group = rs.question_of.get(fact)
    facts = rs.questions[group].facts if group else (fact,)
    return max((rs.fact(f).sensitivity for f in facts), key=lambda s: s.rank)


def next_question(ev: Evaluation) -> Pick | None:
    """The best next screen, or None when nothing left to ask can change a result."""
    found = candidates(ev)
    if not found:
        return None
    rs = ev.ruleset
    order = {fid: i for i, fid in enumerate(rs.fact_order)}

    def rank(item: tuple[tuple[str, int | None], tuple[float, set[str]]]) -> tuple[float, ...]:
        (fact, member), (score, _) = item
        penalty = PENALTY[screen_sensitivity(ev, fact)]
        return (-(score - penalty), order[fact], -1 if member is None else member)

    (fact, member), _ = min(found.items(), key=rank)
    definition = rs.fact(fact)
    group_id = rs.question_of.get(fact)
    if group_id is None:
        facts: tuple[str, ...] = (fact,)
        kind, text, help_text = "single", definition.question_zh, definition.help_zh
    else:
        group = rs.questions[group_id]
        facts = tuple(f for f in group.facts if (f, member) in found)
        kind, text, help_text = group.kind, group.text_zh, group.help_zh
    why: dict[str, None] = {}
    for f in facts:
        for code in sorted(found[(f, member)][1], key=list(rs.services).index):
            why[rs.services[code].name] = None
    worst = screen_sensitivity(ev, fact)
    return Pick(
        fact=fact,
        member=member,
        question_id=group_id,
        kind=kind,
        text=text,
        help=help_text,
        facts=facts,
        sensitivity=worst.value,
        why=tuple(why),
        remaining=len({f for f, _ in found}),
    )
