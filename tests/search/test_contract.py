"""One contract for every search backend: the same tests run on embedded and on Meilisearch.

Filters restrict results the same way, facet counts describe the whole result set, paging
walks every result exactly once, and bad input is refused the same way.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.paging import walk_pages

SEARCH = "/api/v1/search"


def _all_items(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    return walk_pages(client, SEARCH, page_size=20, **params)


def _codes(client: TestClient, **params: Any) -> set[str]:
    return {i.get("code") or i["id"] for i in _all_items(client, **params)}


def test_response_shape(search_client: TestClient) -> None:
    body = search_client.get(SEARCH, params={"q": "低保"}).json()
    assert body["query"] == {
        "q": "低保",
        "normalized": "低保",
        "terms": ["低保"],
        "type": "service",
    }
    assert body["items"][0]["code"] == "minimum-living-allowance"
    assert set(body["facets"]) == {"tier", "area", "category", "life_events"}
    assert body["backend"] in {"embedded", "meilisearch"}
    assert body["degraded"] is False
    assert body["did_you_mean"] == []


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("法律援助", "legal-aid"),
        ("公租房", "public-rental-housing"),
        ("失业保险", "unemployment-insurance"),
        ("预防接种", "vaccination"),
    ],
)
def test_official_name_ranks_first(search_client: TestClient, q: str, expected: str) -> None:
    items = search_client.get(SEARCH, params={"q": q}).json()["items"]
    assert items[0]["code"] == expected
    assert "<em>" in items[0]["highlight"]["name"]


def test_highlights_are_escaped_html(search_client: TestClient) -> None:
    item = search_client.get(SEARCH, params={"q": "低保"}).json()["items"][0]
    for text in item["highlight"].values():
        assert "<script" not in text
        assert text.replace("<em>", "").replace("</em>", "").count("<") == 0


@pytest.mark.parametrize(
    ("params", "field", "value"),
    [
        ({"tier": "basic"}, "tier", "basic"),
        ({"area": "vulnerable"}, "area", "vulnerable"),
        ({"category": "17"}, "category", "17"),
    ],
)
def test_filters_restrict_results(
    search_client: TestClient, params: dict[str, str], field: str, value: str
) -> None:
    items = _all_items(search_client, q="救助", **params)
    assert items
    for item in items:
        assert (item[field] or {}).get("code") == value


def test_life_event_filter(search_client: TestClient) -> None:
    with_filter = _codes(search_client, q="补贴", life_event="disability")
    assert with_filter
    assert with_filter <= _codes(search_client, q="补贴")
    assert "disability-two-subsidies" in with_filter


# Two words: no service holds both, and Meilisearch answers such service questions with one
# federated search (the whole question and each word alone); counts must still be per service.
@pytest.mark.parametrize("q", ["保险", "保险 救助"])
def test_facet_counts_describe_the_whole_result_set(search_client: TestClient, q: str) -> None:
    body = search_client.get(SEARCH, params={"q": q, "limit": 5}).json()
    items = _all_items(search_client, q=q)
    assert body["total"] == len(items)
    tiers = Counter(i["tier"]["code"] for i in items)
    assert {f["code"]: f["count"] for f in body["facets"]["tier"]} == dict(tiers)
    areas = Counter(i["area"]["code"] for i in items)
    assert {f["code"]: f["count"] for f in body["facets"]["area"]} == dict(areas)
    for facet in body["facets"]["area"]:
        assert facet["name"]  # facets carry display names


@pytest.mark.parametrize("q", ["保险", "保险 救助"])
def test_facets_follow_filters(search_client: TestClient, q: str) -> None:
    body = search_client.get(SEARCH, params={"q": q, "area": "employment"}).json()
    assert body["items"]
    assert {f["code"] for f in body["facets"]["area"]} == {"employment"}


def test_region_sees_county_city_and_province_services(search_client: TestClient) -> None:
    nanming = _codes(search_client, q="测试", region="520102")
    yunyan = _codes(search_client, q="测试", region="520103")
    province = _codes(search_client, q="测试")
    assert "qianfu-test-county-only" in nanming
    assert "qianfu-test-county-only" in _codes(search_client, q="测试", region="520102016")
    assert "qianfu-test-county-only" not in yunyan
    assert "qianfu-test-county-only" in province, "no region filter searches everything"
    assert "qianfu-test-overlay" in yunyan


@pytest.mark.parametrize("q", ["服务", "养老 救助"])
def test_paging_walks_every_result_once(search_client: TestClient, q: str) -> None:
    first = search_client.get(SEARCH, params={"q": q, "limit": 3}).json()
    items = []
    cursor = None
    while True:
        params = {"q": q, "limit": 3, **({"cursor": cursor} if cursor else {})}
        body = search_client.get(SEARCH, params=params).json()
        items += [i["code"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(items) == len(set(items)) == first["total"]


def test_provider_search_with_region_and_facets(search_client: TestClient) -> None:
    body = search_client.get(SEARCH, params={"q": "养老", "type": "provider"}).json()
    assert body["query"]["type"] == "provider"
    assert body["items"]
    assert all(i["sample"] is True for i in body["items"]), "generated providers are flagged"
    assert all("示例" in i["name"] for i in body["items"])
    assert set(body["facets"]) == {"type", "county"}
    nanming = _all_items(search_client, q="养老", type="provider", region="520102")
    assert nanming
    assert all(i["county"]["code"] == "520102" for i in nanming)
    city = _all_items(search_client, q="养老", type="provider", region="520100")
    assert {i["county"]["code"][:4] for i in city} == {"5201"}
    assert len(city) >= len(nanming)


def test_two_word_provider_query(search_client: TestClient) -> None:
    items = search_client.get(SEARCH, params={"q": "南明区 托育", "type": "provider"}).json()[
        "items"
    ]
    assert items
    top = items[0]
    assert top["county"]["code"] == "520102"
    assert top["type"]["code"] == "childcare"


def test_county_names_stay_whole(search_client: TestClient) -> None:
    """jieba alone splits 七星关区 into 七星 + 关区; the catalogue's region names teach it."""
    body = search_client.get(SEARCH, params={"q": "七星关区 日间照料", "type": "provider"}).json()
    assert body["query"]["terms"] == ["七星关区", "日间照料"]


