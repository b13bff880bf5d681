"""Query execution over a :class:`LoadedIndex`: match, score, filter, facet, page.

Scoring uses precomputed signals only — which field a term matched (name beats a passing
mention in the body), synonym vs. typed word, an exact-name bonus, and the catalogue order as
the tie-breaker — so a query costs a few numpy operations, never a score over every match.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from app.search.base import FACETS, MAX_TOTAL_HITS, Filters, Hit, SearchRequest, SearchResult
from app.search.documents import searchable_text
from app.search.embedded.index import IntArray, LoadedIndex
from app.search.text import QueryPlan, Term, highlight, match_pattern, snippet, typed_sound

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
    if len(word) == 1:
        single = postings.get(word)
        return single if single is not None else EMPTY
    lists: list[tuple[IntArray, str]] = []
    for gram in {word[i : i + 2] for i in range(len(word) - 1)}:
        ids = postings.get(gram)
        if ids is None:
            return EMPTY
        lists.append((ids, gram))
    lists.sort(key=lambda pair: pair[0].size)
    masks = index.gram_masks[field]
    result = lists[0][0]
    for other, gram in lists[1:]:
        mask = masks.get(gram)
        if mask is not None:  # a common gram: look the candidates up
            result = result[mask[result]]
        elif (result.size + other.size) * 16 < index.size:
            result = np.intersect1d(result, other, assume_unique=True)
        else:
            # Long lists: a mask lookup, linear in the lengths, beats sorting both.
            present = np.zeros(index.size, dtype=np.bool_)
            present[other] = True
            result = result[present[result]]
        if not result.size:
            break
    return result


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


def _term_matches(index: LoadedIndex, term: Term) -> list[tuple[IntArray, float]]:
    """(documents, field weight) pairs for every way one term matches."""
    pairs: list[tuple[IntArray, float]] = []
    if not term.latin:
        for n, word in enumerate(term.words):
            factor = 1.0 if n == 0 else SYNONYM_FACTOR
            for field in index.fields:
                ids = _word_positions(index, field, word)
                if ids.size:
                    pairs.append((ids, FIELD_WEIGHTS[field] * factor))
    if term.latin or not pairs:
        # Typed pinyin, or Han characters that match nothing: try by sound (接重 → jiezhong).
        for token in term.pinyin:
            ids = _pinyin_positions(index, token, fuzzy=term.latin)
            if ids.size:
                pairs.append((ids, PINYIN_WEIGHT))
    return pairs


def passes_filters(
    index: LoadedIndex, filters: Filters, candidates: IntArray
) -> npt.NDArray[np.bool_]:
    """Which candidates pass every filter (each filter: attribute is one of the values).

    Single-valued attributes (type, county …) compare each candidate's value slot; others look
    candidates up in a membership table, so no filter sorts a whole posting list.
    """
    keep = np.ones(candidates.size, dtype=np.bool_)
    for attribute, values in filters.any_of.items():
        attr = index.attributes[attribute]
        if attr.single is not None:
            slots = [slot for v in values if (slot := attr.postings.lookup.get(v)) is not None]
            codes = attr.single[candidates]
            if len(slots) == 1:
                keep &= codes == slots[0]
            else:
                keep &= np.isin(codes, np.array(slots, dtype=np.int32))
            continue
        member = np.zeros(index.size, dtype=np.bool_)
        for value in values:
            ids = attr.postings.get(value)
            if ids is not None:
                member[ids] = True
        keep &= member[candidates]
    return keep


def _facets(index: LoadedIndex, candidates: IntArray) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for attribute in FACETS[index.name]:
        attr = index.attributes[attribute]
        if attr.single is not None:
            codes = attr.single[candidates]
            if attr.complete:
                counts = np.bincount(codes, minlength=len(attr.values))
            else:
                counts = np.bincount(codes[codes >= 0], minlength=len(attr.values))
            present = np.flatnonzero(counts)
            out[attribute] = dict(
                zip([attr.values[i] for i in present], counts[present].tolist(), strict=True)
            )
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
    """Match, rank, filter, facet and page one planned query.

    Scores live in dense per-document arrays touched only at matching positions (no sorting,
    no set unions); everything after matching works on the candidates only.
    """
    plan: QueryPlan = request.plan
    empty = SearchResult(
        hits=[], total=0, facets={f: {} for f in FACETS[index.name]}, backend="embedded"
    )
    main_pairs = [_term_matches(index, term) for term in plan.main_terms]
    minor = [(term, _term_matches(index, term)) for term in plan.minor_terms]
    if not any(main_pairs):
        main_pairs, minor = main_pairs + [pairs for _, pairs in minor], []
    if index.size == 0 or not any(main_pairs):
        return empty
    everything = np.zeros(index.size, dtype=np.float32)
    matched = np.zeros(index.size, dtype=np.int8)
    for pairs in main_pairs:
        _add_term(index, pairs, everything, matched)
    for pos in index.by_name.get(plan.normalized, ()):
        everything[pos] += EXACT_NAME_BONUS
    # (nonzero on a boolean mask: about 8× faster than on the float scores themselves)
    candidates = np.nonzero(everything > 0)[0].astype(np.int32)
    # Lone characters and context (plan.minor_terms) rank the candidates but choose none
    # themselves. A lone character adds its score but does not count as a matched term: with
    # the per-term bonus, 发 of 生育津贴发 put every service mentioning 发放 above 生育保险.
    for term, pairs in minor:
        _add_term(index, pairs, everything, matched if term.context else None)
    total_score = everything[candidates]
    matched = matched[candidates]
    if request.filters.any_of:
        keep = passes_filters(index, request.filters, candidates)
        candidates, total_score, matched = candidates[keep], total_score[keep], matched[keep]
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
    key = (total_score.astype(np.float64) + matched * MATCHED_TERM_BONUS) * 1e4 - index.rank[
        candidates
    ] / index.rank_scale
    if window < candidates.size:
        top = np.argpartition(-key, window - 1)[:window]
    else:
        top = np.arange(candidates.size)
    ordered = top[np.argsort(-key[top], kind="stable")]
    page = candidates[ordered[request.offset : window]]
    words = plan.highlight_words
    finder = match_pattern(tuple(words)) if words else None
    return SearchResult(
        hits=[_hit(index, pos, words, finder) for pos in page.tolist()],
        total=min(total, MAX_TOTAL_HITS),
        facets=facets,
        backend="embedded",
    )


def _add_term(
    index: LoadedIndex,
    pairs: list[tuple[IntArray, float]],
    everything: npt.NDArray[np.float32],
    matched: npt.NDArray[np.int8] | None,
) -> None:
    """Add one term's best field weight, scaled by its rarity, to every document it matches."""
    if not pairs:
        return
    scores = np.zeros(index.size, dtype=np.float32)
    # Lowest weight first, so a stronger match simply overwrites: the best field wins.
    for ids, weight in sorted(pairs, key=lambda pair: pair[1]):
        scores[ids] = weight
    hit = scores > 0
    hits = int(np.count_nonzero(hit))
    # Rarer terms say more about what is wanted (a per-term scalar, not bm25 per match).
    scores *= np.float32(1.0 + math.log(index.size / hits))
    everything += scores
    if matched is not None:
        matched += hit


