"""Turn an :class:`~app.eligibility.evaluate.Evaluation` into the JSON-ready response.

One shape serves the API, the resident questionnaire and the worker page: per service the
status, the decisive reasons in plain Chinese, counterfactual hints, the missing facts and
parameters, what a worker still has to check, and the rule and parameter provenance. For
person-level services, ``reasons`` / ``hints`` / ``missing_facts`` come from the members that
share the overall status (each item names its ``member``); ``members`` lists every member's
status (the worker page also shows the reasons of members whose status differs). Static
texts are sent where they matter (``also_required`` with possible results, ``caveats`` with
negative or open ones); the full texts of every rule are in ``GET /eligibility/facts`` and on
the service detail.

Leaf results of yes/no and option answers are precomputed with their sentences when the rules
are compiled (see :mod:`app.eligibility.compile`); results holding free numbers (age, income)
or regions are built and rendered per request and dropped with it. No table here is keyed by
what a user answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from app.eligibility import explain
from app.eligibility.engine import ServiceOutcome, params_on
from app.eligibility.values import MAX_MEMBERS, UNKNOWN

if TYPE_CHECKING:
    from app.eligibility.compile import CompiledService, CompiledVersion
    from app.eligibility.engine import Hit
    from app.eligibility.evaluate import Evaluation, ServiceResult
    from app.eligibility.parameters import Provenance
    from app.eligibility.regions import RegionLookup

STATUSES = ("eligible", "needs_verification", "unknown", "not_eligible")
OUTCOMES = {1: "pass", 0: "fail", 2: "unknown", 3: "pending"}


def evaluation_json(ev: Evaluation, *, member_details: bool = False) -> dict[str, Any]:
    """The ``POST /eligibility/evaluate`` response body.

    ``member_details`` adds, for members whose status differs from a service's overall status,
    their own reasons (the worker page shows them); the API sends member statuses only.
    """
    results = [service_json(ev, r, member_details=member_details) for r in ev.results]
    summary = dict.fromkeys(STATUSES, 0)
    cited: dict[str, None] = {}
    for r in results:
        summary[r["status"]] += 1
        for sid in r["rule"]["sources"]:
            cited[sid] = None
        for p in r["parameters"]:
            for sid in p["sources"]:
                cited[sid] = None
    return {
        "ruleset_version": ev.ruleset.version,
        "as_of": ev.household.as_of.isoformat(),
        "region": region_json(ev.regions, ev.home.code),
        "disclaimer": explain.DISCLAIMER,
        "policy_note": f"依据截至{explain.date_zh(ev.household.as_of)}的政策",
        "summary": summary,
        "results": results,
        "skipped": list(ev.skipped),
        "sources": [source_json(ev, sid) for sid in cited if sid in ev.ruleset.sources],
    }


def region_json(regions: RegionLookup, code: str) -> dict[str, Any]:
    """``{code, name, level}``."""
    info = regions.get(code)
    assert info is not None
    return {"code": info.code, "name": info.name, "level": info.level}


def source_json(ev: Evaluation, sid: str) -> dict[str, Any]:
    """A cited source."""
    s = ev.ruleset.sources[sid]
    return {"id": s.id, "title": s.title, "doc_no": s.doc_no, "issuer": s.issuer, "url": s.url}


class _Parts:
    """Reasons, hints, missing facts and parameters of one outcome."""

    __slots__ = ("hints", "missing", "params", "pending", "reasons")

    def __init__(self, ev: Evaluation, o: ServiceOutcome) -> None:
        res = o.res
        self.reasons: list[dict[str, Any]] = []
        self.hints: list[dict[str, Any]] = []
        self.params: dict[str, Provenance] = {}
        self.missing: list[dict[str, Any]] = []
        self.pending: list[str] = []
        wanted: set[tuple[str, int | None]] = set()
        leaves = res.leaves
        if res.v == UNKNOWN:
            for fact, member in res.missing:
                wanted.add((fact, member))
                self.missing.append(
                    {"fact": fact, "member": member, "declined": _declined(ev, fact, member)}
                )
            for p in params_on(leaves):  # = res.missing_params, from the leaves walked once
                self.params[p.param] = p
                self.pending.append(p.param)
        seen: set[tuple[str, int | None]] = set()
        regions = ev.regions
        for leaf_res in leaves:
            hit = leaf_res.hit
            assert hit is not None
            if (
                hit[2] == UNKNOWN
                and hit[0].kind != "depends"
                and (hit[0].fact is None or (hit[0].fact.id, hit[1]) not in wanted)
            ):
                continue
            shown = leaf_res.shown
            if shown is None:  # a result built for this request: render it now
                shown = leaf_res.shown = render_hit(hit, regions)
            reason, hint = shown
            seen_key = (reason["text"], hit[1])
            if seen_key in seen:
                continue
            seen.add(seen_key)
            self.reasons.append(reason)
            if hint is not None:
                self.hints.append(hint)
            prov = hit[5]
            if prov is not None and prov.param not in self.params:
                self.params[prov.param] = prov


def service_json(
    ev: Evaluation, result: ServiceResult, *, member_details: bool = False
) -> dict[str, Any]:
    """One service's block."""
    service = result.service
    status = result.status
    parts: list[tuple[ServiceOutcome, _Parts | None]] = []
    deciding: list[_Parts] = []
    version = None
    for o in result.outcomes:
        part: _Parts | None
        if o.status == status:
            part = _Parts(ev, o)
            deciding.append(part)
            version = version or o.version
        else:
            part = _Parts(ev, o) if member_details else None
        parts.append((o, part))
    if len(deciding) == 1:
        only = deciding[0]
        missing, pending = only.missing, only.pending
        reasons, hints, params = only.reasons, only.hints, only.params
    else:
        missing = _unique_missing(m for p in deciding for m in p.missing)
        pending = list(dict.fromkeys(pid for p in deciding for pid in p.pending))
        reasons = [r for p in deciding for r in p.reasons]
        hints = [h for p in deciding for h in p.hints]
        params = {}
        for p in deciding:
            for key, prov in p.params.items():
                params.setdefault(key, prov)
    pending_only = status == "unknown" and not missing and bool(pending)
    open_count = len({m["fact"] for m in missing}) if missing else 0
    label, line = _labels(service, status, pending_only, open_count)
    out = dict(_static(service))
    out["status"] = status
    out["status_label"] = label
    out["headline"] = line
    out["pending_standard"] = pending_only
    out["reasons"] = reasons
    out["hints"] = hints
    out["missing_facts"] = missing
    out["missing_parameters"] = pending
    out["also_required"] = out["also_required"] if status in _NEXT_STEPS else []
    out["caveats"] = out["caveats"] if status in _EXPLAINED else []
    out["parameters"] = [param_json(ev.regions, p) for p in params.values()]
    out["rule"] = rule_json(service, version)
    if service.person:
        rows = _member_rows(service)
        out["members"] = [_member_json(rows, o, part, o.status != status) for o, part in parts]
    else:
        out["members"] = []
    return out


