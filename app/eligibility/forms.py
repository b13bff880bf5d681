"""Read answers from HTML form fields (strings) into typed facts, with Chinese error messages.

Field names: ``h.<fact id>`` for household facts, ``m<i>.<fact id>`` for member ``i``, and
``m<i>.role``. An empty field means "not asked"; ``?`` means "不清楚". Messages name the
question, never the submitted value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.eligibility.compile import Ruleset
from app.eligibility.facts import FactDef
from app.eligibility.regions import RegionLookup
from app.eligibility.request import MAX_MEMBERS, ROLES
from app.eligibility.values import ABSENT, OUTSIDE

DONT_KNOW = "?"
_NAME = re.compile(r"^(h|m(\d{1,2}))\.(.+)$")
_REGION = re.compile(r"^52\d{4}(?:\d{3})?$")


class AnswerError(ValueError):
    """An answer that does not fit its question (the message never holds the value)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


@dataclass
class FormAnswers:
    """Answers read from a form: household facts, and per member a role and facts."""

    household: dict[str, object] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    members: dict[int, dict[str, object]] = field(default_factory=dict)
    errors: list[AnswerError] = field(default_factory=list)

    def member_facts(self, count: int) -> list[dict[str, object]]:
        """Facts of members 0…count-1 (missing members get no facts)."""
        return [self.members.get(i, {}) for i in range(count)]


def parse_value(fact: FactDef, raw: str, regions: RegionLookup) -> object:
    """One answer; ABSENT for an empty field, None for 不清楚; raises ValueError."""
    text = raw.strip()
    if not text:
        return ABSENT
    if text == DONT_KNOW:
        return None
    if fact.type == "bool":
        if text not in ("true", "false"):
            raise ValueError("请选择“是”或“否”")
        return text == "true"
    if fact.type == "enum":
        if fact.option_label(text) is None:
            raise ValueError("请从选项中选择")
        return text
    if fact.type == "region":
        if text != OUTSIDE and (not _REGION.match(text) or regions.get(text) is None):
            raise ValueError("请从列表中选择地区")
        return text
    if fact.type == "int":
        if not re.fullmatch(r"\d{1,6}", text):
            raise ValueError("请填写整数")
        number: float = int(text)
        if fact.options and fact.option_label(int(text)) is None:
            raise ValueError("请从选项中选择")
    else:
        if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text):
            raise ValueError("请填写数字（最多两位小数）")
        number = float(text)
        if not math.isfinite(number):
            raise ValueError("请填写数字")
    low, high = fact.min, fact.max
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"应在 {_n(low)} 到 {_n(high)} 之间")
    return int(number) if fact.type == "int" else number


def _n(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def read_answers(
    ruleset: Ruleset, regions: RegionLookup, items: Iterable[tuple[str, str]]
) -> FormAnswers:
    """Every ``h.*`` / ``m<i>.*`` field of a form (other fields are ignored)."""
    out = FormAnswers()
    for name, raw in items:
        match = _NAME.match(name)
        if match is None:
            continue
        member = int(match.group(2)) if match.group(2) is not None else None
        key = match.group(3)
        if member is not None and member >= MAX_MEMBERS:
            out.errors.append(AnswerError(name, f"家庭成员最多 {MAX_MEMBERS} 人"))
            continue
        if member is not None and key == "role":
            if raw in ROLES:
                out.roles[member] = raw
            else:
                out.errors.append(AnswerError(name, "请选择家庭成员的角色"))
            continue
        fact_rec = ruleset.facts.get(key)
        if fact_rec is None or fact_rec.person != (member is not None):
            continue
        fact = fact_rec.definition
        try:
            value = parse_value(fact, raw, regions)
        except ValueError as exc:
            out.errors.append(AnswerError(name, f"“{fact.label_zh}”：{exc}"))
            continue
        if value is ABSENT:
            continue
        target = out.household if member is None else out.members.setdefault(member, {})
        target[key] = value
    return out


def field_name(fact_id: str, member: int | None) -> str:
    """The form field of a fact for a member (None: the household)."""
    return f"h.{fact_id}" if member is None else f"m{member}.{fact_id}"


def form_value(value: object) -> str:
    """A stored answer as a form field value."""
    if value is None:
        return DONT_KNOW
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def carried(answers: Mapping[str, object], member: int | None) -> list[tuple[str, str]]:
    """Hidden fields that carry earlier answers to the next screen (POST body only)."""
    return [(field_name(fid, member), form_value(v)) for fid, v in answers.items()]