@pytest.mark.parametrize(
    ("q", "alone", "type"),
    [("托育 市", "托育", "provider"), ("打官司 钱", "打官司", "service")],
)
def test_a_lone_character_beside_a_word_chooses_no_results(
    search_client: TestClient, q: str, alone: str, type: str
) -> None:
    """市 is in most provider documents: it may rank, but the word decides what is found."""
    with_character = _codes(search_client, q=q, type=type)
    assert with_character
    assert with_character == _codes(search_client, q=alone, type=type)


@pytest.mark.parametrize("q", ["生育津贴发", "生育津贴 发"])
def test_a_lone_character_does_not_outrank_the_word(search_client: TestClient, q: str) -> None:
    """发 (in 发放, 发生 …) is beside 生育津贴, an alias of 生育保险: the alias decides the top."""
    items = search_client.get(SEARCH, params={"q": q}).json()["items"]
    assert items[0]["code"] == "maternity-insurance"


@pytest.mark.parametrize(
    ("q", "wanted"),
    [
        # each word is found alone, but no service holds both
        ("突然 大病", {"temporary-assistance", "medical-assistance"}),
        # 看电视 occurs only inside a longer word (观看电视)
        ("聋哑人看电视", {"tv-viewing", "disability-culture-sports-services"}),
    ],
)
def test_words_never_found_together_still_find_services(
    search_client: TestClient, q: str, wanted: set[str]
) -> None:
    """A question no one service answers word for word lists the services for its parts,
    not an empty page (Meilisearch's own strategy returned nothing for both)."""
    codes = [i["code"] for i in search_client.get(SEARCH, params={"q": q}).json()["items"][:3]]
    assert wanted & set(codes)


@pytest.mark.parametrize("q", ["讨薪", "老板不给工资"])
def test_a_colloquial_word_found_nowhere_finds_every_official_meaning(
    search_client: TestClient, q: str
) -> None:
    """讨薪 stands for 劳动报酬 or 劳动关系: the service named 劳动关系协调 comes first, ahead of
    legal aid, which mentions 劳动报酬 among its matters (and follows)."""
    codes = [i["code"] for i in search_client.get(SEARCH, params={"q": q}).json()["items"][:3]]
    assert codes[:2] == ["labor-relations-coordination", "legal-aid"]


