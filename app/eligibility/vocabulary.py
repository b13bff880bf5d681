"""The questionnaire schema and next-question screens as JSON-ready dictionaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.eligibility.questions import next_question
from app.eligibility.request import ROLE_LABELS

if TYPE_CHECKING:
    from app.eligibility.compile import Ruleset
    from app.eligibility.evaluate import Evaluation
    from app.eligibility.facts import FactDef


def fact_json(fact: FactDef) -> dict[str, Any]:
    """One fact of the vocabulary."""
    return {
        "id": fact.id,
        "entity": fact.entity,
        "type": fact.type,
        "label": fact.label_zh,
        "question": fact.question_zh,
        "help": fact.help_zh,
        "unit": fact.unit,
        "min": fact.min,
        "max": fact.max,
        "options": [{"value": o.value, "label": o.label_zh} for o in fact.options],
        "sensitivity": fact.sensitivity.value,
        "ask_of": fact.ask_of,
    }


def facts_json(ruleset: Ruleset) -> dict[str, Any]:
    """``GET /eligibility/facts``: every fact, question screen, role and service with rules."""
    return {
        "ruleset_version": ruleset.version,
        "facts": [fact_json(ruleset.fact(fid)) for fid in ruleset.fact_order],
        "questions": [
            {
                "id": q.id,
                "entity": q.entity,
                "kind": q.kind,
                "text": q.text_zh,
                "help": q.help_zh,
                "facts": list(q.facts),
            }
            for q in ruleset.questions.values()
        ],
        "roles": [{"value": k, "label": v} for k, v in ROLE_LABELS.items()],
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "entity": s.file.entity,
                "region_basis": s.file.region_basis,
                "discretionary": s.file.discretionary,
                "also_required": list(s.file.also_required_zh),
                "caveats": list(s.file.caveats_zh),
                "sources": list(s.file.sources),
            }
            for s in ruleset.services.values()
        ],
    }


def next_question_json(ev: Evaluation) -> dict[str, Any]:
    """``POST /eligibility/next-question``."""
    summary = {"eligible": 0, "needs_verification": 0, "unknown": 0, "not_eligible": 0}
    for result in ev.results:
        summary[result.status] += 1
    pick = next_question(ev)
    question = None
    if pick is not None:
        question = {
            "id": pick.question_id or pick.fact,
            "kind": pick.kind,
            "text": pick.text,
            "help": pick.help,
            "member": pick.member,
            "sensitivity": pick.sensitivity,
            "facts": [fact_json(ev.ruleset.fact(f)) for f in pick.facts],
            "why": list(pick.why),
        }
    return {
        "ruleset_version": ev.ruleset.version,
        "done": pick is None,
        "question": question,
        "remaining_estimate": pick.remaining if pick else 0,
        "summary": summary,
    }
