"""Compile rule trees into closures: one per node, flat hot paths for the leaves.

Each node becomes ``(ctx, member) -> Res``. Leaf results that hold no free number (no answer
yet, or a yes/no or option answer) are built here once, with their sentences, for every
member slot; evaluation then only looks them up.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from app.eligibility import engine as k
from app.eligibility.compile import (
    HUKOU_FACT,
    SCOPE_LEAF,
    CompiledFact,
    CompiledLeaf,
    CompiledService,
    CompiledVersion,
    Ruleset,
    basis_region,
    resolve_param,
)
from app.eligibility.regions import RegionInfo
from app.eligibility.rules import (
    AllMembers,
    AllOf,
    AnyMember,
    AnyOf,
    Compare,
    CountMembers,
    DependsOn,
    InRegion,
    Node,
    NotOf,
    RuleVersion,
    Texts,
)
from app.eligibility.values import (
    ABSENT,
    FALSE,
    MAX_MEMBERS,
    OPERATORS,
    PENDING,
    TRUE,
    UNKNOWN,
)

_UIDS = itertools.count(1)


class Compiler:
    """Compile the nodes of one service's rule versions."""

    def __init__(self, ruleset: Ruleset, service: CompiledService) -> None:
        self.ruleset = ruleset
        self.service = service
        self.leaves: list[CompiledLeaf] = []

    def version(self, version: RuleVersion) -> CompiledVersion:
        """Compile one version, prefixed with the service-region test."""
        self.leaves = []
        scope = self._scope()
        body = self.node(version.rule)
        combine = k.combine_all
        if self.service.file.region_basis == "hukou":

            def run(ctx: k.Ctx, m: int) -> k.Res:
                return combine((scope(ctx, m), body(ctx, m)))

        else:
            # The household's region is known: test it once per request, not per member.
            key = ("scope", self.service.region)

            def run(ctx: k.Ctx, m: int) -> k.Res:
                here = ctx.pcache.get(key)
                if here is None:
                    here = ctx.pcache[key] = scope(ctx, -1)
                return body(ctx, m) if here.v == TRUE else here

        necessary = set(_necessary(version.rule))
        if self.service.file.region_basis == "hukou":
            necessary.add(HUKOU_FACT)
        return CompiledVersion(version, run, frozenset(necessary), tuple(self.leaves))

    def node(self, node: Node) -> k.Evaluator:
        """Compile ``node`` into a closure."""
        if isinstance(node, (AllOf, AnyOf)):
            kids = node.all if isinstance(node, AllOf) else node.any
            subs = [self.node(c) for c in kids]
            if len(subs) == 1:
                return subs[0]
            return _junction(
                subs, [isinstance(c, LEAF_TYPES) for c in kids], isinstance(node, AllOf)
            )
        if isinstance(node, NotOf):
            sub = self.node(node.not_)
            return lambda ctx, m: k.negate(sub(ctx, m))
        if isinstance(node, (AnyMember, AllMembers)):
            inner = self.node(node.any_member if isinstance(node, AnyMember) else node.all_members)
            join = k.combine_any if isinstance(node, AnyMember) else k.combine_all
            return lambda ctx, _m: join([inner(ctx, i) for i in range(len(ctx.members))])
        if isinstance(node, CountMembers):
            spec = node.count_members
            where = self.node(spec.where)
            return lambda ctx, _m: k.count(
                [where(ctx, i) for i in range(len(ctx.members))], spec.op, spec.value
            )
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, InRegion):
            return self._region(node)
        return self._depends(node)

    def _leaf(self, leaf: CompiledLeaf) -> CompiledLeaf:
        leaf = dataclasses.replace(leaf, uid=next(_UIDS))
        self.leaves.append(leaf)
        return leaf

    def _scope(self) -> k.Evaluator:
        hukou = self.service.file.region_basis == "hukou"
        texts = HUKOU_SCOPE if hukou else RESIDENCE_SCOPE
        fact = self.ruleset.fact(HUKOU_FACT) if hukou else None
        leaf = self._leaf(
            CompiledLeaf(SCOPE_LEAF, "scope", texts, fact=fact, within=self.service.region)
        )
        return self._region_eval(leaf, HUKOU_FACT if hukou else "household", self.service.region)

    def _region(self, node: InRegion) -> k.Evaluator:
        within = self.service.region if node.within == "service" else node.within
        fact = None if node.region_of == "household" else self.ruleset.fact(node.region_of)
        leaf = self._leaf(
            CompiledLeaf(
                node.id, "region", node.text, fact=fact, within=within, basis_zh=node.basis_zh
            )
        )
        return self._region_eval(leaf, node.region_of, within)

    def _region_eval(self, leaf: CompiledLeaf, region_of: str, within: str) -> k.Evaluator:
        if region_of == "household":

            def home(ctx: k.Ctx, _m: int) -> k.Res:
                v = TRUE if ctx.home.within(within) else FALSE
                return k.decided(v, (leaf, None, v, ctx.home.code, within, None))

            return home
        fact = self.ruleset.facts[region_of]

        def run(ctx: k.Ctx, m: int) -> k.Res:
            mm = m if m >= 0 else ctx.applicant
            member = mm if fact.person else None
            value = ctx.value(fact, mm)
            if value is ABSENT or value is None:
                hit: k.Hit = (leaf, member, UNKNOWN, None, within, None)
                return k.open_leaf(hit, ((fact.id, member),))
            info = ctx.regions.get(value) if isinstance(value, str) else None
            v = TRUE if info is not None and info.within(within) else FALSE
            return k.decided(v, (leaf, member, v, value, within, None))

        return run

    def _depends(self, node: DependsOn) -> k.Evaluator:
        leaf = self._leaf(
            CompiledLeaf(
                node.id, "depends", node.text, service=node.service, basis_zh=node.basis_zh
            )
        )
        wanted = frozenset(node.is_)
        target_code = node.service

        def run(ctx: k.Ctx, m: int) -> k.Res:
            target = ctx.ruleset.services[target_code]
            mm = (m if m >= 0 else ctx.applicant) if target.person else -1
            outcome = ctx.outcome(target, mm)
            member = mm if mm >= 0 else None
            if outcome.status != "unknown":
                v = TRUE if outcome.status in wanted else FALSE
                return k.decided(v, (leaf, member, v, outcome.status, None, None))
            res = outcome.res
            true_status = "needs_verification" if target.verify else "eligible"
            t_ok = true_status in wanted
            f_ok = "not_eligible" in wanted
            can_t = (res.can_t and t_ok) or (res.can_f and f_ok)
            can_f = (res.can_t and not t_ok) or (res.can_f and not f_ok)
            hit = (leaf, member, UNKNOWN if (can_t or can_f) else PENDING, None, None, None)
            return k.Res(
                UNKNOWN, can_t, can_f, hit=hit, miss=res.missing, params=res.missing_params
            )

        return run

    def _compare(self, node: Compare) -> k.Evaluator:
        fact = self.ruleset.facts[node.fact]
        leaf = self._leaf(
            CompiledLeaf(
                node.id,
                "compare",
                node.text,
                fact=fact.definition,
                op=node.op,
                basis_zh=node.basis_zh,
            )
        )
        cmp = OPERATORS[node.op]
        expected: Any = frozenset(node.value) if isinstance(node.value, tuple) else node.value
        if node.param is None:
            return _literal_compare(leaf, fact, cmp, expected)
        pid = node.param
        basis = self.service.file.region_basis

        def run(ctx: k.Ctx, m: int) -> k.Res:
            mm = m if m >= 0 else ctx.applicant
            member = mm if fact.person else None
            info = basis_region(ctx, m, basis)
            if isinstance(info, k.Res):
                value = ctx.value(fact, mm)
                extra = ((fact.id, member),) if value is ABSENT or value is None else ()
                return k.open_leaf((leaf, member, UNKNOWN, None, None, None), info.miss + extra)
            prov = resolve_param(ctx, ctx.ruleset.params[pid], info)
            if prov.value is None:
                return k.pending((leaf, member, PENDING, None, None, prov), prov)
            value = ctx.value(fact, mm)
            if value is ABSENT or value is None:
                hit = (leaf, member, UNKNOWN, None, prov.value, prov)
                return k.open_leaf(hit, ((fact.id, member),))
            v = TRUE if cmp(value, prov.value) else FALSE
            return k.decided(v, (leaf, member, v, value, prov.value, prov))

        return run


