"""Query execution over a :class:`LoadedIndex`: match, score, filter, facet, page.

Scoring uses precomputed signals only — which field a term matched (name beats a passing
mention in the body), synonym vs. typed word, an exact-name bonus, and the catalogue order as
the tie-breaker — so a query costs a few numpy operations, never a score over every match.
"""

from __future__ import annotations

import math
from functools import reduce

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from app.search.base import FACETS, MAX_TOTAL_HITS, Filters, Hit, SearchRequest, SearchResult
from app.search.documents import searchable_text
from app.search.embedded.index import IntArray, LoadedIndex, grams
from app.search.text import QueryPlan, Term, highlight, snippet

FIELD_WEIGHTS: dict[str, float] = {
    "name": 10.0,
    "aliases": 8.0,
    "type_name": 6.0,
    "category_name": 4.0,
    "life_event_names": 4.0,
    "region_names": 4.0,
    "summary": 3.0,
    "address": 2.0,
    "body": 1.0,
}
PINYIN_WEIGHT = 7.0
SYNONYM_FACTOR = 0.5  # the word a resident typed beats the official synonyms we add
EXACT_NAME_BONUS = 50.0
MATCHED_TERM_BONUS = 20.0
EMPTY: IntArray = np.empty(0, dtype=np.int32)


def _word_positions(index: LoadedIndex, field: str, word: str) -> IntArray:
    """Documents whose ``field`` contains every gram of ``word`` (≈ contains ``word``)."""
    postings = index.fields[field]
    wanted = sorted(grams(word) if len(word) > 1 else {word}, key=len, reverse=True)
    if len(word) > 1:
        wanted = [g for g in wanted if len(g) == 2]
    lists = []
    for gram in wanted:
        ids = postings.get(gram)
        if ids is None:
            return EMPTY
        lists.append(ids)
    lists.sort(key=len)
    return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), lists)


def _pinyin_positions(index: LoadedIndex, token: str, *, fuzzy: bool) -> IntArray:
    """Documents with a pinyin token equal to (≤ 2 letters) or starting with ``token``."""
    postings = index.pinyin
    if len(token) <= 2:
        exact = postings.get(token)
        return exact if exact is not None else EMPTY
    found = postings.union(*postings.slot_range(token))
    if found.size or not fuzzy or len(token) < 5:
        return found
    # Typo tolerance like Meilisearch's: one edit from 5 letters, two from 9.
    limit = 1 if len(token) < 9 else 2
    matches = process.extract(
        token, postings.terms, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
    )
    parts = [postings.get(term) for term, _, _ in matches]
    arrays = [p for p in parts if p is not None]
    return np.unique(np.concatenate(arrays)) if arrays else EMPTY


def _term_scores(index: LoadedIndex, term: Term) -> npt.NDArray[np.float32]:
    """Best field weight per document for one term, scaled by how rare the term is."""
    scores = np.zeros(index.size, dtype=np.float32)
    if not term.latin:
        for n, word in enumerate(term.words):
            factor = 1.0 if n == 0 else SYNONYM_FACTOR
            for field in index.fields:
                ids = _word_positions(index, field, word)
                if ids.size:
                    scores[ids] = np.maximum(scores[ids], FIELD_WEIGHTS[field] * factor)
    if term.latin or not scores.any():
        # Typed pinyin, or Han characters that match nothing: try by sound (接重 → jiezhong).
        for token in term.pinyin:
            ids = _pinyin_positions(index, token, fuzzy=term.latin)
            if ids.size:
                scores[ids] = np.maximum(scores[ids], PINYIN_WEIGHT)
    matched = int(np.count_nonzero(scores))
    if matched:
        # Rarer terms say more about what is wanted (a per-term scalar, not bm25 per match).
        scores *= np.float32(1.0 + math.log(index.size / matched))
    return scores


def _filter_mask(index: LoadedIndex, filters: Filters) -> npt.NDArray[np.bool_] | None:
    mask: npt.NDArray[np.bool_] | None = None
    for attribute, values in filters.any_of.items():
        allowed = np.zeros(index.size, dtype=np.bool_)
        postings = index.attributes[attribute].postings
        for value in values:
            ids = postings.get(value)
            if ids is not None:
                allowed[ids] = True
        mask = allowed if mask is None else mask & allowed
    return mask


