"""Rule files: per service, dated (and optionally regional) rule trees with texts on every leaf.

A rule tree is made of ``all`` / ``any`` / ``not``, member quantifiers (``any_member``,
``all_members``, ``count_members``) and three kinds of leaf, each with a stable ``id`` and
``pass`` / ``fail`` / ``unknown`` sentence templates (plus a neutral ``label`` for the service
page):

* comparison — ``{id, fact, op, value | param}``;
* region test — ``{id, region_of: <region fact> | household, within: <code> | service}``,
  resolved by the parent chain;
* dependency — ``{id, service: <code>, is: [eligible, needs_verification]}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from app.eligibility.facts import Entity, FactId, Slug, Strict, Text
from app.eligibility.parameters import ParamId, RegionalPeriod, RegionKey

LeafId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Status = Literal["eligible", "not_eligible", "unknown", "needs_verification"]
Op = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in"]
Literal_ = bool | int | float | str


class Texts(Strict):
    """Sentences for one leaf; placeholders: {actual} {expected} {unit} {region} {label}."""

    label: Text
    pass_: Text = Field(alias="pass")
    fail: Text
    unknown: Text
    hint: str | None = None


class Compare(Strict):
    """Compare a fact with a literal value or a regional parameter."""

    id: LeafId
    fact: FactId
    op: Op
    value: Literal_ | tuple[Literal_, ...] | None = None
    param: ParamId | None = None
    text: Texts
    basis_zh: str | None = None

    @model_validator(mode="after")
    def _one_operand(self) -> Compare:
        if (self.value is None) == (self.param is None):
            raise ValueError("比较条件必须有 value 或 param 之一（且只能有一个）")
        if self.param is not None and self.op in ("in", "not_in"):
            raise ValueError("in / not_in 不能与 param 一起使用")
        if self.param is None and (self.op in ("in", "not_in")) != isinstance(self.value, tuple):
            raise ValueError("in / not_in 需要列表取值，其他比较需要单个取值")
        return self


class InRegion(Strict):
    """Whether a region fact (or the household's region) lies within a region."""

    id: LeafId
    region_of: FactId | Literal["household"]
    within: RegionKey | Literal["service"]
    text: Texts
    basis_zh: str | None = None


class DependsOn(Strict):
    """Another service's result for the same member (or the household)."""

    id: LeafId
    service: Slug
    is_: tuple[Status, ...] = Field(alias="is", min_length=1)
    text: Texts
    basis_zh: str | None = None


class AllOf(Strict):
    """True when every child is true."""

    all: tuple[Node, ...] = Field(min_length=1)
    label_zh: str | None = None


class AnyOf(Strict):
    """True when at least one child is true."""

    any: tuple[Node, ...] = Field(min_length=1)
    label_zh: str | None = None


class NotOf(Strict):
    """Negation."""

    not_: Node = Field(alias="not")
    label_zh: str | None = None


class AnyMember(Strict):
    """True when the condition holds for at least one household member."""

    any_member: Node
    label_zh: str | None = None


class AllMembers(Strict):
    """True when the condition holds for every household member."""

    all_members: Node
    label_zh: str | None = None


class CountSpec(Strict):
    """How many members must meet ``where``."""

    where: Node
    op: Literal["eq", "lt", "lte", "gt", "gte"]
    value: int = Field(ge=0, le=100)


class CountMembers(Strict):
    """Compare the number of members meeting a condition."""

    count_members: CountSpec
    label_zh: str | None = None


_KEYS = {
    "all": "all",
    "any": "any",
    "not": "not",
    "any_member": "any_member",
    "all_members": "all_members",
    "count_members": "count_members",
    "region_of": "region",
    "service": "depends",
    "fact": "compare",
}


def _node_kind(data: Any) -> str | None:
    """Tell node kinds apart by their distinguishing key."""
    if isinstance(data, dict):
        keys: Any = data
    else:
        keys = {
            "all": isinstance(data, AllOf),
            "any": isinstance(data, AnyOf),
            "not": isinstance(data, NotOf),
            "any_member": isinstance(data, AnyMember),
            "all_members": isinstance(data, AllMembers),
            "count_members": isinstance(data, CountMembers),
            "region_of": isinstance(data, InRegion),
            "service": isinstance(data, DependsOn),
            "fact": isinstance(data, Compare),
        }
        keys = {k for k, hit in keys.items() if hit}
    for key, kind in _KEYS.items():
        if key in keys:
            return kind
    return None


Node = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[AnyMember, Tag("any_member")]
    | Annotated[AllMembers, Tag("all_members")]
    | Annotated[CountMembers, Tag("count_members")]
    | Annotated[InRegion, Tag("region")]
    | Annotated[DependsOn, Tag("depends")]
    | Annotated[Compare, Tag("compare")],
    Discriminator(
        _node_kind,
        custom_error_type="invalid_rule_node",
        custom_error_message="无法识别的规则节点（需要 all/any/not/any_member/all_members/"
        "count_members/fact/region_of/service 之一）",
    ),
]
Leaf = Compare | InRegion | DependsOn


class RuleVersion(RegionalPeriod):
    """A rule tree in force for a region (``national`` or a code) over a date range."""

    region: RegionKey = "national"
    basis_zh: Text
    sources: tuple[str, ...] = Field(min_length=1)
    rule: Node

    @property
    def label(self) -> str:
        """A short stable name, e.g. ``national@2024-10-01``."""
        return f"{self.region}@{self.valid_from.isoformat() if self.valid_from else '-'}"


class RuleFile(Strict):
    """``seed/eligibility/rules/<service>.yaml``."""

    service: Slug
    entity: Entity
    region_basis: Literal["hukou", "residence"]
    region_basis_note_zh: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    discretionary: bool = False
    also_required_zh: tuple[Text, ...] = ()
    caveats_zh: tuple[Text, ...] = ()
    note_zh: str | None = None
    versions: tuple[RuleVersion, ...] = Field(min_length=1)


class CoverageEntry(Strict):
    """A seeded service deliberately left without rules, and why."""

    service: Slug
    reason_zh: Text


class CoverageFile(Strict):
    """``seed/eligibility/coverage.yaml``."""

    without_rules: tuple[CoverageEntry, ...] = ()


for _model in (AllOf, AnyOf, NotOf, AnyMember, AllMembers, CountSpec, CountMembers, RuleVersion):
    _model.model_rebuild()


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``."""
    if isinstance(node, AllOf):
        return node.all
    if isinstance(node, AnyOf):
        return node.any
    if isinstance(node, NotOf):
        return (node.not_,)
    if isinstance(node, AnyMember):
        return (node.any_member,)
    if isinstance(node, AllMembers):
        return (node.all_members,)
    if isinstance(node, CountMembers):
        return (node.count_members.where,)
    return ()


def leaves(node: Node) -> list[Leaf]:
    """Every leaf under ``node``, depth first."""
    if isinstance(node, (Compare, InRegion, DependsOn)):
        return [node]
    found: list[Leaf] = []
    for child in children(node):
        found.extend(leaves(child))
    return found
