"""The shipped synonym dictionary is data: every entry must lead somewhere in the catalogue.

An entry whose official terms appear in no service text is dropped from every query it
matches (the pruning keeps only findable words), so it silently does nothing: 只有一个孩子 →
独生子女 did that until the eighth session.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from app.search.documents import service_documents
from app.search.text import load_synonyms, normalize
from app.search.vocabulary import Vocabulary
from tests.conftest import SEED_DIR


def _entries() -> list[dict[str, object]]:
    path = Path(SEED_DIR) / "search" / "synonyms.yaml"
    entries: list[dict[str, object]] = yaml.safe_load(path.read_text(encoding="utf-8"))["synonyms"]
    return entries


def test_every_entry_has_an_official_term_the_catalogue_contains(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": "低保"}).status_code == 200
    snapshot = client.app.state.snapshots.last  # type: ignore[attr-defined]
    vocabulary = Vocabulary.of(service_documents(snapshot))
    dead = [
        entry["words"]
        for entry in _entries()
        if not any(vocabulary.has(normalize(str(t))) for t in entry["terms"])  # type: ignore[attr-defined]
    ]
    assert dead == []


def test_no_word_is_listed_in_two_entries() -> None:
    seen: dict[str, int] = {}
    twice = []
    for number, entry in enumerate(_entries()):
        for word in entry["words"]:  # type: ignore[attr-defined]
            key = normalize(str(word))
            if key in seen:
                twice.append(key)
            seen[key] = number
    assert twice == []


def test_context_entries_are_loaded_as_context() -> None:
    synonyms = load_synonyms(Path(SEED_DIR))
    flagged = {
        normalize(str(w))
        for entry in _entries()
        if entry.get("context")
        for w in entry["words"]  # type: ignore[attr-defined]
    }
    assert "爷爷" in flagged
    assert synonyms.context == flagged
    assert synonyms.mapping["爷爷"] == ("老年人",)
