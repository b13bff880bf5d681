"""The compiled ruleset: services with their runnable rule versions, facts and parameters.

:mod:`app.eligibility.compiler` turns rule trees into closures; this module holds what they
produce and the helpers they share (the region a rule resolves by, parameter resolution).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.eligibility import engine as k
from app.eligibility.facts import NUMERIC_TYPES, FactDef, QuestionDef
from app.eligibility.parameters import ParamTable, Provenance
from app.eligibility.regions import RegionInfo
from app.eligibility.rules import (
    CoverageEntry,
    RuleFile,
    RuleVersion,
    Texts,
)
from app.eligibility.values import (
    ABSENT,
    FALSE,
    OUTSIDE,
    TRUE,
    UNKNOWN,
)

HUKOU_FACT = "person.hukou_region"
SCOPE_LEAF = "in_service_region"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A registered source, as cited in provenance."""

    id: str
    title: str
    doc_no: str | None
    issuer: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class CompiledFact:
    """A fact with its yes/no gate resolved (see ``implied_by``)."""

    id: str
    person: bool
    gate: str | None
    gate_equals: bool | None
    implied: object
    definition: FactDef


@dataclass(frozen=True, slots=True)
class CompiledLeaf:
    """What explanations need to know about a leaf."""

    id: str
    kind: str  # compare | region | depends | scope
    texts: Texts
    fact: FactDef | None = None
    op: str | None = None
    within: str | None = None
    service: str | None = None
    basis_zh: str | None = None
    uid: int = 0

    @property
    def finite(self) -> bool:
        """Its answers come from a fixed list (yes/no, options, regions), not free numbers."""
        return self.fact is None or self.fact.type not in NUMERIC_TYPES or bool(self.fact.options)

    @property
    def numeric(self) -> bool:
        """A numeric threshold (gets a counterfactual hint when it fails)."""
        return (
            self.fact is not None
            and self.fact.type in NUMERIC_TYPES
            and self.op in ("lt", "lte", "gt", "gte")
        )


@dataclass(frozen=True, slots=True)
class CompiledVersion:
    """A rule version ready to run."""

    version: RuleVersion
    run: k.Evaluator
    necessary: frozenset[str]
    leaves: tuple[CompiledLeaf, ...]


