"""Word matching in the embedded index, on a corpus large enough for the common-gram masks.

The contract suite's corpora are small, so every gram there takes the plain intersection path;
here thousands of names from a few characters make most grams common, and the answer must be
the same as intersecting the grams' document sets by hand.
"""

from __future__ import annotations

import random

import pytest

from app.search.embedded.engine import _word_positions
from app.search.embedded.index import LoadedIndex, build_index, grams
from app.search.text import normalize

CHARACTERS = "养老服务中心站卫生院社区托育机构法律援助"


@pytest.fixture(scope="module")
def corpus() -> tuple[LoadedIndex, list[set[str]]]:
    rng = random.Random(20261129)
    documents = []
    for n in range(10_000):
        # Common characters often, the rest rarely: grams of every frequency.
        name = "".join(
            rng.choice(CHARACTERS[:4] if rng.random() < 0.7 else CHARACTERS)
            for _ in range(rng.randint(2, 10))
        )
        documents.append({"id": f"p{n:05d}", "kind": "provider", "name": name})
    index = build_index("providers", documents)
    return index, [grams(normalize(d["name"])) for d in documents]


def _expected(name_grams: list[set[str]], word: str) -> list[int]:
    wanted = {word[i : i + 2] for i in range(len(word) - 1)} if len(word) > 1 else {word}
    return [pos for pos, have in enumerate(name_grams) if wanted <= have]


def test_the_corpus_exercises_both_paths(corpus: tuple[LoadedIndex, list[set[str]]]) -> None:
    index, _ = corpus
    masks = index.gram_masks["name"]
    two_character = [t for t in index.fields["name"].terms if len(t) == 2]
    assert "养老" in masks  # common: looked up in a mask
    assert any(t not in masks for t in two_character)  # rare: the plain intersection


def test_word_positions_equal_the_gram_intersection(
    corpus: tuple[LoadedIndex, list[set[str]]],
) -> None:
    index, name_grams = corpus
    rng = random.Random(7)
    words = {"养老服务", "服务中心", "卫生院", "法律援助", "托育机构", "老养", "务服老"}
    words |= {"".join(rng.choice(CHARACTERS) for _ in range(rng.randint(1, 6))) for _ in range(300)}
    for word in sorted(words):
        found = _word_positions(index, "name", word).tolist()
        assert found == _expected(name_grams, word), word
