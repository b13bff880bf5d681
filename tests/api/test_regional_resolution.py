"""A service's fields resolve county → city → province → national, by date, on both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

DETAIL = "/api/v1/services/qianfu-test-overlay"


def _detail(client: TestClient, region: str, as_of: str) -> dict:
    response = client.get(DETAIL, params={"region": region, "as_of": as_of})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("region", "as_of", "text", "level"),
    [
        ("520102", "2025-03-01", "南明区文本", "county"),
        ("520102016", "2025-03-01", "南明区文本", "county"),  # a 街道 of 南明区 inherits it
        ("520102", "2026-02-01", "贵阳市文本", "prefecture"),  # county value has ended
        ("520103", "2025-03-01", "贵阳市文本", "prefecture"),  # another district of 贵阳
        ("520100", "2024-06-01", "贵阳市文本", "prefecture"),
        ("520100", "2023-06-01", "贵州省文本", "province"),  # city value not yet in force
        ("520200", "2025-03-01", "贵州省文本", "province"),
        ("520000", "2025-03-01", "贵州省文本", "province"),
    ],
)
def test_most_specific_value_in_force_wins(
    overlay_client: TestClient, region: str, as_of: str, text: str, level: str
) -> None:
    target = _detail(overlay_client, region, as_of)["fields"]["target"]
    assert target["value"] == text
    assert target["level"] == level
    assert target["status"] == "current"
    assert [s["id"] for s in target["sources"]] == ["qianfu-test-fixture"]
    assert target["verification"]["status"] == "sample"


def test_national_value_before_provincial_one_exists(overlay_client: TestClient) -> None:
    target = _detail(overlay_client, "520200", "2019-06-01")["fields"]["target"]
    # 2019: the province text starts 2020, the 2021 edition text starts 2021 → nothing known.
    assert target == {**target, "status": "missing", "value": None, "level": None, "sources": []}


def test_superseded_edition_text_is_labelled(overlay_client: TestClient) -> None:
    standard = _detail(overlay_client, "520102", "2026-02-01")["fields"]["standard"]
    assert standard["value"] == "全国标准文本2021"
    assert standard["status"] == "superseded"
    assert standard["edition"] == "2021"
    assert standard["level"] == "national"
    assert standard["region"] is None
    current = _detail(overlay_client, "520102", "2022-02-01")["fields"]["standard"]
    assert current["status"] == "current"


def test_missing_fields_are_null_and_flagged(overlay_client: TestClient) -> None:
    fields = _detail(overlay_client, "520000", "2025-03-01")["fields"]
    assert fields["phone"]["value"] is None
    assert fields["phone"]["status"] == "missing"
    assert fields["materials"]["value"] == ["身份证", "户口簿"]


@pytest.mark.parametrize(
    ("region", "as_of", "value", "level"),
    [
        ("520000", "2024-06-01", 100, "province"),
        ("520102", "2025-03-01", 120, "province"),
        ("520102", "2025-07-01", 150.5, "county"),
        ("520103", "2025-07-01", 120, "province"),
    ],
)
def test_amounts_resolve_by_region_and_date(
    overlay_client: TestClient, region: str, as_of: str, value: float, level: str
) -> None:
    amounts = {a["key"]: a for a in _detail(overlay_client, region, as_of)["amounts"]}
    assert amounts["monthly"]["value"] == value
    assert amounts["monthly"]["level"] == level
    assert amounts["monthly"]["unit"] == "元/人/月"
    assert amounts["unknown-amount"]["value"] is None


def test_county_only_service_is_visible_only_there(overlay_client: TestClient) -> None:
    def listed(region: str) -> set[str]:
        response = overlay_client.get("/api/v1/services", params={"region": region, "limit": 100})
        assert response.status_code == 200
        return {item["code"] for item in response.json()["items"]}

    assert "qianfu-test-county-only" in listed("520102")
    assert "qianfu-test-county-only" in listed("520102016")
    assert "qianfu-test-county-only" not in listed("520103")
    assert "qianfu-test-county-only" not in listed("520000")
    assert (
        overlay_client.get("/api/v1/services/qianfu-test-county-only?region=520102").status_code
        == 200
    )
    missing = overlay_client.get("/api/v1/services/qianfu-test-county-only?region=520103")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "service_not_found"


def test_counts_follow_region(overlay_client: TestClient) -> None:
    def elderly_count(region: str) -> int:
        areas = overlay_client.get("/api/v1/areas", params={"region": region}).json()["items"]
        return next(a["service_count"] for a in areas if a["code"] == "elderly")

    assert elderly_count("520102") == elderly_count("520000") + 1
