"""Chinese text handling: normalisation, pinyin tokens, query plans."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.search.meili import WHOLE_QUERY_WEIGHT, query_string, search_call
from app.search.text import (
    InvalidQuery,
    QueryPlan,
    Synonyms,
    Term,
    check_query,
    highlight,
    normalize,
    pinyin_tokens,
    plan_query,
    typed_sound,
)
from app.search.vocabulary import Vocabulary, prune

SYNONYMS = Synonyms(
    mapping={"打官司": ("诉讼", "法律援助"), "老人": ("老年人",)},
    stopwords=frozenset({"我", "怎么", "了"}),
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("養老金", "养老金"),
        ("ＤＩＢＡＯ", "dibao"),
        ("低保\u3000申请", "低保 申请"),
        ("  公租房  ", "公租房"),
        ("殘疾人補貼", "残疾人补贴"),
        ("低\u200b保", "低保"),
        ("a\tb\nc", "a b c"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_check_query_rules() -> None:
    assert check_query("  低保 ") == "低保"
    for bad, code in (
        ("   ", "empty_query"),
        ("低保\ufffd", "invalid_query"),
        ("低" * 65, "query_too_long"),
    ):
        with pytest.raises(InvalidQuery) as caught:
            check_query(bad)
        assert caught.value.code == code


def test_pinyin_tokens_cover_suffixes_and_initials() -> None:
    tokens = pinyin_tokens("职工基本养老保险")
    assert {"zhigongjibenyanglaobaoxian", "yanglaobaoxian", "ylbx", "zgjbylbx"} <= tokens
    assert "falvyuanzhu" in pinyin_tokens("法律援助")
    assert "falu" + "yuanzhu" in pinyin_tokens("法律援助"), "ü may be typed as u"


def test_latin_queries_become_one_pinyin_term() -> None:
    plan = plan_query("di bao", SYNONYMS)
    assert [t.text for t in plan.terms] == ["dibao"]
    assert plan.terms[0].latin
    assert plan.terms[0].prefix


def test_han_queries_get_synonyms_and_lose_stopwords() -> None:
    plan = plan_query("我打官司怎么办了", SYNONYMS)
    texts = [t.text for t in plan.terms]
    assert "我" not in texts
    assert "打官司" in texts
    term = next(t for t in plan.terms if t.text == "打官司")
    assert term.alternatives == ("诉讼", "法律援助")


def test_ages_become_meaningful_terms() -> None:
    plan = plan_query("我妈妈80岁了", SYNONYMS)
    age = next(t for t in plan.terms if t.text.startswith("80"))
    assert "老年人" in age.alternatives


@pytest.mark.parametrize(
    ("raw", "age_text", "alternatives"),
    [
        ("八十多岁的老奶奶", "八十多岁", ("老年人", "高龄")),
        ("七十五周岁", "七十五周岁", ("老年人",)),
        ("百岁老人", "百岁", ("老年人", "高龄")),
        ("一百零二岁", "一百零二岁", ("老年人", "高龄")),
        ("孩子两岁", "两岁", ("婴幼儿", "托育", "儿童")),
        ("三四岁的孩子", "四岁", ("儿童", "学生")),  # a range, not 34
        ("60多岁", "60多岁", ("老年人",)),
    ],
)
def test_ages_in_han_numerals_and_rounded(
    raw: str, age_text: str, alternatives: tuple[str, ...]
) -> None:
    age = next(t for t in plan_query(raw, SYNONYMS).terms if t.text == age_text)
    assert age.alternatives == alternatives


@pytest.mark.parametrize(
    ("raw", "age_text", "alternatives"),
    [
        ("我爸七十五了每个月能领多少钱", "七十五", ("老年人",)),
        ("我妈八十多了", "八十多", ("老年人", "高龄")),
        ("我奶奶92了", "92", ("老年人", "高龄")),
        ("孩子十二了", "十二", ("儿童", "学生")),
    ],
)
def test_an_age_said_without_sui(raw: str, age_text: str, alternatives: tuple[str, ...]) -> None:
    age = next(t for t in plan_query(raw, SYNONYMS).terms if t.text == age_text)
    assert age.alternatives == alternatives


@pytest.mark.parametrize(
    "raw", ["一了百了", "报销了八十", "等了三了", "花了五万多了", "花了一千二了"]
)
def test_numbers_that_are_not_ages_add_no_age_terms(raw: str) -> None:
    assert all(
        "老年人" not in t.alternatives and "儿童" not in t.alternatives
        for t in plan_query(raw, SYNONYMS).terms
    )


def test_adult_ages_add_no_terms() -> None:
    assert all("岁" not in t.text for t in plan_query("二十岁找工作", SYNONYMS).terms)


def test_highlight_escapes_everything_but_our_marks() -> None:
    marked = highlight("<b>低保</b> & 低保", ["低保"])
    assert marked == "&lt;b&gt;<em>低保</em>&lt;/b&gt; &amp; <em>低保</em>"


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("打官司 钱", "打官司"),  # a lone character beside a word: Meilisearch would require it
        ("钱", "钱"),  # alone, it is the whole query
        ("dibao", "dibao"),
        ("老人 补贴", "老人 补贴"),
    ],
)
def test_meilisearch_query_words(raw: str, sent: str) -> None:
    assert query_string(plan_query(check_query(raw), SYNONYMS)) == sent


def test_a_lone_replaced_word_is_sent_with_all_its_official_words() -> None:
    """拖欠工资 is found nowhere, so 劳动报酬 or 劳动关系 stand in for it; Meilisearch has no
    synonym that expands an official word, so both are sent (else only the first counts)."""
    replaced = Term("劳动报酬", ("劳动关系",), replaced=True)
    assert query_string(QueryPlan("拖欠工资", (replaced,))) == "劳动报酬 劳动关系"
    # beside other words each term keeps one word: the question stays as long as it was typed
    other = Term("投诉", ())
    assert query_string(QueryPlan("拖欠工资 投诉", (replaced, other))) == "劳动报酬 投诉"


def test_official_alternatives_are_searched_each_alone() -> None:
    """One typed word's official words are alternatives: merged per-word searches, with no
    whole-question search (which would keep only the rarer word); several typed words keep it."""
    replaced = QueryPlan("拖欠工资", (Term("劳动报酬", ("劳动关系",), replaced=True),))
    path, body = search_call("s", "services", replaced, {**_BODY, "q": query_string(replaced)})
    assert path == "/multi-search"
    assert [(q["q"], q.get("federationOptions")) for q in body["queries"]] == [
        ("劳动报酬", None),
        ("劳动关系", None),
    ]
    typed = plan_query(check_query("老人 补贴"), SYNONYMS)
    _, body = search_call("s", "services", typed, {**_BODY, "q": query_string(typed)})
    assert [q["q"] for q in body["queries"]] == ["老人 补贴", "老人", "补贴"]
    assert body["queries"][0]["federationOptions"] == {"weight": WHOLE_QUERY_WEIGHT}


_BODY: dict[str, Any] = {"offset": 0, "limit": 20, "facets": ["area"], "filter": []}


def test_typed_sound_is_one_pinyin_run_of_two_syllables_or_more() -> None:
    assert typed_sound("居家养") == "jujiayang"
    assert typed_sound("农村 危") == "nongcunwei"
    assert typed_sound("法") is None  # one syllable starts too many tokens
    assert typed_sound("gongzu") is None  # typed pinyin is matched as it is


def test_lone_characters_beside_words_are_minor_terms() -> None:
    plan = plan_query(check_query("打官司 钱 老人"), SYNONYMS)
    assert [t.text for t in plan.main_terms] == ["打官司", "老人"]
    assert [t.text for t in plan.minor_terms] == ["钱"]
    assert "钱" not in plan.highlight_words
    assert {"打官司", "老人"} <= set(plan.highlight_words)
    alone = plan_query(check_query("钱"), SYNONYMS)
    assert [t.text for t in alone.main_terms] == ["钱"]
    assert alone.minor_terms == ()


def test_an_age_ranks_what_the_other_words_choose() -> None:
    plan = plan_query(check_query("六十了 养老保险"), SYNONYMS)
    assert [t.text for t in plan.main_terms] == ["养老保险"]
    assert [t.text for t in plan.minor_terms] == ["六十"]
    assert query_string(plan) == "养老保险"


def test_an_age_alone_chooses() -> None:
    plan = plan_query(check_query("七十五了"), SYNONYMS)
    assert [t.text for t in plan.main_terms] == ["七十五"]
    assert plan.minor_terms == ()
    beside_a_character = plan_query(check_query("八十了 钱"), SYNONYMS)
    assert [t.text for t in beside_a_character.main_terms] == ["八十"]
    assert [t.text for t in beside_a_character.minor_terms] == ["钱"]


def test_pruning_keeps_an_age_as_context() -> None:
    plan = prune(
        plan_query(check_query("六十了 养老保险"), SYNONYMS), _vocabulary("老年人", "养老保险")
    )
    age = next(t for t in plan.terms if t.text == "老年人")
    assert age.context
    assert age.replaced
    assert [t.text for t in plan.main_terms] == ["养老保险"]


def _vocabulary(*names: str) -> Vocabulary:
    return Vocabulary.of([{"id": n, "name": n, "pinyin": sorted(pinyin_tokens(n))} for n in names])


def test_words_that_match_nothing_are_searched_by_sound() -> None:
    vocabulary = _vocabulary("最低生活保障", "低保", "公租房", "学前教育", "收听广播")
    # A homophone of a catalogue word, however short: its exact sound.
    assert [t.text for t in prune(plan_query("底保", SYNONYMS), vocabulary).terms] == ["dibao"]
    # Three characters or more: a near sound too (one edit from five letters).
    assert [t.text for t in prune(plan_query("公组房", SYNONYMS), vocabulary).terms] == [
        "gongzufang"
    ]
    # Two characters that sound one letter away from a catalogue word are another word:
    # dropped, never turned into it (苗语 miaoyu is not 教育 jiaoyu).
    assert [t.text for t in prune(plan_query("苗语广播", SYNONYMS), vocabulary).terms] == ["广播"]


def test_typed_words_with_the_same_synonyms_count_once() -> None:
    synonyms = Synonyms(
        mapping={"苗族": ("少数民族",), "侗族": ("少数民族",)}, stopwords=frozenset()
    )
    vocabulary = _vocabulary("少数民族文化服务")
    terms = prune(plan_query("苗族 侗族 文化", synonyms), vocabulary).terms
    # Neither name is in the catalogue: each stands for 少数民族, which is counted once.
    assert [(t.text, t.alternatives) for t in terms] == [("少数民族", ()), ("文化", ())]


def test_leftover_characters_alone_find_nothing() -> None:
    vocabulary = _vocabulary("工伤保险", "上学", "针灸", "预防接种")
    # 工地 is nowhere in the catalogue: 上 alone would list services at random.
    assert prune(plan_query("工地上", SYNONYMS), vocabulary).terms == ()
    # A character with official synonyms of its own still counts.
    synonyms = Synonyms(mapping={"针": ("预防接种",)}, stopwords=frozenset())
    terms = prune(plan_query("工地 针", synonyms), vocabulary).terms
    assert [(t.text, t.alternatives) for t in terms] == [("针", ("预防接种",))]


def test_a_typed_word_found_nowhere_is_marked_replaced() -> None:
    synonyms = Synonyms(
        mapping={"讨薪": ("劳动报酬", "劳动关系"), "老人": ("老年人",)}, stopwords=frozenset()
    )
    vocabulary = _vocabulary("劳动关系协调", "劳动报酬", "老人", "老年人")
    terms = prune(plan_query("讨薪 老人", synonyms), vocabulary).terms
    assert [(t.text, t.alternatives, t.replaced) for t in terms] == [
        ("劳动报酬", ("劳动关系",), True),  # 讨薪 is in no document: its official words stand in
        ("老人", ("老年人",), False),  # typed and found: Meilisearch's synonyms expand it
    ]


def test_a_relative_says_who_is_asking_not_what_is_wanted() -> None:
    synonyms = Synonyms(
        mapping={"爷爷": ("老年人",), "老红军": ("优待抚恤",), "老人": ("老年人",)},
        stopwords=frozenset({"我", "是"}),
        context=frozenset({"爷爷"}),
    )
    beside = plan_query("我爷爷是老红军", synonyms)
    assert [t.text for t in beside.main_terms] == ["老红军"]  # chooses the documents
    assert [t.text for t in beside.minor_terms] == ["爷爷"]  # only ranks them
    alone = plan_query("爷爷", synonyms)
    assert [t.text for t in alone.main_terms] == ["爷爷"]  # nothing else was asked
    # The same word also typed as what is wanted (老人): it is wanted, not context.
    vocabulary = _vocabulary("优待抚恤", "老年人")
    pruned = prune(plan_query("爷爷 老人 老红军", synonyms), vocabulary)
    assert [(t.text, t.context) for t in pruned.terms] == [("老年人", False), ("优待抚恤", False)]


@example(phrases=["老人", "低保"], word="低保老人")  # same length: the first phrase listed wins
@settings(max_examples=300)
@given(
    phrases=st.lists(st.text(alphabet="老人低保残疾", min_size=1, max_size=4), max_size=12),
    word=st.text(alphabet="老人低保残疾", min_size=0, max_size=8),
)
def test_phrase_inside_is_the_first_phrase_of_the_longest_first_scan(
    phrases: list[str], word: str
) -> None:
    synonyms = Synonyms(mapping=dict.fromkeys(phrases, ("x",)), stopwords=frozenset())
    scanned = next((k for k in synonyms.longest_first if len(k) > 1 and k in word), None)
    assert synonyms.phrase_inside(word) == scanned


def test_run_on_pinyin_is_cut_into_the_words_we_know() -> None:
    vocabulary = _vocabulary("低保", "公租房")

    def sounds(raw: str) -> list[str]:
        return [t.text for t in prune(plan_query(raw, SYNONYMS), vocabulary).terms]

    assert sounds("dibaobiaozhun") == ["dibao"]  # 标准 is in no name: the rest is dropped
    assert sounds("gongzufangdibao") == ["gongzufang", "dibao"]
    assert sounds("qwrtzxcvbnm") == []  # letters that start with no word add nothing
    assert sounds("dibao") == ["dibao"]  # a word we know is not cut


def test_pinyin_words_typed_apart_are_kept_apart_when_only_found_apart() -> None:
    """canjiren butie: no name sounds like 残疾人补贴 run together, but each word is found."""
    vocabulary = _vocabulary("困难残疾人生活补贴", "低保")
    pruned = prune(plan_query("canjiren butie", SYNONYMS), vocabulary)
    assert [(t.text, t.latin, t.prefix) for t in pruned.terms] == [
        ("canjiren", True, False),
        ("butie", True, True),  # the last word typed may still be unfinished
    ]
    together = prune(plan_query("yang lao", SYNONYMS), _vocabulary("社区居家养老服务"))
    assert [t.text for t in together.terms] == ["yanglao"]  # found run together: one word
    unknown = prune(plan_query("dibao qwrtz", SYNONYMS), vocabulary)
    assert [t.text for t in unknown.terms] == ["dibao"]  # a part found nowhere: run-on rules
