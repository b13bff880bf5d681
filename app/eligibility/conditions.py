"""A service's rule tree as a readable list of conditions (for the service page and JSON)."""

from __future__ import annotations

import datetime as dt

from app.eligibility import explain
from app.eligibility.api_models import ConditionLine, ServiceConditions
from app.eligibility.compile import CompiledLeaf, CompiledService, Ruleset
from app.eligibility.regions import RegionInfo, RegionLookup
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
)

_COUNT_WORDS = {"eq": "正好", "gte": "至少", "gt": "多于", "lte": "至多", "lt": "少于"}


def service_conditions(
    ruleset: Ruleset, code: str, regions: RegionLookup, region: RegionInfo, as_of: dt.date
) -> ServiceConditions | None:
    """The conditions of ``code`` in force for ``region`` on ``as_of`` (None: no rules)."""
    service = ruleset.services.get(code)
    if service is None:
        return None
    in_force = [v for v in service.versions if v.version.in_force(as_of)]
    chain = (*region.chain, "national")
    picked = next((v for c in chain for v in in_force if v.version.region == c), None)
    if picked is None:
        return None
    leaves = {leaf.id: leaf for leaf in picked.leaves}
    lines: list[ConditionLine] = []
    if service.file.region_basis == "hukou":
        scope = next(leaf for leaf in picked.leaves if leaf.kind == "scope")
        text = explain.fill(scope.texts.label, scope, None, None, None, regions)
        lines.append(ConditionLine(depth=0, text=f"{text}（向户籍所在地申请）", leaf=scope.id))
    _lines(ruleset, service, picked.version.rule, 0, lines, leaves, regions, region, as_of)
    file = service.file
    return ServiceConditions(
        ruleset_version=ruleset.version,
        entity=file.entity,
        region_basis=file.region_basis,
        region_basis_note=file.region_basis_note_zh,
        version=picked.version.label,
        basis=picked.version.basis_zh,
        conditions=lines,
        also_required=list(file.also_required_zh),
        caveats=list(file.caveats_zh),
        discretionary=file.discretionary,
        sources=list(picked.version.sources),
    )


def _lines(
    ruleset: Ruleset,
    service: CompiledService,
    node: Node,
    depth: int,
    out: list[ConditionLine],
    leaves: dict[str, CompiledLeaf],
    regions: RegionLookup,
    region: RegionInfo,
    as_of: dt.date,
) -> None:
    def group(text: str, kids: tuple[Node, ...]) -> None:
        out.append(ConditionLine(depth=depth, text=text, leaf=None))
        for kid in kids:
            _lines(ruleset, service, kid, depth + 1, out, leaves, regions, region, as_of)

    if isinstance(node, AllOf):
        if depth == 0 and not node.label_zh:
            for kid in node.all:
                _lines(ruleset, service, kid, depth, out, leaves, regions, region, as_of)
        else:
            label = node.label_zh
            group(f"{label}（以下条件都要符合）" if label else "同时符合以下条件", node.all)
    elif isinstance(node, AnyOf):
        label = node.label_zh
        group(f"{label}（符合其中一项即可）" if label else "符合以下任意一项", node.any)
    elif isinstance(node, NotOf):
        group(node.label_zh or "不属于以下情形", (node.not_,))
    elif isinstance(node, AnyMember):
        group(node.label_zh or "家庭成员中至少一人", (node.any_member,))
    elif isinstance(node, AllMembers):
        group(node.label_zh or "每一位家庭成员", (node.all_members,))
    elif isinstance(node, CountMembers):
        spec = node.count_members
        text = node.label_zh or f"家庭成员中{_COUNT_WORDS[spec.op]}{spec.value}人"
        group(text, (spec.where,))
    else:
        out.append(_leaf_line(ruleset, node, depth, leaves, regions, region, as_of))


def _leaf_line(
    ruleset: Ruleset,
    node: Compare | InRegion | DependsOn,
    depth: int,
    leaves: dict[str, CompiledLeaf],
    regions: RegionLookup,
    region: RegionInfo,
    as_of: dt.date,
) -> ConditionLine:
    leaf = leaves[node.id]
    text = explain.fill(leaf.texts.label, leaf, None, None, None, regions)
    if isinstance(node, Compare) and node.param is not None:
        prov = ruleset.params[node.param].resolve(region.chain, region.levels, as_of)
        where = explain.region_name(regions, prov.region) if prov.region else "当地"
        if prov.value is None:
            text += f"（{where}{prov.label}：{explain.PENDING_LABEL}）"
        else:
            text += f"（{where}{prov.label}：{explain.number(prov.value)}{prov.unit}）"
    return ConditionLine(depth=depth, text=text, leaf=node.id)
