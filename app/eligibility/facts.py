"""The fact vocabulary: what the questionnaire may ask, with question texts, types and limits.

Facts are the only inputs of the rules. Each has a stable id (``person.age``,
``household.is_dibao``), a type, the question and help text, a unit, limits, options and a
sensitivity that orders the questionnaire (sensitive questions come last and can be skipped).
Question groups (``questions``) let one screen ask several facts (a checklist of yes/no facts,
or a short form). A yes/no "gate" keeps detailed questions for later: ``implied_by`` gives a
fact a value when its gate is "no" (not a veteran → military status ``none``), ``ask_after``
only delays a question until its gate has been answered.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

FACT_ID_PATTERN = r"^(person|household)\.[a-z][a-z0-9_]*$"
FactId = Annotated[str, StringConstraints(pattern=FACT_ID_PATTERN, max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FactType = Literal["bool", "int", "money", "decimal", "enum", "region"]
Entity = Literal["person", "household"]
NUMERIC_TYPES = frozenset({"int", "money", "decimal"})


class Strict(BaseModel):
    """Base of the rule-file models: unknown keys are mistakes."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Sensitivity(StrEnum):
    """How personal an answer is; high = income, assistance status, disability and health."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 (low) … 2 (high)."""
        return _RANK[self]


_RANK = {Sensitivity.LOW: 0, Sensitivity.MEDIUM: 1, Sensitivity.HIGH: 2}


class Option(Strict):
    """One allowed value of an enum (or labelled int) fact."""

    value: str | int
    label_zh: Text


class Implied(Strict):
    """A value taken from a yes/no gate: "not a veteran" means military status ``none``.

    The gate decides, even over a contradicting answer to the detailed question: so answering
    more can change a decided result but never make it undecided again.
    """

    fact: FactId
    equals: bool
    value: str | int | bool


class FactDef(Strict):
    """One fact of the vocabulary."""

    id: FactId
    entity: Entity
    type: FactType
    label_zh: Text = Field(description="short noun phrase used in sentences, e.g. 年龄")
    question_zh: Text
    help_zh: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    options: tuple[Option, ...] = ()
    sensitivity: Sensitivity
    ask_of: Literal["resident", "worker", "both"] = "both"
    implied_by: Implied | None = None
    ask_after: FactId | None = Field(
        default=None, description="a yes/no fact asked first; this one only matters when it is yes"
    )

    @model_validator(mode="after")
    def _shape(self) -> FactDef:
        if not self.id.startswith(self.entity + "."):
            raise ValueError(f"事实 id 必须以 {self.entity}. 开头")
        if self.type == "enum" and not self.options:
            raise ValueError("enum 类型必须列出 options")
        if self.type not in ("enum", "int") and self.options:
            raise ValueError("只有 enum 和 int 类型可以有 options")
        if self.type in NUMERIC_TYPES and (self.min is None or self.max is None):
            raise ValueError("数值类型必须写明 min 和 max（合理范围）")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min 不能大于 max")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("options 的取值重复")
        for option in self.options:
            expected = str if self.type == "enum" else int
            if not isinstance(option.value, expected) or isinstance(option.value, bool):
                raise ValueError(f"选项 {option.value!r} 的类型与事实类型 {self.type} 不符")
        return self

    @property
    def person(self) -> bool:
        """Whether the fact belongs to a household member (else to the household)."""
        return self.entity == "person"

    def option_label(self, value: object) -> str | None:
        """The Chinese label of an option value, if the fact has options."""
        for option in self.options:
            if option.value == value:
                return option.label_zh
        return None


class QuestionDef(Strict):
    """A screen that asks several facts at once: tick boxes, or a few related fields."""

    id: Slug
    entity: Entity
    kind: Literal["checklist", "form"]
    text_zh: Text
    help_zh: str | None = None
    facts: tuple[FactId, ...] = Field(min_length=2)


class FactsFile(Strict):
    """``seed/eligibility/facts.yaml``."""

    facts: tuple[FactDef, ...] = Field(min_length=1)
    questions: tuple[QuestionDef, ...] = ()
