"""The labelled resident queries find the right service, on each backend.

Targets (issue 3): top-3 ≥ 90% and top-1 ≥ 75%. ``python -m bench.relevance`` prints the
per-kind table for both backends.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.seedfiles.load import load_seed
from tests.conftest import SEED_DIR
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


def test_every_entry_is_well_formed_and_expects_real_services() -> None:
    """A label naming no service (a typo in a code) would count as a miss and hide itself; a
    comma in an unquoted query splits it in two (YAML flow mapping)."""
    services = load_seed(Path(SEED_DIR)).services
    kinds = {"colloquial", "fullwidth", "initials", "official", "pinyin", "prefix"}
    kinds |= {"question", "traditional", "typo"}
    for entry in load_queries():
        assert set(entry) == {"q", "kind", "expect"}, entry
        assert isinstance(entry["q"], str), entry
        assert entry["q"].strip(), entry
        assert entry["kind"] in kinds, entry
        assert entry["expect"], entry
        assert set(entry["expect"]) <= set(services), entry


def test_hit_rates_meet_targets(search_client: TestClient) -> None:
    result = score(search_client)
    assert result.top3_rate >= 0.90, (result.top3_rate, result.misses)
    assert result.top1_rate >= 0.75, (result.top1_rate, result.misses)
