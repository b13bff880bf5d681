"""Compile a validated :class:`~app.eligibility.loader.RawRuleset` into a :class:`Ruleset`."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from app.eligibility.compile import CompiledFact, CompiledService, Ruleset
from app.eligibility.compiler import Compiler
from app.eligibility.parameters import ParamTable
from app.eligibility.rules import RuleFile

if TYPE_CHECKING:
    from app.eligibility.loader import RawRuleset


def build_ruleset(raw: RawRuleset) -> Ruleset:
    """Compile every rule file (the raw ruleset must have passed ``cross_check``)."""
    assert raw.facts is not None
    assert raw.parameters is not None
    assert raw.coverage is not None
    facts = {
        f.id: CompiledFact(
            id=f.id,
            person=f.person,
            gate=f.implied_by.fact if f.implied_by else None,
            gate_equals=f.implied_by.equals if f.implied_by else None,
            implied=f.implied_by.value if f.implied_by else None,
            definition=f,
        )
        for f in raw.facts.facts
    }
    question_of = {fid: q.id for q in raw.facts.questions for fid in q.facts}
    services = {
        code: CompiledService(
            code=code,
            name=raw.services[code].name,
            region=raw.services[code].region,
            file=rule,
            path=path,
            digest="sha256:" + hashlib.sha256(data).hexdigest()[:12],
        )
        for code, (path, rule, data) in _ordered(raw)
    }
    ruleset = Ruleset(
        version=raw.digest,
        facts=facts,
        fact_order=tuple(f.id for f in raw.facts.facts),
        questions={q.id: q for q in raw.facts.questions},
        question_of=question_of,
        params={p.id: ParamTable(p) for p in raw.parameters.parameters},
        services=services,
        sources=raw.sources,
        service_names={code: entry.name for code, entry in raw.services.items()},
        coverage=raw.coverage.without_rules,
    )
    for service in services.values():
        compiler = Compiler(ruleset, service)
        service.versions = tuple(compiler.version(v) for v in service.file.versions)
    return ruleset


def _ordered(raw: RawRuleset) -> list[tuple[str, tuple[str, RuleFile, bytes]]]:
    """Rule files in catalogue file order (area folder, then code)."""
    files = {code: entry.file for code, entry in raw.services.items()}
    return sorted(raw.rules.items(), key=lambda item: files.get(item[0], "~"))
