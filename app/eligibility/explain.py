"""Plain-Chinese sentences from the structured trace: leaf texts, hints and headlines.

Every string a resident reads comes from the rule files' templates or from the few fixed
sentences below; numbers carry their unit, dates read ``2025年1月1日``, regions their names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.eligibility.values import FALSE, OP_WORDS, OUTSIDE, OUTSIDE_LABEL, PENDING, TRUE

if TYPE_CHECKING:
    from app.eligibility.compile import CompiledLeaf
    from app.eligibility.engine import Hit
    from app.eligibility.facts import FactDef
    from app.eligibility.parameters import Provenance
    from app.eligibility.regions import RegionLookup

DISCLAIMER = "结果仅供参考，以主管部门审核认定为准"
STATUS_LABELS = {
    "eligible": "可能符合",
    "needs_verification": "初步符合，需工作人员核实",
    "not_eligible": "暂不符合",
    "unknown": "还需要回答",
    "not_applicable": "该日期没有适用的规则",
}
PENDING_LABEL = "标准待核实"
DISCRETIONARY_NO_LABEL = "一般不符合"
OUTCOME_NAMES = {TRUE: "pass", FALSE: "fail", PENDING: "pending"}


def status_label(status: str, *, pending_only: bool, discretionary: bool) -> str:
    """The Chinese label of a status, with the 标准待核实 and discretionary variants."""
    if status == "unknown" and pending_only:
        return PENDING_LABEL
    if status == "not_eligible" and discretionary:
        return DISCRETIONARY_NO_LABEL
    return STATUS_LABELS[status]


def headline(
    name: str, status: str, *, pending_only: bool, discretionary: bool, open_count: int
) -> str:
    """The first sentence of a result block."""
    if status == "eligible":
        return f"根据您填写的信息，您可能可以申请【{name}】。"
    if status == "needs_verification":
        return f"根据您填写的信息，您初步符合【{name}】的条件，还需要工作人员核实。"
    if status == "not_eligible":
        if discretionary:
            return (
                f"根据您填写的信息，一般不符合【{name}】的条件；"
                "如有特殊困难，可以向乡镇（街道）或村（居）委会咨询。"
            )
        return f"根据您填写的信息，暂不符合【{name}】的条件。"
    if status == "not_applicable":
        return f"【{name}】在所选日期没有适用的规则。"
    if pending_only:
        return f"【{name}】的当地标准待核实，暂时无法判断，请向办理机关咨询。"
    return f"还需要回答 {open_count} 个问题，才能判断【{name}】。"


def number(value: float) -> str:
    """``800`` for whole numbers, else up to two decimals (``1234.5``)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def date_zh(value: dt.date | None) -> str:
    """``2025年1月1日``."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def region_name(regions: RegionLookup, code: object) -> str:
    """A region's name (贵州省外 for ``outside``)."""
    if code == OUTSIDE:
        return OUTSIDE_LABEL
    info = regions.get(code) if isinstance(code, str) else None
    return info.name if info else str(code)


def value_text(fact: FactDef | None, value: object, regions: RegionLookup) -> str:
    """An answer or threshold as people read it."""
    if value is None:
        return ""
    if isinstance(value, (frozenset, list, tuple, set)):
        items = sorted(value, key=lambda v: (str(type(v)), v))
        return "、".join(value_text(fact, v, regions) for v in items)
    if fact is not None:
        label = fact.option_label(value)
        if label is not None:
            return label
        if fact.type == "region":
            return region_name(regions, value)
        if fact.type == "bool":
            return "是" if value else "否"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return number(value)
    return str(value)


def leaf_text(hit: Hit, regions: RegionLookup) -> str:
    """The sentence for one decisive leaf."""
    leaf: CompiledLeaf = hit[0]
    outcome, actual, expected, prov = hit[2], hit[3], hit[4], hit[5]
    if outcome == PENDING:
        return pending_text(leaf, prov, regions)
    template = {TRUE: leaf.texts.pass_, FALSE: leaf.texts.fail}.get(outcome, leaf.texts.unknown)
    return fill(template, leaf, actual, expected, prov, regions)


def pending_text(leaf: CompiledLeaf, prov: Provenance | None, regions: RegionLookup) -> str:
    """Why a leaf cannot be decided: its local standard has no sourced value."""
    label = fill(leaf.texts.label, leaf, None, None, prov, regions)
    if prov is None:
        return f"“{label}”还需要等待其他事项核实。"
    where = region_name(regions, prov.region) if prov.region else "当地"
    name = prov.label if prov.label.endswith("标准") else prov.label + "标准"
    return f"{where}的{name}待核实，暂时无法判断“{label}”。"


def hint_text(hit: Hit, regions: RegionLookup) -> str | None:
    """A counterfactual for a failed numeric threshold ("如果…达到…")."""
    leaf: CompiledLeaf = hit[0]
    if hit[2] != FALSE or not leaf.numeric or leaf.op is None:
        return None
    template = (
        leaf.texts.hint
        or "如果{label}" + OP_WORDS[leaf.op] + "{expected}{unit}，可能符合这一条件。"
    )
    return fill(template, leaf, hit[3], hit[4], hit[5], regions)


def fill(
    template: str,
    leaf: CompiledLeaf,
    actual: object,
    expected: object,
    prov: Provenance | None,
    regions: RegionLookup,
) -> str:
    """Fill a template's placeholders from the trace."""
    fact = leaf.fact
    if leaf.kind in ("region", "scope"):
        where = region_name(regions, leaf.within)
        exp = where
    else:
        where = region_name(regions, prov.region) if prov and prov.region else "当地"
        exp = value_text(fact, expected, regions)
    unit = (prov.unit if prov else None) or (fact.unit if fact else None) or ""
    if leaf.kind == "depends":
        act = STATUS_LABELS.get(str(actual), "") if actual else ""
    else:
        act = value_text(fact, actual, regions)
    values = {
        "actual": act,
        "expected": exp,
        "unit": unit,
        "region": where,
        "label": fact.label_zh if fact else "",
        "effective": date_zh(prov.valid_from) if prov else "",
    }
    return template.format_map(values)


def join_sources(titles: Iterable[str]) -> str:
    """``《甲》、《乙》``."""
    return "、".join(titles)
