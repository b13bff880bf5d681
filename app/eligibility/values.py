"""Three-valued truth, the fact-value sentinels and comparison operators of the engine."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Final

FALSE: Final = 0
TRUE: Final = 1
UNKNOWN: Final = 2

# Leaf outcomes in explanations: the three truth values plus "the local standard is missing".
PENDING: Final = 3


class _Absent:
    """The fact was not asked (absent from the request); ``None`` means "不清楚"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()

# The largest household the API and pages accept (and the engine precomputes for).
MAX_MEMBERS: Final = 20

# A region fact may name a place outside Guizhou, which the catalogue does not hold.
OUTSIDE: Final = "outside"
OUTSIDE_LABEL: Final = "贵州省外"

Scalar = bool | int | float | str
Comparison = Callable[[Any, Any], bool]


def _in(actual: object, expected: object) -> bool:
    return isinstance(expected, (list, tuple, frozenset)) and actual in expected


def _not_in(actual: object, expected: object) -> bool:
    return isinstance(expected, (list, tuple, frozenset)) and actual not in expected


OPERATORS: Final[dict[str, Comparison]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": _in,
    "not_in": _not_in,
}
NUMERIC_OPS: Final = frozenset({"lt", "lte", "gt", "gte"})
LIST_OPS: Final = frozenset({"in", "not_in"})

# Words for counterfactual hints ("如果年龄达到 60 周岁…").
OP_WORDS: Final = {"lt": "低于", "lte": "不高于", "gt": "高于", "gte": "达到"}
