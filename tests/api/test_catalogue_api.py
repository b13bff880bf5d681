"""The catalogue API on the shipped seed: lists, counts, filters, pagination, detail, regions."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.domain import FIELD_KINDS


def test_api_root_lists_links_and_editions(client: TestClient) -> None:
    body = client.get("/api/v1").json()
    assert body["version"]
    assert body["links"]["services"] == "/api/v1/services"
    editions = {e["code"]: e for e in body["data"]["editions"]}
    assert set(editions) == {"2021", "2023"}
    assert editions["2021"]["valid_to"] == editions["2023"]["valid_from"]
    assert len(body["data"]["seed_sha256"]) == 64


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/api/v1/healthz").json() == {"status": "pass", "checks": {}}
    ready = client.get("/api/v1/readyz")
    assert ready.status_code == 200
    assert {k: v["status"] for k, v in ready.json()["checks"].items()} == {
        "database": "pass",
        "migrations": "pass",
        "seed": "pass",
        "search": "pass",
    }
    assert ready.headers["cache-control"] == "no-store"


def test_nine_areas_and_twenty_two_categories_with_counts(client: TestClient) -> None:
    areas = client.get("/api/v1/areas").json()["items"]
    assert [a["name"] for a in areas] == [
        "幼有所育",
        "学有所教",
        "劳有所得",
        "病有所医",
        "老有所养",
        "住有所居",
        "弱有所扶",
        "优军服务保障",
        "文体服务保障",
    ]
    assert all(a["service_count"] > 0 for a in areas), "every area has at least one service"
    total = client.get("/api/v1/services", params={"limit": 1}).json()["total"]
    assert sum(a["service_count"] for a in areas) == total
    categories = client.get("/api/v1/categories").json()["items"]
    assert [c["code"] for c in categories] == [f"{n:02d}" for n in range(1, 23)]
    listed = client.get("/api/v1/services", params={"limit": 100}).json()["items"]
    placed = [s for s in listed if s["category"] is not None]
    assert sum(c["service_count"] for c in categories) == len(placed)
    assert all(s["tier"]["code"] == "basic" for s in placed), "only standard items have 大类"
    vulnerable = client.get("/api/v1/categories", params={"area": "vulnerable"}).json()["items"]
    assert [c["code"] for c in vulnerable] == ["17", "18", "19"]


def test_life_event_counts_match_filtered_lists(client: TestClient) -> None:
    for event in client.get("/api/v1/life-events").json()["items"]:
        listed = client.get("/api/v1/services", params={"life_event": event["code"], "limit": 1})
        assert listed.json()["total"] == event["service_count"], event["code"]


def test_filters_narrow_the_list(client: TestClient) -> None:
    def codes(**params: str) -> set[str]:
        items: set[str] = set()
        cursor = None
        while True:
            query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
            body = client.get("/api/v1/services", params=query).json()
            items |= {item["code"] for item in body["items"]}
            cursor = body["next_cursor"]
            if cursor is None:
                return items

    everything = codes()
    basic, inclusive, life = codes(tier="basic"), codes(tier="inclusive"), codes(tier="life")
    assert basic | inclusive | life == everything
    assert not basic & inclusive
    veterans = codes(area="veterans")
    assert "preferential-treatment-and-pensions" in veterans
    assert veterans <= everything
    assert codes(category="20") <= veterans
    assert codes(edition="2023") <= everything
    assert codes(edition="2021") | codes(edition="2023") <= basic


def test_cursor_pagination_walks_every_service_once(client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    total = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/services", params=params).json()
        total = body["total"]
        assert len(body["items"]) <= 3
        seen += [item["code"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == total


def test_service_detail_resolves_every_field_with_provenance(client: TestClient) -> None:
    body = client.get(
        "/api/v1/services/preferential-treatment-and-pensions",
        params={"region": "520102", "as_of": "2022-01-01"},
    ).json()
    assert body["region"]["code"] == "520102"
    assert set(body["fields"]) == set(FIELD_KINDS)
    target = body["fields"]["target"]
    assert target["status"] == "current"
    assert target["level"] == "national"
    assert target["edition"] == "2021"
    assert target["sources"], "a resolved value always names its source"
    assert body["standard"][0]["item_no"] == "20.(1)"
    assert body["standard"][0]["in_force"] is True
    assert body["sources"]


def test_every_seeded_service_has_sources(client: TestClient) -> None:
    body = client.get("/api/v1/services", params={"limit": 100}).json()
    for item in body["items"]:
        detail = client.get(f"/api/v1/services/{item['code']}").json()
        assert detail["sources"], item["code"]
        for field in detail["fields"].values():
            assert (field["value"] is None) == (field["status"] == "missing")
            if field["value"] is not None:
                assert field["sources"], (item["code"], field["field"])
                assert field["verification"], (item["code"], field["field"])


def test_regions_list_detail_children(client: TestClient) -> None:
    prefectures = client.get("/api/v1/regions", params={"level": "prefecture"}).json()
    assert prefectures["total"] == 9
    counties = client.get("/api/v1/regions", params={"level": "county", "limit": 100}).json()
    assert counties["total"] == 88
    townships = client.get("/api/v1/regions", params={"level": "township", "limit": 1}).json()
    assert townships["total"] == 1510
    nanming = client.get("/api/v1/regions/520102").json()
    assert nanming["name"] == "南明区"
    assert nanming["parent"] == {"code": "520100", "name": "贵阳市", "level": "prefecture"}
    assert nanming["seat"]["coordtype"] == "gcj02"
    assert "CC BY 4.0" in nanming["source"]
    assert nanming["verification"]["status"] == "unverified"
    children = client.get("/api/v1/regions/520102/children", params={"limit": 100}).json()
    assert children["total"] == nanming["children_count"] > 0
    assert all(c["code"].startswith("520102") and len(c["code"]) == 9 for c in children["items"])
    township = client.get(f"/api/v1/regions/{children['items'][0]['code']}").json()
    assert township["seat"] is None, "乡镇 seats are unknown and must not be invented"
    by_parent = client.get("/api/v1/regions", params={"parent": "520000"}).json()
    assert by_parent["total"] == 9