_T = TypeVar("_T")
# Per-service parts that never change, each table: code → (the compiled service, its part).
_STATIC: dict[str, tuple[CompiledService, dict[str, Any]]] = {}
_LABELS: dict[str, tuple[CompiledService, dict[tuple[str, bool], tuple[str, str]]]] = {}
_RULES: dict[str, tuple[CompiledService, dict[int | None, dict[str, Any]]]] = {}
_MemberRows = dict[tuple[int | None, str, bool], dict[str, Any]]
_MEMBER_ROWS: dict[str, tuple[CompiledService, _MemberRows]] = {}


def _per_service(
    table: dict[str, tuple[CompiledService, _T]],
    service: CompiledService,
    build: Callable[[CompiledService], _T],
) -> _T:
    """``build(service)``, made on first use and again once the ruleset was reloaded.

    Keyed by the compiled service itself (kept in the table), so a part never outlives the
    rules it was built from, even when a reloaded service keeps its code and rule file.
    """
    found = table.get(service.code)
    if found is None or found[0] is not service:
        found = table[service.code] = (service, build(service))
    return found[1]


# Conditions a worker still checks matter once a result is (possibly) positive; caveats
# (wider local practice, other options) matter when it is not, or not yet.
_NEXT_STEPS = frozenset({"eligible", "needs_verification", "unknown"})
_EXPLAINED = frozenset({"not_eligible", "unknown"})


def _static(service: CompiledService) -> dict[str, Any]:
    """The parts of a service block that never change (shared: copy before changing)."""
    return _per_service(_STATIC, service, _build_static)


