"""Chinese text handling shared by both search backends.

Documents and queries go through the same steps: NFKC (full-width → half-width), lower case,
繁→简 (OpenCC), then segmentation (jieba), colloquial → official synonyms, and pinyin (full
and initials) so residents can type "dibao", "di bao" or "db".
"""

from __future__ import annotations

import html
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

import cn2an
import jieba
import opencc
import yaml
from pypinyin import lazy_pinyin

MAX_QUERY_CHARS = 64
_SPACE = re.compile(r"\s+")
_LATIN_QUERY = re.compile(r"^[a-z ]+$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
MAX_PINYIN_SYLLABLES = 16
_SPLIT = re.compile(r"[\s,.;:!?()\[\]{}<>\"'`~@#$%^&*_+=|\\/，。；：！？、（）【】《》“”‘’…—·-]+")
# An age as residents type it: 80岁, 八十岁, 七十五周岁, 八十多岁 (the 多/来 rounds down, which
# keeps the band). Han numerals must be well formed (十, 七十五, 一百零二, 三), so "三四岁"
# reads as 四岁 rather than 34.
_HAN_DIGIT = "一二两三四五六七八九"
# Han numbers of two places or more (十, 七十五, 一百零二)
_HAN_TENS = (
    f"[{_HAN_DIGIT}]百(?:零[{_HAN_DIGIT}]|[{_HAN_DIGIT}]?十[{_HAN_DIGIT}]?)?"
    f"|[{_HAN_DIGIT}]?十[{_HAN_DIGIT}]?"
)
_AGE = re.compile(rf"(\d{{1,3}}|{_HAN_TENS}|百|[{_HAN_DIGIT}])\s*(?:多|来)?\s*(?:周岁|岁)")
# An age said without 岁: 我爸七十五了, 我妈八十多了. Only numbers of two places or more and only
# before 了, so 一了百了 or 报销八十 do not read as ages.
_AGE_SAID = re.compile(rf"(?<![\d{_HAN_DIGIT}十百千万零])(\d{{2,3}}|{_HAN_TENS})(?:多|来)?(?=了)")
_NUMBER = re.compile(r"^\d+$")


class InvalidQuery(ValueError):
    """A query we refuse to run, with a stable code and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC, lower case, 繁→简, control characters dropped, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n ")
    text = _t2s().convert(text.lower())
    return _SPACE.sub(" ", text).strip()


def check_query(raw: str) -> str:
    """Validate a user query and return it normalised; :class:`InvalidQuery` otherwise.

    Control and formatting characters are dropped rather than refused (the query then runs on
    what is left); text that is only spaces, mis-decoded (U+FFFD) or over the cap is refused.
    """
    if not raw.strip():
        raise InvalidQuery("empty_query", "请输入搜索词")
    if "\ufffd" in raw:
        raise InvalidQuery("invalid_query", "搜索词编码无效，请使用 UTF-8 编码")
    if len(raw) > MAX_QUERY_CHARS:
        raise InvalidQuery("query_too_long", f"搜索词太长，最多 {MAX_QUERY_CHARS} 个字")
    return normalize(raw)


def pinyin_syllables(text: str) -> list[str]:
    """Toneless pinyin syllables of the Han characters in ``text`` (ü written as v)."""
    return [s for s in lazy_pinyin(text, errors="ignore") if s.isascii() and s.isalpha()]


def pinyin_tokens(text: str) -> set[str]:
    """Full-pinyin and initials tokens of every suffix (two syllables or more) of ``text``.

    For 职工基本养老保险 this yields "zhigongjibenyanglaobaoxian", "yanglaobaoxian", "ylbx",
    "jbylbx" … so a prefix match finds the service from any of its words, whatever the
    segmenter's dictionary says. ``v`` (ü) is also spelled ``u``.
    """
    tokens: set[str] = set()
    for run in _HAN_RUN.findall(normalize(text)):
        syllables = pinyin_syllables(run)[:MAX_PINYIN_SYLLABLES]
        for start in range(max(len(syllables) - 1, 1)):
            tail = syllables[start:]
            full = "".join(tail)
            tokens.add(full)
            tokens.add(full.replace("v", "u"))
            tokens.add("".join(s[0] for s in tail))
    return tokens


def typed_sound(text: str) -> str | None:
    """The pinyin of the Han characters typed, as one run (居家养 → jujiayang).

    Names are indexed with the pinyin of every suffix (:func:`pinyin_tokens`), so a name
    containing the typed characters from a syllable on has a token starting with this sound,
    whatever a segmenter makes of a half-typed word. None for fewer than two characters: one
    syllable starts too many tokens to mean anything.
    """
    syllables = pinyin_syllables(text)
    return "".join(syllables) if len(syllables) >= 2 else None


@dataclass(frozen=True)
class Synonyms:
    """Colloquial phrase → official terms, plus the stopwords dropped from queries.

    ``context`` holds the phrases that say who a question is about rather than what is
    wanted (爷爷, 外婆): their terms rank results and choose them only when nothing else
    was asked, as an age does.
    """

    mapping: dict[str, tuple[str, ...]]
    stopwords: frozenset[str]
    context: frozenset[str] = frozenset()

    @cached_property
    def longest_first(self) -> list[str]:
        """Phrases ordered for greedy longest-match scanning (computed once)."""
        return sorted(self.mapping, key=len, reverse=True)

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {phrase: rank for rank, phrase in enumerate(self.longest_first)}

    def phrase_inside(self, word: str) -> str | None:
        """The first phrase of :attr:`longest_first` (two characters or more) inside ``word``.

        Looks up the word's substrings, longest first, instead of scanning every phrase: the
        dictionary has grown past 500 phrases, and the scan was a tenth of a search.
        """
        rank = self._rank
        for length in range(len(word), 1, -1):
            found = [
                word[start : start + length]
                for start in range(len(word) - length + 1)
                if word[start : start + length] in rank
            ]
            if found:
                return min(found, key=rank.__getitem__)
        return None

    def pairs(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(phrase, official terms) for every entry."""
        yield from self.mapping.items()


def load_synonyms(seed_dir: Path) -> Synonyms:
    """Read ``seed/search/synonyms.yaml`` and ``stopwords.yaml`` (normalised)."""
    root = seed_dir / "search"
    raw = yaml.safe_load((root / "synonyms.yaml").read_text(encoding="utf-8"))
    mapping: dict[str, tuple[str, ...]] = {}
    context: set[str] = set()
    for entry in raw["synonyms"]:
        terms = tuple(normalize(t) for t in entry["terms"])
        for word in entry["words"]:
            key = normalize(word)
            mapping[key] = tuple(dict.fromkeys(mapping.get(key, ()) + terms))
            if entry.get("context", False):
                context.add(key)
    stop = yaml.safe_load((root / "stopwords.yaml").read_text(encoding="utf-8"))
    return Synonyms(
        mapping=mapping,
        stopwords=frozenset(normalize(w) for w in stop["stopwords"]),
        context=frozenset(context),
    )


jieba.setLogLevel(logging.WARNING)
# jieba caches its dictionary in the temp dir under one fixed name; a file left there by another
# user (root, say) is unreadable, so each user gets its own cache file.
jieba.dt.cache_file = f"jieba.qianfu.u{os.getuid()}.cache"
_jieba_lock = threading.Lock()
_jieba_words: set[str] = set()


def teach_words(words: Iterable[str]) -> None:
    """Make jieba keep these words whole (service names, aliases, synonym phrases)."""
    with _jieba_lock:
        for word in words:
            word = normalize(word)
            if word and word not in _jieba_words and _HAN.search(word):
                jieba.add_word(word, freq=200_000)
                _jieba_words.add(word)


def warm_up() -> None:
    """Load jieba's dictionary now rather than on the first query (about a second)."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


@dataclass(frozen=True)
class Term:
    """One meaningful part of a query and the words that may stand for it in a document."""

    text: str
    alternatives: tuple[str, ...]
    spelled: tuple[str, ...] | None = None  # its letters as given; None: a Han word's sound
    latin: bool = False
    prefix: bool = False
    # The typed word found nowhere in the catalogue, so its official synonyms stand in for it
    # (拖欠工资 → 劳动报酬 or 劳动关系): every word of the term is an alternative of equal rank.
    replaced: bool = False
    # Who the question is about rather than what is wanted (an age: 我爸七十五了; a relative:
    # 我爷爷是老红军): it ranks the documents the other words choose and chooses only when
    # nothing else was asked.
    context: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        """The typed text first, then its official synonyms."""
        return (self.text, *self.alternatives)

    @cached_property
    def pinyin(self) -> tuple[str, ...]:
        """Pinyin forms to match by sound (for Han words worked out only when needed).

        Most queries never look: the sound of a Han word is asked for only when its
        characters match nothing, so the conversion (about a tenth of a search) is lazy.
        """
        return self.spelled if self.spelled is not None else _pinyin_forms(self.text)


@dataclass(frozen=True)
class QueryPlan:
    """A normalised query split into terms; documents should match every term."""

    normalized: str
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @cached_property
    def main_terms(self) -> tuple[Term, ...]:
        """The terms that choose documents: lone Han characters beside longer words left out.

        jieba leaves such characters when it splits a place name it does not know (a township,
        or a county before it learned the county names: 兴仁市 → 兴仁 + 市) or a long question
        (被人打了没钱请律师 → … 打 … 钱 …). They say little about what is wanted yet occur
        nearly everywhere (市 is in two thirds of the provider documents), so letting them
        choose documents only adds noise and work. A query made of nothing else keeps them.
        Context terms (an age) are left out the same way when the question asks for something
        else: 我快六十了养老保险还差几年 is a pension question.
        """
        needs = tuple(t for t in self.terms if not t.context)
        terms = needs if any(len(t.text) > 1 or t.latin for t in needs) else self.terms
        if not any(len(t.text) > 1 for t in terms):
            return terms
        return tuple(t for t in terms if len(t.text) > 1 or t.latin)

    @cached_property
    def minor_terms(self) -> tuple[Term, ...]:
        """The terms left out of :attr:`main_terms`, lone characters and context (they still
        rank: 报 in 报不了)."""
        main = self.main_terms
        return () if len(main) == len(self.terms) else tuple(t for t in self.terms if t not in main)

    @property
    def highlight_words(self) -> list[str]:
        """Han words to mark in snippets, longest first (the main terms': 市 of 兴仁市 is not
        worth marking in every address)."""
        words = {w for t in self.main_terms if not t.latin for w in t.words if w}
        return sorted(words, key=len, reverse=True)


def _age_terms(text: str) -> tuple[list[Term], str]:
    """Context terms for the ages in ``text``, and ``text`` with the ages taken out."""
    without_sui = _AGE.sub(" ", text)
    terms = []
    for match in (*_AGE.finditer(text), *_AGE_SAID.finditer(without_sui)):
        number = match.group(1)
        if not number.isdigit():
            number = str(cn2an.cn2an("一百" if number == "百" else number, "smart"))
        if alternatives := _age_band(int(number)):
            terms.append(Term(match.group(0), alternatives, spelled=(), context=True))
    return terms, _AGE_SAID.sub(" ", without_sui)


def _age_band(age: int) -> tuple[str, ...]:
    """The official words for the people of an age; none for adults under sixty."""
    if age >= 80:  # 高龄 (津贴) starts at eighty
        return ("老年人", "高龄")
    if age >= 60:
        return ("老年人",)
    if age <= 3:
        return ("婴幼儿", "托育", "儿童")
    if age < 18:
        return ("儿童", "学生")
    return ()


def plan_query(normalized: str, synonyms: Synonyms) -> QueryPlan:
    """Turn a normalised query into terms: pinyin letters, or Han words with synonyms."""
    if _LATIN_QUERY.match(normalized):
        parts = normalized.split()
        joined = "".join(parts)
        term = Term(joined, (), spelled=(joined,), latin=True, prefix=True)
        return QueryPlan(normalized, (term,))
    terms, text = _age_terms(normalized)
    for chunk in _SPLIT.split(text):
        terms.extend(_chunk_terms(chunk, synonyms))
    deduped = list({t.text: t for t in terms}.values())
    if deduped:
        last = deduped[-1]
        deduped[-1] = replace(last, prefix=True)
    return QueryPlan(normalized, tuple(deduped))


def _chunk_terms(chunk: str, synonyms: Synonyms) -> list[Term]:
    """Segment with jieba (which knows our synonym phrases), drop stopwords, add synonyms.

    A word that is not itself a synonym phrase but contains one (残疾人 ⊃ 残疾) borrows that
    phrase's official terms.
    """
    terms: list[Term] = []
    for word in jieba.lcut(chunk):
        word = word.strip()
        if not word or word in synonyms.stopwords or _NUMBER.match(word):
            continue
        if word.isascii():
            terms.append(Term(word, (), spelled=(word,), latin=True))
            continue
        alternatives = synonyms.mapping.get(word)
        if alternatives is None:
            inner = synonyms.phrase_inside(word)
            alternatives = synonyms.mapping[inner] if inner else ()
        alternatives = tuple(a for a in alternatives if a != word)
        terms.append(Term(word, alternatives, context=word in synonyms.context))
    return terms


def _pinyin_forms(word: str) -> tuple[str, ...]:
    """Pinyin of a Han word, for homophone typos (底保 → dibao)."""
    sound = typed_sound(word)
    return (sound,) if sound else ()


def highlight(text: str, words: list[str]) -> str:
    """HTML-escape ``text`` and wrap each occurrence of ``words`` (longest first) in ``<em>``.

    Escaping first is safe: a word's escaped form is matched inside the escaped text, so no
    mark can split an entity.
    """
    escaped = html.escape(text)
    if not words:
        return escaped
    return _mark_pattern(tuple(words)).sub(_wrap, escaped)


def _wrap(match: re.Match[str]) -> str:
    return "<em>" + match.group(0) + "</em>"


@lru_cache(maxsize=1024)
def match_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Finds the first of ``words`` in display text, ignoring case (``words`` not empty).

    Display text comes from our own (simplified-Chinese) data and the query side is fully
    normalised (繁→简, full width) before it gets here, so ignoring case is enough.
    """
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


@lru_cache(maxsize=1024)
def _mark_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """:func:`match_pattern` of the words as they read in HTML-escaped text."""
    return match_pattern(tuple(html.escape(w) for w in words))


def snippet(text: str, words: list[str], first: int | None, *, width: int = 60) -> str:
    """A window of ``text`` around ``first`` (the first matching word's position, found with
    :func:`match_pattern`; None for the start), highlighted."""
    start = 0 if first is None or len(text) <= width else max(0, first - width // 3)
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + highlight(piece, words) + suffix
