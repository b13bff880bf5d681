"""The labelled resident queries find the right service, on each backend.

Targets (issue 3): top-3 ≥ 90% and top-1 ≥ 75%. ``python -m bench.relevance`` prints the
per-kind table for both backends.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.search.relevance import load_queries, score


def test_relevance_set_is_big_enough() -> None:
    queries = load_queries()
    assert len(queries) >= 80
    kinds = {q["kind"] for q in queries}
    assert {
        "colloquial",
        "traditional",
        "pinyin",
        "initials",
        "prefix",
        "typo",
        "question",
    } <= kinds


def test_hit_rates_meet_targets(search_client: TestClient) -> None:
    result = score(search_client)
    assert result.top3_rate >= 0.90, (result.top3_rate, result.misses)
    assert result.top1_rate >= 0.75, (result.top1_rate, result.misses)