@dataclass(eq=False)
class CompiledService:
    """A service's rules: metadata plus its compiled versions."""

    code: str
    name: str
    region: str
    file: RuleFile
    path: str
    digest: str
    versions: tuple[CompiledVersion, ...] = ()
    person: bool = field(init=False)
    verify: bool = field(init=False)
    true_status: str = field(init=False)
    regional: bool = field(init=False)
    # A national-only service's version in force depends on the date alone: the last date
    # asked and its answer (most requests ask about today).
    _national_pick: tuple[dt.date, CompiledVersion | None] | None = field(
        init=False, default=None, repr=False
    )

    def __post_init__(self) -> None:
        # person: evaluated per member (else once per household); verify: a TRUE result
        # still needs a worker's check (conditions the engine cannot check, or discretion).
        self.person = self.file.entity == "person"
        self.verify = bool(self.file.also_required_zh) or self.file.discretionary
        self.true_status = "needs_verification" if self.verify else "eligible"
        self.regional = any(v.region != "national" for v in self.file.versions)

    def run(self, ctx: k.Ctx, m: int) -> k.ServiceOutcome:
        """Evaluate for member ``m`` (-1: household)."""
        member = m if m >= 0 else None
        picked = ctx.vcache.get(self.code)
        if picked is None:
            picked = self._pick(ctx, m)
        if picked is None:
            return k.ServiceOutcome(member, "not_applicable", k.Res(FALSE, False, True), None)
        if isinstance(picked, k.Res):
            return k.ServiceOutcome(member, "unknown", picked, None)
        res = picked.run(ctx, m)
        v = res.v
        status = self.true_status if v == TRUE else ("not_eligible" if v == FALSE else "unknown")
        return k.ServiceOutcome(member, status, res, picked)

    def run_members(self, ctx: k.Ctx, count: int) -> tuple[k.ServiceOutcome, ...]:
        """Evaluate a person-level service for members 0…count-1 (the hot path)."""
        cache = ctx.scache
        code = self.code
        if self.regional:
            return tuple(cache.get((code, m)) or ctx.outcome(self, m) for m in range(count))
        picked = self._pick(ctx, 0)
        if not isinstance(picked, CompiledVersion):
            return tuple(cache.get((code, m)) or ctx.outcome(self, m) for m in range(count))
        run = picked.run
        true_status = self.true_status
        out = []
        for m in range(count):
            found = cache.get((code, m))
            if found is None:
                res = run(ctx, m)
                v = res.v
                status = true_status if v == TRUE else ("not_eligible" if v == FALSE else "unknown")
                found = cache[(code, m)] = k.ServiceOutcome(m, status, res, picked)
            out.append(found)
        return tuple(out)

    def _pick(self, ctx: k.Ctx, m: int) -> CompiledVersion | k.Res | None:
        if not self.regional:
            memo = self._national_pick
            if memo is None or memo[0] != ctx.as_of:
                in_force = [v for v in self.versions if v.version.in_force(ctx.as_of)]
                memo = self._national_pick = (ctx.as_of, in_force[0] if in_force else None)
            return memo[1]
        in_force = [v for v in self.versions if v.version.in_force(ctx.as_of)]
        if not in_force:
            return None
        if all(v.version.region == "national" for v in in_force):
            ctx.vcache[self.code] = in_force[0]
            return in_force[0]
        info = basis_region(ctx, m, self.file.region_basis)
        if isinstance(info, k.Res):
            return info
        chain = (*(info.chain if info else ()), "national")
        for code in chain:
            for v in in_force:
                if v.version.region == code:
                    return v
        return None


@dataclass(frozen=True)
class Ruleset:
    """Everything loaded from ``seed/eligibility/``, compiled; immutable and shareable."""

    version: str
    facts: Mapping[str, CompiledFact]
    fact_order: tuple[str, ...]
    questions: Mapping[str, QuestionDef]
    question_of: Mapping[str, str]
    params: Mapping[str, ParamTable]
    services: Mapping[str, CompiledService]
    sources: Mapping[str, SourceRef]
    service_names: Mapping[str, str]
    coverage: tuple[CoverageEntry, ...] = field(default=())

    def fact(self, fact_id: str) -> FactDef:
        """The definition of ``fact_id``."""
        return self.facts[fact_id].definition


def _missing_hukou(m: int) -> k.Res:
    return k.Res(UNKNOWN, True, True, miss=((HUKOU_FACT, m),))


def basis_region(ctx: k.Ctx, m: int, basis: str) -> RegionInfo | k.Res | None:
    """The region a rule resolves by: the household's, or the member's 户籍 (None: 省外)."""
    if basis == "residence":
        return ctx.home
    mm = m if m >= 0 else ctx.applicant
    value = ctx.value(ctx.ruleset.facts[HUKOU_FACT], mm)
    if value is ABSENT or value is None:
        return _missing_hukou(mm)
    if value == OUTSIDE or not isinstance(value, str):
        return None
    return ctx.regions.get(value)


def resolve_param(ctx: k.Ctx, table: ParamTable, info: RegionInfo | None) -> Provenance:
    """A parameter for a region (memoised per evaluation)."""
    key = (table.definition.id, info.code if info else OUTSIDE)
    found = ctx.pcache.get(key)
    if found is None:
        if info is None:
            found = table.resolve((), (), ctx.as_of)
            found = Provenance(
                found.param, found.label, found.unit, None, None, None, None, (), None
            )
        else:
            found = table.resolve(info.chain, info.levels, ctx.as_of)
        ctx.pcache[key] = found
    return found
