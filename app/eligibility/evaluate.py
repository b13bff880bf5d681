"""Evaluate a household against the ruleset: per service, per member where the rule is personal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from app.eligibility.compile import CompiledService, Ruleset
from app.eligibility.engine import STATUS_RANK, Ctx, ServiceOutcome
from app.eligibility.regions import RegionInfo, RegionLookup


@dataclass(frozen=True, slots=True)
class Member:
    """A household member: a role and their answers (None = 不清楚)."""

    role: str
    facts: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Household:
    """What is evaluated: where the household lives, when, and everyone's answers."""

    region: str
    as_of: dt.date
    facts: Mapping[str, object]
    members: tuple[Member, ...]
    services: tuple[str, ...] | None = None

    @property
    def applicant(self) -> int:
        """Index of the applicant (the first member with that role, else the first member)."""
        return next((i for i, m in enumerate(self.members) if m.role == "applicant"), 0)


@dataclass(slots=True)
class ServiceResult:
    """One service: its overall status and the outcome per member (or for the household).

    Not frozen (nothing changes it after :func:`evaluate`): one is built per service on every
    request, and a frozen dataclass's ``__init__`` costs about 1 µs more each.
    """

    service: CompiledService
    status: str
    household: ServiceOutcome | None
    members: tuple[ServiceOutcome, ...]

    @property
    def outcomes(self) -> tuple[ServiceOutcome, ...]:
        """The outcomes behind ``status`` (household, or every member)."""
        return (self.household,) if self.household is not None else self.members

    @property
    def deciding(self) -> tuple[ServiceOutcome, ...]:
        """The outcomes that share the overall status."""
        return tuple(o for o in self.outcomes if o.status == self.status)


@dataclass(frozen=True)
class Evaluation:
    """The results of one request."""

    ruleset: Ruleset
    regions: RegionLookup
    home: RegionInfo
    household: Household
    results: tuple[ServiceResult, ...]
    skipped: tuple[str, ...]


def evaluate(ruleset: Ruleset, regions: RegionLookup, household: Household) -> Evaluation:
    """Evaluate every requested service (all services with rules by default)."""
    home = regions.get(household.region)
    if home is None:
        raise ValueError("unknown household region")  # callers validate regions first
    if not household.members:
        raise ValueError("a household needs at least one member")
    ctx = Ctx(
        ruleset,
        regions,
        home,
        household.as_of,
        household.facts,
        [m.facts for m in household.members],
        household.applicant,
    )
    codes = household.services if household.services is not None else tuple(ruleset.services)
    results: list[ServiceResult] = []
    skipped: list[str] = []
    count = len(household.members)
    rank = STATUS_RANK
    for code in codes:
        service = ruleset.services[code]
        if service.person:
            outcomes = service.run_members(ctx, count)
            best = outcomes[0]
            for o in outcomes[1:]:  # the most favourable member's outcome (first on ties)
                if rank.get(o.status, 9) < rank.get(best.status, 9):
                    best = o
            if best.status == "not_applicable":
                skipped.append(code)
                continue
            results.append(ServiceResult(service, best.status, None, outcomes))
        else:
            outcome = ctx.outcome(service, -1)
            if outcome.status == "not_applicable":
                skipped.append(code)
                continue
            results.append(ServiceResult(service, outcome.status, outcome, ()))
    return Evaluation(ruleset, regions, home, household, tuple(results), tuple(skipped))