def _build_static(service: CompiledService) -> dict[str, Any]:
    file = service.file
    return {
        "service": service.code,
        "name": service.name,
        "entity": file.entity,
        "region_basis": file.region_basis,
        "discretionary": file.discretionary,
        "also_required": list(file.also_required_zh),
        "caveats": list(file.caveats_zh),
    }


def _labels(
    service: CompiledService, status: str, pending_only: bool, open_count: int
) -> tuple[str, str]:
    """Status label and headline; built once per service and status (not per answer)."""
    label, line = _per_service(_LABELS, service, _build_labels)[(status, pending_only)]
    if status == "unknown" and not pending_only:
        line = explain.headline(
            service.name,
            status,
            pending_only=False,
            discretionary=service.file.discretionary,
            open_count=open_count,
        )
    return label, line


def _build_labels(service: CompiledService) -> dict[tuple[str, bool], tuple[str, str]]:
    discretionary = service.file.discretionary
    return {
        (status, pending): (
            explain.status_label(status, pending_only=pending, discretionary=discretionary),
            explain.headline(
                service.name,
                status,
                pending_only=pending,
                discretionary=discretionary,
                open_count=0,
            ),
        )
        for status in (*STATUSES, "not_applicable")
        for pending in (False, True)
    }


def rule_json(service: CompiledService, version: CompiledVersion | None) -> dict[str, Any]:
    """Which rule file and version decided the result (built once per service and version)."""
    table = _per_service(_RULES, service, lambda _: {})
    key = id(version) if version is not None else None
    found = table.get(key)
    if found is None:
        v = version.version if version else None
        found = table[key] = {
            "file": service.path,
            "digest": service.digest,
            "version": v.label if v else None,
            "sources": list(v.sources if v else service.file.sources),
        }
    return found


def _member_rows(service: CompiledService) -> _MemberRows:
    """Every (member, status, 标准待核实) row a person-level service can show (shared)."""
    return _per_service(_MEMBER_ROWS, service, _build_member_rows)


def _build_member_rows(service: CompiledService) -> _MemberRows:
    return {
        (member, status, pending): {
            "member": member,
            "status": status,
            "status_label": _labels(service, status, pending, 0)[0],
        }
        for member in range(MAX_MEMBERS)
        for status in (*STATUSES, "not_applicable")
        for pending in (False, True)
    }


def _member_json(
    rows: _MemberRows, o: ServiceOutcome, part: _Parts | None, differs: bool
) -> dict[str, Any]:
    pending_only = False
    if o.status == "unknown":
        # (the parts already hold the missing answers: the tree walk is not done twice)
        pending_only = not (part.missing if part is not None else o.res.missing)
    row = rows[(o.member, o.status, pending_only)]
    if not (differs and part is not None):
        return row
    out = dict(row)
    out["reasons"] = part.reasons
    out["hints"] = part.hints
    out["missing_facts"] = part.missing
    out["missing_parameters"] = part.pending
    return out


def render_hit(hit: Hit, regions: RegionLookup) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The reason (and hint, for a failed threshold) of one decisive leaf."""
    leaf = hit[0]
    reason = {
        "leaf": leaf.id,
        "outcome": OUTCOMES[hit[2]],
        "text": explain.leaf_text(hit, regions),
        "member": hit[1],
    }
    hint_text = explain.hint_text(hit, regions)
    hint = None if hint_text is None else {"leaf": leaf.id, "text": hint_text, "member": hit[1]}
    return reason, hint


def _declined(ev: Evaluation, fact: str, member: int | None) -> bool:
    hh = ev.household
    src = hh.members[member].facts if member is not None else hh.facts
    return fact in src and src[fact] is None


def _unique_missing(items: Any) -> list[dict[str, Any]]:
    out: dict[tuple[str, int | None], dict[str, Any]] = {}
    for item in items:
        out.setdefault((item["fact"], item["member"]), item)
    return list(out.values())


def param_json(regions: RegionLookup, p: Provenance) -> dict[str, Any]:
    """A parameter's value and where it comes from (value None = 标准待核实)."""
    return {
        "id": p.param,
        "label": p.label,
        "unit": p.unit,
        "value": p.value,
        "level": p.level,
        "region": region_json(regions, p.region) if p.region and regions.get(p.region) else None,
        "valid_from": p.valid_from.isoformat() if p.valid_from else None,
        "sources": list(p.sources),
        "note": p.note,
    }