def test_service_filters_do_not_apply_to_providers(search_client: TestClient) -> None:
    response = search_client.get(SEARCH, params={"q": "养老", "type": "provider", "tier": "basic"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_filter"


def test_zero_results_suggest_official_names(search_client: TestClient) -> None:
    body = search_client.get(SEARCH, params={"q": "飞船驾照考试"}).json()
    assert body["total"] == 0
    assert body["items"] == []
    assert isinstance(body["did_you_mean"], list)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": ""}, 422, "invalid_parameter"),
        ({"q": "   "}, 422, "invalid_parameter"),
        ({"q": "\u3000"}, 422, "invalid_parameter"),
        ({"q": "低" * 65}, 422, "invalid_parameter"),
        ({"q": "低保\ufffd"}, 422, "invalid_parameter"),
        ({"q": "低保", "region": "110101"}, 404, "region_not_found"),
        ({"q": "低保", "region": '520102" OR tier = "basic'}, 422, "invalid_parameter"),
        ({"q": "低保", "area": "NOT"}, 422, "invalid_parameter"),
        ({"q": "低保", "category": "_geoRadius(0,0,1)"}, 422, "invalid_parameter"),
        ({"q": "低保", "life_event": "no-such-event"}, 404, "life_event_not_found"),
        ({"q": "低保", "limit": 0}, 422, "invalid_parameter"),
        ({"q": "低保", "limit": 101}, 422, "invalid_parameter"),
        ({"q": "低保", "cursor": "czE6OTk5OTk5"}, 400, "invalid_cursor"),
        ({"q": "低保", "cursor": "notacursor"}, 400, "invalid_cursor"),
        ({"q": "低保", "type": "everything"}, 422, "invalid_parameter"),
    ],
)
def test_bad_input_is_refused_clearly(
    search_client: TestClient, params: dict[str, Any], status: int, code: str
) -> None:
    response = search_client.get(SEARCH, params=params)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "*",
        ":",
        "(",
        ")",
        "NEAR(",
        "AND",
        "OR x",
        "-低保",
        "a:b",
        "低保\x00",
        "\x1b[31m",
        "'",
        "\\",
    ],
)
def test_query_syntax_characters_are_plain_text(search_client: TestClient, q: str) -> None:
    response = search_client.get(SEARCH, params={"q": q})
    assert response.status_code in {200, 422}, response.text
    if response.status_code == 200:
        assert isinstance(response.json()["items"], list)


def test_suggest_prefixes(search_client: TestClient) -> None:
    body = search_client.get("/api/v1/suggest", params={"q": "法律"}).json()
    assert 1 <= len(body["items"]) <= 10
    assert body["items"][0] == {"text": "法律援助", "code": "legal-aid", "type": "service"}
    pinyin = search_client.get("/api/v1/suggest", params={"q": "gongzu"}).json()["items"]
    assert "public-rental-housing" in [i["code"] for i in pinyin]
    assert search_client.get("/api/v1/suggest", params={"q": "法", "limit": 11}).status_code == 422


def _suggested(client: TestClient, q: str) -> list[str]:
    return [i["code"] for i in client.get("/api/v1/suggest", params={"q": q}).json()["items"]]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("社区居家养老服务", "community-home-elderly-care"),
        ("计划生育家庭特别扶助", "family-planning-special-assistance"),
        ("退役军人就业创业服务", "veteran-employment-entrepreneurship"),
    ],
)
def test_suggestions_follow_a_name_as_it_is_typed(
    search_client: TestClient, name: str, code: str
) -> None:
    """Search-as-you-type: every prefix of two characters or more lists the service."""
    for n in range(2, len(name) + 1):
        assert code in _suggested(search_client, name[:n]), name[:n]


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("居家养", "community-home-elderly-care"),  # segmented 居 / 家养: no name holds 家养
        ("产妇健康", "maternal-health-service"),  # from the middle of 孕产妇健康服务
        ("农村危", "rural-dilapidated-housing-renovation"),  # 危 of 危房 still being typed
        ("居家养劳", "community-home-elderly-care"),  # a homophone typo (劳 for 老)
        ("计划生育特", "family-planning-special-assistance"),  # 计划生育家庭特别扶助
    ],
)
def test_suggestions_for_half_typed_words(search_client: TestClient, q: str, code: str) -> None:
    assert _suggested(search_client, q)[:1] == [code]


@pytest.mark.parametrize(
    ("q", "code"),
    [("居家养", "community-home-elderly-care"), ("经管缺陷", "folic-acid-supplementation")],
)
def test_a_half_typed_word_finds_the_service(search_client: TestClient, q: str, code: str) -> None:
    """Words the segmenter cuts into pieces no service holds are still found by sound."""
    items = search_client.get(SEARCH, params={"q": q}).json()["items"]
    assert [i["code"] for i in items[:1]] == [code]


def test_two_character_queries_work(search_client: TestClient) -> None:
    for q, code in (
        ("低保", "minimum-living-allowance"),
        ("医保", None),
        ("托育", "inclusive-childcare"),
    ):
        items = search_client.get(SEARCH, params={"q": q}).json()["items"]
        assert items, q
        if code:
            assert items[0]["code"] == code
