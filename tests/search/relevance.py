"""Score the labelled relevance set against a running app (shared by the test and bench)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

QUERIES = Path(__file__).with_name("relevance.yaml")


class Getter(Protocol):
    def get(self, url: str, *, params: dict[str, Any]) -> Any: ...


@dataclass
class Score:
    """Hit rates overall and per kind of query, plus the misses."""

    queries: int = 0
    top1: int = 0
    top3: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    misses: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.queries

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.queries


def load_queries() -> list[dict[str, Any]]:
    return list(yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"])


def score(client: Getter) -> Score:
    result = Score()
    for entry in load_queries():
        body = client.get("/api/v1/search", params={"q": entry["q"]}).json()
        codes = [item["code"] for item in body["items"]]
        hit1 = bool(codes) and codes[0] in entry["expect"]
        hit3 = any(code in entry["expect"] for code in codes[:3])
        result.queries += 1
        result.top1 += hit1
        result.top3 += hit3
        kind = result.by_kind[entry["kind"]]
        kind[0] += 1
        kind[1] += hit1
        kind[2] += hit3
        if not hit3:
            result.misses.append((entry["q"], codes[:3]))
    return result