LEAF_TYPES = (Compare, InRegion, DependsOn)


def _junction(subs: list[k.Evaluator], leafy: list[bool], conj: bool) -> k.Evaluator:
    """``all`` / ``any``: once decided, only the remaining plain leaves are still evaluated.

    The truth value is the same as evaluating everything (Kleene logic); skipping sub-trees
    after a deciding child only leaves out reasons nobody needs and keeps evaluation fast.
    """
    join = k.combine_all if conj else k.combine_any
    stop = FALSE if conj else TRUE
    pairs = tuple(zip(subs, leafy, strict=True))
    if all(leafy):
        # Plain leaves are cheap: evaluate them all (every failing leaf is a reason).
        if len(subs) == 2:
            first, second = subs
            return lambda ctx, m: join((first(ctx, m), second(ctx, m)))
        return lambda ctx, m: join([sub(ctx, m) for sub in subs])

    def run(ctx: k.Ctx, m: int) -> k.Res:
        results = []
        done = False
        for sub, plain in pairs:
            if done and not plain:
                continue
            r = sub(ctx, m)
            if r.v == stop:
                done = True
            results.append(r)
        return join(results)

    return run


def _literal_compare(
    leaf: CompiledLeaf, fact: CompiledFact, cmp: Any, expected: Any
) -> k.Evaluator:
    # The hot path of every evaluation: kept flat on purpose (no helper calls). Results are
    # immutable, so every result that does not hold a free number — open (no answer), and for
    # yes/no and option facts every possible answer — is built once, here, for every member
    # slot, with its sentence. The table depends on the rules only, never on requests.
    person = fact.person
    fid = fact.id
    gate = fact.gate
    gate_equals = fact.gate_equals
    implied = fact.implied
    res = k.Res
    definition = fact.definition
    finite = definition.type == "bool" or bool(definition.options)
    answers: list[object] = (
        [True, False] if definition.type == "bool" else [o.value for o in definition.options]
    )
    cache: dict[tuple[int | None, object], k.Res] = {}
    for member in range(MAX_MEMBERS) if person else (None,):
        opened = res(UNKNOWN, True, True, (), (), (leaf, member, UNKNOWN, None, expected, None))
        opened.miss = ((fid, member),)
        cache[(member, ABSENT)] = cache[(member, None)] = _shown(opened)
        for value in answers if finite else ():
            v = TRUE if cmp(value, expected) else FALSE
            found = res(v, v == TRUE, v == FALSE, (), (), (leaf, member, v, value, expected, None))
            cache[(member, value)] = _shown(found)

    def run(ctx: k.Ctx, m: int) -> k.Res:
        if person:
            member: int | None = m if m >= 0 else ctx.applicant
            src = ctx.members[m if m >= 0 else ctx.applicant]
        else:
            member = None
            src = ctx.hfacts
        value = src.get(fid, ABSENT)
        if gate is not None and src.get(gate) is gate_equals:
            value = implied
        found = cache.get((member, value))
        if found is not None:
            return found
        if value is ABSENT or value is None:
            hit = (leaf, member, UNKNOWN, None, expected, None)
            return res(UNKNOWN, True, True, (), (), hit, ((fid, member),))
        if cmp(value, expected):
            return res(TRUE, True, False, (), (), (leaf, member, TRUE, value, expected, None))
        return res(FALSE, False, True, (), (), (leaf, member, FALSE, value, expected, None))

    return run