def _hit(index: LoadedIndex, pos: int, words: list[str], finder: re.Pattern[str] | None) -> Hit:
    """The document with its name and a snippet highlighted (``finder`` finds any word)."""
    document = index.documents[pos]
    name = str(document["name"])
    text = str(document.get("summary") or document.get("address") or document.get("body") or "")
    in_name = finder.search(name) if finder else None
    in_text = finder.search(text) if finder else None
    return Hit(
        document=document,
        highlight={
            "name": highlight(name, words) if in_name else html.escape(name),
            "snippet": snippet(text, words, in_text.start()) if in_text else _plain(text),
        },
    )


def _plain(text: str, width: int = 60) -> str:
    return html.escape(text[:width]) + ("…" if len(text) > width else "")


def suggest(index: LoadedIndex, plan: QueryPlan, limit: int) -> list[int]:
    """Positions of documents whose name (or pinyin) starts like the query; then contains it;
    then contains it by sound (居家养劳 for 居家养老); then holds each word typed (计划生育特 for
    计划生育家庭特别扶助), as Meilisearch's suggestions do."""
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
    by_rank = index.rank.__getitem__
    ordered = sorted(starts, key=by_rank) + sorted(contains, key=by_rank)
    if len(ordered) < limit and (sound := typed_sound(text)):
        sounds = [int(p) for p in _pinyin_positions(index, sound, fuzzy=False)]
        ordered += sorted(set(sounds).difference(ordered), key=by_rank)
    words = [t.text for t in plan.terms if not t.latin]
    if len(ordered) < limit and len(words) > 1:
        holding = [p for p, name in enumerate(index.names) if all(w in name for w in words)]
        ordered += sorted(set(holding).difference(ordered), key=by_rank)
    return ordered[:limit]


__all__ = ["run_query", "searchable_text", "suggest"]
