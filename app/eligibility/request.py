"""The request body, built from the fact vocabulary: one source for validation and the schema.

``{"region", "as_of", "household": {"facts": {…}, "members": [{"role", "facts": {…}}]},
"services": [...]}``. Every fact is optional; ``null`` means "不清楚" (answered, unknown) and
an absent key means "not asked" — the engine treats both as missing, the questionnaire does
not ask a declined fact again. Validation is strict: unknown keys, wrong JSON types, NaN and
Infinity, out-of-range numbers, unknown services and oversize households are rejected, and the
JSON Schema generated from the same types documents every rule in OpenAPI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NotRequired, Required, cast

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, TypeAdapter
from typing_extensions import TypedDict

from app.eligibility.compile import Ruleset
from app.eligibility.evaluate import Household, Member
from app.eligibility.facts import FactDef
from app.eligibility.regions import RegionLookup
from app.eligibility.values import MAX_MEMBERS, OUTSIDE

__all__ = ["MAX_MEMBERS"]
REGION_PATTERN = r"^52\d{4}(?:\d{3})?$"
REGION_FACT_PATTERN = r"^(?:52\d{4}(?:\d{3})?|outside)$"
ROLES = ("applicant", "spouse", "child", "parent", "other")
ROLE_LABELS = {
    "applicant": "申请人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "other": "其他家庭成员",
}
_CONFIG = ConfigDict(extra="forbid", strict=True)


class RegionNotFound(Exception):
    """A well-formed region code that the region table does not hold (never echoed)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def fact_type(fact: FactDef) -> Any:
    """The strict pydantic type of one answer (``None`` = 不清楚)."""
    doc = fact.question_zh + (f"（单位：{fact.unit}）" if fact.unit else "") + "；null 表示不清楚"
    base: Any
    if fact.type == "bool":
        base = StrictBool
    elif fact.options:
        base = Literal[tuple(o.value for o in fact.options)]
    elif fact.type == "int":
        bounded = Annotated[int, Field(ge=int(fact.min or 0), le=int(fact.max or 0))]
        base = Annotated[bounded, BeforeValidator(_whole_number)]
    elif fact.type in ("money", "decimal"):
        base = Annotated[float, Field(ge=fact.min, le=fact.max, allow_inf_nan=False)]
    else:
        base = Annotated[str, Field(pattern=REGION_FACT_PATTERN)]
    return Annotated[base | None, Field(description=doc)]


def _whole_number(value: object) -> object:
    """JSON Schema counts ``60.0`` as an integer, so accept whole floats (never text or bools)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _typed_dict(name: str, fields: dict[str, Any], *, total: bool) -> Any:
    # Functional TypedDicts allow dotted keys ("person.age"); pydantic on Python 3.11 needs
    # typing_extensions' TypedDict.
    factory: Any = TypedDict
    made: Any = factory(name, fields, total=total)
    made.__pydantic_config__ = _CONFIG
    return made


@dataclass(frozen=True)
class RequestTypes:
    """The validator and the JSON Schema of the request body for one ruleset."""

    adapter: TypeAdapter[Any]
    schema: dict[str, Any]

    def parse(self, body: bytes | str) -> dict[str, Any]:
        """Validate a JSON body (raises pydantic ``ValidationError``)."""
        return cast(dict[str, Any], self.adapter.validate_json(body))


def build_request_types(ruleset: Ruleset) -> RequestTypes:
    """Generate the request types from the fact vocabulary and the services with rules."""
    person: dict[str, Any] = {}
    household: dict[str, Any] = {}
    for fid in ruleset.fact_order:
        fact = ruleset.fact(fid)
        (person if fact.person else household)[fid] = fact_type(fact)
    person_facts = _typed_dict("EligibilityPersonFacts", person, total=False)
    household_facts = _typed_dict("EligibilityHouseholdFacts", household, total=False)
    role_doc = "家庭成员角色：" + "、".join(f"{k} {v}" for k, v in ROLE_LABELS.items())
    member = _typed_dict(
        "EligibilityMember",
        {
            "role": Required[Annotated[Literal[ROLES], Field(description=role_doc)]],
            "facts": NotRequired[person_facts],
        },
        total=True,
    )
    home = _typed_dict(
        "EligibilityHousehold",
        {
            "facts": NotRequired[household_facts],
            "members": Required[
                Annotated[
                    list[member],  # type: ignore[valid-type]
                    Field(
                        min_length=1,
                        max_length=MAX_MEMBERS,
                        description=f"家庭成员（共同生活的家庭成员），1–{MAX_MEMBERS} 人；"
                        "第一个 role 为 applicant 的成员是申请人",
                    ),
                ]
            ],
        },
        total=True,
    )
    codes = tuple(ruleset.services)
    request = _typed_dict(
        "EligibilityRequest",
        {
            "region": Required[
                Annotated[
                    str,
                    Field(
                        pattern=REGION_PATTERN,
                        description="家庭居住地的区划代码（6位县级以上或9位乡镇/街道）",
                    ),
                ]
            ],
            "as_of": NotRequired[
                Annotated[
                    dt.date | None,
                    Field(description="按哪一天的政策判断（YYYY-MM-DD）；默认今天（北京时间）"),
                ]
            ],
            "household": Required[home],
            "services": NotRequired[
                Annotated[
                    list[Literal[codes]] | None,  # type: ignore[valid-type]
                    Field(
                        min_length=1,
                        max_length=len(codes),
                        description="只判断这些服务（服务代码）；默认全部有资格规则的服务",
                    ),
                ]
            ],
        },
        total=True,
    )
    adapter: TypeAdapter[Any] = TypeAdapter(request)
    schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
    return RequestTypes(adapter=adapter, schema=schema)


def to_household(data: Mapping[str, Any], regions: RegionLookup, today: dt.date) -> Household:
    """The engine input for a validated body; unknown region codes raise RegionNotFound."""
    if regions.get(data["region"]) is None:
        raise RegionNotFound("region")
    home = data["household"]
    members = tuple(
        Member(role=m["role"], facts=_checked(m.get("facts") or {}, regions))
        for m in home["members"]
    )
    services = data.get("services")
    return Household(
        region=data["region"],
        as_of=data.get("as_of") or today,
        facts=_checked(home.get("facts") or {}, regions),
        members=members,
        services=tuple(dict.fromkeys(services)) if services else None,
    )


def _checked(facts: Mapping[str, Any], regions: RegionLookup) -> Mapping[str, Any]:
    for key, value in facts.items():
        if (
            isinstance(value, str)
            and key.endswith("_region")
            and value != OUTSIDE
            and regions.get(value) is None
        ):
            raise RegionNotFound(key)
    return facts
