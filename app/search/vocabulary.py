"""What words the services index can match, so plans carry only words that can be found.

Meilisearch never drops every query word: a colloquial word that occurs in no document
(租不起房子) leaves it with zero results however the rest of the query reads. Pruning the plan
against the catalogue's own vocabulary keeps the official synonyms and turns a Han word that
matches nothing into its pinyin (底保 → dibao, a typo of 低保), identically for both backends.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from app.search.base import Document
from app.search.documents import SERVICE_TEXT_FIELDS, searchable_text
from app.search.text import QueryPlan, Term

# A run-on pinyin spelling is cut only into tokens this long: shorter ones (an, bao, yi) would
# match inside nearly any string of letters.
MIN_RUN_ON_PART = 4


@dataclass(frozen=True)
class Vocabulary:
    """The searchable text and pinyin tokens of a set of documents."""

    text: str
    pinyin: tuple[str, ...]

    @classmethod
    def of(cls, documents: list[Document]) -> Vocabulary:
        """Build from service documents."""
        text = "\n".join(searchable_text(d, f) for d in documents for f in SERVICE_TEXT_FIELDS)
        tokens = sorted({t for d in documents for t in d.get("pinyin", [])})
        return cls(text=text, pinyin=tuple(tokens))

    def has(self, word: str) -> bool:
        """Whether ``word`` occurs anywhere in the documents' text."""
        return word in self.text

    def has_pinyin_prefix(self, prefix: str) -> bool:
        """Whether some pinyin token starts with ``prefix``."""
        at = bisect.bisect_left(self.pinyin, prefix)
        return at < len(self.pinyin) and self.pinyin[at].startswith(prefix)

    @cached_property
    def _tokens(self) -> frozenset[str]:
        return frozenset(self.pinyin)

    def run_on_pinyin(self, spelling: str) -> list[str]:
        """The whole tokens (four letters or more) a run-on spelling starts with, greedily,
        longest first: dibaobiaozhun → [dibao] (标准 is in no name). Stops at the first part
        that is no token, so letters that mean nothing here add nothing."""
        found: list[str] = []
        rest = spelling
        while len(rest) >= MIN_RUN_ON_PART:
            head = next(
                (
                    rest[:end]
                    for end in range(len(rest), MIN_RUN_ON_PART - 1, -1)
                    if rest[:end] in self._tokens
                ),
                None,
            )
            if head is None:
                break
            found.append(head)
            rest = rest[len(head) :]
        return found

    def closest_pinyin(self, spelling: str, *, fuzzy: bool = True) -> str | None:
        """``spelling`` if some token starts with it, else (``fuzzy``) the nearest token within
        the typo budget Meilisearch also uses (one edit from 5 letters, two from 9)."""
        if self.has_pinyin_prefix(spelling):
            return spelling
        if not fuzzy or len(spelling) < 5:
            return None
        limit = 1 if len(spelling) < 9 else 2
        best = process.extractOne(
            spelling, self.pinyin, scorer=Levenshtein.distance, score_cutoff=limit
        )
        return str(best[0]) if best else None


def prune(plan: QueryPlan, vocabulary: Vocabulary) -> QueryPlan:
    """Keep findable words; Han terms with none become pinyin terms; drop hopeless terms."""
    terms: list[Term] = []
    kept: set[tuple[str, ...]] = set()
    typed = plan.normalized.split()
    for term in plan.terms:
        if term.latin:
            # Typed pinyin: keep it if some token starts with it, else its nearest token.
            if sound := vocabulary.closest_pinyin(term.text):
                terms.append(Term(sound, (), spelled=(sound,), latin=True, prefix=term.prefix))
            elif (
                len(typed) > 1
                and "".join(typed) == term.text
                and all(vocabulary.has_pinyin_prefix(part) for part in typed)
            ):  # words typed apart and found apart (canjiren butie), not together
                last = len(typed) - 1
                terms.extend(
                    Term(part, (), spelled=(part,), latin=True, prefix=term.prefix and n == last)
                    for n, part in enumerate(typed)
                )
            else:  # several words typed as one (dibaobiaozhun): the ones we know
                terms.extend(
                    Term(part, (), spelled=(part,), latin=True)
                    for part in vocabulary.run_on_pinyin(term.text)
                )
            continue
        words = tuple(w for w in term.words if vocabulary.has(w))
        if words in kept:  # two typed words with the same synonyms (苗族侗族) count once,
            # as what was asked for if either was (奶奶 … 老人: 老年人 is wanted, not context)
            if not term.context:
                terms = [replace(t, context=False) if t.words == words else t for t in terms]
            continue
        if words:
            kept.add(words)
            replaced = term.replaced or words[0] != term.text
            terms.append(replace(term, text=words[0], alternatives=words[1:], replaced=replaced))
        elif term.pinyin and (
            sound := vocabulary.closest_pinyin(term.pinyin[0], fuzzy=len(term.text) >= 3)
        ):
            # Nothing spelled this way: search by sound (底保 → dibao; 法律缓助 → falvyuanzhu).
            # A two-character word must sound exactly like a catalogue word: one wrong
            # syllable of two is a different word (苗语 miaoyu is not 教育 jiaoyu).
            terms.append(Term(sound, (), spelled=(sound,), latin=True, prefix=term.prefix))
    if any(len(t.text) > 1 for t in plan.terms) and all(
        len(t.text) == 1 and not t.latin and not t.alternatives for t in terms
    ):
        # Every word typed matched nothing: the characters left over (上 of 工地上, 人 of
        # 被人) would list services at random. No results, with suggestions, say it honestly.
        # (A character with synonyms of its own says something: 针 → 预防接种.)
        terms = []
    return QueryPlan(plan.normalized, tuple(terms))