def _facets(index: LoadedIndex, candidates: IntArray) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for attribute in FACETS[index.name]:
        attr = index.attributes[attribute]
        if attr.single is not None:
            codes = attr.single[candidates]
            counts = np.bincount(codes[codes >= 0], minlength=len(attr.values))
            out[attribute] = {
                attr.values[i]: int(c) for i in np.flatnonzero(counts) for c in [counts[i]]
            }
            continue
        member = np.zeros(index.size, dtype=np.bool_)
        member[candidates] = True
        counts_multi = {}
        for value in attr.values:
            ids = attr.postings.get(value)
            count = int(np.count_nonzero(member[ids])) if ids is not None else 0
            if count:
                counts_multi[value] = count
        out[attribute] = counts_multi
    return out


def run_query(index: LoadedIndex, request: SearchRequest) -> SearchResult:
    """Match, rank, filter, facet and page one planned query."""
    plan: QueryPlan = request.plan
    if index.size == 0 or not plan.terms:
        return SearchResult(
            hits=[], total=0, facets={f: {} for f in FACETS[index.name]}, backend="embedded"
        )
    total_score = np.zeros(index.size, dtype=np.float32)
    matched = np.zeros(index.size, dtype=np.int32)
    for term in plan.terms:
        scores = _term_scores(index, term)
        total_score += scores
        matched += scores > 0
    exact = [i for i, name in enumerate(index.names) if name == plan.normalized]
    for pos in exact:
        total_score[pos] += EXACT_NAME_BONUS
    mask = matched > 0
    filter_mask = _filter_mask(index, request.filters)
    if filter_mask is not None:
        mask &= filter_mask
    candidates = np.flatnonzero(mask).astype(np.int32)
    total = int(candidates.size)
    facets = _facets(index, candidates)
    window = min(request.offset + request.limit, MAX_TOTAL_HITS)
    if request.offset >= window or total == 0:
        return SearchResult(
            hits=[], total=min(total, MAX_TOTAL_HITS), facets=facets, backend="embedded"
        )
    # Sort key: score (field weight × term rarity, plus a bonus per matched term), then
    # catalogue order. Short queries behave like "all terms first"; in long questions a rare,
    # telling term outweighs several common ones.
    key = (
        total_score[candidates].astype(np.float64) + matched[candidates] * MATCHED_TERM_BONUS
    ) * 1e4 - index.rank[candidates] / (index.rank.max() + 1.0)
    if window < candidates.size:
        top = np.argpartition(-key, window - 1)[:window]
    else:
        top = np.arange(candidates.size)
    ordered = top[np.argsort(-key[top], kind="stable")]
    page = candidates[ordered[request.offset : window]]
    words = plan.highlight_words
    hits = [_hit(index, int(pos), words) for pos in page]
    return SearchResult(
        hits=hits, total=min(total, MAX_TOTAL_HITS), facets=facets, backend="embedded"
    )


def _hit(index: LoadedIndex, pos: int, words: list[str]) -> Hit:
    document = index.documents[pos]
    text = document.get("summary") or document.get("address") or document.get("body") or ""
    return Hit(
        document=document,
        highlight={
            "name": highlight(str(document["name"]), words),
            "snippet": snippet(str(text), words),
        },
    )


def suggest(index: LoadedIndex, plan: QueryPlan, limit: int) -> list[int]:
    """Positions of documents whose name (or pinyin) starts like the query; then contains it."""
    if index.size == 0:
        return []
    text = plan.normalized.replace(" ", "")
    starts: list[int] = []
    contains: list[int] = []
    for pos, name in enumerate(index.names):
        if name.startswith(text):
            starts.append(pos)
        elif text in name:
            contains.append(pos)
    if text.isascii():
        for pos in _pinyin_positions(index, text, fuzzy=False):
            if int(pos) not in starts:
                starts.append(int(pos))
    ordered = sorted(starts, key=lambda p: index.rank[p]) + sorted(
        contains, key=lambda p: index.rank[p]
    )
    return ordered[:limit]


__all__ = ["run_query", "searchable_text", "suggest"]
