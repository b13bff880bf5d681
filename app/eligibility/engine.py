"""The strong-Kleene evaluator: TRUE / FALSE / UNKNOWN with the facts still missing.

Each node returns a :class:`Res`: the truth value, the decisive leaf hits (failing leaves for
FALSE, passing ones for TRUE, open ones for UNKNOWN), the missing ``(fact, member)`` pairs and
missing parameters, and whether some completion of the missing facts could still make it
TRUE (``can_t``) or FALSE (``can_f``). A leaf whose local standard is unknown (a ``null``
parameter) is UNKNOWN with neither possibility: no answer can decide it, so its fact is not
asked, and a result that only such leaves keep open is "标准待核实" rather than a question.

A missing fact is never read as 0, false or empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.eligibility.values import ABSENT, FALSE, TRUE, UNKNOWN

if TYPE_CHECKING:
    from app.eligibility.compile import CompiledFact, CompiledService, Ruleset
    from app.eligibility.parameters import Provenance
    from app.eligibility.regions import RegionInfo, RegionLookup

# (leaf, member, outcome, actual, expected, provenance)
Hit = tuple[Any, "int | None", int, object, object, "Provenance | None"]
Missing = tuple[str, "int | None"]


class Res:
    """The result of one node for one member (or the household).

    Results are built lazily: a node keeps references to the children that decided it
    (``kids``) and to those whose missing facts still matter (``useful``); the decisive
    leaves, missing facts and missing parameters are collected only when a result is shown.
    Only leaves (results with a ``hit``) hold ``params``; inner nodes never have their own.
    """

    __slots__ = (
        "can_f",
        "can_t",
        "hit",
        "kids",
        "miss",
        "params",
        "shared",
        "shown",
        "useful",
        "v",
    )

    def __init__(
        self,
        v: int,
        can_t: bool,
        can_f: bool,
        kids: tuple[Res, ...] = (),
        useful: tuple[Res, ...] = (),
        hit: Hit | None = None,
        miss: tuple[Missing, ...] = (),
        params: tuple[Provenance, ...] = (),
    ) -> None:
        self.v = v
        self.can_t = can_t
        self.can_f = can_f
        self.kids = kids
        self.useful = useful
        self.hit = hit
        self.miss = miss
        self.params = params
        self.shown: Any = None  # the rendered sentence, kept by the presentation layer
        self.shared = False  # a cached leaf result reused across requests (no free numbers)

    @property
    def leaves(self) -> list[Res]:
        """The decisive leaf results, depth first (a leaf may appear more than once)."""
        if self.hit is not None:
            return [self]
        out: list[Res] = []
        stack = list(reversed(self.kids))
        while stack:
            r = stack.pop()
            if r.hit is not None:
                out.append(r)
            else:
                stack.extend(reversed(r.kids))
        return out

    @property
    def hits(self) -> tuple[Hit, ...]:
        """The decisive leaf hits, depth first, without duplicates."""
        out: dict[tuple[str, int | None], Hit] = {}
        for r in self.leaves:
            assert r.hit is not None
            out.setdefault((r.hit[0].id, r.hit[1]), r.hit)
        return tuple(out.values())

    @property
    def missing(self) -> tuple[Missing, ...]:
        """The ``(fact, member)`` answers that could still change this result."""
        if self.v != UNKNOWN:
            return ()
        if not self.useful:
            return self.miss
        out: dict[Missing, None] = {}
        stack = [self]
        while stack:
            r = stack.pop()
            for item in r.miss:
                out[item] = None
            stack.extend(reversed(r.useful))
        return tuple(out)

    @property
    def missing_params(self) -> tuple[Provenance, ...]:
        """Parameters whose value is unknown (标准待核实) among the open leaves."""
        return params_on(self.leaves) if self.v == UNKNOWN else ()


def params_on(leaves: Sequence[Res]) -> tuple[Provenance, ...]:
    """The unknown standards held by ``leaves``, first mention first (only leaves hold them)."""
    out: dict[str, Provenance] = {}
    for leaf in leaves:
        for p in leaf.params:
            out.setdefault(p.param, p)
    return tuple(out.values())


Evaluator = Callable[["Ctx", int], Res]


def decided(v: int, hit: Hit) -> Res:
    """A decided leaf."""
    return Res(v, v == TRUE, v == FALSE, hit=hit)


def open_leaf(hit: Hit, miss: tuple[Missing, ...]) -> Res:
    """A leaf waiting for answers."""
    return Res(UNKNOWN, True, True, hit=hit, miss=miss)


def pending(hit: Hit, prov: Provenance) -> Res:
    """A leaf whose local standard is unknown: no answer can decide it."""
    return Res(UNKNOWN, False, False, hit=hit, params=(prov,))


def combine_all(results: Sequence[Res]) -> Res:
    """Kleene conjunction."""
    fails: list[Res] = []
    opens: list[Res] = []
    for r in results:
        if r.v == FALSE:
            fails.append(r)
        elif r.v == UNKNOWN:
            opens.append(r)
    if fails:
        return fails[0] if len(fails) == 1 else Res(FALSE, False, True, tuple(fails))
    if not opens:
        return Res(TRUE, True, False, tuple(results))
    can_t = True
    for r in results:
        if not r.can_t:
            can_t = False
            break
    can_f = False
    for r in opens:
        if r.can_f:
            can_f = True
            break
    kids = tuple(opens)
    useful = kids if can_t else tuple(r for r in opens if r.can_f)
    return Res(UNKNOWN, can_t, can_f, kids, useful)


def combine_any(results: Sequence[Res]) -> Res:
    """Kleene disjunction."""
    passes: list[Res] = []
    opens: list[Res] = []
    for r in results:
        if r.v == TRUE:
            passes.append(r)
        elif r.v == UNKNOWN:
            opens.append(r)
    if passes:
        return passes[0] if len(passes) == 1 else Res(TRUE, True, False, tuple(passes))
    if not opens:
        return Res(FALSE, False, True, tuple(results))
    can_f = True
    for r in results:
        if not r.can_f:
            can_f = False
            break
    can_t = False
    for r in opens:
        if r.can_t:
            can_t = True
            break
    kids = tuple(opens)
    useful = kids if can_f else tuple(r for r in opens if r.can_t)
    return Res(UNKNOWN, can_t, can_f, kids, useful)


def negate(r: Res) -> Res:
    """Kleene negation (UNKNOWN stays UNKNOWN)."""
    v = UNKNOWN if r.v == UNKNOWN else (FALSE if r.v == TRUE else TRUE)
    return Res(v, r.can_f, r.can_t, (r,), (r,))


def count(results: Sequence[Res], op: str, k: int) -> Res:
    """Kleene comparison of how many members meet a condition."""
    low = sum(1 for r in results if r.v == TRUE)
    high = low + sum(1 for r in results if r.v == UNKNOWN and r.can_t)
    lo_k, hi_k = {
        "eq": (k, k),
        "gte": (k, None),
        "gt": (k + 1, None),
        "lte": (None, k),
        "lt": (None, k - 1),
    }[op]

    def meets(n: int) -> bool:
        return (lo_k is None or n >= lo_k) and (hi_k is None or n <= hi_k)

    can_t = any(meets(n) for n in range(low, high + 1))
    can_f = any(not meets(n) for n in range(low, high + 1))
    if not can_f:
        return Res(TRUE, True, False, tuple(results))
    if not can_t:
        return Res(FALSE, False, True, tuple(results))
    opens = tuple(r for r in results if r.v == UNKNOWN)
    return Res(UNKNOWN, True, True, opens, opens)


class Ctx:
    """Everything one evaluation reads: the answers, the region table and memo tables."""

    __slots__ = (
        "applicant",
        "as_of",
        "hfacts",
        "home",
        "members",
        "pcache",
        "regions",
        "ruleset",
        "scache",
        "vcache",
    )

    def __init__(
        self,
        ruleset: Ruleset,
        regions: RegionLookup,
        home: RegionInfo,
        as_of: dt.date,
        hfacts: Mapping[str, object],
        members: Sequence[Mapping[str, object]],
        applicant: int,
    ) -> None:
        self.ruleset = ruleset
        self.regions = regions
        self.home = home
        self.as_of = as_of
        self.hfacts = hfacts
        self.members = members
        self.applicant = applicant
        self.pcache: dict[tuple[str, str], Any] = {}
        self.scache: dict[tuple[str, int], ServiceOutcome] = {}
        self.vcache: dict[str, Any] = {}

    def value(self, fact: CompiledFact, m: int) -> object:
        """The answer for ``fact`` (member ``m``): a value, None (不清楚) or ABSENT."""
        src = self.members[m] if fact.person else self.hfacts
        v = src.get(fact.id, ABSENT)
        gate = fact.gate
        if gate is not None and src.get(gate) is fact.gate_equals:
            return fact.implied  # the yes/no gate decides (even over a contradicting answer)
        return v

    def outcome(self, service: CompiledService, m: int) -> ServiceOutcome:
        """The (memoised) result of ``service`` for member ``m`` (-1: the household)."""
        key = (service.code, m)
        found = self.scache.get(key)
        if found is None:
            found = service.run(self, m)
            self.scache[key] = found
        return found


class ServiceOutcome:
    """One service's status for one member (or the household)."""

    __slots__ = ("member", "res", "status", "version")

    def __init__(self, member: int | None, status: str, res: Res, version: Any) -> None:
        self.member = member
        self.status = status
        self.res = res
        self.version = version


def status_of(res: Res, verify: bool) -> str:
    """Map a root truth value to a service status."""
    if res.v == TRUE:
        return "needs_verification" if verify else "eligible"
    if res.v == FALSE:
        return "not_eligible"
    return "unknown"


STATUS_RANK = {"eligible": 0, "needs_verification": 1, "unknown": 2, "not_eligible": 3}