class _NoRegions:
    """A region table with nothing in it (sentences of plain facts never name regions)."""

    def get(self, code: str) -> RegionInfo | None:
        """Nothing, whatever the code."""
        del code
        return None


def _shown(result: k.Res) -> k.Res:
    """Mark a precomputed leaf result shared and attach its sentence (and hint)."""
    from app.eligibility.present import render_hit

    assert result.hit is not None
    result.shared = True
    result.shown = render_hit(result.hit, _NoRegions())
    return result


def _necessary(node: Node) -> list[str]:
    """Facts whose FALSE alone can settle the result: leaves reached through ``all`` only."""
    if isinstance(node, AllOf):
        return [f for c in node.all for f in _necessary(c)]
    if isinstance(node, AnyMember):
        return _necessary(node.any_member)
    if isinstance(node, AllMembers):
        return _necessary(node.all_members)
    if isinstance(node, Compare):
        return [node.fact]
    if isinstance(node, InRegion) and node.region_of != "household":
        return [node.region_of]
    return []


HUKOU_SCOPE = Texts.model_validate(
    {
        "label": "户籍在{region}",
        "pass": "户籍在{region}。",
        "fail": "户籍不在{region}。本项服务由户籍所在地办理，请向户籍所在地的乡镇（街道）咨询。",
        "unknown": "需要知道户籍所在地，才能确定由哪里办理。",
    }
)
RESIDENCE_SCOPE = Texts.model_validate(
    {
        "label": "居住在{region}",
        "pass": "居住地在{region}。",
        "fail": "本项服务只在{region}提供，您所选的居住地不在这个范围内。",
        "unknown": "需要知道居住地。",
    }
)
