"""Cross-file checks of the eligibility data; every problem names its file and record.

Rejected: unknown fact, parameter, service, source and region ids; parameter values of one
region whose dates overlap; rule versions of one service for the same region whose dates
overlap (conflicting regional rules at the same level); dependencies on services without
rules or in a cycle; operators that do not fit a fact's type; unknown template placeholders;
facts no rule uses (the questionnaire asks only what changes an outcome); and seeded services
that neither have rules nor a stated reason in ``coverage.yaml``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from app.eligibility.compile import HUKOU_FACT
from app.eligibility.facts import NUMERIC_TYPES, FactDef
from app.eligibility.rules import (
    AllMembers,
    AnyMember,
    Compare,
    CountMembers,
    DependsOn,
    InRegion,
    Leaf,
    Node,
    RuleFile,
    Texts,
    children,
    leaves,
)
from app.eligibility.values import LIST_OPS, NUMERIC_OPS
from app.seedfiles.load import Problem

if TYPE_CHECKING:
    from app.eligibility.loader import RawRuleset

PLACEHOLDERS = frozenset({"actual", "expected", "unit", "region", "label", "effective"})
FACTS_FILE = "seed/eligibility/facts.yaml"
PARAMS_FILE = "seed/eligibility/parameters.yaml"
COVERAGE_FILE = "seed/eligibility/coverage.yaml"


def cross_check(raw: RawRuleset, *, review: bool = True) -> list[Problem]:
    """Run the checks; ``review`` adds those that keep the data complete (``qianfu check``).

    Loading the app runs only the integrity checks: a newly seeded service without rules, or a
    fact no rule uses yet, must not stop the site, but ``qianfu check`` (CI) rejects them.
    """
    problems: list[Problem] = []
    checks = [_facts, _parameters, _rules, _dependencies]
    if review:
        checks += [_coverage, _unused_facts]
    for check in checks:
        problems.extend(check(raw))
    return problems


def _overlaps(spans: Sequence[tuple[dt.date | None, dt.date | None]]) -> bool:
    ordered = sorted(spans, key=lambda s: s[0] or dt.date.min)
    for (_, end), (start, _) in itertools.pairwise(ordered):
        if end is None or (start or dt.date.min) < end:
            return True
    return False


def _known_region(raw: RawRuleset, code: str) -> bool:
    return code == "national" or code in raw.regions


def _facts(raw: RawRuleset) -> Iterator[Problem]:
    assert raw.facts is not None
    seen: set[str] = set()
    facts = {f.id: f for f in raw.facts.facts}
    for fact in raw.facts.facts:
        if fact.id in seen:
            yield Problem(FACTS_FILE, fact.id, "事实 id 重复")
        seen.add(fact.id)
        gate = fact.implied_by
        if gate is not None:
            target = facts.get(gate.fact)
            if target is None or target.type != "bool" or target.entity != fact.entity:
                yield Problem(
                    FACTS_FILE, fact.id, f"implied_by 须指向同一主体的是/否事实：{gate.fact}"
                )
            if not _value_ok(fact, gate.value):
                yield Problem(
                    FACTS_FILE, fact.id, f"implied_by 的取值 {gate.value!r} 不是该事实的合法取值"
                )
        after = facts.get(fact.ask_after) if fact.ask_after else None
        if fact.ask_after and (
            after is None or after.type != "bool" or after.entity != fact.entity
        ):
            yield Problem(
                FACTS_FILE, fact.id, f"ask_after 须指向同一主体的是/否事实：{fact.ask_after}"
            )
    asked: dict[str, str] = {}
    for question in raw.facts.questions:
        for fid in question.facts:
            member_fact = facts.get(fid)
            if member_fact is None:
                yield Problem(FACTS_FILE, question.id, f"未知的事实 {fid}")
                continue
            if member_fact.entity != question.entity:
                yield Problem(FACTS_FILE, question.id, f"同一屏的问题须属于同一主体：{fid}")
            if question.kind == "checklist" and member_fact.type != "bool":
                yield Problem(FACTS_FILE, question.id, f"多选题只能包含是/否事实：{fid}")
            if fid in asked:
                yield Problem(FACTS_FILE, question.id, f"事实 {fid} 已在问题 {asked[fid]} 中")
            asked[fid] = question.id


def _value_ok(fact: FactDef, value: object) -> bool:
    if fact.options:
        return any(o.value == value and type(o.value) is type(value) for o in fact.options)
    if fact.type == "bool":
        return isinstance(value, bool)
    if fact.type in NUMERIC_TYPES:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def _parameters(raw: RawRuleset) -> Iterator[Problem]:
    assert raw.parameters is not None
    seen: set[str] = set()
    for param in raw.parameters.parameters:
        if param.id in seen:
            yield Problem(PARAMS_FILE, param.id, "参数 id 重复")
        seen.add(param.id)
        for sid in param.sources:
            if sid not in raw.sources:
                yield Problem(PARAMS_FILE, param.id, f"来源 {sid} 未在 seed/sources/ 中登记")
        by_region: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
        for value in param.values:
            if not _known_region(raw, value.region):
                yield Problem(PARAMS_FILE, param.id, f"地区代码 {value.region} 不在区划表中")
            for sid in value.sources:
                if sid not in raw.sources:
                    yield Problem(PARAMS_FILE, param.id, f"来源 {sid} 未在 seed/sources/ 中登记")
            by_region.setdefault(value.region, []).append((value.valid_from, value.valid_to))
        for region, spans in by_region.items():
            if _overlaps(spans):
                yield Problem(PARAMS_FILE, param.id, f"地区 {region} 的取值生效日期重叠")


def _rules(raw: RawRuleset) -> Iterator[Problem]:
    assert raw.facts is not None
    facts = {f.id: f for f in raw.facts.facts}
    for code, (file, rule, _) in raw.rules.items():
        if code not in raw.services:
            yield Problem(file, code, f"服务 {code} 不在 seed/services/ 中")
        for sid in rule.sources:
            if sid not in raw.sources:
                yield Problem(file, code, f"来源 {sid} 未在 seed/sources/ 中登记")
        if rule.region_basis == "hukou" and HUKOU_FACT not in facts:
            yield Problem(file, code, f"按户籍判断的规则需要事实 {HUKOU_FACT}")
        spans: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
        for i, version in enumerate(rule.versions):
            where = f"{code} versions[{i}]"
            if not _known_region(raw, version.region):
                yield Problem(file, where, f"地区代码 {version.region} 不在区划表中")
            for sid in version.sources:
                if sid not in raw.sources:
                    yield Problem(file, where, f"来源 {sid} 未在 seed/sources/ 中登记")
            spans.setdefault(version.region, []).append((version.valid_from, version.valid_to))
            yield from _tree(raw, facts, rule, version.rule, file, where)
        for region, region_spans in spans.items():
            if _overlaps(region_spans):
                yield Problem(
                    file, code, f"地区 {region} 有两个生效日期重叠的规则版本（同一层级的规则冲突）"
                )


def _tree(
    raw: RawRuleset,
    facts: dict[str, FactDef],
    rule: RuleFile,
    root: Node,
    file: str,
    where: str,
) -> Iterator[Problem]:
    seen: set[str] = set()
    for leaf in leaves(root):
        if leaf.id in seen:
            yield Problem(file, f"{where} {leaf.id}", "条件 id 在同一版本中重复")
        seen.add(leaf.id)
        yield from (Problem(file, f"{where} {leaf.id}", m) for m in _leaf(raw, facts, leaf))
        yield from (Problem(file, f"{where} {leaf.id}", m) for m in _texts(leaf.text))
    if rule.entity == "person" and _has_quantifier(root):
        yield Problem(file, where, "个人规则不能使用家庭成员量词（any_member 等）")


def _has_quantifier(node: Node) -> bool:
    if isinstance(node, (AnyMember, AllMembers, CountMembers)):
        return True
    return any(_has_quantifier(c) for c in children(node))


def _leaf(raw: RawRuleset, facts: dict[str, FactDef], leaf: Leaf) -> Iterator[str]:
    if isinstance(leaf, DependsOn):
        if leaf.service not in raw.rules:
            yield f"依赖的服务 {leaf.service} 没有资格规则"
        return
    if isinstance(leaf, InRegion):
        if leaf.within != "service" and not _known_region(raw, leaf.within):
            yield f"地区代码 {leaf.within} 不在区划表中"
        if leaf.region_of != "household":
            fact = facts.get(leaf.region_of)
            if fact is None:
                yield f"未知的事实 {leaf.region_of}"
            elif fact.type != "region":
                yield f"region_of 须为地区类事实：{leaf.region_of}"
        return
    yield from _compare(raw, facts, leaf)


def _compare(raw: RawRuleset, facts: dict[str, FactDef], leaf: Compare) -> Iterator[str]:
    fact = facts.get(leaf.fact)
    if fact is None:
        yield f"未知的事实 {leaf.fact}"
        return
    if fact.type == "region":
        yield "地区类事实请用 region_of 条件判断"
    elif leaf.op in NUMERIC_OPS and fact.type not in NUMERIC_TYPES:
        yield f"{leaf.op} 只能用于数值类事实"
    elif fact.type == "bool" and leaf.op not in ("eq", "ne"):
        yield "是/否事实只能用 eq 或 ne"
    if leaf.param is not None:
        if raw.parameters is None or leaf.param not in {p.id for p in raw.parameters.parameters}:
            yield f"未知的参数 {leaf.param}"
        if fact.type not in NUMERIC_TYPES:
            yield "参数只能与数值类事实比较"
        return
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    for value in values:
        if not _value_ok(fact, value):
            yield f"取值 {value!r} 不是事实 {fact.id} 的合法取值"
    if leaf.op in LIST_OPS and not isinstance(leaf.value, tuple):
        yield "in / not_in 需要列表取值"


def _texts(texts: Texts) -> Iterator[str]:
    for name in ("label", "pass_", "fail", "unknown", "hint"):
        template = getattr(texts, name)
        if template is None:
            continue
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        except ValueError as exc:
            yield f"文字模板格式错误：{exc}"
            continue
        unknown = fields - PLACEHOLDERS
        if unknown:
            yield f"文字模板有未知的占位符：{', '.join(sorted(unknown))}"


def _dependencies(raw: RawRuleset) -> Iterator[Problem]:
    graph: dict[str, set[str]] = {}
    for code, (file, rule, _) in raw.rules.items():
        deps = {
            leaf.service
            for version in rule.versions
            for leaf in leaves(version.rule)
            if isinstance(leaf, DependsOn)
        }
        graph[code] = deps
        for dep in deps & set(raw.rules):
            if rule.entity == "household" and raw.rules[dep][1].entity == "person":
                yield Problem(
                    file, code, f"家庭规则不能依赖个人规则 {dep}（请放在成员量词内的个人规则中）"
                )
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> Iterator[Problem]:
        state[code] = 1
        for dep in sorted(graph.get(code, ())):
            if state.get(dep) == 1:
                cycle = " → ".join([*path, dep])
                yield Problem(raw.rules[code][0], code, f"服务依赖形成循环：{cycle}")
            elif state.get(dep) is None and dep in graph:
                yield from visit(dep, [*path, dep])
        state[code] = 2

    for code in sorted(graph):
        if code not in state:
            yield from visit(code, [code])


def _coverage(raw: RawRuleset) -> Iterator[Problem]:
    assert raw.coverage is not None
    listed: set[str] = set()
    for entry in raw.coverage.without_rules:
        if entry.service not in raw.services:
            yield Problem(
                COVERAGE_FILE, entry.service, f"服务 {entry.service} 不在 seed/services/ 中"
            )
        if entry.service in raw.rules:
            yield Problem(COVERAGE_FILE, entry.service, "该服务已有资格规则，不应列为“无规则”")
        if entry.service in listed:
            yield Problem(COVERAGE_FILE, entry.service, "重复列出")
        listed.add(entry.service)
    for code, service in sorted(raw.services.items()):
        if code not in raw.rules and code not in listed:
            yield Problem(
                service.file,
                code,
                "该服务既没有资格规则，也没有在 seed/eligibility/coverage.yaml 说明原因",
            )


def _unused_facts(raw: RawRuleset) -> Iterator[Problem]:
    assert raw.facts is not None
    used: set[str] = set()
    for _, rule, _ in raw.rules.values():
        if rule.region_basis == "hukou":
            used.add(HUKOU_FACT)
        for version in rule.versions:
            for leaf in leaves(version.rule):
                if isinstance(leaf, Compare):
                    used.add(leaf.fact)
                elif isinstance(leaf, InRegion) and leaf.region_of != "household":
                    used.add(leaf.region_of)
    gates = {f.implied_by.fact for f in raw.facts.facts if f.implied_by and f.id in used}
    gates |= {f.ask_after for f in raw.facts.facts if f.ask_after and f.id in used}
    for fact in raw.facts.facts:
        if fact.id not in used and fact.id not in gates:
            yield Problem(FACTS_FILE, fact.id, "没有任何规则用到这个事实（问卷只问影响结果的问题）")
